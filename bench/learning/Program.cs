using System.Diagnostics;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

// milo-bench [N] [TSTOP] [--pairs] [--no-bypass]: the Milo network with the 'X' pattern (or the first
// 12 neurons for N < 64) at 200 Hz at circuit level; prints where the time goes.
// milo-bench 64 TSTOP --factor: times one factorization and one solve of the network's matrix.
// milo-bench 64 PHASE --explore [gap:S] [NAME=VALUE ...]: the whole pattern protocol at network level
//   ('X' then 'C', PHASE s each, MiloParameters overridden by NAME=VALUE), then recall at tau = 20 ms
//   and mixed-cue competition (docs/learning.md section 5); the trained states are cached in the temp folder.
// milo-bench N TSTOP --network [--xc] [--recall] [NAME=VALUE ...]: training (and recall) at network level.
int n = args.Length > 0 && int.TryParse(args[0], out int a0) ? a0 : 64;
double tstop = args.Length > 1 && double.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out double a1) ? a1 : 0.1;
bool pairs = args.Contains("--pairs");
bool bypass = !args.Contains("--no-bypass");
var rates = new double[n];
int[] pool = n == 64 ? MiloPatterns.X : Enumerable.Range(0, Math.Min(12, n - 1)).ToArray();
foreach (int k in pool) rates[k] = 200;
if (args.Contains("--factor"))
{
    // time the numeric factorization and solve of the network's matrix alone
    var fjob = NetlistJob.FromText(MiloHopfield.Build(n, rates, tstop, 1, cells: !pairs), "bench.cir");
    var sys = new AnalogNN.Solvers.MnaSystem(fjob.CircuitOf(0), new AnalogNN.Circuit.SimulationOptions(), 1e-4, tstop);
    var ctx = sys.Context;
    var newton = new AnalogNN.Solvers.Newton.NewtonRaphson(sys);
    ctx.GetType().GetMethod("SetTransient", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
        .Invoke(ctx, [1e-3, 1e-5, AnalogNN.Circuit.IntegrationMethod.Trapezoidal, 1, 1e5, 0.0, 0.0, false, true]);
    newton.Iterate(1);
    var values = ctx.Matrix.AsSpan(1).ToArray();
    var lu = sys.Solver;
    var rhs = new double[sys.Size];
    int reps = 500;
    double tf = double.PositiveInfinity, ts = double.PositiveInfinity;
    for (int round = 0; round < 10; round++)
    {
        var w = Stopwatch.StartNew();
        for (int r = 0; r < reps; r++) lu.Factor(values);
        tf = Math.Min(tf, w.Elapsed.TotalSeconds / reps);
        w.Restart();
        for (int r = 0; r < reps; r++) lu.Solve(rhs);
        ts = Math.Min(ts, w.Elapsed.TotalSeconds / reps);
    }
    Console.WriteLine($"size {sys.Size}, slots {values.Length}, L+U {lu.FactorNonZeros}, ops {lu.FactorOperations}: factor {1e6 * tf:F1} us, solve {1e6 * ts:F1} us");
    return;
}
if (args.Contains("--explore"))
{
    // network-level training 'X' then 'C' (tstop each), then recall and competition at network level
    var ew = Stopwatch.StartNew();
    var mpx = AnalogNN.Learning.Experiments.MiloPatternExperiments.Parameters with { };
    double gap = args.FirstOrDefault(a => a.StartsWith("gap:")) is { } g ? double.Parse(g[4..], System.Globalization.CultureInfo.InvariantCulture) : AnalogNN.Learning.Experiments.MiloPatternExperiments.DefaultGap;
    foreach (var a in args.Where(a => a.Contains('=')))
    {
        var kv = a.Split('=');
        typeof(MiloParameters).GetProperty(kv[0])!.SetValue(mpx, double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture));
    }
    string cache = Path.Combine(Path.GetTempPath(), $"milo-trained-{tstop}-gap{gap}-{string.Join("_", args.Where(a => a.Contains('=')))}.bin");
    AnalogNN.Learning.Experiments.MiloPatternTraining tr;
    if (File.Exists(cache))
    {
        using var rd = new BinaryReader(File.OpenRead(cache));
        var e0 = new double[64, 64]; var h0 = new double[64, 64];
        for (int i = 0; i < 64; i++) for (int j = 0; j < 64; j++) { e0[i, j] = rd.ReadDouble(); h0[i, j] = rd.ReadDouble(); }
        tr = new AnalogNN.Learning.Experiments.MiloPatternTraining { Neurons = 64, Phase = tstop, Samples = [(2 * tstop, e0, h0)], Spikes = Enumerable.Range(0, 64).Select(_ => new List<double>()).ToArray() };
    }
    else
    {
        tr = AnalogNN.Learning.Experiments.MiloPatternExperiments.TrainNetwork(tstop, 1, mpx, gap: gap);
        using var wr = new BinaryWriter(File.Create(cache));
        for (int i = 0; i < 64; i++) for (int j = 0; j < 64; j++) { wr.Write(tr.Final.Excitatory[i, j]); wr.Write(tr.Final.Inhibitory[i, j]); }
    }
    Console.WriteLine($"training {ew.Elapsed.TotalSeconds:F1} s");
    var fin = tr.Final;
    var X = MiloPatterns.X; var C = MiloPatterns.C;
    var others = Enumerable.Range(0, 64).Except(X).Except(C).ToArray();
    double M(double[,] m, int[] a, int[] b) => AnalogNN.Learning.Experiments.MiloPatternTraining.Mean(m, a, b);
    Console.WriteLine($"exc XX {M(fin.Excitatory, X, X):F3} CC {M(fin.Excitatory, C, C):F3} XC {M(fin.Excitatory, X, C):F4} CX {M(fin.Excitatory, C, X):F4} other {M(fin.Excitatory, others, others):F4}");
    Console.WriteLine($"inh XX {M(fin.Inhibitory, X, X):F3} CC {M(fin.Inhibitory, C, C):F3} XC {M(fin.Inhibitory, X, C):F4} CX {M(fin.Inhibitory, C, X):F4}");
    if (tr.Samples.Count > 1) foreach (var smp in tr.Samples.Where(q => q.Time >= tstop - 0.3 && q.Time <= tstop + 0.2))
        Console.WriteLine($"  t={smp.Time:F2}: exc XC {M(smp.Excitatory, X, C):F4} CX {M(smp.Excitatory, C, X):F4}; X spikes in [t-0.05,t) {X.Sum(k => tr.Spikes[k].Count(t => t >= smp.Time - 0.05 && t < smp.Time))}, C {C.Sum(k => tr.Spikes[k].Count(t => t >= smp.Time - 0.05 && t < smp.Time))}");
    Console.WriteLine($"rates X {tr.Rate(X, 0, tstop):F1}/{tr.Rate(X, tstop, 2 * tstop):F1} C {tr.Rate(C, 0, tstop):F1}/{tr.Rate(C, tstop, 2 * tstop):F1} others {tr.Rate(others, 0, 2 * tstop):F2}");
    foreach (double tau in new[] { 20e-3 })
    {
        var rec = new AnalogNN.Learning.Experiments.MiloPatternExperiments.NetworkRecall(fin.Excitatory, fin.Inhibitory, mpx, tau: tau);
        foreach (var (name, pat, k) in new[] { ("x9", X, 9), ("x5", X, 5), ("c7", C, 7), ("c4", C, 4), ("x3", X, 3), ("x2", X, 2), ("x1", X, 1) })
        {
            var ts = new List<double>();
            for (ulong sd = 1; sd <= 10; sd++)
            {
                var cue = AnalogNN.Learning.Experiments.MiloPatternExperiments.Subset(pat, k, sd);
                var run = rec.Run(cue, pat, 1, sd);
                ts.Add(run.RecallTime(pat));
            }
            Console.WriteLine($"tau {tau * 1e3} ms {name}: " + string.Join(" ", ts.Select(t => t.ToString("F3"))));
        }
        foreach (var (nx, nc) in new[] { (6, 6), (8, 8), (10, 10), (12, 12), (8, 4), (4, 8), (2, 2) })
        {
            int xw = 0, cw = 0, un = 0;
            var rw = Stopwatch.StartNew();
            for (ulong sd = 1; sd <= 40; sd++)
            {
                var cue = AnalogNN.Learning.Experiments.MiloPatternExperiments.Subset(X, nx, sd).Concat(AnalogNN.Learning.Experiments.MiloPatternExperiments.Subset(C, nc, sd + 1000)).ToArray();
                var run = rec.Compete(cue, 0.3, sd);
                int w = AnalogNN.Learning.Experiments.MiloPatternExperiments.FirstComplete(run);
                if (w > 0) xw++; else if (w < 0) cw++; else un++;
            }
            Console.WriteLine($"mix {nx}/{nc}: X {xw}, C {cw}, undecided {un} ({rw.Elapsed.TotalSeconds / 40:F3} s per run)");
        }
    }
    return;
}
if (args.Contains("--network"))
{
    var nw = Stopwatch.StartNew();
    var mp = new MiloParameters();
    foreach (var a in args.Where(a => a.Contains('=')))
    {
        var kv = a.Split('=');
        var prop = typeof(MiloParameters).GetProperty(kv[0])!;
        mp = mp with { };
        prop.SetValue(mp, double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture));
    }
    ulong seed = args.FirstOrDefault(a => a.StartsWith("seed:")) is { } sd ? ulong.Parse(sd[5..]) : 1;
    (double, double)[]? windows = null;
    if (args.Contains("--xc"))
    {
        // 'X' for tstop, then 'C' for tstop
        windows = new (double, double)[n];
        for (int k = 0; k < n; k++) windows[k] = MiloPatterns.C.Contains(k) ? (tstop, 2 * tstop) : (0, tstop);
        foreach (int k in MiloPatterns.C) rates[k] = 200;
        tstop *= 2;
    }
    var net = MiloNetworkLevel.FromCircuit(NetlistJob.FromText(MiloHopfield.Build(n, rates, tstop, seed, mp, windows: windows), "bench.cir").CircuitOf(0), tstop);
    double tb = nw.Elapsed.TotalSeconds;
    var res = net.Run(tstop);
    Console.WriteLine($"network level N={n} tstop={tstop}: build {tb:F2} s, run {nw.Elapsed.TotalSeconds - tb:F2} s, steps {res.Steps}, cell solves {res.CellSolves}, integrations {res.Programmings}, spikes {res.Spikes.Sum(l => l.Count)}");
    if (windows is not null)
    {
        foreach (var (name, set) in new[] { ("X", MiloPatterns.X), ("C", MiloPatterns.C) })
        {
            double e2 = 0, i2 = 0; int c2 = 0;
            foreach (int i in set) foreach (int j in set) if (i != j) { e2 += net.State(i, j, true); i2 += net.State(i, j, false); c2++; }
            double r1 = res.Spikes.Where((l, k) => set.Contains(k)).Sum(l => l.Count(t => t < tstop / 2)) / (12 * tstop / 2);
            double r2 = res.Spikes.Where((l, k) => set.Contains(k)).Sum(l => l.Count(t => t >= tstop / 2)) / (12 * tstop / 2);
            Console.WriteLine($"{name}: exc {e2 / c2:F3}, inh {i2 / c2:F3}; rate first half {r1:F1} Hz, second half {r2:F1} Hz");
        }
    }
    double se = 0, si = 0; int c = 0;
    foreach (int i in pool) foreach (int j in pool) if (i != j) { se += net.State(i, j, true); si += net.State(i, j, false); c++; }
    var hist = new int[11]; var histE = new int[11];
    foreach (int i in pool) foreach (int j in pool) if (i != j) { hist[(int)Math.Round(10 * net.State(i, j, false))]++; histE[(int)Math.Round(10 * net.State(i, j, true))]++; }
    Console.WriteLine("inhibitory histogram (x = 0, 0.1, ... 1): " + string.Join(" ", hist) + "; excitatory: " + string.Join(" ", histE));
    Console.WriteLine($"pool: mean excitatory x {se / c:F4}, inhibitory {si / c:F4}; rate {res.Spikes.Where((l, k) => pool.Contains(k)).Sum(l => l.Count) / (pool.Length * tstop):F1} Hz");
    if (args.Contains("--recall"))
    {
        // recall from k cue neurons at 200 Hz: time until all pool neurons fired
        var rec = MiloNetworkLevel.FromCircuit(NetlistJob.FromText(MiloHopfield.Build(n, new double[n], 1, seed, mp, recall: true), "r.cir").CircuitOf(0), 1);
        foreach (int i in Enumerable.Range(0, n)) foreach (int j in Enumerable.Range(0, n)) if (i != j) { rec.SetState(i, j, true, net.State(i, j, true)); rec.SetState(i, j, false, net.State(i, j, false)); }
        var pulse = new AnalogNN.Components.Neurons.SpikePulse(mp.StimAmplitude, mp.StimWidth, 10e-6);
        foreach (int k in new[] { 2, 3, 4, 5, 6, 9, 12 })
        {
            var times = new List<double>();
            int complete = 0;
            var rw = Stopwatch.StartNew();
            for (int run = 0; run < 10; run++)
            {
                var rng = new Random(run * 31 + k);
                var cue = pool.OrderBy(_ => rng.Next()).Take(k).ToHashSet();
                for (int j = 0; j < n; j++)
                {
                    rec.SetStimulusPulse(j, pulse);
                    if (!cue.Contains(j)) { rec.SetStimulus(j, []); continue; }
                    var model = new AnalogNN.Components.Neurons.SpikeSourceModel("s", "POISSON");
                    var src = new AnalogNN.Components.Neurons.SpikeSource("x", "0", "m", model, rate: 200, seed: (ulong)(7000 + 100 * run + j));
                    rec.SetStimulus(j, src.PoissonTimes(1));
                }
                var r = rec.Run(1, recall: true, until: (res2, t) => pool.All(p => res2.Spikes[p].Count > 0));
                if (!double.IsNaN(r.StoppedAt)) { complete++; times.Add(pool.Max(p => r.Spikes[p][0])); }
            }
            Console.WriteLine($"cue {k}: complete {complete}/10, mean recall time {(times.Count > 0 ? times.Average() : double.NaN):F3} s ({rw.Elapsed.TotalSeconds / 10:F3} s per run)");
        }
    }
    return;
}
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
string text = MiloHopfield.Build(n, rates, tstop, 1, cells: !pairs);
double tBuild = clock.Elapsed.TotalSeconds;
var job = NetlistJob.FromText(text, "bench.cir");
var circuit = job.CircuitOf(0);
double tParse = clock.Elapsed.TotalSeconds;
var options = new AnalogNN.Circuit.SimulationOptions { Bypass = bypass };
var tran = new Transient(circuit, new TransientSpec(1e-4, tstop, 0, 1e-4, UseIc: true), options) { Saves = ["v(m1)"] };
double tStart = 0;
tran.Started = _ => tStart = clock.Elapsed.TotalSeconds;
tran.Run(new Null());
double tEnd = clock.Elapsed.TotalSeconds;
var s = tran.Statistics!;
double F(long ticks) => ticks / (double)Stopwatch.Frequency;
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
Console.WriteLine($"N={n} tstop={tstop} {(pairs ? "pairs" : "cells")} bypass={bypass}");
Console.WriteLine($"netlist {tBuild:F2} s, parse+build {tParse - tBuild:F2} s, set-up+initial point {tStart - tParse:F2} s, transient {tEnd - tStart:F2} s; cpu {cpu.TotalSeconds:F1} s");
Console.WriteLine($"points {s.TimePoints}, iterations {s.Iterations}, rejections {s.Rejections}, events {s.EventRefinements}, L+U {s.FactorNonZeros}, ops/factor {s.FactorOperations}");
Console.WriteLine($"load {F(s.LoadTicks):F2} s, factor {F(s.FactorTicks):F2} s, solve {F(s.SolveTicks):F2} s; per iteration {1e6 * F(s.LoadTicks) / s.Iterations:F1} / {1e6 * F(s.FactorTicks) / s.Iterations:F1} / {1e6 * F(s.SolveTicks) / s.Iterations:F1} us");
foreach (var b in tran.System!.Loaders)
    if (b.GetType().Name == "CellBank")
    {
        if (args.Contains("--load"))
        {
            // time the bank's load alone at the final point (best of 5 rounds of 200)
            var ctx = tran.System.Context;
            double best = double.PositiveInfinity;
            for (int round = 0; round < 5; round++)
            {
                var w = Stopwatch.StartNew();
                for (int r = 0; r < 200; r++) b.Load(ctx);
                best = Math.Min(best, w.Elapsed.TotalSeconds / 200);
            }
            int act = (int)b.GetType().GetProperty("ActiveCount")!.GetValue(b)!;
            Console.WriteLine($"bank load alone: {1e6 * best:F1} us for {act} active cells ({1e9 * best / Math.Max(act, 1):F0} ns per cell)");
        }
        var t = b.GetType();
        int active = (int)t.GetProperty("ActiveCount")!.GetValue(b)!;
        long ev = (long)t.GetField("Evaluations")!.GetValue(b)!, li = (long)t.GetField("LocalIterations")!.GetValue(b)!, by = (long)t.GetField("Bypassed")!.GetValue(b)!;
        Console.WriteLine($"bank: active at the end {active}, evaluations {ev} ({(double)ev / s.Iterations:F0} per iteration), local iterations per evaluation {(double)li / ev:F2}, reused {by} ({(double)by / s.Iterations:F0} per iteration)");
    }
Console.WriteLine($"spikes: {tran.System!.Behaviors.OfType<AnalogNN.Circuit.ISpikeEmitter>().Where(e => e.Source.StartsWith('n')).Sum(e => e.SpikeTimes.Count)}");

sealed class Null : ISimulationOutput
{
    public void BeginPlot(PlotHeader header) { }
    public void WriteRow(ReadOnlySpan<double> values) { }
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary) { }
    public void EndPlot() { }
}
