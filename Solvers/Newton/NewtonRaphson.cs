using System.Diagnostics;
using AnalogNN.Circuit;

namespace AnalogNN.Solvers.Newton;

/// <summary>Counters of the engine's work, for benchmarks and tests.</summary>
public sealed class EngineStatistics
{
    /// <summary>Newton iterations (loads followed by a solve).</summary>
    public long Iterations;
    /// <summary>Numeric factorizations skipped because the matrix had not changed since the last one.</summary>
    public long FactorizationsSkipped;
    /// <summary>Accepted transient time points.</summary>
    public long TimePoints;
    /// <summary>Rejected transient time points (no convergence or truncation error too large).</summary>
    public long Rejections;
    /// <summary>Full pivot searches (Markowitz orderings).</summary>
    public long Reorders;
    /// <summary>Fill-ins created by the last ordering.</summary>
    public long FillIns;
    /// <summary>Non-zeros of L and U together after the last ordering.</summary>
    public long FactorNonZeros;
    /// <summary>Multiply-adds of one numeric factorization in the last ordering.</summary>
    public long FactorOperations;
    /// <summary>Time spent loading devices, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long LoadTicks;
    /// <summary>Time spent factoring (pivot searches and numeric factorizations), in Stopwatch ticks.</summary>
    public long FactorTicks;
    /// <summary>Time spent in forward/backward substitution, in Stopwatch ticks.</summary>
    public long SolveTicks;
    /// <summary>Steps redone to land on a state-triggered event.</summary>
    public long EventRefinements;
}

/// <summary>
/// Newton–Raphson on an <see cref="MnaSystem"/>: load every behaviour at the iterate, factor (reusing
/// the pivot order; a full pivot search only on the first factorization or when a pivot fails),
/// solve, and test convergence with SPICE's rule on every unknown,
/// |x⁽ᵏ⁺¹⁾ − x⁽ᵏ⁾| ≤ reltol·max(|x⁽ᵏ⁺¹⁾|, |x⁽ᵏ⁾|) + (vntol for voltages | abstol for currents),
/// plus the devices' own current tests and no junction limited in the last load.
/// </summary>
public sealed class NewtonRaphson
{
    private readonly MnaSystem _system;
    private readonly double[] _lastFactored;
    private readonly double[] _clampValues;
    private readonly bool[] _clamped;
    private bool _haveFactor;
    private bool _clampActive;

    /// <summary>Creates the iteration for a set-up system.</summary>
    public NewtonRaphson(MnaSystem system)
    {
        _system = system;
        _lastFactored = new double[system.Context.Matrix.Length];
        _clampValues = new double[system.Size + 1];
        _clamped = new bool[system.Size + 1];
        // the absolute part of each unknown's tolerance: abstol for currents, vntol for voltages and states
        _absolute = new double[system.Size + 1];
        for (int i = 1; i <= system.Size; i++)
            _absolute[i] = system.Unknowns[i].Kind == UnknownKind.Current ? system.Options.AbsTol : system.Options.VnTol;
    }

    private readonly double[] _absolute;

    /// <summary>Work counters.</summary>
    public EngineStatistics Statistics { get; } = new();

    /// <summary>Conductance added from every node to ground during gmin stepping, S (0 normally).</summary>
    public double DiagonalGmin { get; set; }

    /// <summary>Unknown that failed the convergence test last, for diagnostics (0 if none).</summary>
    public int ProblemUnknown { get; private set; }

    /// <summary>Conductance (S) of the clamps that hold nodes at <c>.ic</c>/<c>.nodeset</c> values.</summary>
    public const double ClampConductance = 1e10;

    /// <summary>Holds node <paramref name="unknown"/> at <paramref name="value"/> V through <see cref="ClampConductance"/> while clamps are enabled.</summary>
    public void SetClamp(int unknown, double value)
    {
        _clamped[unknown] = true;
        _clampValues[unknown] = value;
    }

    /// <summary>Removes every clamp.</summary>
    public void ClearClamps() => Array.Clear(_clamped);

    /// <summary>Enables or disables the node clamps.</summary>
    public bool ClampsEnabled { get => _clampActive; set => _clampActive = value; }

    /// <summary>
    /// Iterates from the present <see cref="LoadContext.Solution"/> until convergence or
    /// <paramref name="maxIterations"/>. The caller has put the context into its mode (DC or
    /// transient). <paramref name="initJunction"/> marks the first iteration as SPICE's MODEINITJCT,
    /// <paramref name="predict"/> as a transient predictor iteration (<see cref="LoadContext.InitPredict"/>).
    /// Returns false on non-convergence; throws <see cref="SimulationException"/> on a singular matrix.
    /// </summary>
    public bool Iterate(int maxIterations, bool initJunction = false, bool predict = false)
    {
        var ctx = _system.Context;
        var x = ctx.Solution;
        var rhs = ctx.Rhs;
        var unknowns = _system.Unknowns;
        var opt = _system.Options;
        var absolute = _absolute;
        for (int iter = 1; iter <= maxIterations; iter++)
        {
            ctx.SetInitJunction(initJunction && iter == 1);
            ctx.SetInitPredict(predict && iter == 1);
            ctx.SetIteration(iter);
            long t0 = Stopwatch.GetTimestamp();
            ctx.BeginLoad();
            foreach (var b in _system.Loaders) b.Load(ctx);
            StampExtras(ctx);
            Statistics.Iterations++;
            long t1 = Stopwatch.GetTimestamp();
            FactorOrThrow(ctx);
            long t2 = Stopwatch.GetTimestamp();
            _system.Solver.Solve(rhs.AsSpan(1));
            rhs[0] = 0;
            long t3 = Stopwatch.GetTimestamp();
            Statistics.LoadTicks += t1 - t0;
            Statistics.FactorTicks += t2 - t1;
            Statistics.SolveTicks += t3 - t2;

            bool converged = iter > 1 && ctx.Limited == 0;
            ProblemUnknown = 0;
            for (int i = 1; i < x.Length; i++)
            {
                double xn = rhs[i], xo = x[i];
                if (double.IsNaN(xn) || double.IsInfinity(xn))
                {
                    ProblemUnknown = i;
                    throw new SimulationException($"the solution diverged (NaN) at {unknowns[i].SignalName}", unknowns[i].SignalName, ctx.Analysis == AnalysisKind.Transient ? ctx.Time : null);
                }
                if (converged)
                {
                    double tol = opt.RelTol * Math.Max(Math.Abs(xn), Math.Abs(xo)) + absolute[i];
                    if (Math.Abs(xn - xo) > tol) { converged = false; ProblemUnknown = i; }
                }
            }
            Array.Copy(rhs, x, x.Length);
            if (converged)
            {
                foreach (var c in _system.Converging)
                    if (!c.IsConverged(ctx)) { converged = false; break; }
                if (converged) return true;
            }
        }
        ctx.SetInitPredict(false);
        return false;
    }

    /// <summary>Adds the gmin-stepping shunts and the .ic/.nodeset clamps to the loaded matrix.</summary>
    private void StampExtras(LoadContext ctx)
    {
        var diag = _system.DiagonalSlots;
        var unknowns = _system.Unknowns;
        if (DiagonalGmin > 0)
            for (int i = 1; i < diag.Length; i++)
                if (unknowns[i].Kind == UnknownKind.Voltage) ctx.Matrix[diag[i]] += DiagonalGmin;
        if (_clampActive)
            for (int i = 1; i < diag.Length; i++)
                if (_clamped[i])
                {
                    ctx.Matrix[diag[i]] += ClampConductance;
                    ctx.Rhs[i] += ClampConductance * _clampValues[i];
                }
    }

    /// <summary>
    /// Factors the loaded matrix. A matrix identical to the last factored one is not factored
    /// again (a linear circuit at a fixed step is factored once); otherwise the previous pivot
    /// order is reused and a new Markowitz search runs only when a pivot fails.
    /// </summary>
    private void FactorOrThrow(LoadContext ctx)
    {
        var values = ctx.Matrix.AsSpan(1);
        var solver = _system.Solver;
        if (_haveFactor && values.SequenceEqual(_lastFactored.AsSpan(1)))
        {
            Statistics.FactorizationsSkipped++;
            return;
        }
        bool ok = _haveFactor && solver.Factor(values);
        if (!ok)
        {
            ok = solver.OrderAndFactor(values);
            Statistics.Reorders++;
            Statistics.FillIns = solver.Statistics.FillIns;
            Statistics.FactorNonZeros = solver.FactorNonZeros;
            Statistics.FactorOperations = solver.FactorOperations;
        }
        if (!ok)
        {
            _haveFactor = false;
            throw Diagnostics.Singular(_system, solver.SingularIndex + 1);
        }
        values.CopyTo(_lastFactored.AsSpan(1));
        _haveFactor = true;
    }
}
