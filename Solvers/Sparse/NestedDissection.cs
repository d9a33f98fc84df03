namespace AnalogNN.Solvers.Sparse;

/// <summary>
/// Fill-reducing elimination order by nested dissection (George's automatic nested dissection on
/// level structures): the symmetrised graph of the pattern is split by a separator — the middle
/// level of a breadth-first level structure rooted at a pseudo-peripheral node, keeping only the
/// nodes of that level that touch the next one — the two parts are ordered recursively and the
/// separator comes last. Small parts (at most <see cref="LeafSize"/> nodes) are ordered by exact
/// minimum degree on their own subgraph. On a 2-D grid-like graph (a crossbar: row lines, column
/// lines and the devices between them) the separators are lines of the grid, so fill grows as
/// n·log n instead of the n^1.5 of a banded order. Deterministic: ties go to the lowest index.
/// </summary>
public static class NestedDissection
{
    /// <summary>Parts of at most this many nodes are ordered by minimum degree.</summary>
    public const int LeafSize = 48;

    /// <summary>
    /// Elimination order of the <paramref name="n"/> nodes of a pattern whose row i holds the columns
    /// <paramref name="pattern"/>[i] (the diagonal and the direction of an entry are ignored).
    /// Returns order[k] = node eliminated at step k.
    /// </summary>
    public static int[] Order(int n, IEnumerable<int>[] pattern)
    {
        var sets = new HashSet<int>[n];
        for (int i = 0; i < n; i++) sets[i] = new HashSet<int>();
        for (int i = 0; i < n; i++)
            foreach (int j in pattern[i])
                if (j != i) { sets[i].Add(j); sets[j].Add(i); }
        var adj = new int[n][];
        for (int i = 0; i < n; i++) { adj[i] = sets[i].ToArray(); Array.Sort(adj[i]); }
        var order = new List<int>(n);
        var part = new int[n];           // id of the part a node belongs to (0 = ordered already)
        var level = new int[n];
        Array.Fill(part, 1);
        int nextPart = 2;
        // explicit stack: (part id, nodes); a separator is pushed as already-finished output
        var stack = new Stack<(int Id, List<int> Nodes, bool Emit)>();
        stack.Push((1, Enumerable.Range(0, n).ToList(), false));
        var queue = new Queue<int>();
        while (stack.Count > 0)
        {
            var (id, nodes, emit) = stack.Pop();
            if (emit) { order.AddRange(nodes); continue; }
            if (nodes.Count <= LeafSize)
            {
                MinimumDegree(nodes, adj, part, id, order);
                continue;
            }
            // split off the connected component of the lowest node; the rest is a part of its own
            var component = Component(nodes[0], adj, part, id, queue);
            if (component.Count < nodes.Count)
            {
                int restId = nextPart++, compId = nextPart++;
                var rest = new List<int>(nodes.Count - component.Count);
                foreach (int v in component) part[v] = compId;
                foreach (int v in nodes) if (part[v] == id) { part[v] = restId; rest.Add(v); }
                stack.Push((restId, rest, false));
                stack.Push((compId, component, false));
                continue;
            }
            int root = PseudoPeripheral(nodes[0], adj, part, id, level, queue, out int depth);
            Levels(root, adj, part, id, level, queue);
            var count = new int[depth + 1];
            foreach (int v in nodes) count[level[v]]++;
            int middle = 0;
            for (int sum = 0; middle < depth; middle++)
            {
                sum += count[middle];
                if (2 * sum >= nodes.Count) break;
            }
            var separator = new List<int>();
            var a = new List<int>();
            var b = new List<int>();
            foreach (int v in nodes)
            {
                if (level[v] < middle) a.Add(v);
                else if (level[v] > middle) b.Add(v);
                else if (adj[v].Any(w => part[w] == id && level[w] == middle + 1)) separator.Add(v);
                else a.Add(v);
            }
            if (separator.Count == 0 || b.Count == 0 || a.Count == 0)
            {
                MinimumDegree(nodes, adj, part, id, order);
                continue;
            }
            int aId = nextPart++, bId = nextPart++;
            foreach (int v in a) part[v] = aId;
            foreach (int v in b) part[v] = bId;
            foreach (int v in separator) part[v] = 0;
            stack.Push((0, separator, true));
            stack.Push((bId, b, false));
            stack.Push((aId, a, false));
        }
        return order.ToArray();
    }

    private static List<int> Component(int start, int[][] adj, int[] part, int id, Queue<int> queue)
    {
        var seen = new List<int> { start };
        var mark = new HashSet<int> { start };
        queue.Clear();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            int v = queue.Dequeue();
            foreach (int w in adj[v])
                if (part[w] == id && mark.Add(w)) { seen.Add(w); queue.Enqueue(w); }
        }
        seen.Sort();
        return seen;
    }

    /// <summary>Breadth-first levels from <paramref name="root"/> within part <paramref name="id"/>; returns the depth.</summary>
    private static int Levels(int root, int[][] adj, int[] part, int id, int[] level, Queue<int> queue)
    {
        // level −1 marks unvisited nodes of the part; the caller's nodes are reset through the BFS itself
        var visited = new List<int> { root };
        level[root] = 0;
        queue.Clear();
        queue.Enqueue(root);
        var inPart = new HashSet<int> { root };
        int depth = 0;
        while (queue.Count > 0)
        {
            int v = queue.Dequeue();
            foreach (int w in adj[v])
                if (part[w] == id && inPart.Add(w))
                {
                    level[w] = level[v] + 1;
                    depth = Math.Max(depth, level[w]);
                    queue.Enqueue(w);
                }
        }
        return depth;
    }

    /// <summary>A node of (nearly) greatest eccentricity: repeat BFS from a deepest node of smallest degree until the depth stops growing.</summary>
    private static int PseudoPeripheral(int start, int[][] adj, int[] part, int id, int[] level, Queue<int> queue, out int depth)
    {
        int root = start;
        depth = Levels(root, adj, part, id, level, queue);
        for (int pass = 0; pass < 8; pass++)
        {
            int best = -1, bestDegree = int.MaxValue;
            // nodes of the deepest level, found by a BFS from the root again (level[] holds it)
            var frontier = new List<int>();
            CollectLevel(root, adj, part, id, level, depth, frontier, queue);
            foreach (int v in frontier)
            {
                int d = adj[v].Count(w => part[w] == id);
                if (d < bestDegree || (d == bestDegree && v < best)) { best = v; bestDegree = d; }
            }
            int newDepth = Levels(best, adj, part, id, level, queue);
            if (newDepth <= depth) { Levels(root, adj, part, id, level, queue); break; }
            root = best;
            depth = newDepth;
        }
        return root;
    }

    private static void CollectLevel(int root, int[][] adj, int[] part, int id, int[] level, int target, List<int> into, Queue<int> queue)
    {
        var inPart = new HashSet<int> { root };
        queue.Clear();
        queue.Enqueue(root);
        if (target == 0) into.Add(root);
        while (queue.Count > 0)
        {
            int v = queue.Dequeue();
            foreach (int w in adj[v])
                if (part[w] == id && inPart.Add(w))
                {
                    if (level[w] == target) into.Add(w);
                    queue.Enqueue(w);
                }
        }
        into.Sort();
    }

    /// <summary>Exact minimum degree on the subgraph of part <paramref name="id"/> (its elimination graph kept as sets).</summary>
    private static void MinimumDegree(List<int> nodes, int[][] adj, int[] part, int id, List<int> order)
    {
        var g = new Dictionary<int, HashSet<int>>(nodes.Count);
        foreach (int v in nodes) g[v] = new HashSet<int>(adj[v].Where(w => part[w] == id));
        var remaining = new SortedSet<int>(nodes);
        while (remaining.Count > 0)
        {
            int best = -1, bestDegree = int.MaxValue;
            foreach (int v in remaining)
                if (g[v].Count < bestDegree) { best = v; bestDegree = g[v].Count; }
            order.Add(best);
            remaining.Remove(best);
            part[best] = 0;
            var nb = g[best].ToArray();
            foreach (int u in nb)
            {
                g[u].Remove(best);
                foreach (int w in nb) if (w != u) g[u].Add(w);
            }
            g.Remove(best);
        }
    }
}
