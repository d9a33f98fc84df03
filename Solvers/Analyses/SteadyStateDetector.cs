namespace AnalogNN.Solvers.Analyses;

/// <summary>
/// Decides when a transient has reached a steady state (an equilibrium of the circuit's ODE, as
/// the free and nudged phases of Equilibrium Propagation need). Fed with every accepted time
/// point, it estimates each watched unknown's rate over the step just taken,
/// r = max_k |x_k(t_n) − x_k(t_{n−1})| / (t_n − t_{n−1}) (V/s for node voltages), and reports a
/// steady state once r ≤ <see cref="Tolerance"/> at <see cref="Points"/> consecutive points.
/// </summary>
/// <remarks>
/// What the tolerance buys: near a stable equilibrium v* of dv/dt = f(v) the distance decays as
/// e^(−λt), λ the slowest decay rate of the Jacobian −∂f/∂v, so |v − v*| ≈ |dv/dt|/λ; a rate
/// tolerance r gives a distance of about r/λ. The difference quotient is the mean rate over the
/// step, which for a monotone decay is above the rate at the end of the step, so the estimate errs
/// on the safe side. The floor is set by the Newton tolerance: an unknown converged to within
/// vntol per step shows a spurious rate up to vntol/Δt, so the tolerance has to be well above
/// vntol divided by the largest step (TMAX).
/// Observing does not allocate.
/// </remarks>
public sealed class SteadyStateDetector
{
    private readonly int[] _unknowns;
    private readonly double[] _last;
    private double _lastTime = double.NaN;
    private int _quiet;

    /// <summary>Watches <paramref name="unknowns"/> (indices into the solution vector).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Tolerance not positive, or fewer than one point.</exception>
    public SteadyStateDetector(IReadOnlyList<int> unknowns, double tolerance, int points = 3)
    {
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), "steady-state tolerance (sstol) must be > 0");
        if (points < 1) throw new ArgumentOutOfRangeException(nameof(points), "sspoints must be >= 1");
        _unknowns = unknowns.ToArray();
        _last = new double[_unknowns.Length];
        Tolerance = tolerance;
        Points = points;
    }

    /// <summary>Rate tolerance (sstol), units of the watched unknowns per second.</summary>
    public double Tolerance { get; }

    /// <summary>Consecutive points at or below the tolerance that make a steady state (sspoints).</summary>
    public int Points { get; }

    /// <summary>The largest rate of the last observed step (NaN before the second point).</summary>
    public double LastRate { get; private set; } = double.NaN;

    /// <summary>True once a steady state has been reported (until <see cref="Reset"/>).</summary>
    public bool IsSteady { get; private set; }

    /// <summary>Forgets the history (call when the circuit changes, e.g. at a phase switch).</summary>
    public void Reset()
    {
        _lastTime = double.NaN;
        _quiet = 0;
        IsSteady = false;
        LastRate = double.NaN;
    }

    /// <summary>Takes one accepted point; returns true when the steady state is reached (at this point or before).</summary>
    public bool Observe(double time, ReadOnlySpan<double> solution)
    {
        if (!double.IsNaN(_lastTime) && time > _lastTime)
        {
            double rate = 0, dt = time - _lastTime;
            for (int k = 0; k < _unknowns.Length; k++)
                rate = Math.Max(rate, Math.Abs(solution[_unknowns[k]] - _last[k]) / dt);
            LastRate = rate;
            _quiet = rate <= Tolerance ? _quiet + 1 : 0;
            if (_quiet >= Points) IsSteady = true;
        }
        for (int k = 0; k < _unknowns.Length; k++) _last[k] = solution[_unknowns[k]];
        _lastTime = time;
        return IsSteady;
    }
}
