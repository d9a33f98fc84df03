namespace AnalogNN.Learning.Networks;

/// <summary>Which neurons of a Hopfield network a neuron belongs to.</summary>
public enum NeuronRole
{
    /// <summary>Receives an external input current and is also an output (pattern reconstruction: every neuron).</summary>
    InputOutput,
    /// <summary>Clamped to its input value (first layer of a layered network).</summary>
    Input,
    /// <summary>Free, neither input nor output.</summary>
    Hidden,
    /// <summary>Free, nudged towards its target in the nudged phase.</summary>
    Output,
}

/// <summary>
/// The connectivity of a symmetric continuous Hopfield network (Zoppo et al. 2020, Eq. 13): N
/// neurons, which unordered pairs {i, j} carry a synapse (one memristor pair serves both directions,
/// w_ij = w_ji; no self-connections) and each neuron's role.
/// <para>
/// Synapse (pair) order is fixed and shared by every level: for full and band topologies the pairs
/// i &lt; j in row-major order of the upper triangle; for a layered topology the blocks between
/// consecutive layers, block l holding (i in layer l+1, j in layer l) row-major, so block l is the
/// contiguous weight matrix W_l (n_{l+1} × n_l) inside any per-pair array.
/// </para>
/// <para>
/// Count convention. The paper (Section "Pattern Reconstruction") counts the N² entries of W,
/// diagonal included: cutting K outer diagonals (keeping |i − j| ≤ N − 1 − K) leaves N² − K(K + 1)
/// entries. Without self-connections the mask has N² − N − K(K + 1) off-diagonal entries, i.e.
/// (N² − N − K(K + 1))/2 synapse pairs, which is <see cref="PairCount"/>.
/// </para>
/// </summary>
public sealed class HopfieldTopology
{
    private readonly int[] _pairOf;

    private HopfieldTopology(int n, Func<int, int, bool> connected, NeuronRole[] roles, int[]? layerSizes, int cut)
    {
        N = n;
        Roles = roles;
        LayerSizes = layerSizes;
        CutDiagonals = cut;
        _pairOf = new int[n * n];
        Array.Fill(_pairOf, -1);
        var pi = new List<int>();
        var pj = new List<int>();
        if (layerSizes is null)
        {
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    if (connected(i, j)) { Add(i, j); }
            BlockOffsets = [0, pi.Count];
        }
        else
        {
            int blocks = layerSizes.Length - 1;
            BlockOffsets = new int[blocks + 1];
            LayerStarts = new int[layerSizes.Length + 1];
            for (int l = 0; l < layerSizes.Length; l++) LayerStarts[l + 1] = LayerStarts[l] + layerSizes[l];
            for (int l = 0; l < blocks; l++)
            {
                BlockOffsets[l] = pi.Count;
                for (int a = 0; a < layerSizes[l + 1]; a++)
                    for (int b = 0; b < layerSizes[l]; b++) Add(LayerStarts[l + 1] + a, LayerStarts[l] + b);
            }
            BlockOffsets[blocks] = pi.Count;
        }
        PairI = pi.ToArray();
        PairJ = pj.ToArray();
        Inputs = Indices(r => r is NeuronRole.Input or NeuronRole.InputOutput);
        Outputs = Indices(r => r is NeuronRole.Output or NeuronRole.InputOutput);
        Hidden = Indices(r => r == NeuronRole.Hidden);
        Free = Indices(r => r != NeuronRole.Input);

        void Add(int i, int j)
        {
            _pairOf[i * n + j] = _pairOf[j * n + i] = pi.Count;
            pi.Add(i);
            pj.Add(j);
        }
        int[] Indices(Func<NeuronRole, bool> which) => Enumerable.Range(0, n).Where(i => which(roles[i])).ToArray();
    }

    /// <summary>Every pair {i, j}, i ≠ j, connected; every neuron an input and an output (pattern reconstruction).</summary>
    public static HopfieldTopology Full(int n) => Band(n, 0);

    /// <summary>
    /// Band topology: K outer diagonals cut, only |i − j| ≤ N − 1 − K connected (K = 0 is full); every
    /// neuron an input and an output.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">N &lt; 2 or K outside [0, N − 1].</exception>
    public static HopfieldTopology Band(int n, int k)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), "a Hopfield network needs at least 2 neurons");
        if (k < 0 || k > n - 1) throw new ArgumentOutOfRangeException(nameof(k), $"K = {k} outer diagonals: must be in [0, {n - 1}]");
        var roles = new NeuronRole[n];
        Array.Fill(roles, NeuronRole.InputOutput);
        return new HopfieldTopology(n, (i, j) => Math.Abs(i - j) <= n - 1 - k, roles, null, k);
    }

    /// <summary>
    /// Layered topology, e.g. 20-10-3: the first layer is input (clamped), the last output, the others
    /// hidden; only consecutive layers are connected (no lateral, no skip connections).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two layers or an empty layer.</exception>
    public static HopfieldTopology Layered(params int[] sizes)
    {
        if (sizes.Length < 2) throw new ArgumentException("a layered network needs at least an input and an output layer", nameof(sizes));
        if (sizes.Any(s => s < 1)) throw new ArgumentException($"layer sizes {string.Join("-", sizes)}: every layer needs at least one neuron", nameof(sizes));
        int n = sizes.Sum();
        var roles = new NeuronRole[n];
        int at = 0;
        for (int l = 0; l < sizes.Length; l++)
            for (int a = 0; a < sizes[l]; a++)
                roles[at++] = l == 0 ? NeuronRole.Input : l == sizes.Length - 1 ? NeuronRole.Output : NeuronRole.Hidden;
        return new HopfieldTopology(n, (_, _) => false, roles, (int[])sizes.Clone(), 0);
    }

    /// <summary>Number of neurons N.</summary>
    public int N { get; }
    /// <summary>Role of each neuron.</summary>
    public IReadOnlyList<NeuronRole> Roles { get; }
    /// <summary>Layer sizes of a layered topology, null otherwise.</summary>
    public IReadOnlyList<int>? LayerSizes { get; }
    /// <summary>First neuron of each layer and N at the end (layered topology only).</summary>
    public int[]? LayerStarts { get; }
    /// <summary>Outer diagonals cut K (band topology; 0 otherwise).</summary>
    public int CutDiagonals { get; }
    /// <summary>True for a layered topology.</summary>
    public bool IsLayered => LayerSizes is not null;
    /// <summary>Neurons that receive an input (clamped ones for a layered net).</summary>
    public int[] Inputs { get; }
    /// <summary>Neurons with a target (nudged in the nudged phase).</summary>
    public int[] Outputs { get; }
    /// <summary>Hidden neurons.</summary>
    public int[] Hidden { get; }
    /// <summary>Neurons that evolve (every neuron that is not a clamped input).</summary>
    public int[] Free { get; }
    /// <summary>First neuron i of each synapse pair (i &gt; j for layered blocks, i &lt; j otherwise).</summary>
    public int[] PairI { get; }
    /// <summary>Second neuron j of each synapse pair.</summary>
    public int[] PairJ { get; }
    /// <summary>Number of synapse pairs (memristor pairs).</summary>
    public int PairCount => PairI.Length;
    /// <summary>Start of each weight block in pair order and <see cref="PairCount"/> at the end (one block for full/band).</summary>
    public int[] BlockOffsets { get; }

    /// <summary>True if i and j are connected (i ≠ j).</summary>
    public bool IsConnected(int i, int j) => _pairOf[i * N + j] >= 0;

    /// <summary>The synapse pair index of {i, j}, or −1 if not connected.</summary>
    public int PairOf(int i, int j) => _pairOf[i * N + j];

    /// <summary>Number of nonzero off-diagonal entries of W (2·<see cref="PairCount"/>).</summary>
    public int MaskEntries => 2 * PairCount;

    /// <summary>Short description: "full 100", "band 100 K=20", "layered 784-500-5".</summary>
    public override string ToString() => IsLayered ? $"layered {string.Join("-", LayerSizes!)}" : CutDiagonals == 0 ? $"full {N}" : $"band {N} K={CutDiagonals}";
}

/// <summary>The neuron activation g used in Eq. 13 and Eq. 21.</summary>
public enum NonlinearityKind
{
    /// <summary>g(v) = tanh v, g'(v) = 1 − tanh² v.</summary>
    Tanh,
    /// <summary>g(v) = min(max(v, 0), 1), g'(v) = 1 on [0, 1] and 0 outside (Scellier and Bengio 2017).</summary>
    HardSigmoid,
}

/// <summary>
/// The neuron activation g(v) and its derivative g'(v). For the hard sigmoid g' is taken as 1 on the
/// closed interval [0, 1]: Eq. 21 clamps states into [0, 1], and a state sitting on a bound must still
/// feel its input (with g' = 0 there a neuron at 0 would never leave it).
/// </summary>
public readonly record struct Nonlinearity(NonlinearityKind Kind)
{
    /// <summary>tanh.</summary>
    public static Nonlinearity Tanh => new(NonlinearityKind.Tanh);
    /// <summary>Hard sigmoid.</summary>
    public static Nonlinearity HardSigmoid => new(NonlinearityKind.HardSigmoid);

    /// <summary>g(v).</summary>
    public double G(double v) => Kind == NonlinearityKind.Tanh ? Math.Tanh(v) : Math.Clamp(v, 0, 1);

    /// <summary>g'(v).</summary>
    public double Derivative(double v)
    {
        if (Kind == NonlinearityKind.Tanh) { double t = Math.Tanh(v); return 1 - t * t; }
        return v >= 0 && v <= 1 ? 1 : 0;
    }

    /// <summary>Lower and upper output bounds of g: (−1, 1) for tanh, (0, 1) for the hard sigmoid.</summary>
    public (double Low, double High) Range => Kind == NonlinearityKind.Tanh ? (-1, 1) : (0, 1);

    /// <summary>Parses "tanh" or "hardsigmoid"/"hard-sigmoid".</summary>
    public static Nonlinearity? Parse(string text) => text.ToLowerInvariant() switch
    {
        "tanh" => Tanh,
        "hardsigmoid" or "hard-sigmoid" or "hard_sigmoid" => HardSigmoid,
        _ => null,
    };
}

/// <summary>
/// Parameters of the network dynamics and of the learning rules (dimensionless network units: a
/// neuron state v, a weight w, time in units of the neuron time constant).
/// </summary>
public sealed record HopfieldParameters
{
    /// <summary>Activation g.</summary>
    public Nonlinearity Nonlinearity { get; init; } = Nonlinearity.Tanh;
    /// <summary>Step ε of the explicit Euler integration of Eq. 13 (or of Eq. 20/21), in neuron time constants.</summary>
    public double Step { get; init; } = 0.5;
    /// <summary>
    /// Steady-state tolerance (SPICE-style name <c>vntol</c>): relaxation stops when every state moves
    /// by less than VnTol·ε per step, i.e. max_i |dv_i/dt| &lt; VnTol.
    /// </summary>
    public double VnTol { get; init; } = 1e-6;
    /// <summary>Iteration limit of one relaxation (SPICE-style name <c>itl1</c>); the relaxation reports non-convergence past it.</summary>
    public int MaxIterations { get; init; } = 10000;
    /// <summary>Nudging strength β of the weakly clamped phase (Eq. 15).</summary>
    public double Beta { get; init; } = 1;
    /// <summary>Draw the sign of β at random for every sample (Scellier and Bengio 2017 option).</summary>
    public bool RandomBetaSign { get; init; }
    /// <summary>EP with two nudged phases, +β and −β (an option beyond the paper; second-order accurate in β).</summary>
    public bool SymmetricNudging { get; init; }
    /// <summary>Learning rate η (Eqs. 11 and 19).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Per-block learning rates α_l (layered topology), overriding η; null for one rate.</summary>
    public double[]? LayerRates { get; init; }
    /// <summary>Halve every learning rate after each epoch.</summary>
    public bool HalveRatePerEpoch { get; init; }
    /// <summary>Fixed number of free-phase iterations for Eq. 21 (0: relax to <see cref="VnTol"/>).</summary>
    public int FreeIterations { get; init; }
    /// <summary>Fixed number of nudged-phase iterations for Eq. 21 (0: relax to <see cref="VnTol"/>).</summary>
    public int NudgedIterations { get; init; }
}
