using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AnalogNN.Cli.Plotting;
using AnalogNN.Learning.Experiments;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers;

namespace AnalogNN.Cli;

/// <summary>
/// <c>analognn repro ID [--quick] [-o OUTDIR] [--seed K] [--experiments 1,2,3,4]</c> (SPEC section 2):
/// runs a reproduction and writes <c>OUTDIR/ID/summary.json</c> plus its figures. Implemented:
/// <c>milo-hopfield</c>: experiment 1 (4 neurons, Fig. 3), 2 (64 neurons, 'X' then 'C', Fig. 4),
/// 3 (recall from partial cues, Fig. 5) and 4 (error correction, Fig. 6); 3 and 4 need 2's training;
/// <c>zoppo-patterns</c> and <c>zoppo-mnist5</c> (<see cref="ZoppoRepro"/>).
/// </summary>
internal static class ReproCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "reproduction: milo-hopfield, zoppo-patterns or zoppo-mnist5" };
        id.AcceptOnlyFromAmong("milo-hopfield", "zoppo-patterns", "zoppo-mnist5");
        var quick = new Option<bool>("--quick") { Description = "reduced run (shorter circuit time)" };
        var outDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "output folder (default: current folder)" };
        var plotFormat = new Option<string>("--plot-format") { Description = "png (default), svg or pdf", DefaultValueFactory = _ => "png" };
        plotFormat.AcceptOnlyFromAmong("svg", "png", "pdf");
        var seed = new Option<ulong>("--seed") { Description = "seed of the Poisson inputs (default 1)", DefaultValueFactory = _ => 1UL };
        var experiments = new Option<string>("--experiments") { Description = "which experiments, comma separated (default 1,2,3,4; 3 and 4 include 2)", DefaultValueFactory = _ => "1,2,3,4" };
        var data = new Option<string?>("--data") { Description = "MNIST folder (default: ANALOGNN_DATA, then ../shared/data/mnist next to the repository)" };
        var command = new Command("repro", "Run a reproduction of a source document's experiment") { id, quick, outDir, plotFormat, seed, experiments, data };
        command.SetAction(r =>
        {
            string root = r.GetValue(outDir)?.FullName ?? Directory.GetCurrentDirectory();
            switch (r.GetValue(id))
            {
                case "zoppo-patterns": return ZoppoRepro.Patterns(r.GetValue(quick), root, r.GetValue(plotFormat)!, r.GetValue(seed));
                case "zoppo-mnist5": return ZoppoRepro.Mnist(r.GetValue(quick), root, r.GetValue(plotFormat)!, r.GetValue(seed), r.GetValue(data));
            }
            var set = new HashSet<int>();
            foreach (string part in r.GetValue(experiments)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, out int k) || k < 1 || k > 4)
                {
                    Console.Error.WriteLine($"analognn repro: error: --experiments takes numbers 1 to 4 (got '{part}')");
                    return Program.InputError;
                }
                set.Add(k);
            }
            return MiloHopfield(r.GetValue(quick), r.GetValue(outDir)?.FullName ?? Directory.GetCurrentDirectory(), r.GetValue(plotFormat)!, r.GetValue(seed), set);
        });
        return command;
    }

    private static int MiloHopfield(bool quick, string outRoot, string format, ulong seed, HashSet<int> experiments)
    {
        string dir = Path.Combine(outRoot, "milo-hopfield");
        Directory.CreateDirectory(dir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var metrics = new SortedDictionary<string, double>();
        var levels = new StringBuilder();
        try
        {
            if (experiments.Contains(1)) Experiment1(quick, dir, format, seed, metrics, levels);
            if (experiments.Overlaps([2, 3, 4]))
            {
                var repro = new MiloRepro(dir, format, quick, seed, metrics, levels);
                var trained = repro.Experiment2();
                if (experiments.Contains(3)) repro.Experiment3(trained);
                if (experiments.Contains(4)) repro.Experiment4(trained);
            }
        }
        catch (SimulationException e)
        {
            Console.Error.WriteLine($"milo-hopfield: simulation failed: {e.Message}");
            return Program.SimulationFailed;
        }
        WriteSummary(dir, "milo-hopfield", quick, metrics, clock.Elapsed.TotalSeconds, "circuit and network (levels.txt says which experiment ran at which)", levels.ToString());
        AtomicFile.WriteText(Path.Combine(dir, "levels.txt"), levels.ToString());
        var inv = CultureInfo.InvariantCulture;
        foreach (var (k, v) in metrics) Console.Error.WriteLine($"  {k} = {v.ToString("G4", inv)}");
        Console.Error.Write(levels.ToString());
        Console.Error.WriteLine($"milo-hopfield: wrote {dir} ({clock.Elapsed.TotalSeconds:F1} s)");
        return Program.Success;
    }

    /// <summary>
    /// Writes OUT/ID/summary.json atomically (SPEC section 2, plus the fidelity level and notes). Metrics
    /// that are not finite numbers (a mean over runs none of which completed) are left out of
    /// <c>metrics</c> and named in <c>undefined_metrics</c>.
    /// </summary>
    internal static void WriteSummary(string dir, string id, bool quick, SortedDictionary<string, double> metrics, double seconds, string level, string notes)
    {
        var summary = new Dictionary<string, object>
        {
            ["id"] = id,
            ["quick"] = quick,
            ["level"] = level,
            ["metrics"] = new SortedDictionary<string, double>(metrics.Where(kv => double.IsFinite(kv.Value)).ToDictionary()),
            ["seconds"] = Math.Round(seconds, 3),
            ["notes"] = notes,
        };
        var undefined = metrics.Where(kv => !double.IsFinite(kv.Value)).Select(kv => kv.Key).ToArray();
        if (undefined.Length > 0) summary["undefined_metrics"] = undefined;
        AtomicFile.Write(Path.Combine(dir, "summary.json"), s => JsonSerializer.Serialize(s, summary, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Experiment 1 (Fig. 3): 4 neurons, N1–N3 trained at 200 Hz, then recall from N1, N2; circuit level.</summary>
    private static void Experiment1(bool quick, string dir, string format, ulong seed, SortedDictionary<string, double> metrics, StringBuilder levels)
    {
        double stop = quick ? 1.0 : 2.0;
        Console.Error.WriteLine($"milo-hopfield: experiment 1, 4 neurons, N1-N3 at 200 Hz, {stop} s of circuit time");
        var result = MiloExperiment1.Train(stop, seed);
        levels.AppendLine(CultureInfo.InvariantCulture, $"experiment 1 (4 neurons, Fig. 3): circuit level, {stop} s training and {stop} s recall");
        AtomicFile.WriteText(Path.Combine(dir, "exp1.cir"), result.Netlist);
        var inv = CultureInfo.InvariantCulture;
        var csv = new StringBuilder("time,kind,pre,post,x\n");
        var plotter = new WeightMapPlotter();
        foreach (var m in result.Maps)
        {
            for (int i = 0; i < result.Neurons; i++)
                for (int j = 0; j < result.Neurons; j++)
                    if (i != j)
                    {
                        csv.Append(inv, $"{m.Time:R},exc,{i + 1},{j + 1},{m.Excitatory[i, j]:R}\n");
                        csv.Append(inv, $"{m.Time:R},inh,{i + 1},{j + 1},{m.Inhibitory[i, j]:R}\n");
                    }
            string t = m.Time.ToString("0.##", inv);
            plotter.Save(m.Excitatory, $"excitatory, t = {t} s", Path.Combine(dir, $"exp1-exc-t{t}.{format}"), true);
            plotter.Save(m.Inhibitory, $"inhibitory, t = {t} s", Path.Combine(dir, $"exp1-inh-t{t}.{format}"), false);
        }
        AtomicFile.WriteText(Path.Combine(dir, "exp1-weights.csv"), csv.ToString());
        AtomicFile.WriteText(Path.Combine(dir, "exp1-spikes.csv"), result.Spikes.ToCsv());
        AtomicFile.Write(Path.Combine(dir, "exp1-actions.csv"), stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            result.Log.WriteCsv(writer);
        });
        new RasterPlotter().Save(result.Spikes, "Milo exp. 1: training (x: Poisson inputs, n: neurons)", Path.Combine(dir, $"exp1-raster.{format}"));

        // recall (Fig. 3b): N1, N2 cued at 150 Hz, cue removed, TEs at read voltages
        double cueStop = quick ? 1.0 : 2.0, recallStop = 2 * cueStop; // the issue: stimulation removed at 2 s
        var recall = MiloExperiment1.Recall(result, [1, 2], 150, cueStop, recallStop, seed);
        AtomicFile.WriteText(Path.Combine(dir, "exp1-recall-spikes.csv"), recall.ToCsv());
        new RasterPlotter().Save(recall, $"Milo exp. 1: recall, N1-N2 cued at 150 Hz until {cueStop} s", Path.Combine(dir, $"exp1-recall-raster.{format}"));
        double RecallRate(int[] neurons, double from, double to)
        {
            var names = neurons.Select(AnalogNN.Learning.Networks.MiloHopfield.Neuron).ToHashSet();
            return recall.Spikes.Count(sp => names.Contains(sp.Source) && sp.Time >= from && sp.Time < to) / (neurons.Length * (to - from));
        }

        double q = stop / 4;
        int[] pool = result.Attractor;
        var exp1 = new SortedDictionary<string, double>
        {
            ["exp1.exc_x_attractor_final"] = result.MeanState(result.Maps.Count - 1, true, true),
            ["exp1.exc_x_other_final"] = result.MeanState(result.Maps.Count - 1, true, false),
            ["exp1.inh_x_attractor_final"] = result.MeanState(result.Maps.Count - 1, false, true),
            ["exp1.inh_x_other_final"] = result.MeanState(result.Maps.Count - 1, false, false),
            ["exp1.rate_hz_attractor_first_quarter"] = result.Rate(pool, 0, q),
            ["exp1.rate_hz_attractor_last_quarter"] = result.Rate(pool, stop - q, stop),
            ["exp1.rate_hz_unstimulated"] = result.Rate([result.Neurons], 0, stop),
            ["exp1.recall_rate_hz_n3_during_cue"] = RecallRate([3], 0, cueStop),
            ["exp1.recall_rate_hz_attractor_after_cue"] = RecallRate(pool, cueStop, recallStop),
            ["exp1.recall_rate_hz_n4"] = RecallRate([result.Neurons], 0, recallStop),
            ["exp1.programming_events_total"] = result.Log.TotalPulses,
            ["exp1.programming_energy_j"] = result.Log.TotalEnergy,
            ["exp1.circuit_seconds"] = stop,
            ["exp1.time_points"] = result.TimePoints,
        };
        foreach (var (k, v) in exp1) metrics[k] = v;
    }
}
