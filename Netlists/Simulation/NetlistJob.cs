using AnalogNN.Circuit;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Newton;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Simulation;

/// <summary>
/// Everything a netlist asks for, ready to run: one circuit per <c>.step</c> point, each with its
/// options, saved signals and analyses in netlist order. Loading parses, elaborates and builds every
/// point first, so an input error is reported before anything is simulated.
/// </summary>
public sealed class NetlistJob
{
    private readonly List<StepRun> _runs;
    private readonly List<EngineStatistics> _statistics = new();

    private sealed record StepRun(Circuit.Circuit Circuit, SimulationOptions Options, IReadOnlyList<string>? Saves,
        IReadOnlyList<Analysis> Analyses, string Label);

    private NetlistJob(string title, List<StepRun> runs, IReadOnlyList<string> warnings)
    {
        Title = title;
        _runs = runs;
        Warnings = warnings;
    }

    /// <summary>Spikes of every neuron and spike source, collected after each transient of the last <see cref="Run"/>.</summary>
    public Waveforms.SpikeRecorder Spikes { get; private set; } = new();

    /// <summary>Netlist title.</summary>
    public string Title { get; }

    /// <summary>Formatted warnings (<c>FILE:LINE:COL: warning: ...</c>).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Number of circuits to run (one per <c>.step</c> point).</summary>
    public int RunCount => _runs.Count;

    /// <summary>True if some run has a transient analysis (for progress display).</summary>
    public bool HasTransient => _runs.Any(r => r.Analyses.Any(a => a is TranAnalysis));

    /// <summary>The built circuit of run <paramref name="index"/>.</summary>
    public Circuit.Circuit CircuitOf(int index = 0) => _runs[index].Circuit;

    /// <summary>The options (<c>.options</c>) of run <paramref name="index"/>.</summary>
    public SimulationOptions OptionsOf(int index = 0) => _runs[index].Options;

    /// <summary>Parses, elaborates and builds a netlist file (<paramref name="path"/> as the user wrote it, used in messages).</summary>
    /// <exception cref="NetlistException">Every input error, located.</exception>
    public static NetlistJob Load(string path) => FromSyntax(NetlistParser.ParseFile(path));

    /// <summary>Same as <see cref="Load"/> for netlist text.</summary>
    public static NetlistJob FromText(string text, string fileName = "netlist.cir") => FromSyntax(NetlistParser.Parse(text, fileName));

    private static NetlistJob FromSyntax(NetlistSyntax syntax)
    {
        var runs = new List<StepRun>();
        var warnings = new List<NetlistDiagnostic>(syntax.Diagnostics);
        var points = syntax.StepPoints();
        foreach (var point in points)
        {
            var flat = syntax.Elaborate(point);
            var built = new List<NetlistDiagnostic>();
            var circuit = CircuitBuilder.Build(flat, built);
            if (runs.Count == 0) warnings.AddRange(flat.Diagnostics.Concat(built));
            CheckSupported(flat);
            string label = point.Count == 0 ? "" : string.Join(", ", point.Select(p => $"{p.Key}={p.Value:G6}"));
            var saves = flat.Saves.Any(s => s.Kind == SaveKind.All) ? null : flat.Saves.Select(s => s.Text).ToArray();
            runs.Add(new StepRun(circuit, flat.CreateOptions(), saves, flat.Analyses, label));
        }
        var unique = warnings.Where(w => w.Severity == DiagnosticSeverity.Warning).Distinct().Select(w => w.ToString()).ToArray();
        return new NetlistJob(syntax.Title, runs, unique);
    }

    /// <summary>Analyses this engine cannot run yet are input errors at their card, reported before any simulation.</summary>
    private static void CheckSupported(FlatNetlist flat)
    {
        var errors = new List<NetlistDiagnostic>();
        foreach (var a in flat.Analyses)
            if (a is AcAnalysis)
                errors.Add(Diagnostic(flat, a.Location, "'.ac' (small-signal AC analysis) is not supported yet"));
        foreach (var s in flat.Saves)
            if (s.Reference is not null || s.Kind == SaveKind.Other && !s.Text.StartsWith("x("))
                errors.Add(Diagnostic(flat, s.Location, $"cannot save '{s.Text}': only v(node), i(source) and x(device) are supported"));
        if (errors.Count > 0) throw new NetlistException(errors);
    }

    private static NetlistDiagnostic Diagnostic(FlatNetlist flat, SourceLocation at, string message) =>
        new(at.File, at.Line, at.Column, DiagnosticSeverity.Error, message, flat.Sources.LineText(at.File, at.Line));

    /// <summary>
    /// Runs every analysis of every <c>.step</c> point in order, streaming each as one plot to
    /// <paramref name="output"/>. <paramref name="progress"/> receives the fraction of the whole job
    /// done (0…1) as transients advance.
    /// </summary>
    /// <exception cref="Solvers.SimulationException">A simulation failed (the message names node/device and time).</exception>
    /// <exception cref="CircuitException">A reference that only the engine can check (e.g. a <c>.save</c>d name) is wrong.</exception>
    public void Run(ISimulationOutput output, Action<double>? progress = null)
    {
        _statistics.Clear();
        Spikes = new Waveforms.SpikeRecorder();
        int total = _runs.Sum(r => r.Analyses.Count);
        int done = 0;
        foreach (var run in _runs)
        {
            var titled = run.Label.Length == 0 ? output : new StepTitle(output, run.Label);
            foreach (var analysis in run.Analyses)
            {
                switch (analysis)
                {
                    case OpAnalysis:
                        var op = new OperatingPoint(run.Circuit, run.Options) { Saves = run.Saves };
                        op.Run(titled);
                        _statistics.Add(op.Statistics!);
                        break;
                    case DcAnalysis dc:
                        var sweeps = dc.Sweeps.Select(s => new SweepSpec(s.Source, s.Start, s.Stop, s.Step)).ToArray();
                        var sweep = new Solvers.Analyses.DcSweep(run.Circuit, sweeps[0], sweeps.Length > 1 ? sweeps[1] : null, run.Options) { Saves = run.Saves };
                        sweep.Run(titled);
                        _statistics.Add(sweep.Statistics!);
                        break;
                    case TranAnalysis t:
                        var tran = new Transient(run.Circuit, new TransientSpec(t.Step, t.Stop, t.Start, t.MaxStep, t.UseInitialConditions), run.Options) { Saves = run.Saves };
                        int before = done;
                        if (progress is not null) tran.TimePointAccepted = time => progress((before + time / t.Stop) / total);
                        try { tran.Run(titled); }
                        finally { if (tran.System is { } system) Spikes.Collect(system.Behaviors, run.Label); }
                        _statistics.Add(tran.Statistics!);
                        break;
                }
                progress?.Invoke(++done / (double)total);
            }
        }
    }

    /// <summary>Engine counters of the last <see cref="Run"/>, one line per figure (read by the benchmark scripts).</summary>
    public string StatisticsSummary(TimeSpan elapsed)
    {
        long Sum(Func<EngineStatistics, long> f) => _statistics.Sum(f);
        return $"iterations: {Sum(s => s.Iterations)}\ntime points: {Sum(s => s.TimePoints)}\nrejected steps: {Sum(s => s.Rejections)}\n"
            + $"factorizations skipped: {Sum(s => s.FactorizationsSkipped)}\n"
            + $"factorizations: {Sum(s => s.Factorizations)}, chord iterations: {Sum(s => s.ChordIterations)}, condensed unknowns: {_statistics.LastOrDefault()?.CondensedUnknowns}\n"
            + $"reorders: {Sum(s => s.Reorders)}, fill-ins: {_statistics.LastOrDefault()?.FillIns}, L+U non-zeros: {_statistics.LastOrDefault()?.FactorNonZeros}, operations per factorization: {_statistics.LastOrDefault()?.FactorOperations}\n"
            + $"load/factor/solve: {Seconds(Sum(s => s.LoadTicks)):F3} / {Seconds(Sum(s => s.FactorTicks)):F3} / {Seconds(Sum(s => s.SolveTicks)):F3} s\n"
            + $"elapsed: {elapsed.TotalSeconds:F3} s";
        static double Seconds(long ticks) => ticks / (double)System.Diagnostics.Stopwatch.Frequency;
    }

    /// <summary>Adds the <c>.step</c> point to every plot title, so the plots of a stepped run can be told apart.</summary>
    private sealed class StepTitle(ISimulationOutput inner, string label) : ISimulationOutput
    {
        public void BeginPlot(PlotHeader header) => inner.BeginPlot(header with { Title = $"{header.Title} ({label})" });
        public void WriteRow(ReadOnlySpan<double> values) => inner.WriteRow(values);
        public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary) => inner.WriteRow(real, imaginary);
        public void EndPlot() => inner.EndPlot();
    }
}
