using System.Numerics.Tensors;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Learning.Rules;

/// <summary>
/// The network level of a layered symmetric network (e.g. 784-500-5) trained by EP, following
/// Zoppo et al. Eqs. 20–21 (after Scellier and Bengio 2017): the first layer is clamped to the input,
/// every other layer evolves by the projected gradient step
/// s ← g(s − ε ∂F/∂s), ∂F/∂s_i = s_i − g'(s_i)(Σ_j w_ij g(s_j)) − β(T_i − s_i) (outputs only),
/// all layers updated synchronously from the previous iterate. Weights are the per-pair vector of the
/// <see cref="SynapseArray"/> (block l is W_l, n_{l+1} × n_l, row-major). No biases: every parameter
/// is a synapse pair. Buffers are allocated once; relaxation and updates do not allocate.
/// </summary>
public sealed class LayeredHopfield
{
    private readonly double[] _w;
    private readonly double[] _gs;
    private readonly double[] _drive;
    private readonly double[] _inputDrive;
    private readonly double[] _next;
    private readonly double[] _free;
    private readonly double[] _nudged;
    private readonly int[] _starts;
    private readonly int[] _sizes;

    /// <summary>Creates the network for a layered <paramref name="topology"/> with zero weights.</summary>
    public LayeredHopfield(HopfieldTopology topology, HopfieldParameters parameters)
    {
        if (!topology.IsLayered) throw new ArgumentException("LayeredHopfield needs a layered topology", nameof(topology));
        Topology = topology;
        Parameters = parameters;
        _starts = topology.LayerStarts!;
        _sizes = topology.LayerSizes!.ToArray();
        int n = topology.N;
        _w = new double[topology.PairCount];
        _gs = new double[n];
        _drive = new double[n];
        _next = new double[n];
        _free = new double[n];
        _nudged = new double[n];
        _inputDrive = new double[_sizes[1]];
    }

    /// <summary>Connectivity.</summary>
    public HopfieldTopology Topology { get; }
    /// <summary>Dynamics and rule parameters (Step = ε, Beta, LayerRates α_l).</summary>
    public HopfieldParameters Parameters { get; set; }
    /// <summary>Per-pair weights.</summary>
    public Span<double> Weights => _w;
    /// <summary>Free fixed point of the last <see cref="EquilibriumPropagationUpdate"/> or <see cref="Infer"/>.</summary>
    public ReadOnlySpan<double> FreeState => _free;
    /// <summary>Nudged fixed point of the last <see cref="EquilibriumPropagationUpdate"/>.</summary>
    public ReadOnlySpan<double> NudgedState => _nudged;

    /// <summary>Reads the weights from the devices.</summary>
    public void LoadWeights(SynapseArray synapses) => synapses.CopyWeights(_w);

    private ReadOnlySpan<double> Block(int l) => new(_w, Topology.BlockOffsets[l], _sizes[l + 1] * _sizes[l]);

    /// <summary>
    /// Relaxes <paramref name="s"/> (all N states; layer 0 is the clamped input and is not changed)
    /// for <paramref name="iterations"/> steps of Eq. 21, or, when 0, until every state moves by less
    /// than VnTol·ε in one step (at most MaxIterations).
    /// </summary>
    public RelaxationResult Relax(Span<double> s, ReadOnlySpan<double> target, double beta, int iterations)
    {
        var g = Parameters.Nonlinearity;
        int layers = _sizes.Length, n = Topology.N;
        double eps = Parameters.Step;
        // the clamped input's drive W_0 g(x) does not change during a relaxation
        for (int j = 0; j < _sizes[0]; j++) _gs[j] = g.G(s[j]);
        var w0 = Block(0);
        var gx = new ReadOnlySpan<double>(_gs, 0, _sizes[0]);
        for (int a = 0; a < _sizes[1]; a++) _inputDrive[a] = TensorPrimitives.Dot(w0.Slice(a * _sizes[0], _sizes[0]), gx);
        int limit = iterations > 0 ? iterations : Parameters.MaxIterations;
        double res = double.PositiveInfinity;
        for (int it = 0; it < limit; it++)
        {
            for (int i = _starts[1]; i < n; i++) _gs[i] = g.G(s[i]);
            Array.Clear(_drive);
            _inputDrive.CopyTo(_drive, _starts[1]);
            for (int l = 1; l < layers; l++)
            {
                var drive = new Span<double>(_drive, _starts[l], _sizes[l]);
                if (l > 1)
                {
                    // bottom-up: W_{l−1} g(s_{l−1})
                    var wb = Block(l - 1);
                    var below = new ReadOnlySpan<double>(_gs, _starts[l - 1], _sizes[l - 1]);
                    for (int a = 0; a < _sizes[l]; a++) drive[a] += TensorPrimitives.Dot(wb.Slice(a * _sizes[l - 1], _sizes[l - 1]), below);
                }
                if (l < layers - 1)
                {
                    // top-down: W_lᵀ g(s_{l+1}), row by row of W_l
                    var wt = Block(l);
                    for (int c = 0; c < _sizes[l + 1]; c++)
                    {
                        double gc = _gs[_starts[l + 1] + c];
                        if (gc != 0) TensorPrimitives.MultiplyAdd(wt.Slice(c * _sizes[l], _sizes[l]), gc, drive, drive);
                    }
                }
            }
            double max = 0;
            int outStart = _starts[layers - 1];
            for (int i = _starts[1]; i < n; i++)
            {
                double grad = s[i] - g.Derivative(s[i]) * _drive[i];
                if (beta != 0 && i >= outStart) grad -= beta * (target[i - outStart] - s[i]);
                double v = g.G(s[i] - eps * grad);
                _next[i] = v;
                max = Math.Max(max, Math.Abs(v - s[i]));
            }
            new ReadOnlySpan<double>(_next, _starts[1], n - _starts[1]).CopyTo(s[_starts[1]..]);
            res = max / eps;
            if (iterations == 0 && res < Parameters.VnTol) return new RelaxationResult(it + 1, res, true);
        }
        return new RelaxationResult(limit, res, res < Parameters.VnTol);
    }

    /// <summary>Free phase only: clamps <paramref name="input"/>, starts the free layers at 0, relaxes; returns the index of the largest output.</summary>
    public int Infer(ReadOnlySpan<double> input)
    {
        Array.Clear(_free);
        input.CopyTo(_free);
        Relax(_free, default, 0, Parameters.FreeIterations);
        return ArgMaxOutput(_free);
    }

    /// <summary>Index (within the output layer) of the largest output state.</summary>
    public int ArgMaxOutput(ReadOnlySpan<double> s)
    {
        int start = _starts[^2], best = 0;
        for (int k = 1; k < _sizes[^1]; k++) if (s[start + k] > s[start + best]) best = k;
        return best;
    }

    /// <summary>
    /// One EP step for one sample: free phase from 0 with <paramref name="input"/> clamped, nudged phase
    /// from the free fixed point with β(T − s) on the outputs, and per block
    /// Δw_ab = (α_l/β)[g(s_a^β)g(s_b^β) − g(s_a)g(s_b)] into <paramref name="dw"/> (α_l =
    /// <paramref name="rates"/>[l]). Returns the predicted class of the free phase.
    /// </summary>
    public int EquilibriumPropagationUpdate(ReadOnlySpan<double> input, ReadOnlySpan<double> target, double beta, ReadOnlySpan<double> rates, Span<double> dw)
    {
        int predicted = Infer(input);
        _free.CopyTo(_nudged);
        Relax(_nudged, target, beta, Parameters.NudgedIterations);
        var g = Parameters.Nonlinearity;
        int n = Topology.N;
        for (int i = 0; i < n; i++) { _gs[i] = g.G(_free[i]); _drive[i] = g.G(_nudged[i]); }
        for (int l = 0; l + 1 < _sizes.Length; l++)
        {
            double scale = rates[l] / beta;
            int rows = _sizes[l + 1], cols = _sizes[l], off = Topology.BlockOffsets[l];
            var freeBelow = new ReadOnlySpan<double>(_gs, _starts[l], cols);
            var nudgedBelow = new ReadOnlySpan<double>(_drive, _starts[l], cols);
            for (int a = 0; a < rows; a++)
            {
                var row = dw.Slice(off + a * cols, cols);
                double ga = _gs[_starts[l + 1] + a], gb = _drive[_starts[l + 1] + a];
                TensorPrimitives.Multiply(nudgedBelow, scale * gb, row);
                TensorPrimitives.MultiplyAdd(freeBelow, -scale * ga, row, row);
            }
        }
        return predicted;
    }
}
