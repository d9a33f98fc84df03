using AnalogNN.Circuit;
using AnalogNN.Components;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Newton;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Solvers.Analyses;

/// <summary>One swept source of a <c>.dc</c> analysis: name, start, stop and increment (V or A).</summary>
public sealed record SweepSpec(string Source, double Start, double Stop, double Step)
{
    /// <summary>The sweep values start + k·step up to stop (inclusive within 1e-9 of a step).</summary>
    public double[] Values()
    {
        if (Step == 0 || !double.IsFinite(Step)) return [Start];
        double count = Math.Floor((Stop - Start) / Step + 1e-9);
        if (count < 0) return [Start];
        var v = new double[(int)count + 1];
        for (int k = 0; k < v.Length; k++) v[k] = Start + k * Step;
        return v;
    }
}

/// <summary>
/// DC sweep (<c>.dc SRC start stop step [SRC2 start2 stop2 step2]</c>): the first source is the
/// inner sweep; with a second source the inner sweep is repeated for each of its values. Each point
/// starts Newton from the previous point's solution (itl2) and falls back to a full DC solve.
/// </summary>
public sealed class DcSweep
{
    private readonly Circuit.Circuit _circuit;
    private readonly SweepSpec _inner;
    private readonly SweepSpec? _outer;
    private readonly SimulationOptions _options;

    /// <summary>Creates the analysis.</summary>
    public DcSweep(Circuit.Circuit circuit, SweepSpec inner, SweepSpec? outer = null, SimulationOptions? options = null)
    {
        _circuit = circuit;
        _inner = inner;
        _outer = outer;
        _options = options ?? new SimulationOptions();
    }

    /// <summary>Signals to write (<c>.save</c>); null or empty writes every node voltage, branch current and state.</summary>
    public IReadOnlyList<string>? Saves { get; init; }

    /// <summary>Engine work counters of the last run.</summary>
    public EngineStatistics? Statistics { get; private set; }

    /// <summary>Runs the sweep, writing plot "DC transfer characteristic" with the inner source as scale.</summary>
    public void Run(ISimulationOutput output)
    {
        var system = new MnaSystem(_circuit, _options);
        var newton = new NewtonRaphson(system);
        Statistics = newton.Statistics;
        var inner = Sweepable(system, _inner.Source);
        var outer = _outer is null ? null : Sweepable(system, _outer.Source);
        var signals = system.SelectSignals(Saves);
        var header = new List<Signal> { new(_inner.Source.ToLowerInvariant(), ScaleType(_inner.Source)) };
        header.AddRange(signals.Select(s => s.Signal));
        output.BeginPlot(new PlotHeader(_circuit.Title, "DC transfer characteristic", "dc", header));
        var row = new double[header.Count];
        var x = system.Context.Solution;
        bool warm = false;
        foreach (double vo in _outer?.Values() ?? [double.NaN])
        {
            outer?.SetSweepValue(vo);
            foreach (double vi in _inner.Values())
            {
                inner.SetSweepValue(vi);
                if (!warm || !TryContinue(system, newton))
                    OperatingPoint.Solve(system, newton, _circuit, useIc: false);
                warm = true;
                row[0] = vi;
                for (int k = 0; k < signals.Count; k++) row[k + 1] = system.SignalValue(signals[k].Index);
                output.WriteRow(row);
            }
        }
        output.EndPlot();
        inner.SetSweepValue(null);
        outer?.SetSweepValue(null);
    }

    private bool TryContinue(MnaSystem system, NewtonRaphson newton)
    {
        system.Context.SetDc(false, 1, _options.Gmin);
        return newton.Iterate(_options.Itl2);
    }

    private static ISweepable Sweepable(MnaSystem system, string source) =>
        system.FindBehavior(source) as ISweepable
            ?? throw new CircuitException(".dc", $"'{source}' is not an independent source in this circuit");

    private SignalType ScaleType(string source) =>
        _circuit.Find(source) is CurrentSource ? SignalType.Current : SignalType.Voltage;
}
