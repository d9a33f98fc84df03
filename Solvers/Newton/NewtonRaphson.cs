using System.Diagnostics;
using AnalogNN.Circuit;
using AnalogNN.Solvers.Sparse;

namespace AnalogNN.Solvers.Newton;

/// <summary>Counters of the engine's work, for benchmarks and tests.</summary>
public sealed class EngineStatistics
{
    /// <summary>Newton iterations (loads followed by a solve).</summary>
    public long Iterations;
    /// <summary>Numeric factorizations skipped because the matrix had not changed since the last one.</summary>
    public long FactorizationsSkipped;
    /// <summary>Chord iterations: numeric factorizations skipped by reusing the last factors of a changed matrix (<see cref="SimulationOptions.ChordNewton"/>).</summary>
    public long ChordIterations;
    /// <summary>Numeric factorizations (pivot searches included).</summary>
    public long Factorizations;
    /// <summary>State unknowns eliminated locally before the sparse factorization (<see cref="SimulationOptions.CondenseStates"/>).</summary>
    public long CondensedUnknowns;
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
/// State unknowns (memristor states) are condensed out of the sparse LU when
/// <see cref="SimulationOptions.CondenseStates"/> is set (<see cref="CondensedLU"/>), and in the
/// transient the factors of that condensed system are reused by chord iterations
/// (<see cref="SimulationOptions.ChordNewton"/>): Δx = J̃⁻¹·(b − A·x) with the exact residual, while
/// the matrix has moved little since it was factored and the updates contract.
/// </summary>
public sealed class NewtonRaphson
{
    private readonly MnaSystem _system;
    private readonly double[] _lastFactored;
    private readonly double[] _clampValues;
    private readonly bool[] _clamped;
    private bool _haveFactor;
    private bool _clampActive;
    private readonly double[] _residual;
    private readonly int[] _rowSlotStart, _rowSlot, _rowSlotColumn; // matrix slots grouped by row: [_rowSlotStart[i], _rowSlotStart[i + 1])
    private readonly double[] _absTol; // vntol or abstol per unknown
    // state unknowns eliminated locally (null when none or disabled), and whether the last factors are its
    private readonly CondensedLU? _condensed;
    private bool _factoredCondensed;
    private bool _refactor; // chord Newton: the next iteration must factor

    /// <summary>Creates the iteration for a set-up system.</summary>
    public NewtonRaphson(MnaSystem system)
    {
        _system = system;
        _lastFactored = new double[system.Context.Matrix.Length];
        _clampValues = new double[system.Size + 1];
        _clamped = new bool[system.Size + 1];
        _residual = new double[system.Size + 1];
        if (system.Options.CondenseStates)
        {
            var candidates = new bool[system.Size];
            for (int i = 1; i <= system.Size; i++) candidates[i - 1] = system.Unknowns[i].Kind == UnknownKind.State;
            if (candidates.Contains(true))
            {
                var rows = system.SlotRows.AsSpan(1).ToArray();
                var cols = system.SlotColumns.AsSpan(1).ToArray();
                for (int k = 0; k < rows.Length; k++) { rows[k]--; cols[k]--; }
                _condensed = new CondensedLU(system.Size, rows, cols, candidates);
                _condensed.Reduced.PivRel = system.Options.PivRel;
                _condensed.Reduced.PivTol = system.Options.PivTol;
                _condensed.Reduced.Ordering = system.Solver.Ordering;
                if (_condensed.Eliminated == 0) _condensed = null;
            }
        }
        Statistics.CondensedUnknowns = _condensed?.Eliminated ?? 0;
        // the slots grouped by row (ascending within a row) for the chord residual
        var slotRows = system.SlotRows;
        _rowSlotStart = new int[system.Size + 2];
        for (int k = 1; k < slotRows.Length; k++) _rowSlotStart[slotRows[k] + 1]++;
        for (int i = 0; i <= system.Size; i++) _rowSlotStart[i + 1] += _rowSlotStart[i];
        _rowSlot = new int[slotRows.Length - 1];
        _rowSlotColumn = new int[slotRows.Length - 1];
        var fillAt = _rowSlotStart.AsSpan(0, system.Size + 1).ToArray();
        for (int k = 1; k < slotRows.Length; k++)
        {
            int p = fillAt[slotRows[k]]++;
            _rowSlot[p] = k;
            _rowSlotColumn[p] = system.SlotColumns[k];
        }
        _absTol = new double[system.Size + 1];
        for (int i = 1; i <= system.Size; i++)
            _absTol[i] = system.Unknowns[i].Kind == UnknownKind.Current ? system.Options.AbsTol : system.Options.VnTol;
    }

    /// <summary>Unknowns eliminated locally before the sparse factorization (<see cref="SimulationOptions.CondenseStates"/>).</summary>
    public int CondensedUnknowns => _condensed?.Eliminated ?? 0;

    /// <summary>Whether transient iterations may be chord iterations (<see cref="SimulationOptions.ChordNewton"/> on a condensed system).</summary>
    public bool ChordEnabled => _system.Options.ChordNewton && _condensed is not null;

    /// <summary>Work counters.</summary>
    public EngineStatistics Statistics { get; } = new();

    /// <summary>Conductance added from every node to ground during gmin stepping, S (0 normally).</summary>
    public double DiagonalGmin { get; set; }

    /// <summary>Unknown that failed the convergence test last, for diagnostics (0 if none).</summary>
    public int ProblemUnknown { get; private set; }

    /// <summary>
    /// For a failure message: the unknown that failed the convergence test last or, if every unknown
    /// passed, the device that held the iteration back (<see cref="IConvergenceBehavior.Unconverged"/>).
    /// </summary>
    public string Culprit
    {
        get
        {
            if (ProblemUnknown > 0) return _system.Unknowns[ProblemUnknown].SignalName;
            foreach (var c in _system.Converging)
                if (c.Unconverged is { } device) return device;
            return "a device current";
        }
    }

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
        // chord iterations only on the condensed system: the state equations stay exact and only the
        // node-voltage Schur complement is reused (full Newton otherwise, as in SPICE)
        bool chordAllowed = opt.ChordNewton && _condensed is not null && ctx.Analysis == AnalysisKind.Transient && !ctx.InitTransient;
        double lastRatio = double.NaN;
        var absTol = _absTol;
        int chordInStep = 0;
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
            // Chord iteration: the factors of an earlier Jacobian that differs little from this one,
            // unless the last chord iterations contracted poorly.
            bool chord = chordAllowed && _haveFactor && !_refactor && chordInStep < opt.ChordIterations && ChordUsable(ctx, chordInStep == 0);
            if (chord) Statistics.ChordIterations++;
            else
            {
                FactorOrThrow(ctx);
                _refactor = false;
            }
            long t2 = Stopwatch.GetTimestamp();
            if (chord)
            {
                // Δx = J_old⁻¹·(b − A·x), x⁽ᵏ⁺¹⁾ = x + Δx: the same fixed point as A·x = b
                ResidualInto(ctx, _residual);
                SolveFactored(_residual.AsSpan(1));
                for (int i = 1; i < x.Length; i++) rhs[i] = x[i] + _residual[i];
                chordInStep++;
            }
            else SolveFactored(rhs.AsSpan(1));
            rhs[0] = 0;
            long t3 = Stopwatch.GetTimestamp();
            Statistics.LoadTicks += t1 - t0;
            Statistics.FactorTicks += t2 - t1;
            Statistics.SolveTicks += t3 - t2;

            bool converged = iter > 1 && ctx.Limited == 0;
            ProblemUnknown = 0;
            double ratio = 0; // largest |Δx| in units of its tolerance
            for (int i = 1; i < x.Length; i++)
            {
                double xn = rhs[i], xo = x[i];
                if (double.IsNaN(xn) || double.IsInfinity(xn))
                {
                    ProblemUnknown = i;
                    throw new SimulationException($"the solution diverged (NaN) at {unknowns[i].SignalName}", unknowns[i].SignalName, ctx.Analysis == AnalysisKind.Transient ? ctx.Time : null);
                }
                double tol = opt.RelTol * Math.Max(Math.Abs(xn), Math.Abs(xo)) + absTol[i];
                double d = Math.Abs(xn - xo);
                if (d > tol && converged) { converged = false; ProblemUnknown = i; }
                if (d > ratio * tol) ratio = d / tol;
            }
            if (chord && iter > 1 && lastRatio > 0)
            {
                // linear convergence Δx⁽ᵏ⁺¹⁾ ≈ ρ·Δx⁽ᵏ⁾ leaves an error of about ρ/(1−ρ)·|Δx⁽ᵏ⁺¹⁾|:
                // accept only when that is within the tolerance too; refactor when ρ is poor
                double rho = ratio / lastRatio;
                if (rho > opt.ChordContraction && ratio > opt.ChordAccept) _refactor = true; // (an update already far below the tolerance is round-off)
                if (converged && (rho >= 1 || rho / (1 - rho) * ratio > opt.ChordAccept)) converged = false;
            }
            lastRatio = ratio;
            Array.Copy(rhs, x, x.Length);
            if (converged)
            {
                foreach (var c in _system.Converging)
                    if (!c.IsConverged(ctx)) { converged = false; break; }
                if (converged) return true;
            }
        }
        ctx.SetInitPredict(false);
        _refactor = true; // a failed step is retried with fresh factors
        return false;
    }

    /// <summary>
    /// b − A·x of the loaded system into <paramref name="r"/> (index 0, ground, is left at 0), row by
    /// row over the slots grouped by row (<see cref="_rowSlotStart"/>): each row's sum stays in a
    /// register instead of a read-modify-write of r per slot, with the slots of a row in the same
    /// (ascending) order as before, so the result is the same to the bit.
    /// </summary>
    private void ResidualInto(LoadContext ctx, double[] r)
    {
        var m = ctx.Matrix;
        var x = ctx.Solution;
        var rhs = ctx.Rhs;
        var start = _rowSlotStart;
        var slot = _rowSlot;
        var column = _rowSlotColumn;
        for (int i = 1; i < r.Length; i++)
        {
            double sum = rhs[i];
            for (int p = start[i]; p < start[i + 1]; p++) sum -= m[slot[p]] * x[column[p]];
            r[i] = sum;
        }
        r[0] = 0;
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
    /// Whether the present factors may serve this iteration's matrix: they are of the condensed
    /// system and (tested on the first chord iteration of a solve, <paramref name="testChange"/>;
    /// later iterations of the same solve are watched through their contraction) no row of its
    /// Schur complement changed by more than <see cref="SimulationOptions.ChordChange"/> of its
    /// absolute sum since it was factored. Also takes the present local blocks, which the chord
    /// solve uses exactly.
    /// </summary>
    private bool ChordUsable(LoadContext ctx, bool testChange) =>
        _factoredCondensed && _condensed!.CaptureLocal(ctx.Matrix.AsSpan(1))
        && (!testChange || _condensed.ChangeSinceFactor(ctx.Matrix.AsSpan(1)) <= _system.Options.ChordChange);

    private void SolveFactored(Span<double> b)
    {
        if (_factoredCondensed) _condensed!.Solve(b);
        else _system.Solver.Solve(b);
    }

    /// <summary>
    /// Factors the loaded matrix. A matrix identical to the last factored one is not factored
    /// again (a linear circuit at a fixed step is factored once); otherwise the state unknowns are
    /// eliminated locally when that is enabled and their pivots pass the thresholds, the previous
    /// pivot order is reused and a new Markowitz search runs only when a pivot fails.
    /// </summary>
    private void FactorOrThrow(LoadContext ctx)
    {
        var values = ctx.Matrix.AsSpan(1);
        var solver = _system.Solver;
        if (_haveFactor && values.SequenceEqual(_lastFactored.AsSpan(1)))
        {
            // the local blocks may have been taken from another matrix by a chord test since
            if (_factoredCondensed) _condensed!.CaptureLocal(values);
            Statistics.FactorizationsSkipped++;
            return;
        }
        Statistics.Factorizations++;
        if (_condensed is not null && _condensed.Capture(values))
        {
            int reorders = _condensed.Reduced.Statistics.Reorders;
            if (_condensed.Factor(values))
            {
                if (_condensed.Reduced.Statistics.Reorders != reorders)
                {
                    Statistics.Reorders++;
                    Statistics.FillIns = _condensed.Reduced.Statistics.FillIns;
                    Statistics.FactorNonZeros = _condensed.Reduced.FactorNonZeros;
                    Statistics.FactorOperations = _condensed.Reduced.FactorOperations;
                }
                values.CopyTo(_lastFactored.AsSpan(1));
                _haveFactor = _factoredCondensed = true;
                return;
            }
        }
        _factoredCondensed = false;
        bool ok = _haveFactor && solver.IsFactored && solver.Factor(values);
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
