using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Datasets;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Rules;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Learning.Experiments;

/// <summary>The four rules of Zoppo et al. Table 1.</summary>
public enum PatternRule
{
    /// <summary>Hebbian outer-product rule (closed form, programmed once).</summary>
    Hebbian,
    /// <summary>Storkey rule (closed form, programmed once).</summary>
    Storkey,
    /// <summary>Recurrent backpropagation (Pineda), network Eq. 3, side network Eq. 9.</summary>
    Rbp,
    /// <summary>Equilibrium propagation, network Eq. 13.</summary>
    Ep,
}

/// <summary>Settings of the pattern-reconstruction experiment (defaults: the paper's where it gives them).</summary>
public sealed record ZoppoPatternsOptions
{
    /// <summary>Training epochs (paper: 300).</summary>
    public int Epochs { get; init; } = 300;
    /// <summary>Uniform initial weights in ±InitRange (paper: 0.1).</summary>
    public double InitRange { get; init; } = 0.1;
    /// <summary>Gain of the input current: I = InputGain·(pattern shown).</summary>
    public double InputGain { get; init; } = 1;
    /// <summary>Flip probability of the training inputs (0: the clean patterns are the inputs, as the paper).</summary>
    public double TrainNoise { get; init; }
    /// <summary>Initial states uniform in ±InitialState (the paper: random initial state).</summary>
    public double InitialState { get; init; } = 0.1;
    /// <summary>Seed of initial weights, initial states, corruption and β signs.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Dynamics and rule parameters (η = 0.01, tanh, Euler step, tolerance).</summary>
    public HopfieldParameters Network { get; init; } = new() { Step = 0.5, VnTol = 1e-5, MaxIterations = 20000, LearningRate = 0.01, Beta = 1 };
    /// <summary>
    /// Device parameters of the synapses: weights up to ±4 with 8000 levels (step 5e-4). With ±1 the
    /// full network trains the same, but RBP on band networks (fewer, stronger weights) fails.
    /// </summary>
    public SynapseParameters Synapses { get; init; } = new() { WeightMax = 4, Levels = 8000 };
}

/// <summary>A trained pattern network: its devices and the network-level model that reads them.</summary>
public sealed class PatternNetwork
{
    internal PatternNetwork(PatternRule rule, HopfieldTopology topology, ZoppoPatternsOptions options)
    {
        Rule = rule;
        Topology = topology;
        Options = options;
        Synapses = new SynapseArray(topology, options.Synapses);
        Network = new DenseHopfield(topology, options.Network);
    }

    /// <summary>The rule that trained it.</summary>
    public PatternRule Rule { get; }
    /// <summary>Connectivity.</summary>
    public HopfieldTopology Topology { get; }
    /// <summary>Settings.</summary>
    public ZoppoPatternsOptions Options { get; }
    /// <summary>The devices.</summary>
    public SynapseArray Synapses { get; }
    /// <summary>The network level.</summary>
    public DenseHopfield Network { get; }
    /// <summary>Recall dynamics: Eq. 3 for RBP (the network it trains), Eq. 13 for the others.</summary>
    public HopfieldDynamics Dynamics => Rule == PatternRule.Rbp ? HopfieldDynamics.Additive : HopfieldDynamics.Gradient;
    /// <summary>Relaxations that hit the iteration limit (training and recall).</summary>
    public long Unconverged { get; internal set; }
    /// <summary>Free and recall relaxations run (training and recall).</summary>
    public long Relaxations { get; internal set; }
    /// <summary>Euler iterations of those relaxations.</summary>
    public long Iterations { get; internal set; }

    internal void Count(RelaxationResult r)
    {
        Relaxations++;
        Iterations += r.Iterations;
        if (!r.Converged) Unconverged++;
    }
}

/// <summary>
/// Zoppo et al. (2020) pattern reconstruction at the network level: training of the four rules on the
/// 16 letter patterns (every neuron input and output, no hidden units), recall of corrupted patterns,
/// accuracy = fraction of exact reconstructions (sign of every v∞ equals the original pattern).
/// </summary>
public static class ZoppoPatterns
{
    /// <summary>
    /// Trains <paramref name="rule"/> on <paramref name="patterns"/>. Hebbian and Storkey: weights in
    /// closed form, programmed from zero into the devices by pulses. RBP and EP: weights uniform in
    /// ±InitRange, then per epoch every pattern in order: free relaxation from a random state with input
    /// I = gain·pattern (optionally corrupted), the rule's update Δw, programmed into the devices, read back.
    /// <paramref name="afterEpoch"/> is called after each epoch (1-based) with the network.
    /// </summary>
    public static PatternNetwork Train(PatternRule rule, HopfieldTopology topology, IReadOnlyList<double[]> patterns, ZoppoPatternsOptions options,
        Action<int, PatternNetwork>? afterEpoch = null)
    {
        var net = new PatternNetwork(rule, topology, options);
        int pairs = topology.PairCount, n = topology.N;
        if (rule is PatternRule.Hebbian or PatternRule.Storkey)
        {
            var w = rule == PatternRule.Hebbian ? ClassicRules.Hebbian(topology, patterns) : ClassicRules.Storkey(topology, patterns);
            net.Synapses.Program(w);
            net.Network.LoadWeights(net.Synapses);
            return net;
        }
        net.Synapses.InitializeUniform(options.InitRange, options.Seed);
        net.Network.LoadWeights(net.Synapses);
        var random = new DeviceRandom(options.Seed, $"train/{rule}/{topology}");
        var dw = new double[pairs];
        var v0 = new double[n];
        var input = new double[n];
        var y = new double[n];
        var prm = options.Network;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            foreach (var pattern in patterns)
            {
                if (options.TrainNoise > 0) LetterPatterns.Corrupt(pattern, options.TrainNoise, ref random, input);
                else pattern.CopyTo(input, 0);
                for (int k = 0; k < n; k++) { input[k] *= options.InputGain; v0[k] = options.InitialState * (2 * random.NextUniform() - 1); }
                RelaxationResult r;
                if (rule == PatternRule.Ep)
                {
                    double beta = prm.RandomBetaSign && random.NextUniform() < 0.5 ? -prm.Beta : prm.Beta;
                    r = net.Network.EquilibriumPropagationUpdate(v0, input, pattern, beta, dw);
                }
                else r = net.Network.RecurrentBackpropUpdate(v0, input, pattern, y, dw);
                net.Count(r);
                net.Synapses.Program(dw);
                net.Network.LoadWeights(net.Synapses);
            }
            afterEpoch?.Invoke(epoch, net);
        }
        return net;
    }

    /// <summary>
    /// Fraction of exact reconstructions over <paramref name="perClass"/> corrupted copies (flip
    /// probability <paramref name="p"/>) of every pattern: input I = gain·corrupted, random initial
    /// state, relax with the rule's dynamics, success when sign(v∞_i) = pattern_i for every i (the least
    /// square error of the binarised state is 0). Seeded by <paramref name="seed"/> only, so every rule
    /// sees the same corrupted images.
    /// </summary>
    public static double Accuracy(PatternNetwork net, IReadOnlyList<double[]> patterns, double p, int perClass, ulong seed)
    {
        int n = net.Topology.N, ok = 0;
        var random = new DeviceRandom(seed, $"test/p{p:R}");
        var input = new double[n];
        var v = new double[n];
        var gain = net.Options.InputGain;
        for (int c = 0; c < patterns.Count; c++)
            for (int s = 0; s < perClass; s++)
            {
                LetterPatterns.Corrupt(patterns[c], p, ref random, input);
                for (int k = 0; k < n; k++) { input[k] *= gain; v[k] = net.Options.InitialState * (2 * random.NextUniform() - 1); }
                net.Count(net.Network.Relax(net.Dynamics, v, input));
                bool exact = true;
                for (int k = 0; k < n && exact; k++) exact = Math.Sign(v[k]) == Math.Sign(patterns[c][k]);
                if (exact) ok++;
            }
        return ok / (double)(patterns.Count * perClass);
    }

    /// <summary>
    /// The classical associative-memory recall, for comparison with the continuous dynamics: the
    /// corrupted pattern is the initial state, no input; asynchronous sweeps s_i ← sign(Σ_j w_ij s_j)
    /// in index order until a sweep changes nothing (at most 100 sweeps); success when s equals the
    /// pattern. Same corrupted images as <see cref="Accuracy"/> for the same seed.
    /// </summary>
    public static double DiscreteAccuracy(PatternNetwork net, IReadOnlyList<double[]> patterns, double p, int perClass, ulong seed)
    {
        int n = net.Topology.N, ok = 0;
        var random = new DeviceRandom(seed, $"test/p{p:R}");
        var s = new double[n];
        var w = net.Network.Weights;
        for (int c = 0; c < patterns.Count; c++)
            for (int t = 0; t < perClass; t++)
            {
                LetterPatterns.Corrupt(patterns[c], p, ref random, s);
                for (int k = 0; k < n; k++) random.NextUniform(); // keep the stream aligned with Accuracy's initial states
                for (int sweep = 0; sweep < 100; sweep++)
                {
                    bool changed = false;
                    for (int i = 0; i < n; i++)
                    {
                        double h = System.Numerics.Tensors.TensorPrimitives.Dot(w.Slice(i * n, n), s);
                        double next = h >= 0 ? 1 : -1;
                        if (next != s[i]) { s[i] = next; changed = true; }
                    }
                    if (!changed) break;
                }
                bool exact = true;
                for (int k = 0; k < n && exact; k++) exact = s[k] == patterns[c][k];
                if (exact) ok++;
            }
        return ok / (double)(patterns.Count * perClass);
    }
}
