using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AnalogNN.Learning.Experiments;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers;

namespace AnalogNN.Cli;

/// <summary>
/// <c>analognn bench ep-step [--samples N] [--seed S] [-o OUTDIR]</c>: the circuit-level cost of one
/// EP training step (free + nudged + update) on the 16-pattern network, with the network level
/// beside it; writes <c>OUTDIR/ep-step.json</c>.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var samples = new Option<int>("--samples") { Description = "EP steps to time (patterns A, B, ...; default 3)", DefaultValueFactory = _ => 3 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the initial weights and states (default 1)", DefaultValueFactory = _ => 1UL };
        var outDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "output folder (default: current folder)" };
        var ep = new Command("ep-step", "Circuit-level cost of one EP step on the 16-pattern (100-neuron) network") { samples, seed, outDir };
        ep.SetAction(r => EpStep(r.GetValue(samples), r.GetValue(seed), r.GetValue(outDir)?.FullName ?? Directory.GetCurrentDirectory()));
        return new Command("bench", "Benchmarks") { ep };
    }

    private static int EpStep(int samples, ulong seed, string dir)
    {
        if (samples < 1)
        {
            Console.Error.WriteLine("bench ep-step: error: --samples must be at least 1");
            return Program.InputError;
        }
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.Error.WriteLine($"bench ep-step: load average before: {load}");
        EpCircuitCostResult result;
        try { result = EpCircuitCost.Measure(samples, seed, m => Console.Error.WriteLine("bench ep-step: " + m)); }
        catch (Exception e) when (e is SimulationException or InvalidOperationException)
        {
            Console.Error.WriteLine($"bench ep-step: simulation failed: {e.Message}");
            return Program.SimulationFailed;
        }
        string loadAfter = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(inv, $"network: {result.Neurons} neurons, {result.Pairs} pairs, {result.CircuitDevices} memristors, {result.Unknowns} MNA unknowns, build {result.BuildSeconds:F2} s"));
        sb.AppendLine("step  total_s  free_tau  free_pts  nudged_tau  nudged_pts  newton  load_s  factor_s  solve_s  program_s  pulses  network_ms");
        foreach (var s in result.Steps)
            sb.AppendLine(string.Create(inv, $"{s.Sample,4}  {s.Seconds,7:F2}  {s.FreeTau,8:F1}  {s.FreePoints,8}  {s.NudgedTau,10:F1}  {s.NudgedPoints,10}  {s.Iterations,6}  {s.LoadSeconds,6:F2}  {s.FactorSeconds,8:F2}  {s.SolveSeconds,7:F2}  {s.ProgrammingSeconds,9:F3}  {s.Pulses,6}  {s.NetworkSeconds * 1e3,10:F2}"));
        sb.AppendLine(string.Create(inv, $"mean circuit-level EP step {result.MeanStepSeconds:F2} s, network level {result.MeanNetworkSeconds * 1e3:F2} ms, ratio {result.MeanStepSeconds / result.MeanNetworkSeconds:F0}; load average {load} -> {loadAfter}"));
        Console.Write(sb.ToString());
        Directory.CreateDirectory(dir);
        var json = new Dictionary<string, object>
        {
            ["neurons"] = result.Neurons, ["pairs"] = result.Pairs, ["memristors"] = result.CircuitDevices, ["unknowns"] = result.Unknowns,
            ["build_seconds"] = result.BuildSeconds, ["mean_step_seconds"] = result.MeanStepSeconds, ["mean_network_seconds"] = result.MeanNetworkSeconds,
            ["load_before"] = load, ["load_after"] = loadAfter, ["steps"] = result.Steps,
        };
        AtomicFile.Write(Path.Combine(dir, "ep-step.json"), s => JsonSerializer.Serialize(s, json, new JsonSerializerOptions { WriteIndented = true }));
        return Program.Success;
    }
}
