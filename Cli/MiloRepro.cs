using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AnalogNN.Cli.Plotting;
using AnalogNN.Learning.Experiments;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Waveforms;
using OxyPlot;

namespace AnalogNN.Cli;

/// <summary>
/// Experiments 2–4 of <c>repro milo-hopfield</c> (64 neurons): training with 'X' then 'C' at circuit
/// level (Fig. 4), recall from partial cues at circuit level with network-level companions and the τ
/// sweep at network level (Fig. 5), error correction at network level (Fig. 6). Each adds its metrics
/// and writes its figures and data into the output folder.
/// </summary>
internal sealed class MiloRepro(string dir, string format, bool quick, ulong seed, SortedDictionary<string, double> metrics, StringBuilder levels)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly int[] X = MiloPatterns.X, C = MiloPatterns.C;
    private static readonly int[] Others = Enumerable.Range(0, MiloPatternExperiments.N).Except(MiloPatterns.X).Except(MiloPatterns.C).ToArray();

    private string Path(string name) => System.IO.Path.Combine(dir, $"{name}.{format}");

    private static void Log(string text) => Console.Error.WriteLine(text);

    // ------------------------------------------------------------------ experiment 2

    /// <summary>Training, circuit level. Returns the trained network.</summary>
    public MiloPatternTraining Experiment2()
    {
        double phase = quick ? 0.5 : 5;
        Log($"milo-hopfield: experiment 2, 64 neurons, 8064 1T1R cells, 'X' then 'C' for {phase} s each at 200 Hz, circuit level");
        var lastReport = DateTime.UtcNow;
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var t = MiloPatternExperiments.TrainCircuit(phase, seed, every: quick ? 0.05 : 0.1, progress: f =>
        {
            if ((DateTime.UtcNow - lastReport).TotalSeconds < 30) return;
            lastReport = DateTime.UtcNow;
            Log($"  experiment 2: {100 * f:F0} % of the circuit time");
        });
        levels.AppendLine(Inv, $"experiment 2 (training, Fig. 4): circuit level (MNA engine, {t.Cost!.Unknowns} unknowns), {2 * phase} s of circuit time");
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp2.cir"), t.Netlist);
        var plotter = new WeightMapPlotter { Size = 420 };
        // the patterns
        plotter.Save(PatternMap(X), "pattern 'X' (training 0 s to " + phase.ToString("G3", Inv) + " s)", Path("exp2-pattern-x"), true);
        plotter.Save(PatternMap(C), "pattern 'C' (training " + phase.ToString("G3", Inv) + " s to " + (2 * phase).ToString("G3", Inv) + " s)", Path("exp2-pattern-c"), true);
        var csv = new StringBuilder("time,kind,pre,post,x\n");
        foreach (double time in new[] { 0, phase, 2 * phase })
        {
            var (at, e, h) = t.At(time);
            string label = time.ToString("0.##", Inv);
            plotter.Save(e, $"excitatory, t = {label} s", Path($"exp2-exc-t{label}"), true);
            plotter.Save(h, $"inhibitory, t = {label} s", Path($"exp2-inh-t{label}"), false);
            for (int i = 0; i < 64; i++)
                for (int j = 0; j < 64; j++)
                    if (i != j)
                    {
                        csv.Append(Inv, $"{at:R},exc,{i + 1},{j + 1},{e[i, j]:R}\n");
                        csv.Append(Inv, $"{at:R},inh,{i + 1},{j + 1},{h[i, j]:R}\n");
                    }
        }
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp2-weights.csv"), csv.ToString());
        // evolution (Fig. 4f)
        var times = t.Samples.Select(s => s.Time).ToArray();
        double[] Series(Func<(double, double[,], double[,]), double> f) => t.Samples.Select(f).ToArray();
        var evo = new StringBuilder("time,exc_xx,exc_cc,exc_xc,exc_cx,exc_other,inh_xx,inh_cc,inh_xc,inh_cx,inh_other\n");
        foreach (var s in t.Samples)
            evo.Append(Inv, $"{s.Time:R},{MiloPatternTraining.Mean(s.Excitatory, X, X):R},{MiloPatternTraining.Mean(s.Excitatory, C, C):R},{MiloPatternTraining.Mean(s.Excitatory, X, C):R},{MiloPatternTraining.Mean(s.Excitatory, C, X):R},{OtherMean(s.Excitatory):R},"
                + $"{MiloPatternTraining.Mean(s.Inhibitory, X, X):R},{MiloPatternTraining.Mean(s.Inhibitory, C, C):R},{MiloPatternTraining.Mean(s.Inhibitory, X, C):R},{MiloPatternTraining.Mean(s.Inhibitory, C, X):R},{OtherMean(s.Inhibitory):R}\n");
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp2-evolution.csv"), evo.ToString());
        ChartPanel Panel(string title, bool excitatory)
        {
            var lines = new List<ChartLine>();
            OxyColor blue = OxyColor.FromArgb(60, 33, 102, 172), green = OxyColor.FromArgb(60, 26, 150, 65);
            // every synapse inside each pattern, thin
            foreach (var (set, color) in new[] { (X, blue), (C, green) })
                foreach (int i in set)
                    foreach (int j in set)
                        if (i != j) lines.Add(new ChartLine(null, times, Series(s => (excitatory ? s.Item2 : s.Item3)[i, j]), color, Thickness: 0.6));
            string? L(string text) => excitatory ? text : null;   // one legend for both panels
            lines.Add(new ChartLine(L("'X' synapses (thin: each; thick: mean)"), times, Series(s => MiloPatternTraining.Mean(excitatory ? s.Item2 : s.Item3, X, X)), OxyColor.FromRgb(33, 102, 172), Thickness: 2.5));
            lines.Add(new ChartLine(L("'C' synapses"), times, Series(s => MiloPatternTraining.Mean(excitatory ? s.Item2 : s.Item3, C, C)), OxyColor.FromRgb(26, 150, 65), Thickness: 2.5));
            lines.Add(new ChartLine(L("X -> C (mean)"), times, Series(s => MiloPatternTraining.Mean(excitatory ? s.Item2 : s.Item3, X, C)), OxyColors.DarkOrange, Dashed: true));
            lines.Add(new ChartLine(L("C -> X (mean)"), times, Series(s => MiloPatternTraining.Mean(excitatory ? s.Item2 : s.Item3, C, X)), OxyColors.Purple, Dashed: true));
            lines.Add(new ChartLine(L("all others (mean)"), times, Series(s => OtherMean(excitatory ? s.Item2 : s.Item3)), OxyColors.Gray));
            return new ChartPanel(title, "time (s)", "x", lines, -0.02, 1.02);
        }
        ChartPlotter.Save([Panel("excitatory", true), Panel("inhibitory", false)], Path("exp2-evolution"), 1000, 300);
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp2-spikes.csv"), SpikesCsv(t.Spikes));
        new RasterPlotter().Save(Recorder(t.Spikes, 0, 2 * phase), $"Milo exp. 2: training, 'X' (0-{phase:G3} s) then 'C' ({phase:G3}-{2 * phase:G3} s), neurons that fired", Path("exp2-raster"));

        var fin = t.Final;
        double q = phase / 4;
        Add("exp2.exc_x_x_final", MiloPatternTraining.Mean(fin.Excitatory, X, X));
        Add("exp2.exc_x_c_final", MiloPatternTraining.Mean(fin.Excitatory, C, C));
        Add("exp2.exc_x_x_to_c_final", MiloPatternTraining.Mean(fin.Excitatory, X, C));
        Add("exp2.exc_x_c_to_x_final", MiloPatternTraining.Mean(fin.Excitatory, C, X));
        Add("exp2.exc_x_other_final", OtherMean(fin.Excitatory));
        Add("exp2.inh_x_x_final", MiloPatternTraining.Mean(fin.Inhibitory, X, X));
        Add("exp2.inh_x_c_final", MiloPatternTraining.Mean(fin.Inhibitory, C, C));
        Add("exp2.inh_x_x_to_c_final", MiloPatternTraining.Mean(fin.Inhibitory, X, C));
        Add("exp2.inh_x_c_to_x_final", MiloPatternTraining.Mean(fin.Inhibitory, C, X));
        Add("exp2.inh_x_other_final", OtherMean(fin.Inhibitory));
        var mid = t.At(phase);
        Add("exp2.exc_x_x_at_switch", MiloPatternTraining.Mean(mid.Excitatory, X, X));
        Add("exp2.exc_x_c_at_switch", MiloPatternTraining.Mean(mid.Excitatory, C, C));
        Add("exp2.rate_hz_x_first_quarter", t.Rate(X, 0, q));
        Add("exp2.rate_hz_x_while_x", t.Rate(X, phase - q, phase));
        Add("exp2.rate_hz_x_while_c", t.Rate(X, phase + q, 2 * phase));
        Add("exp2.rate_hz_c_while_c", t.Rate(C, 2 * phase - q, 2 * phase));
        Add("exp2.rate_hz_others", t.Rate(Others, 0, 2 * phase));
        Add("exp2.programming_events_total", t.ProgrammingEvents);
        Add("exp2.programming_energy_j", t.ProgrammingEnergy);
        var cost = t.Cost!;
        Add("exp2.circuit_seconds", 2 * phase);
        Add("exp2.wall_seconds", cost.Seconds);
        // one thread simulates: on a quiet machine CPU and wall time agree; under load CPU is the fairer figure
        Add("exp2.cpu_seconds", (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        Add("exp2.setup_seconds", cost.SetupSeconds);
        Add("exp2.time_points", cost.TimePoints);
        Add("exp2.newton_iterations", cost.Iterations);
        Add("exp2.rejected_steps", cost.Rejections);
        Add("exp2.load_seconds", cost.LoadSeconds);
        Add("exp2.factor_seconds", cost.FactorSeconds);
        Add("exp2.solve_seconds", cost.SolveSeconds);
        Add("exp2.unknowns", cost.Unknowns);
        Add("exp2.factor_operations", cost.FactorOperations);
        Log($"  experiment 2: {cost.Seconds:F0} s wall ({cost.TimePoints} points, {cost.Iterations} iterations; load/factor/solve {cost.LoadSeconds:F0}/{cost.FactorSeconds:F0}/{cost.SolveSeconds:F0} s)");
        return t;
    }

    private static double OtherMean(double[,] map)
    {
        // every synapse not inside 'X', not inside 'C' and not between them
        double sum = 0;
        int count = 0;
        var inX = new bool[64];
        var inC = new bool[64];
        foreach (int k in X) inX[k] = true;
        foreach (int k in C) inC[k] = true;
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
            {
                if (i == j || ((inX[i] || inC[i]) && (inX[j] || inC[j]))) continue;
                sum += map[i, j];
                count++;
            }
        return sum / count;
    }

    private static double[,] PatternMap(IReadOnlyCollection<int> pattern)
    {
        var m = new double[8, 8];
        foreach (int k in pattern) m[k / 8, k % 8] = 1;
        return m;
    }

    // ------------------------------------------------------------------ experiment 3

    private static readonly (string Name, int[] Pattern, int Cue)[] Headline = [("x9", X, 9), ("x5", X, 5), ("c7", C, 7), ("c4", C, 4)];

    /// <summary>Recall from partial cues: the four headline cues at circuit level (and the same cues and inputs at network level), the τ sweep at network level.</summary>
    public void Experiment3(MiloPatternTraining trained)
    {
        var fin = trained.Final;
        Log("milo-hopfield: experiment 3, recall from partial cues ('X' 9 and 5, 'C' 7 and 4 cue neurons at 200 Hz)");
        levels.AppendLine("experiment 3 (recall, Fig. 5a-f): circuit level (one run per cue; the same cue and inputs repeated at network level for comparison)");
        var recallPlot = new List<ChartLine>();
        var cueMaps = new WeightMapPlotter { Size = 300 };
        var csv = new StringBuilder("cue,level,neuron,first_spike_s\n");
        const double window = 1;
        var network = new MiloPatternExperiments.NetworkRecall(fin.Excitatory, fin.Inhibitory);
        var colors = new[] { OxyColor.FromRgb(33, 102, 172), OxyColor.FromRgb(116, 169, 207), OxyColor.FromRgb(26, 150, 65), OxyColor.FromRgb(161, 217, 155) };
        for (int h = 0; h < Headline.Length; h++)
        {
            var (name, pattern, count) = Headline[h];
            var cue = MiloPatternExperiments.Subset(pattern, count, seed + (ulong)h);
            var map = PatternMap(pattern);
            foreach (int k in cue) map[k / 8, k % 8] = 0.45;
            cueMaps.Save(map, $"{name}: {count} of 12 '{(pattern == X ? "X" : "C")}' neurons cued (light)", Path($"exp3-cue-{name}"), pattern == X);
            ulong runSeed = 100 + seed * 10 + (ulong)h;
            var circuit = MiloPatternExperiments.RecallCircuit(fin.Excitatory, fin.Inhibitory, cue, pattern, window, runSeed);
            var net = network.Run(cue, pattern, window, runSeed);
            double tc = circuit.RecallTime(pattern), tn = net.RecallTime(pattern);
            Add($"recall_time_s.{name}", double.IsNaN(tc) ? window : tc);
            Add($"attractor_complete.{name}", double.IsNaN(tc) ? 0 : 1);
            Add($"exp3.recall_time_s_network.{name}", double.IsNaN(tn) ? window : tn);
            Add($"exp3.circuit_wall_seconds.{name}", circuit.Seconds);
            Log($"  {name}: cue {string.Join(",", cue.Select(k => k + 1))}; recall time {Ms(tc)} (circuit, {circuit.Seconds:F1} s), {Ms(tn)} (network, {net.Seconds:F3} s)");
            foreach (var (run, level) in new[] { (circuit, "circuit"), (net, "network") })
                foreach (int k in pattern) csv.Append(Inv, $"{name},{level},{k + 1},{run.FirstSpike[k]:R}\n");
            // number of attractor neurons that have fired, against time (Fig. 5c, f)
            double end = Math.Max(circuit.End, net.End);
            var grid = Enumerable.Range(0, 401).Select(i => end * i / 400).ToArray();
            recallPlot.Add(new ChartLine($"{name} circuit", grid.Select(x => x * 1e3).ToArray(), grid.Select(x => (double)circuit.Recalled(pattern, x)).ToArray(), colors[h], Thickness: 2));
            recallPlot.Add(new ChartLine($"{name} network", grid.Select(x => x * 1e3).ToArray(), grid.Select(x => (double)net.Recalled(pattern, x)).ToArray(), colors[h], Dashed: true));
        }
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp3-first-spikes.csv"), csv.ToString());
        ChartPlotter.Save([new ChartPanel("Recall: attractor neurons that have fired since the cue started", "time since the cue started (ms)", "neurons of the attractor", recallPlot, 0, 12.5)], Path("exp3-recall"), 900, 380);

        // Fig. 5g: mean recall time against the cue size for several τ (network level)
        int runs = quick ? 5 : 40;
        double[] taus = [5e-3, 10e-3, 20e-3, 40e-3];
        levels.AppendLine(Inv, $"experiment 3 (recall time against cue size and tau, Fig. 5g): network level, {runs} runs per point");
        Log($"  recall time against cue size, tau = {string.Join(", ", taus.Select(t => (t * 1e3).ToString("G3", Inv)))} ms, {runs} runs per point (network level)");
        var lines = new List<ChartLine>();
        var table = new StringBuilder("tau_s,cue,runs,complete,mean_recall_time_s\n");
        var tauColors = new[] { OxyColors.Firebrick, OxyColors.DarkOrange, OxyColor.FromRgb(33, 102, 172), OxyColors.Purple };
        for (int ti = 0; ti < taus.Length; ti++)
        {
            double tau = taus[ti];
            var means = new double[12];
            var complete = new int[12];
            var local = new ThreadLocal<MiloPatternExperiments.NetworkRecall>(() => new MiloPatternExperiments.NetworkRecall(fin.Excitatory, fin.Inhibitory, tau: tau));
            var results = new ConcurrentDictionary<(int, int), double>();
            Parallel.For(0, 12 * runs, job =>
            {
                int cue = job / runs + 1, run = job % runs;
                ulong s = 5000 + seed * 100000 + (ulong)(cue * 1000 + run);
                var r = local.Value!.Run(MiloPatternExperiments.Subset(X, cue, s), X, window, s);
                results[(cue, run)] = r.RecallTime(X);
            });
            for (int cue = 1; cue <= 12; cue++)
            {
                var ts = Enumerable.Range(0, runs).Select(r => results[(cue, r)]).Where(double.IsFinite).ToList();
                complete[cue - 1] = ts.Count;
                means[cue - 1] = ts.Count > 0 ? ts.Average() : double.NaN;
                table.Append(Inv, $"{tau:R},{cue},{runs},{ts.Count},{means[cue - 1]:R}\n");
            }
            lines.Add(new ChartLine($"tau = {tau * 1e3:G3} ms", Enumerable.Range(1, 12).Select(c => (double)c).ToArray(), means.Select(m => m * 1e3).ToArray(), tauColors[ti], Markers: true));
            string key = $"tau{tau * 1e3:G3}ms";
            Add($"exp3.mean_recall_time_s.{key}.cue9", means[8]);
            Add($"exp3.mean_recall_time_s.{key}.cue5", means[4]);
            Add($"exp3.smallest_cue_always_recalled.{key}", Enumerable.Range(1, 12).FirstOrDefault(c => Enumerable.Range(c, 13 - c).All(k => complete[k - 1] == runs), 13));
            Log($"    tau {tau * 1e3:G3} ms: mean recall time (ms) by cue size 1..12: {string.Join(" ", means.Select(m => double.IsNaN(m) ? "-" : (m * 1e3).ToString("F1", Inv)))}; complete {string.Join(" ", complete)} of {runs}");
        }
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp3-recall-time-vs-cue.csv"), table.ToString());
        ChartPlotter.Save([new ChartPanel("Mean recall time of 'X' against the cue size (network level)", "cue neurons (of 12)", "recall time (ms)", lines, 0)], Path("exp3-recall-time-vs-cue"), 800, 380);
    }

    private static string Ms(double t) => double.IsNaN(t) ? "not complete" : $"{t * 1e3:F1} ms";

    // ------------------------------------------------------------------ experiment 4

    /// <summary>Error correction: cues with features of both patterns, P('X' recalled) per cell (network level).</summary>
    public void Experiment4(MiloPatternTraining trained)
    {
        var fin = trained.Final;
        int runs = quick ? 20 : 1000;
        int[] sizes = [0, 2, 4, 6, 8, 10, 12];
        const double window = 0.5;
        Log($"milo-hopfield: experiment 4, error correction: cues with nX 'X' and nC 'C' neurons, {runs} runs per cell (network level)");
        levels.AppendLine(Inv, $"experiment 4 (error correction, Fig. 6): network level, {runs} runs per cell, {window} s window; the attractor all of whose 12 neurons fire first is the one recalled");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var local = new ThreadLocal<MiloPatternExperiments.NetworkRecall>(() => new MiloPatternExperiments.NetworkRecall(fin.Excitatory, fin.Inhibitory));
        int n = sizes.Length;
        var xw = new int[n, n];
        var cw = new int[n, n];
        var jobs = new List<(int, int)>();
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                if (sizes[a] + sizes[b] > 0) jobs.Add((a, b));
        Parallel.ForEach(jobs, job =>
        {
            var (a, b) = job;
            int wx = 0, wc = 0;
            for (int r = 0; r < runs; r++)
            {
                ulong s = 900000 + seed * 10000000 + (ulong)((a * n + b) * 10000 + r);
                var cue = MiloPatternExperiments.Subset(X, sizes[a], s).Concat(MiloPatternExperiments.Subset(C, sizes[b], s + 77)).ToArray();
                int w = MiloPatternExperiments.FirstComplete(local.Value!.Compete(cue, window, s));
                if (w > 0) wx++;
                else if (w < 0) wc++;
            }
            xw[a, b] = wx;
            cw[a, b] = wc;
        });
        var p = new double[n, n];
        var csv = new StringBuilder("n_x,n_c,runs,x_recalled,c_recalled,neither,p_x\n");
        double diagX = 0, diagDecided = 0;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                int decided = xw[a, b] + cw[a, b];
                p[a, b] = decided > 0 ? xw[a, b] / (double)decided : double.NaN;
                if (sizes[a] + sizes[b] > 0) csv.Append(Inv, $"{sizes[a]},{sizes[b]},{runs},{xw[a, b]},{cw[a, b]},{runs - decided},{p[a, b]:R}\n");
                if (a == b && sizes[a] > 0) { diagX += xw[a, b]; diagDecided += decided; }
            }
        AtomicFile.WriteText(System.IO.Path.Combine(dir, "exp4-probability.csv"), csv.ToString());
        ChartPlotter.HeatMap(p, sizes.Select(v => (double)v).ToArray(), sizes.Select(v => (double)v).ToArray(),
            $"P('X' recalled), {runs} runs per cell (network level)", "'C' neurons in the cue", "'X' neurons in the cue", "P", Path("exp4-probability"));
        Add("p_x.equal_mix", diagDecided > 0 ? diagX / diagDecided : double.NaN);
        int six = Array.IndexOf(sizes, 6);
        Add("exp4.p_x.x6_c6", p[six, six]);
        Add("exp4.p_x.x8_c4", p[Array.IndexOf(sizes, 8), Array.IndexOf(sizes, 4)]);
        Add("exp4.p_x.x4_c8", p[Array.IndexOf(sizes, 4), Array.IndexOf(sizes, 8)]);
        Add("exp4.p_x.x12_c12", p[n - 1, n - 1]);
        Add("exp4.undecided_fraction.equal_mix", 1 - diagDecided / (runs * (n - 1.0)));
        Add("exp4.runs_per_cell", runs);
        Add("exp4.wall_seconds", clock.Elapsed.TotalSeconds);
        Log($"  experiment 4: p_x.equal_mix = {metrics["p_x.equal_mix"]:F3} ({clock.Elapsed.TotalSeconds:F0} s)");
    }

    // ------------------------------------------------------------------ helpers

    private void Add(string name, double value) => metrics[name] = value;

    private static string SpikesCsv(List<double>[] spikes)
    {
        var s = new StringBuilder("neuron,time\n");
        for (int k = 0; k < spikes.Length; k++)
            foreach (double t in spikes[k]) s.Append(Inv, $"n{k + 1},{t:R}\n");
        return s.ToString();
    }

    private static AnalogNN.Netlists.Waveforms.SpikeRecorder Recorder(List<double>[] spikes, double from, double to)
    {
        var r = new AnalogNN.Netlists.Waveforms.SpikeRecorder();
        for (int k = 0; k < spikes.Length; k++)
            if (spikes[k].Count > 0) r.Add(MiloHopfield.Neuron(k + 1), spikes[k].Where(t => t >= from && t <= to));
        return r;
    }
}
