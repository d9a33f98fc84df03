using AnalogNN.Circuit;
using AnalogNN.Solvers.Newton;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Solvers.Analyses;

/// <summary>DC operating point (<c>.op</c>): capacitors open, inductors shorted, sources at their DC values.</summary>
public sealed class OperatingPoint
{
    private readonly Circuit.Circuit _circuit;
    private readonly SimulationOptions _options;

    /// <summary>Creates the analysis.</summary>
    public OperatingPoint(Circuit.Circuit circuit, SimulationOptions? options = null)
    {
        _circuit = circuit;
        _options = options ?? new SimulationOptions();
    }

    /// <summary>Signals to write (<c>.save</c>); null or empty writes every node voltage, branch current and state.</summary>
    public IReadOnlyList<string>? Saves { get; init; }

    /// <summary>Engine work counters of the last run.</summary>
    public EngineStatistics? Statistics { get; private set; }

    /// <summary>Solves the operating point and writes one row to <paramref name="output"/> (plot "Operating Point").</summary>
    /// <returns>The solution by signal name (<c>v(out)</c>, <c>i(v1)</c>).</returns>
    public IReadOnlyDictionary<string, double> Run(ISimulationOutput? output = null)
    {
        var system = new MnaSystem(_circuit, _options);
        var newton = new NewtonRaphson(system);
        Statistics = newton.Statistics;
        Solve(system, newton, _circuit, useIc: false);
        var signals = system.SelectSignals(Saves);
        var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (s, i) in signals) result[s.Name] = system.SignalValue(i);
        if (output is not null)
        {
            output.BeginPlot(new PlotHeader(_circuit.Title, "Operating Point", "op", signals.Select(s => s.Signal).ToArray()));
            output.WriteRow(signals.Select(s => system.SignalValue(s.Index)).ToArray());
            output.EndPlot();
        }
        return result;
    }

    /// <summary>
    /// Operating point with the netlist's hints: <c>.nodeset</c> values clamp their nodes for a first
    /// solve and are then released; <c>.ic</c> values (when <paramref name="useIc"/> is false, i.e. a
    /// transient without UIC) clamp their nodes throughout, so the transient starts from them.
    /// </summary>
    internal static void Solve(MnaSystem system, NewtonRaphson newton, Circuit.Circuit circuit, bool useIc)
    {
        var opt = system.Options;
        if (circuit.NodeSets.Count > 0)
        {
            foreach (var (node, value) in circuit.NodeSets) Clamp(system, newton, node, value, ".nodeset");
            newton.ClampsEnabled = true;
            try { DcSolver.Solve(system, newton, opt.Itl1, warm: false); }
            catch (SimulationException) { /* a bad hint only costs the hint */ }
            newton.ClampsEnabled = false;
            newton.ClearClamps();
        }
        if (!useIc && circuit.InitialConditions.Count > 0)
        {
            foreach (var (node, value) in circuit.InitialConditions) Clamp(system, newton, node, value, ".ic");
            newton.ClampsEnabled = true;
        }
        try { DcSolver.Solve(system, newton, opt.Itl1, warm: circuit.NodeSets.Count > 0); }
        finally { newton.ClampsEnabled = false; }
    }

    private static void Clamp(MnaSystem system, NewtonRaphson newton, string node, double value, string card)
    {
        int i = system.FindNode(node);
        if (i < 0) throw new CircuitException(card, $"node '{node}' does not exist");
        if (i > 0) newton.SetClamp(i, value);
    }
}
