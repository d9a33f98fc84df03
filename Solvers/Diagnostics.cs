using AnalogNN.Circuit;

namespace AnalogNN.Solvers;

/// <summary>Turns a failed factorization into a message a user can act on.</summary>
internal static class Diagnostics
{
    /// <summary>
    /// Explains a singular matrix. Two causes cover nearly every real case: a loop of voltage
    /// sources (their branch equations are dependent) and a group of nodes without a DC path to
    /// ground (their KCL rows sum to zero). Both are found from the circuit and the loaded matrix;
    /// otherwise the unknown where elimination stopped is named, as ngspice's "check node" does.
    /// </summary>
    public static SimulationException Singular(MnaSystem system, int unknown)
    {
        double? time = system.Context.Analysis == AnalysisKind.Transient ? system.Context.Time : null;
        string at = time is double t ? $" at time {t:G6} s" : "";
        var loop = VoltageLoop(system);
        if (loop is not null)
            return new SimulationException($"singular matrix{at}: loop of voltage sources {string.Join(", ", loop)}", $"i({loop[0].ToLowerInvariant()})", time);
        var floating = FloatingNodes(system);
        if (floating.Count > 0)
            return new SimulationException($"singular matrix{at}: node{(floating.Count > 1 ? "s" : "")} {string.Join(", ", floating)} ha{(floating.Count > 1 ? "ve" : "s")} no DC path to ground", $"v({floating[0]})", time);
        string name = unknown > 0 && unknown < system.Unknowns.Count ? system.Unknowns[unknown].SignalName : "?";
        return new SimulationException($"singular matrix{at}: check {name}", name, time);
    }

    /// <summary>Element names of a loop formed by branch-defining two-terminal elements (V, E, H, L in DC), or null.</summary>
    private static List<string>? VoltageLoop(MnaSystem system)
    {
        var adjacency = new Dictionary<int, List<(int Node, string Element)>>();
        foreach (var e in system.Elements)
        {
            if (!DefinesVoltage(system, e)) continue;
            int a = system.FindNode(e.Nodes[0]), b = system.FindNode(e.Nodes[1]);
            if (a < 0 || b < 0) continue;
            var path = Path(adjacency, a, b);
            if (path is not null) { path.Add(e.Name); return path; }
            Add(adjacency, a, b, e.Name);
            Add(adjacency, b, a, e.Name);
        }
        return null;
    }

    private static bool DefinesVoltage(MnaSystem system, Element e)
    {
        if (e.Nodes.Count < 2) return false;
        foreach (var u in system.Unknowns)
            if (u.Kind == UnknownKind.Current && u.Name.Equals(e.Name, StringComparison.OrdinalIgnoreCase))
                return system.Context.Analysis == AnalysisKind.Dc || !e.GetType().Name.Contains("Inductor");
        return false;
    }

    private static void Add(Dictionary<int, List<(int, string)>> adj, int from, int to, string name)
    {
        if (!adj.TryGetValue(from, out var list)) adj[from] = list = new();
        list.Add((to, name));
    }

    private static List<string>? Path(Dictionary<int, List<(int Node, string Element)>> adj, int from, int to)
    {
        if (from == to) return new List<string>();
        var previous = new Dictionary<int, (int Node, string Element)> { [from] = (-1, "") };
        var queue = new Queue<int>();
        queue.Enqueue(from);
        while (queue.Count > 0)
        {
            int n = queue.Dequeue();
            if (!adj.TryGetValue(n, out var list)) continue;
            foreach (var (m, e) in list)
            {
                if (previous.ContainsKey(m)) continue;
                previous[m] = (n, e);
                if (m == to)
                {
                    var names = new List<string>();
                    for (int k = to; k != from; k = previous[k].Node) names.Add(previous[k].Element);
                    return names;
                }
                queue.Enqueue(m);
            }
        }
        return null;
    }

    /// <summary>
    /// Node voltages in groups that no matrix entry ties to ground: connected through off-diagonal
    /// entries, and every row of the group sums to zero (no conductance to ground, no branch).
    /// </summary>
    private static List<string> FloatingNodes(MnaSystem system)
    {
        int n = system.Size;
        var parent = Enumerable.Range(0, n + 1).ToArray();
        int Find(int i) { while (parent[i] != i) i = parent[i] = parent[parent[i]]; return i; }
        var grounded = new bool[n + 1];
        var rowSum = new double[n + 1];
        var rowMax = new double[n + 1];
        var m = system.Context.Matrix;
        for (int slot = 1; slot < m.Length; slot++)
        {
            if (m[slot] == 0) continue;
            var (r, c) = system.SlotEntry(slot);
            rowSum[r] += m[slot];
            rowMax[r] = Math.Max(rowMax[r], Math.Abs(m[slot]));
            if (r != c)
            {
                if (system.Unknowns[c].Kind != UnknownKind.Voltage || system.Unknowns[r].Kind != UnknownKind.Voltage) grounded[r] = true;
                else parent[Find(r)] = Find(c);
            }
        }
        for (int i = 1; i <= n; i++)
            if (system.Unknowns[i].Kind == UnknownKind.Voltage && Math.Abs(rowSum[i]) > 1e-9 * Math.Max(rowMax[i], 1e-300)) grounded[i] = true;
        var groupGrounded = new bool[n + 1];
        for (int i = 1; i <= n; i++) if (grounded[i]) groupGrounded[Find(i)] = true;
        var result = new List<string>();
        for (int i = 1; i <= n; i++)
            if (system.Unknowns[i].Kind == UnknownKind.Voltage && !groupGrounded[Find(i)]) result.Add(system.Unknowns[i].Name);
        return result;
    }
}
