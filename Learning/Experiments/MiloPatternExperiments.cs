using System.Diagnostics;
using AnalogNN.Components.Neurons;
using AnalogNN.Learning.Controllers;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Learning.Experiments;

/// <summary>The simulation level an experiment ran at (SPEC section 5).</summary>
public enum FidelityLevel
{
    /// <summary>The netlist through the MNA engine.</summary>
    Circuit,
    /// <summary>The same neurons and devices simulated by <see cref="MiloNetworkLevel"/>.</summary>
    Network,
}

/// <summary>Engine work of a circuit-level run (for the benchmark report).</summary>
public sealed record CircuitCost(double Seconds, double SetupSeconds, long TimePoints, long Iterations, long Rejections,
    double LoadSeconds, double FactorSeconds, double SolveSeconds, long FactorOperations, long FactorNonZeros, int Unknowns);

/// <summary>Experiment 2 (Fig. 4): 64 neurons trained with 'X' then 'C'.</summary>
public sealed class MiloPatternTraining
{
    /// <summary>Number of neurons (64).</summary>
    public int Neurons { get; init; }
    /// <summary>Seconds of each pattern.</summary>
    public double Phase { get; init; }
    /// <summary>Level the training ran at.</summary>
    public FidelityLevel Level { get; init; }
    /// <summary>Sample times of the states (s) and the excitatory and inhibitory states at each, [i, j] (pre, post; NaN on the diagonal).</summary>
    public List<(double Time, double[,] Excitatory, double[,] Inhibitory)> Samples { get; init; } = new();
    /// <summary>Spike times of every neuron (0-based), s.</summary>
    public List<double>[] Spikes { get; init; } = [];
    /// <summary>Programming events in the circuit (all devices) and their energy, J.</summary>
    public long ProgrammingEvents { get; init; }
    /// <summary>Energy of the programming events, J.</summary>
    public double ProgrammingEnergy { get; init; }
    /// <summary>Wall clock of the run, s.</summary>
    public double Seconds { get; init; }
    /// <summary>Engine work (circuit level only).</summary>
    public CircuitCost? Cost { get; init; }
    /// <summary>The netlist simulated.</summary>
    public string Netlist { get; init; } = "";

    /// <summary>The sample nearest to <paramref name="time"/>.</summary>
    public (double Time, double[,] Excitatory, double[,] Inhibitory) At(double time) => Samples.MinBy(s => Math.Abs(s.Time - time));

    /// <summary>The last sample (the trained network).</summary>
    public (double Time, double[,] Excitatory, double[,] Inhibitory) Final => Samples[^1];

    /// <summary>Mean state of the synapses with both ends in <paramref name="a"/> and <paramref name="b"/> (0-based sets; i ≠ j).</summary>
    public static double Mean(double[,] map, IReadOnlyCollection<int> a, IReadOnlyCollection<int> b)
    {
        double sum = 0;
        int count = 0;
        foreach (int i in a)
            foreach (int j in b)
                if (i != j) { sum += map[i, j]; count++; }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>Mean rate (Hz) of neurons <paramref name="set"/> in [from, to).</summary>
    public double Rate(IReadOnlyCollection<int> set, double from, double to) =>
        set.Sum(k => Spikes[k].Count(t => t >= from && t < to)) / (set.Count * (to - from));
}

/// <summary>One recall run: the cue and the first spike of every neuron.</summary>
public sealed record MiloRecallRun(int[] Cue, double[] FirstSpike, List<double>[] Spikes, double End, FidelityLevel Level, double Seconds)
{
    /// <summary>Time at which every neuron of <paramref name="attractor"/> has fired (the last first spike), or NaN if one never did.</summary>
    public double RecallTime(IReadOnlyCollection<int> attractor)
    {
        double t = attractor.Max(k => FirstSpike[k]);
        return double.IsFinite(t) ? t : double.NaN;
    }

    /// <summary>Number of neurons of <paramref name="attractor"/> that have fired by <paramref name="time"/>.</summary>
    public int Recalled(IReadOnlyCollection<int> attractor, double time) => attractor.Count(k => FirstSpike[k] <= time);
}

/// <summary>
/// Experiments 2–4 of Milo et al. on the 64-neuron network: training with 'X' then 'C' (Fig. 4),
/// recall from partial cues (Fig. 5) and error correction (Fig. 6).
/// </summary>
public static class MiloPatternExperiments
{
    /// <summary>Neurons of the network.</summary>
    public const int N = 64;

    /// <summary>Input rate of the patterns and of the cues, Hz.</summary>
    public const double Rate = 200;

    // ------------------------------------------------------------------ experiment 2: training

    /// <summary>
    /// Device, neuron and drive parameters of the 64-neuron network: those of <see cref="MiloParameters"/>
    /// with ten times weaker synapses (GON 10 µS, GOFF 0.1 µS: a trained synapse moves the post-synaptic
    /// membrane by about a fifth of the threshold per pre-synaptic spike, so recall needs several cue
    /// neurons and takes tens of milliseconds) and sub-threshold inputs (40 µA × 1 ms ≈ 16 mV against
    /// the 20 mV threshold: a neuron fires on temporally summed input spikes). docs/learning.md gives the
    /// exploration behind these values.
    /// </summary>
    public static MiloParameters Parameters { get; } = new() { Gon = 1e-5, Goff = 1e-7, StimAmplitude = 40e-6 };

    /// <summary>
    /// Pause between 'X' and 'C' during training, s. The 'X' attractor's activity outlives its input by
    /// a few tens of milliseconds (recurrent excitation); if 'C' starts while it lasts, 'X' gate pulses
    /// overlap 'C' top-electrode pulses and X → C synapses learn (with no pause X → C excitatory x ≈ 0.17,
    /// with 20 ms inhibitory x fell to 0.83 and mixed cues recalled 'C' four times as often as 'X').
    /// After 100 ms the activity has died out and X → C keeps its initial states.
    /// </summary>
    public const double DefaultGap = 0.1;

    private static (double[] Rates, (double, double)[] Windows) Patterns(double phase, double gap)
    {
        var rates = new double[N];
        var windows = new (double, double)[N];
        for (int k = 0; k < N; k++) windows[k] = (0, phase);
        foreach (int k in MiloPatterns.X) { rates[k] = Rate; windows[k] = (0, phase - gap); }
        foreach (int k in MiloPatterns.C) { rates[k] = Rate; windows[k] = (phase, 2 * phase); }
        return (rates, windows);
    }

    private static IEnumerable<double> SampleTimes(double stop, double every)
    {
        int count = (int)Math.Round(stop / every);
        for (int k = 0; k <= count; k++) yield return Math.Min(stop, k * every);
    }

    private static (double[,], double[,]) Maps(double[] states)
    {
        var e = new double[N, N];
        var h = new double[N, N];
        int q = 0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
            {
                if (i == j) { e[i, j] = h[i, j] = double.NaN; continue; }
                e[i, j] = states[q++];
                h[i, j] = states[q++];
            }
        return (e, h);
    }

    private static List<string> Devices()
    {
        var d = new List<string>();
        for (int i = 1; i <= N; i++)
            for (int j = 1; j <= N; j++)
                if (i != j) { d.Add(MiloHopfield.Excitatory(i, j)); d.Add(MiloHopfield.Inhibitory(i, j)); }
        return d;
    }

    /// <summary>
    /// 'X' for <paramref name="phase"/> seconds, then 'C' for as long (every neuron of the pattern at
    /// 200 Hz), at circuit level; the states of all 8 064 devices are read every <paramref name="every"/> s.
    /// </summary>
    public static MiloPatternTraining TrainCircuit(double phase, ulong seed = 1, MiloParameters? p = null, double every = 0.05, Action<double>? progress = null, double gap = DefaultGap)
    {
        var clock = Stopwatch.StartNew();
        p ??= Parameters;
        double stop = 2 * phase;
        var (rates, windows) = Patterns(phase, gap);
        string netlist = MiloHopfield.Build(N, rates, stop, seed, p, windows: windows);
        var job = NetlistJob.FromText(netlist, "milo64.cir");
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-4, stop, 0, 1e-4, UseIc: true)) { Saves = ["v(m1)"] };
        // callbacks before the host: it wraps the ones already set
        double setup = 0;
        tran.Started = _ => setup = clock.Elapsed.TotalSeconds;
        if (progress is not null) tran.TimePointAccepted = t => progress(t / stop);
        var host = new ControllerHost(tran, seed);
        var devices = Devices();
        var snapshots = new SnapshotController(devices, SampleTimes(stop, every).ToList());
        var terminals = new List<(string, string, string, double)>();
        for (int i = 1; i <= N; i++)
            for (int j = 1; j <= N; j++)
                if (i != j) { terminals.Add(MiloHopfield.Terminals(i, j, true, p)); terminals.Add(MiloHopfield.Terminals(i, j, false, p)); }
        host.Add(snapshots).Add(new ProgrammingMonitor(terminals));
        host.Run(new DiscardOutput());
        var s = tran.Statistics!;
        double F(long ticks) => ticks / (double)Stopwatch.Frequency;
        var spikes = Spikes(tran);
        return new MiloPatternTraining
        {
            Neurons = N, Phase = phase, Level = FidelityLevel.Circuit, Netlist = netlist,
            Samples = snapshots.Snapshots.Select(x => { var (e, h) = Maps(x.States); return (x.Time, e, h); }).ToList(),
            Spikes = spikes,
            ProgrammingEvents = host.Log.TotalPulses,
            ProgrammingEnergy = host.Log.TotalEnergy,
            Seconds = clock.Elapsed.TotalSeconds,
            Cost = new CircuitCost(clock.Elapsed.TotalSeconds, setup, s.TimePoints, s.Iterations, s.Rejections,
                F(s.LoadTicks), F(s.FactorTicks), F(s.SolveTicks), s.FactorOperations, s.FactorNonZeros, tran.System!.Size),
        };
    }

    /// <summary>The same training at network level.</summary>
    public static MiloPatternTraining TrainNetwork(double phase, ulong seed = 1, MiloParameters? p = null, double every = 0.05, double gap = DefaultGap)
    {
        var clock = Stopwatch.StartNew();
        p ??= Parameters;
        double stop = 2 * phase;
        var (rates, windows) = Patterns(phase, gap);
        string netlist = MiloHopfield.Build(N, rates, stop, seed, p, windows: windows);
        var net = MiloNetworkLevel.FromCircuit(NetlistJob.FromText(netlist, "milo64.cir").CircuitOf(0), stop);
        var result = net.Run(stop, snapshots: SampleTimes(stop, every).ToList());
        return new MiloPatternTraining
        {
            Neurons = N, Phase = phase, Level = FidelityLevel.Network, Netlist = netlist,
            Samples = result.Snapshots.Select(x => (x.Time, x.Excitatory, x.Inhibitory)).ToList(),
            Spikes = result.Spikes,
            ProgrammingEvents = result.ProgrammingEvents,
            ProgrammingEnergy = result.ProgrammingEnergy,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private static List<double>[] Spikes(Transient tran)
    {
        var spikes = Enumerable.Range(0, N).Select(_ => new List<double>()).ToArray();
        foreach (var e in tran.System!.Behaviors.OfType<AnalogNN.Circuit.ISpikeEmitter>())
            if (e.Source.StartsWith('n') && int.TryParse(e.Source.AsSpan(1), out int i) && i >= 1 && i <= N)
                spikes[i - 1].AddRange(e.SpikeTimes);
        return spikes;
    }

    // ------------------------------------------------------------------ experiment 3 and 4: recall

    /// <summary>The trained states as netlist initial conditions (device name → x).</summary>
    public static Dictionary<string, double> InitialStates(double[,] exc, double[,] inh)
    {
        var x0 = new Dictionary<string, double>();
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                if (i != j)
                {
                    x0[MiloHopfield.Excitatory(i + 1, j + 1)] = exc[i, j];
                    x0[MiloHopfield.Inhibitory(i + 1, j + 1)] = inh[i, j];
                }
        return x0;
    }

    /// <summary>
    /// <paramref name="count"/> neurons of <paramref name="pattern"/>, drawn without replacement by a
    /// shuffle seeded with <paramref name="seed"/> (0-based, ascending).
    /// </summary>
    public static int[] Subset(IReadOnlyList<int> pattern, int count, ulong seed)
    {
        var order = pattern.ToArray();
        var rng = new SplitMix64(seed * 0x9E3779B97F4A7C15UL + 12345);
        for (int k = order.Length - 1; k > 0; k--)
        {
            int r = (int)(rng.Next() % (ulong)(k + 1));
            (order[k], order[r]) = (order[r], order[k]);
        }
        return order.Take(count).Order().ToArray();
    }

    /// <summary>
    /// Recall at circuit level: the trained states, every TE at its read voltage, the cue neurons at
    /// 200 Hz (seed <paramref name="seed"/>) from t = 0; the run ends <paramref name="after"/> s after
    /// every neuron of <paramref name="attractor"/> has fired, or at <paramref name="window"/>.
    /// </summary>
    public static MiloRecallRun RecallCircuit(double[,] exc, double[,] inh, int[] cue, IReadOnlyCollection<int> attractor, double window,
        ulong seed, MiloParameters? p = null, double after = 0.02)
    {
        var clock = Stopwatch.StartNew();
        p ??= Parameters;
        var rates = new double[N];
        foreach (int k in cue) rates[k] = Rate;
        string netlist = MiloHopfield.Build(N, rates, window, seed, p, recall: true, x0: InitialStates(exc, inh));
        var job = NetlistJob.FromText(netlist, "milo64-recall.cir");
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-4, window, 0, 1e-4, UseIc: true)) { Saves = ["v(m1)"] };
        var host = new ControllerHost(tran, seed);
        host.Add(new RecallWatcher(attractor, after));
        host.Run(new DiscardOutput());
        var spikes = Spikes(tran);
        return new MiloRecallRun(cue, spikes.Select(l => l.Count > 0 ? l[0] : double.PositiveInfinity).ToArray(), spikes, tran.EndTime, FidelityLevel.Circuit, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Stops the run a little after every neuron of the attractor has fired.</summary>
    private sealed class RecallWatcher(IReadOnlyCollection<int> attractor, double after) : IController
    {
        private readonly HashSet<string> _names = attractor.Select(k => MiloHopfield.Neuron(k + 1)).ToHashSet();
        private readonly HashSet<string> _fired = new();
        private double _complete = double.PositiveInfinity;

        public string Name => "recall-watcher";

        public void OnSpike(ControllerContext context, SpikeHandle source, double spikeTime)
        {
            if (_names.Contains(source.Name) && _fired.Add(source.Name) && _fired.Count == _names.Count) _complete = spikeTime;
        }

        public void OnTimePoint(ControllerContext context)
        {
            if (context.Time >= _complete + after) context.StopRun();
        }
    }

    /// <summary>
    /// The trained network at network level in recall mode, for many runs: the same netlist (read
    /// voltages, no learning) with its neurons' membrane time constant set to the given tau.
    /// Not thread safe: use one per thread.
    /// </summary>
    public sealed class NetworkRecall
    {
        private readonly MiloNetworkLevel _net;
        private readonly MiloParameters _p;

        /// <summary>Builds the network (about a second for 64 neurons) with the trained states.</summary>
        public NetworkRecall(double[,] exc, double[,] inh, MiloParameters? p = null, double? tau = null)
        {
            _p = p ?? Parameters;
            if (tau is { } t) _p = _p with { Tau = t };
            string netlist = MiloHopfield.Build(N, new double[N], 1, 1, _p, recall: true, x0: InitialStates(exc, inh));
            _net = MiloNetworkLevel.FromCircuit(NetlistJob.FromText(netlist, "milo64-recall.cir").CircuitOf(0), 1);
            var pulse = new SpikePulse(_p.StimAmplitude, _p.StimWidth, 10e-6);
            for (int j = 0; j < N; j++) _net.SetStimulusPulse(j, pulse);
        }

        /// <summary>
        /// Error correction (Fig. 6): the cue neurons at 200 Hz until one of the two attractors is complete
        /// (or <paramref name="window"/>); returns the run (<see cref="FirstComplete"/> tells the winner).
        /// </summary>
        public MiloRecallRun Compete(int[] cue, double window, ulong seed) =>
            Run(cue, MiloPatterns.X, window, seed, stopWhen: r => MiloPatterns.X.All(k => r.Spikes[k].Count > 0) || MiloPatterns.C.All(k => r.Spikes[k].Count > 0));

        /// <summary>
        /// One recall: the cue neurons driven at 200 Hz with the inputs the circuit's sources would give
        /// for <paramref name="seed"/>, for <paramref name="window"/> s, or (if <paramref name="stopWhenComplete"/>)
        /// until every neuron of <paramref name="attractor"/> has fired.
        /// </summary>
        public MiloRecallRun Run(int[] cue, IReadOnlyCollection<int> attractor, double window, ulong seed, bool stopWhenComplete = true) =>
            Run(cue, attractor, window, seed, stopWhenComplete ? r => attractor.All(k => r.Spikes[k].Count > 0) : null);

        private MiloRecallRun Run(int[] cue, IReadOnlyCollection<int> attractor, double window, ulong seed, Func<MiloNetworkResult, bool>? stopWhen)
        {
            var clock = Stopwatch.StartNew();
            var isCue = new bool[N];
            foreach (int k in cue) isCue[k] = true;
            for (int j = 0; j < N; j++)
                _net.SetStimulus(j, isCue[j] ? MiloHopfield.PoissonTimes(j + 1, Rate, seed, 0, double.PositiveInfinity, window) : []);
            var result = _net.Run(window, recall: true, until: stopWhen is null ? null : (r, t) => stopWhen(r));
            var first = result.Spikes.Select(l => l.Count > 0 ? l[0] : double.PositiveInfinity).ToArray();
            return new MiloRecallRun(cue, first, result.Spikes, double.IsNaN(result.StoppedAt) ? window : result.StoppedAt, FidelityLevel.Network, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// Which attractor a run recalled first: +1 'X', −1 'C', 0 neither within the run: the one all of
    /// whose 12 neurons had fired first (at equal times, undecided).
    /// </summary>
    public static int FirstComplete(MiloRecallRun run)
    {
        double x = run.RecallTime(MiloPatterns.X), c = run.RecallTime(MiloPatterns.C);
        if (double.IsNaN(x) && double.IsNaN(c)) return 0;
        if (double.IsNaN(c) || x < c) return 1;
        if (double.IsNaN(x) || c < x) return -1;
        return 0;
    }
}
