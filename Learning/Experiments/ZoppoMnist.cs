using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Datasets;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Rules;
using AnalogNN.Learning.Synapses;
using AnalogNN.Netlists.Waveforms;

namespace AnalogNN.Learning.Experiments;

/// <summary>Settings of the MNIST experiment (Zoppo et al. Fig. 5; defaults as the paper where it gives them).</summary>
public sealed record ZoppoMnistOptions
{
    /// <summary>Classes 0 … Classes − 1 (paper: 5).</summary>
    public int Classes { get; init; } = 5;
    /// <summary>Training patterns per class (paper: 600).</summary>
    public int PerClass { get; init; } = 600;
    /// <summary>Hidden units of the one hidden layer (Scellier and Bengio 2017: 500).</summary>
    public int Hidden { get; init; } = 500;
    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Patterns drawn at random from the training and from the test set for the per-epoch errors (paper: 100).</summary>
    public int Probe { get; init; } = 100;
    /// <summary>Learning rates α1 (input → hidden) and α2 (hidden → output) (paper: 0.1, 0.05), halved after each epoch.</summary>
    public double[] Rates { get; init; } = [0.1, 0.05];
    /// <summary>Seed of the initial weights, the training order and the probe draws.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Dynamics: hard sigmoid, ε = 0.5, β = 1 (paper), relaxation to VnTol within MaxIterations.</summary>
    public HopfieldParameters Network { get; init; } = new()
    {
        Nonlinearity = Nonlinearity.HardSigmoid, Step = 0.5, Beta = 1, VnTol = 1e-3, MaxIterations = 100, HalveRatePerEpoch = true,
    };
    /// <summary>Device parameters.</summary>
    public SynapseParameters Synapses { get; init; } = new() { Levels = 4000 };

    /// <summary>A text that changes when any setting that affects the numbers changes (checkpoints must match it).</summary>
    public string Fingerprint() =>
        $"c{Classes} n{PerClass} h{Hidden} r{string.Join("/", Rates.Select(r => r.ToString("R")))} s{Seed} " +
        $"eps{Network.Step:R} b{Network.Beta:R} tol{Network.VnTol:R} it{Network.MaxIterations} fi{Network.FreeIterations} ni{Network.NudgedIterations} half{Network.HalveRatePerEpoch} " +
        $"{Synapses}";
}

/// <summary>Errors after one epoch.</summary>
public sealed record MnistEpoch(int Epoch, double TrainError, double TestError, double Seconds, long Pulses, double Energy);

/// <summary>
/// Zoppo et al. (2020) Fig. 5 at the network level: EP on a 784-H-C layered symmetric network (hard
/// sigmoid, Eq. 21), MNIST classes 0 … C − 1 with a fixed number of training patterns per class; every
/// update programmed into the synapse pairs by pulses. Error on random training and test patterns per
/// epoch. Checkpoints (device states, history) are written atomically after every epoch and resumed.
/// </summary>
public sealed class ZoppoMnist
{
    private readonly ZoppoMnistOptions _o;
    private readonly MnistSet _train;
    private readonly MnistSet _test;
    private readonly int[] _trainIndex;
    private readonly int[] _testIndex;

    /// <summary>Selects the data: the first PerClass images of each class in file order from the training set; every test image of the classes.</summary>
    /// <exception cref="DataFileException">A class has fewer than PerClass training images.</exception>
    public ZoppoMnist(ZoppoMnistOptions options, MnistSet train, MnistSet test)
    {
        _o = options;
        _train = train;
        _test = test;
        var picked = new List<int>();
        var counts = new int[options.Classes];
        for (int k = 0; k < train.Count; k++)
        {
            int c = train.Labels[k];
            if (c < options.Classes && counts[c] < options.PerClass) { counts[c]++; picked.Add(k); }
        }
        if (counts.Any(c => c < options.PerClass)) throw new DataFileException("train-images-idx3-ubyte", $"a class has fewer than {options.PerClass} training images");
        _trainIndex = picked.ToArray();
        _testIndex = Enumerable.Range(0, test.Count).Where(k => test.Labels[k] < options.Classes).ToArray();
        Topology = HopfieldTopology.Layered(train.ImageSize, options.Hidden, options.Classes);
        Synapses = new SynapseArray(Topology, options.Synapses);
        Network = new LayeredHopfield(Topology, options.Network);
    }

    /// <summary>784-H-C.</summary>
    public HopfieldTopology Topology { get; }
    /// <summary>The devices.</summary>
    public SynapseArray Synapses { get; }
    /// <summary>The network level.</summary>
    public LayeredHopfield Network { get; }
    /// <summary>Per-epoch history (including epochs restored from a checkpoint).</summary>
    public List<MnistEpoch> History { get; } = [];
    /// <summary>Training patterns.</summary>
    public int TrainCount => _trainIndex.Length;
    /// <summary>Test patterns of the selected classes.</summary>
    public int TestCount => _testIndex.Length;
    /// <summary>Samples trained in this process (not restored ones) and the seconds they took.</summary>
    public (long Samples, double Seconds) TrainingThroughput { get; private set; }

    /// <summary>Runs to <see cref="ZoppoMnistOptions.Epochs"/>, resuming from <paramref name="checkpoint"/> if it exists and matches.</summary>
    public void Run(string? checkpoint, Action<MnistEpoch>? afterEpoch = null, Action<int, int>? progress = null)
    {
        int start = 0;
        if (checkpoint is not null && File.Exists(checkpoint)) start = Restore(checkpoint);
        else Synapses.InitializeGlorot(_o.Seed);
        Network.LoadWeights(Synapses);
        int n = Topology.N, inputs = _train.ImageSize, classes = _o.Classes;
        var x = new double[inputs];
        var target = new double[classes];
        var dw = new double[Topology.PairCount];
        var rates = new double[_o.Rates.Length];
        var order = (int[])_trainIndex.Clone();
        long samples = 0;
        double seconds = 0;
        for (int epoch = start + 1; epoch <= _o.Epochs; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int l = 0; l < rates.Length; l++) rates[l] = _o.Rates[l] * (_o.Network.HalveRatePerEpoch ? Math.Pow(0.5, epoch - 1) : 1);
            // each epoch's order depends only on the seed and the epoch, so a resumed run trains as an uninterrupted one
            _trainIndex.CopyTo(order, 0);
            var shuffle = new DeviceRandom(_o.Seed, $"mnist/order/{epoch}");
            for (int k = order.Length - 1; k > 0; k--) { int j = (int)(shuffle.NextBits() % (ulong)(k + 1)); (order[k], order[j]) = (order[j], order[k]); }
            var signs = new DeviceRandom(_o.Seed, $"mnist/beta/{epoch}");
            for (int s = 0; s < order.Length; s++)
            {
                _train.Image(order[s], x);
                Array.Clear(target);
                target[_train.Labels[order[s]]] = 1;
                double beta = _o.Network.RandomBetaSign && signs.NextUniform() < 0.5 ? -_o.Network.Beta : _o.Network.Beta;
                Network.EquilibriumPropagationUpdate(x, target, beta, rates, dw);
                Synapses.Program(dw);
                Network.LoadWeights(Synapses);
                if (progress is not null && (s + 1) % 100 == 0) progress(epoch, s + 1);
            }
            samples += order.Length;
            seconds += clock.Elapsed.TotalSeconds;
            var probe = new DeviceRandom(_o.Seed, $"mnist/probe/{epoch}");
            double trainErr = Error(_train, _trainIndex, _o.Probe, ref probe);
            double testErr = Error(_test, _testIndex, _o.Probe, ref probe);
            var e = new MnistEpoch(epoch, trainErr, testErr, clock.Elapsed.TotalSeconds, Synapses.TotalPulses, Synapses.TotalEnergy);
            History.Add(e);
            if (checkpoint is not null) Save(checkpoint, epoch);
            afterEpoch?.Invoke(e);
        }
        TrainingThroughput = (samples, seconds);
    }

    /// <summary>Error rate on <paramref name="count"/> patterns drawn with replacement from <paramref name="index"/> (all of them when count ≤ 0).</summary>
    private double Error(MnistSet set, int[] index, int count, ref DeviceRandom random)
    {
        var x = new double[set.ImageSize];
        int m = count > 0 ? count : index.Length, wrong = 0;
        for (int s = 0; s < m; s++)
        {
            int k = count > 0 ? index[(int)(random.NextBits() % (ulong)index.Length)] : index[s];
            set.Image(k, x);
            if (Network.Infer(x) != set.Labels[k]) wrong++;
        }
        return wrong / (double)m;
    }

    /// <summary>Error on every test pattern of the selected classes.</summary>
    public double FullTestError()
    {
        var r = new DeviceRandom(0);
        return Error(_test, _testIndex, 0, ref r);
    }

    /// <summary>Error on every training pattern.</summary>
    public double FullTrainError()
    {
        var r = new DeviceRandom(0);
        return Error(_train, _trainIndex, 0, ref r);
    }

    private const int CheckpointVersion = 1;

    private void Save(string path, int epoch)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write(CheckpointVersion);
            w.Write(_o.Fingerprint());
            w.Write(epoch);
            w.Write(History.Count);
            foreach (var h in History) { w.Write(h.Epoch); w.Write(h.TrainError); w.Write(h.TestError); w.Write(h.Seconds); w.Write(h.Pulses); w.Write(h.Energy); }
            var d = Synapses.Devices;
            w.Write(d.X.Length);
            foreach (double v in d.X) w.Write(v);
            foreach (long c in d.PulseCount) w.Write(c);
            foreach (double e in d.Energy) w.Write(e);
            w.Write(Synapses.TotalPulses);
            w.Write(Synapses.TotalEnergy);
        });
    }

    /// <summary>Loads a checkpoint; returns the last completed epoch.</summary>
    /// <exception cref="DataFileException">Unreadable, or written with other settings.</exception>
    private int Restore(string path)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadInt32() != CheckpointVersion) throw new DataFileException(path, "checkpoint of another version; delete it to start again");
            string fp = r.ReadString();
            if (fp != _o.Fingerprint()) throw new DataFileException(path, $"checkpoint written with other settings ({fp}); delete it or use another output folder");
            int epoch = r.ReadInt32();
            int count = r.ReadInt32();
            for (int k = 0; k < count; k++) History.Add(new MnistEpoch(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt64(), r.ReadDouble()));
            var d = Synapses.Devices;
            if (r.ReadInt32() != d.X.Length) throw new DataFileException(path, "checkpoint for another network size");
            for (int k = 0; k < d.X.Length; k++) d.X[k] = r.ReadDouble();
            for (int k = 0; k < d.X.Length; k++) d.PulseCount[k] = r.ReadInt64();
            for (int k = 0; k < d.X.Length; k++) d.Energy[k] = r.ReadDouble();
            Synapses.RestoreTotals(r.ReadInt64(), r.ReadDouble());
            return epoch;
        }
        catch (EndOfStreamException) { throw new DataFileException(path, "truncated checkpoint; delete it to start again"); }
    }
}
