using System.Numerics.Tensors;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Learning.Rules;

/// <summary>The neuron dynamics of a fully recurrent (full or band) network.</summary>
public enum HopfieldDynamics
{
    /// <summary>
    /// Eq. 13, the gradient dynamics of the energy of Eq. 12 (used by EP, Hebbian and Storkey):
    /// dv_i/dt = −v_i + g'(v_i)(Σ_j w_ij g(v_j) + I_i) + β(T_i − v_i) on outputs.
    /// </summary>
    Gradient,
    /// <summary>Eq. 3, the additive network of Pineda's recurrent backpropagation: dv_i/dt = −v_i + g(Σ_j w_ij v_j + I_i).</summary>
    Additive,
    /// <summary>
    /// Eq. 9, the RBP side network, linear in y, with the gains g'(Î_k) of the last free fixed point
    /// of <see cref="DenseHopfield.RecurrentBackpropUpdate"/>: dy_k/dt = −y_k + g'(Î_k)(Σ_i w_ik y_i + J_k),
    /// the "input" being the error J.
    /// </summary>
    SideNetwork,
}

/// <summary>Outcome of one relaxation.</summary>
public readonly record struct RelaxationResult(int Iterations, double Residual, bool Converged);

/// <summary>
/// The network level of a full or band Hopfield network: the dense symmetric weight matrix read from
/// a <see cref="SynapseArray"/>, relaxation of Eq. 13 (or Eq. 3) by explicit Euler steps of ε to a
/// fixed point (max_i |dv_i/dt| &lt; VnTol), and the updates of EP (Eq. 19), RBP (Eqs. 9 and 11). Work
/// buffers are allocated once; relaxation and updates do not allocate.
/// </summary>
public sealed class DenseHopfield
{
    private readonly double[] _w;
    private readonly double[] _g;
    private readonly double[] _rate;
    private readonly double[] _previousRate;
    private readonly double[] _gain;
    private readonly double[] _error;
    private readonly double[] _vFree;
    private readonly double[] _vNudged;
    private readonly double[] _vMinus;
    private readonly bool[] _isOutput;

    /// <summary>Creates the network for <paramref name="topology"/> (not layered) with zero weights.</summary>
    public DenseHopfield(HopfieldTopology topology, HopfieldParameters parameters)
    {
        if (topology.IsLayered) throw new ArgumentException("DenseHopfield is for full and band topologies; use LayeredHopfield", nameof(topology));
        Topology = topology;
        Parameters = parameters;
        int n = topology.N;
        _w = new double[n * n];
        _g = new double[n];
        _rate = new double[n];
        _previousRate = new double[n];
        _gain = new double[n];
        _error = new double[n];
        _vFree = new double[n];
        _vNudged = new double[n];
        _vMinus = new double[n];
        _isOutput = new bool[n];
        foreach (int o in topology.Outputs) _isOutput[o] = true;
    }

    /// <summary>Connectivity.</summary>
    public HopfieldTopology Topology { get; }
    /// <summary>Dynamics and rule parameters.</summary>
    public HopfieldParameters Parameters { get; set; }
    /// <summary>The dense weight matrix, row-major N×N (symmetric, zero diagonal).</summary>
    public ReadOnlySpan<double> Weights => _w;
    /// <summary>Free fixed point of the last <see cref="EquilibriumPropagationUpdate"/> or <see cref="RecurrentBackpropUpdate"/>.</summary>
    public ReadOnlySpan<double> FreeState => _vFree;
    /// <summary>Nudged fixed point of the last <see cref="EquilibriumPropagationUpdate"/>.</summary>
    public ReadOnlySpan<double> NudgedState => _vNudged;

    /// <summary>Reads the weights from the devices.</summary>
    public void LoadWeights(SynapseArray synapses) => synapses.CopyDense(_w);

    /// <summary>Sets the dense weights directly (tests, closed-form rules before programming).</summary>
    public void SetWeights(ReadOnlySpan<double> matrix) => matrix.CopyTo(_w);

    /// <summary>
    /// dv/dt at state <paramref name="v"/> into <paramref name="rate"/>: Eq. 13 (plus β(T − v) on the
    /// outputs when β ≠ 0) or Eq. 3. Returns max_i |dv_i/dt|.
    /// </summary>
    public double Rate(HopfieldDynamics dynamics, ReadOnlySpan<double> v, ReadOnlySpan<double> input, ReadOnlySpan<double> target, double beta, Span<double> rate)
    {
        int n = Topology.N;
        var g = Parameters.Nonlinearity;
        double max = 0;
        if (dynamics == HopfieldDynamics.Gradient)
        {
            for (int j = 0; j < n; j++) _g[j] = g.G(v[j]);
            for (int i = 0; i < n; i++)
            {
                double h = TensorPrimitives.Dot(new ReadOnlySpan<double>(_w, i * n, n), _g) + input[i];
                double r = -v[i] + g.Derivative(v[i]) * h;
                if (beta != 0 && _isOutput[i]) r += beta * (target[i] - v[i]);
                rate[i] = r;
                max = Math.Max(max, Math.Abs(r));
            }
        }
        else if (dynamics == HopfieldDynamics.Additive)
        {
            for (int i = 0; i < n; i++)
            {
                double h = TensorPrimitives.Dot(new ReadOnlySpan<double>(_w, i * n, n), v) + input[i];
                double r = -v[i] + g.G(h);
                if (beta != 0 && _isOutput[i]) r += beta * (target[i] - v[i]);
                rate[i] = r;
                max = Math.Max(max, Math.Abs(r));
            }
        }
        else
        {
            // W symmetric: Σ_i w_ik y_i is row k times y
            for (int k = 0; k < n; k++)
            {
                double r = -v[k] + _gain[k] * (TensorPrimitives.Dot(new ReadOnlySpan<double>(_w, k * n, n), v) + input[k]);
                rate[k] = r;
                max = Math.Max(max, Math.Abs(r));
            }
        }
        return max;
    }

    /// <summary>
    /// Relaxes <paramref name="v"/> in place by Euler steps v ← v + ε·dv/dt until max|dv/dt| &lt; VnTol
    /// or MaxIterations (then <see cref="RelaxationResult.Converged"/> is false). When three steps in a
    /// row reverse the direction of motion (cos(dv/dt_k, dv/dt_k−1) &lt; −0.5, the signature of an unstable
    /// explicit step with strong weights) the step is halved for the rest of the relaxation; the fixed
    /// point does not depend on ε. (A growing residual alone is not a sign of instability: leaving the
    /// unstable state v ≈ 0 of a network that stores patterns makes it grow for many steps.)
    /// </summary>
    public RelaxationResult Relax(HopfieldDynamics dynamics, Span<double> v, ReadOnlySpan<double> input, ReadOnlySpan<double> target = default, double beta = 0)
    {
        double eps = Parameters.Step, tol = Parameters.VnTol, res = double.PositiveInfinity;
        int it, reversals = 0;
        for (it = 0; it < Parameters.MaxIterations; it++)
        {
            res = Rate(dynamics, v, input, target, beta, _rate);
            if (res < tol) return new RelaxationResult(it, res, true);
            if (it > 0)
            {
                double dot = TensorPrimitives.Dot(_rate, _previousRate);
                double norms = Math.Sqrt(TensorPrimitives.Dot(_rate, _rate) * TensorPrimitives.Dot(_previousRate, _previousRate));
                reversals = dot < -0.5 * norms ? reversals + 1 : 0;
                if (reversals >= 3 && eps > Parameters.Step / 1024) { eps *= 0.5; reversals = 0; }
            }
            _rate.CopyTo(_previousRate, 0);
            TensorPrimitives.MultiplyAdd(_rate, eps, v, v);
        }
        return new RelaxationResult(it, res, false);
    }

    /// <summary>
    /// One EP step (Eqs. 18–19) for one sample: relax the free phase from <paramref name="v0"/>, then the
    /// nudged phase (β on the outputs) from the free fixed point, and write per pair
    /// Δw_ij = (η/β)[g(v_i^β)g(v_j^β) − g(v_i)g(v_j)] into <paramref name="dw"/> (the paper's Eq. 19 is
    /// "∝ η[...]"; the 1/β makes it the gradient estimate of Eq. 18). With
    /// <see cref="HopfieldParameters.SymmetricNudging"/> a second nudged phase at −β replaces the
    /// free state in the difference, Δw = (η/2β)[g(v^β)g(v^β) − g(v^−β)g(v^−β)] (error O(β²)
    /// instead of O(β)). Returns the free relaxation result.
    /// </summary>
    public RelaxationResult EquilibriumPropagationUpdate(ReadOnlySpan<double> v0, ReadOnlySpan<double> input, ReadOnlySpan<double> target, double beta, Span<double> dw)
    {
        v0.CopyTo(_vFree);
        var free = Relax(HopfieldDynamics.Gradient, _vFree, input);
        _vFree.CopyTo(_vNudged);
        Relax(HopfieldDynamics.Gradient, _vNudged, input, target, beta);
        var g = Parameters.Nonlinearity;
        var pi = Topology.PairI;
        var pj = Topology.PairJ;
        // symmetric nudging: the reference is the −β fixed point instead of the free one, over 2β
        var reference = _vFree;
        double scale = Parameters.LearningRate / beta;
        if (Parameters.SymmetricNudging)
        {
            _vFree.CopyTo(_vMinus, 0);
            Relax(HopfieldDynamics.Gradient, _vMinus, input, target, -beta);
            reference = _vMinus;
            scale *= 0.5;
        }
        for (int p = 0; p < pi.Length; p++)
        {
            int i = pi[p], j = pj[p];
            dw[p] = scale * (g.G(_vNudged[i]) * g.G(_vNudged[j]) - g.G(reference[i]) * g.G(reference[j]));
        }
        return free;
    }

    /// <summary>
    /// One RBP step (Eqs. 3, 9, 11) for one sample on the additive network: relax Eq. 3 from
    /// <paramref name="v0"/> to v∞; set the side-network gains g'(Î_k), Î = Wv∞ + I; relax Eq. 9,
    /// dy_k/dt = −y_k + g'(Î_k)(Σ_i w_ik y_i + J_k), J = T − v∞ (outputs only), from y(0) = 0.5; and
    /// write Δw = η(y_i v_j + y_j v_i) per pair (the shared parameter of a symmetric pair gets both
    /// directions' gradients). <paramref name="y"/> receives y∞. Returns the free relaxation result,
    /// marked unconverged when the side network did not converge either.
    /// </summary>
    public RelaxationResult RecurrentBackpropUpdate(ReadOnlySpan<double> v0, ReadOnlySpan<double> input, ReadOnlySpan<double> target, Span<double> y, Span<double> dw)
    {
        int n = Topology.N;
        v0.CopyTo(_vFree);
        var free = Relax(HopfieldDynamics.Additive, _vFree, input);
        var g = Parameters.Nonlinearity;
        for (int k = 0; k < n; k++)
            _gain[k] = g.Derivative(TensorPrimitives.Dot(new ReadOnlySpan<double>(_w, k * n, n), _vFree) + input[k]);
        // the error J = T − v∞ on the outputs is the side network's input
        for (int k = 0; k < n; k++) _error[k] = _isOutput[k] ? target[k] - _vFree[k] : 0;
        y.Fill(0.5);
        var side = Relax(HopfieldDynamics.SideNetwork, y, _error);
        if (!side.Converged) free = free with { Converged = false };
        var pi = Topology.PairI;
        var pj = Topology.PairJ;
        double eta = Parameters.LearningRate;
        for (int p = 0; p < pi.Length; p++)
        {
            int i = pi[p], j = pj[p];
            dw[p] = eta * (y[i] * _vFree[j] + y[j] * _vFree[i]);
        }
        return free;
    }

    /// <summary>The cost C = ½ Σ_outputs (T_i − v_i)² (Eq. 14) of state <paramref name="v"/>.</summary>
    public double Cost(ReadOnlySpan<double> v, ReadOnlySpan<double> target)
    {
        double c = 0;
        foreach (int o in Topology.Outputs) { double d = target[o] - v[o]; c += 0.5 * d * d; }
        return c;
    }
}
