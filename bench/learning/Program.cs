using System.Diagnostics;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

// milo-bench [N] [TSTOP] [--pairs] [--no-bypass]: the Milo network with the 'X' pattern (or the first
// 12 neurons for N < 64) at 200 Hz; prints where the time goes.
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
        long ev = (long)t.GetField("Evaluations")!.GetValue(b)!, li = (long)t.GetField("LocalIterations")!.GetValue(b)!;
        Console.WriteLine($"bank: active at the end {active}, evaluations {ev} ({(double)ev / s.Iterations:F0} per iteration), local iterations per evaluation {(double)li / ev:F2}");
    }
Console.WriteLine($"spikes: {tran.System!.Behaviors.OfType<AnalogNN.Circuit.ISpikeEmitter>().Where(e => e.Source.StartsWith('n')).Sum(e => e.SpikeTimes.Count)}");

sealed class Null : ISimulationOutput
{
    public void BeginPlot(PlotHeader header) { }
    public void WriteRow(ReadOnlySpan<double> values) { }
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary) { }
    public void EndPlot() { }
}
