using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AnalogNN.Cli.Plotting;
using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Datasets;
using AnalogNN.Learning.Experiments;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Waveforms;

namespace AnalogNN.Cli;

/// <summary>
/// <c>analognn repro zoppo-patterns</c> and <c>analognn repro zoppo-mnist5</c>: Zoppo, Marrone and
/// Corinto (2020), Table 1 and Figs. 1–3 (pattern reconstruction) and Fig. 5 (MNIST, 5 classes), at the
/// network level. docs/equilibrium.md describes the settings and the results.
/// </summary>
internal static class ZoppoRepro
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] RuleNames = ["hebbian", "storkey", "rbp", "ep"];

    public static int Patterns(bool quick, string outRoot, string format, ulong seed)
    {
        string dir = Path.Combine(outRoot, "zoppo-patterns");
        Directory.CreateDirectory(dir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var patterns = LetterPatterns.Create();
        int n = LetterPatterns.Size;
        var options = new ZoppoPatternsOptions { Epochs = quick ? 60 : 300, TrainNoise = 0.1, Seed = seed };
        int tablePerClass = quick ? 100 : 1000, figPerClass = quick ? 50 : 200, curvePerClass = quick ? 30 : 100, curveEvery = 10;
        int[] ks = quick ? [0, 30, 60, 90] : [0, 10, 20, 30, 40, 50, 60, 70, 80, 90];
        double[] ps = [0.10, 0.15, 0.20, 0.25];
        Console.Error.WriteLine($"zoppo-patterns: network level, {n} neurons (16 letters, 10x10), {options.Epochs} epochs, tanh, eta = {options.Network.LearningRate}, EP beta = {options.Network.Beta}");

        // Fig. 1
        var corr = LetterPatterns.Correlation(patterns);
        ExperimentPlots.Images(patterns, LetterPatterns.Side, 8, "Fig. 1: the 16 patterns", Path.Combine(dir, $"fig1-patterns.{format}"));
        ExperimentPlots.Matrix(corr, LetterPatterns.Names, "Fig. 1: Pearson correlation of the patterns", Path.Combine(dir, $"fig1-correlation.{format}"));
        var corrCsv = new StringBuilder("pattern," + string.Join(",", LetterPatterns.Names) + "\n");
        for (int a = 0; a < 16; a++) corrCsv.Append(LetterPatterns.Names[a]).Append(',').AppendJoin(",", Enumerable.Range(0, 16).Select(b => corr[a, b].ToString("F4", Inv))).Append('\n');
        AtomicFile.WriteText(Path.Combine(dir, "fig1-correlation.csv"), corrCsv.ToString());

        // training jobs: every rule on the full network (Table 1, Fig. 3), RBP and EP for each K (Fig. 2)
        // K = −1 marks the non-linear-device variant of the full network
        const int NonLinear = -1;
        var nonlinearOptions = options with { Synapses = options.Synapses with { DeviceBeta = 3 } };
        var jobs = new List<(PatternRule Rule, int K)>();
        foreach (var r in Enum.GetValues<PatternRule>()) jobs.Add((r, 0));
        jobs.Add((PatternRule.Rbp, NonLinear));
        jobs.Add((PatternRule.Ep, NonLinear));
        foreach (int k in ks.Where(k => k > 0)) { jobs.Add((PatternRule.Rbp, k)); jobs.Add((PatternRule.Ep, k)); }
        var trained = new ConcurrentDictionary<(PatternRule, int), PatternNetwork>();
        var curves = new ConcurrentDictionary<PatternRule, List<(int Epoch, double Accuracy)>>();
        int done = 0;
        Parallel.ForEach(jobs.OrderByDescending(j => j.Rule == PatternRule.Ep), new ParallelOptions { MaxDegreeOfParallelism = Math.Min(2, Environment.ProcessorCount) }, job =>
        {
            var topology = HopfieldTopology.Band(n, Math.Max(0, job.K));
            var curve = new List<(int, double)>();
            Action<int, PatternNetwork>? after = job.K == 0 && job.Rule is PatternRule.Rbp or PatternRule.Ep
                ? (e, m) => { if (e % curveEvery == 0 || e == 1) curve.Add((e, ZoppoPatterns.Accuracy(m, patterns, 0.1, curvePerClass, seed + 1000))); }
                : null;
            var net = ZoppoPatterns.Train(job.Rule, topology, patterns, job.K == NonLinear ? nonlinearOptions : options, after);
            trained[(job.Rule, job.K)] = net;
            if (after is not null) curves[job.Rule] = curve;
            Console.Error.WriteLine($"  trained {job.Rule} K = {job.K} ({Interlocked.Increment(ref done)}/{jobs.Count}, {clock.Elapsed.TotalSeconds:F0} s)");
        });

        var metrics = new SortedDictionary<string, double>();
        // Table 1
        double[] paper = [0.1792, 0.2663, 0.9968, 0.9971];
        var table = new StringBuilder("rule,accuracy,paper,accuracy_discrete_recall,pulses,energy_j\n");
        foreach (var (rule, i) in Enum.GetValues<PatternRule>().Select((r, i) => (r, i)))
        {
            var net = trained[(rule, 0)];
            double acc = ZoppoPatterns.Accuracy(net, patterns, 0.1, tablePerClass, seed);
            metrics[$"accuracy.{RuleNames[i]}"] = acc;
            double discrete = double.NaN;
            if (rule is PatternRule.Hebbian or PatternRule.Storkey or PatternRule.Ep)
            {
                discrete = ZoppoPatterns.DiscreteAccuracy(net, patterns, 0.1, tablePerClass, seed);
                metrics[$"accuracy_discrete_recall.{RuleNames[i]}"] = discrete;
            }
            metrics[$"programming_pulses.{RuleNames[i]}"] = net.Synapses.TotalPulses;
            metrics[$"programming_energy_j.{RuleNames[i]}"] = net.Synapses.TotalEnergy;
            metrics[$"unconverged_relaxations.{RuleNames[i]}"] = net.Unconverged;
            table.Append(Inv, $"{RuleNames[i]},{acc:F4},{paper[i]:F4},{discrete:F4},{net.Synapses.TotalPulses},{net.Synapses.TotalEnergy:G4}\n");
            Console.Error.WriteLine($"  Table 1 {rule}: accuracy {acc:F4} (paper {paper[i]:F4}){(double.IsNaN(discrete) ? "" : $", discrete recall {discrete:F4}")}");
        }
        AtomicFile.WriteText(Path.Combine(dir, "table1.csv"), table.ToString());
        foreach (var rule in new[] { PatternRule.Rbp, PatternRule.Ep })
        {
            double acc = ZoppoPatterns.Accuracy(trained[(rule, NonLinear)], patterns, 0.1, tablePerClass, seed);
            metrics[$"accuracy_nonlinear_device.{rule.ToString().ToLowerInvariant()}"] = acc;
            Console.Error.WriteLine($"  {rule} with a non-linear device (beta_device = 3): accuracy {acc:F4}");
        }

        // Fig. 4: six corrupted examples and each rule's reconstruction
        var shown = new List<double[]>();
        var examples = new List<double[]>();
        var rng = new DeviceRandom(seed, "fig4");
        int[] classes = [0, 2, 4, 6, 10, 14];
        foreach (int c in classes) { var x = new double[n]; LetterPatterns.Corrupt(patterns[c], 0.1, ref rng, x); examples.Add(x); }
        shown.AddRange(examples);
        foreach (var rule in Enum.GetValues<PatternRule>())
        {
            var net = trained[(rule, 0)];
            foreach (var x in examples)
            {
                var v = new double[n];
                var input = x.Select(p => p * options.InputGain).ToArray();
                net.Network.Relax(net.Dynamics, v, input);
                shown.Add(v);
            }
        }
        shown.AddRange(classes.Select(c => patterns[c]));
        ExperimentPlots.Images(shown, LetterPatterns.Side, classes.Length, "Fig. 4: corrupted (p = 0.1), reconstructions, targets", Path.Combine(dir, $"fig4-examples.{format}"),
            ["corrupted", "Hebbian", "Storkey", "RBP", "EP", "target"]);

        // Fig. 2: accuracy against K
        var fig2 = new StringBuilder("rule,k,p,accuracy\n");
        foreach (var rule in new[] { PatternRule.Rbp, PatternRule.Ep })
        {
            var lines = new List<Curve>();
            foreach (double p in ps)
            {
                var acc = ks.Select(k => ZoppoPatterns.Accuracy(trained[(rule, k)], patterns, p, figPerClass, seed + 7)).ToArray();
                for (int i = 0; i < ks.Length; i++)
                {
                    fig2.Append(Inv, $"{rule.ToString().ToLowerInvariant()},{ks[i]},{p:F2},{acc[i]:F4}\n");
                    metrics[string.Create(Inv, $"fig2.{rule.ToString().ToLowerInvariant()}.k{ks[i]}.p{p:F2}")] = acc[i];
                }
                lines.Add(new Curve(string.Create(Inv, $"p = {p:F2}"), ks.Select(k => (double)k).ToArray(), acc));
            }
            string name = rule == PatternRule.Rbp ? "Recurrent backpropagation" : "Equilibrium propagation";
            ExperimentPlots.Lines($"Fig. 2: {name}, accuracy against cut outer diagonals K", "K (outer diagonals cut)", "accuracy", lines,
                Path.Combine(dir, $"fig2-{rule.ToString().ToLowerInvariant()}.{format}"), 0, 1);
        }
        AtomicFile.WriteText(Path.Combine(dir, "fig2.csv"), fig2.ToString());

        // Fig. 3: accuracy against epochs
        var fig3 = new StringBuilder("rule,epoch,accuracy\n");
        var fig3Lines = new List<Curve>();
        foreach (var rule in new[] { PatternRule.Ep, PatternRule.Rbp })
        {
            var c = curves[rule];
            foreach (var (e, a) in c) fig3.Append(Inv, $"{rule.ToString().ToLowerInvariant()},{e},{a:F4}\n");
            fig3Lines.Add(new Curve(rule == PatternRule.Ep ? "Equilibrium propagation" : "Recurrent backpropagation", c.Select(x => (double)x.Epoch).ToArray(), c.Select(x => x.Accuracy).ToArray()));
        }
        AtomicFile.WriteText(Path.Combine(dir, "fig3.csv"), fig3.ToString());
        ExperimentPlots.Lines($"Fig. 3: accuracy (p = 0.1, {curvePerClass} per class) against epochs", "epoch", "accuracy", fig3Lines, Path.Combine(dir, $"fig3-epochs.{format}"), 0, 1);

        metrics["epochs"] = options.Epochs;
        metrics["test_images_per_class"] = tablePerClass;
        string notes = $"network level (DenseHopfield, Eq. 13 for EP/Hebbian/Storkey, Eq. 3 for RBP); training inputs corrupted afresh with p = {options.TrainNoise}; " +
                       $"fixed {options.Epochs} epochs; Fig. 2 with {figPerClass} images per class; device LEVEL=PULSE beta = {options.Synapses.DeviceBeta}, {options.Synapses.Levels} levels";
        ReproCommand.WriteSummary(dir, "zoppo-patterns", quick, metrics, clock.Elapsed.TotalSeconds, "network", notes);
        Console.Error.WriteLine($"zoppo-patterns: wrote {dir} ({clock.Elapsed.TotalSeconds:F1} s, network level)");
        return Program.Success;
    }

    public static int Mnist(bool quick, string outRoot, string format, ulong seed, string? data)
    {
        string dir = Path.Combine(outRoot, "zoppo-mnist5");
        Directory.CreateDirectory(dir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        MnistSet train, test;
        try
        {
            train = AnalogNN.Learning.Datasets.Mnist.Load(data, train: true);
            test = AnalogNN.Learning.Datasets.Mnist.Load(data, train: false);
        }
        catch (DataFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return Program.InputError;
        }
        var options = quick
            ? new ZoppoMnistOptions { PerClass = 200, Hidden = 100, Epochs = 3, Seed = seed }
            : new ZoppoMnistOptions { Seed = seed };
        var exp = new ZoppoMnist(options, train, test);
        Console.Error.WriteLine($"zoppo-mnist5: network level, {exp.Topology}, {exp.TrainCount} training and {exp.TestCount} test patterns, {options.Epochs} epochs, " +
                                $"hard sigmoid, eps = {options.Network.Step}, beta = {options.Network.Beta}, alpha = {string.Join("/", options.Rates)} halved per epoch");
        string checkpoint = Path.Combine(dir, quick ? "checkpoint-quick.bin" : "checkpoint.bin");
        try
        {
            exp.Run(checkpoint, e => Console.Error.WriteLine(
                $"  epoch {e.Epoch}: train error {e.TrainError:F3}, test error {e.TestError:F3} ({e.Seconds:F1} s, {e.Pulses} pulses so far)"));
        }
        catch (DataFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return Program.InputError;
        }
        var last = exp.History[^1];
        double fullTest = exp.FullTestError(), fullTrain = exp.FullTrainError();
        var metrics = new SortedDictionary<string, double>
        {
            ["train_error"] = last.TrainError,
            ["test_error"] = last.TestError,
            ["train_error_all"] = fullTrain,
            ["test_error_all"] = fullTest,
            ["epochs"] = options.Epochs,
            ["hidden_units"] = options.Hidden,
            ["programming_pulses"] = last.Pulses,
            ["programming_energy_j"] = last.Energy,
        };
        var (samples, seconds) = exp.TrainingThroughput;
        if (samples > 0) metrics["training_samples_per_second"] = samples / seconds;
        var csv = new StringBuilder("epoch,train_error,test_error,seconds,pulses,energy_j\n");
        foreach (var e in exp.History) csv.Append(Inv, $"{e.Epoch},{e.TrainError:F4},{e.TestError:F4},{e.Seconds:F2},{e.Pulses},{e.Energy:G6}\n");
        AtomicFile.WriteText(Path.Combine(dir, "fig5.csv"), csv.ToString());
        if (!quick)
        {
            // the same training through a strongly non-linear device (β_device = 3)
            var nonlinear = new ZoppoMnist(options with { Synapses = options.Synapses with { DeviceBeta = 3 } }, train, test);
            Console.Error.WriteLine("  again with a non-linear device (beta_device = 3)");
            try { nonlinear.Run(Path.Combine(dir, "checkpoint-nonlinear.bin")); }
            catch (DataFileException e)
            {
                Console.Error.WriteLine(e.Message);
                return Program.InputError;
            }
            metrics["test_error_all_nonlinear_device"] = nonlinear.FullTestError();
            metrics["train_error_all_nonlinear_device"] = nonlinear.FullTrainError();
        }
        var xs = exp.History.Select(e => (double)e.Epoch).ToArray();
        ExperimentPlots.Lines($"Fig. 5: EP, {exp.Topology}, error on {options.Probe} random patterns", "epoch", "error rate",
            [new Curve("training set", xs, exp.History.Select(e => e.TrainError).ToArray()), new Curve("test set", xs, exp.History.Select(e => e.TestError).ToArray())],
            Path.Combine(dir, $"fig5-error.{format}"), 0);
        string notes = $"network level (LayeredHopfield, Eq. 21); {exp.Topology}, no biases, Glorot initial weights; relaxation to {options.Network.VnTol} within {options.Network.MaxIterations} iterations from 0; " +
                       $"device LEVEL=PULSE beta = {options.Synapses.DeviceBeta}, {options.Synapses.Levels} levels; checkpoint {Path.GetFileName(checkpoint)}";
        ReproCommand.WriteSummary(dir, "zoppo-mnist5", quick, metrics, clock.Elapsed.TotalSeconds, "network", notes);
        foreach (var (k, v) in metrics) Console.Error.WriteLine($"  {k} = {v.ToString("G4", Inv)}");
        Console.Error.WriteLine($"zoppo-mnist5: wrote {dir} ({clock.Elapsed.TotalSeconds:F1} s, network level)");
        return Program.Success;
    }
}
