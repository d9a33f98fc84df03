using AnalogNN.Circuit;
using AnalogNN.Components.Semiconductors;

namespace AnalogNN.Components.Memristors;

/// <summary>
/// Counts the programming that happens in the circuit itself on one device: each time the voltage
/// across its memristor rises above a threshold, and the energy v·i dissipated while it is above.
/// A device that implements it does the counting at its own accepted points (cheaper than reading
/// its voltages from outside at every point).
/// </summary>
public interface IInCircuitProgramming
{
    /// <summary>Starts counting with threshold <paramref name="threshold"/> (V, compared with |v|); counts start at zero.</summary>
    void Watch(double threshold);

    /// <summary>Threshold crossings (|v| rising above the threshold) since <see cref="Watch"/> or the last <see cref="ResetCounts"/>.</summary>
    long Events { get; }

    /// <summary>Energy ∫v·i dt while above the threshold (trapezoidal over accepted points), J.</summary>
    double Energy { get; }

    /// <summary>Sets <see cref="Events"/> and <see cref="Energy"/> to zero.</summary>
    void ResetCounts();
}

/// <summary>
/// The condensed 1T1R cell: a member of a <see cref="CellBank"/>. The cell's internal node (between
/// memristor and drain) and its memristor state are not MNA unknowns: the bank solves them inside the
/// device at every load and stamps the cell as a four-terminal element (TE, gate, source, bulk).
/// Signals <c>v(name.mid)</c>, <c>i(name)</c> and <c>x(name)</c> are device signals.
/// </summary>
internal sealed class CondensedCellBehavior(OneTransistorOneResistor cell) : IGroupedBehavior, IProgrammableBehavior, ISignalBehavior, IInCircuitProgramming
{
    internal readonly OneTransistorOneResistor Cell = cell;
    internal int Te, G, S, B;
    /// <summary>Slots, rows (te, s, b) × columns (te, g, s, b), row-major.</summary>
    internal readonly int[] Slots = new int[12];
    internal CellBank? Bank;
    internal int Index;

    public object GroupKey => Cell.TransistorModel.IsPChannel ? BankKey.P : BankKey.N;

    public void CreateUnknowns(ISetupContext setup)
    {
        Te = setup.MapNode(Cell.Nodes[0]);
        G = setup.MapNode(Cell.Nodes[1]);
        S = setup.MapNode(Cell.Nodes[2]);
        B = setup.MapNode(Cell.Nodes[3]);
    }

    public void Bind(ISetupContext setup)
    {
        int[] rows = [Te, S, B], cols = [Te, G, S, B];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++) Slots[4 * r + c] = setup.MatrixSlot(rows[r], cols[c]);
    }

    public void Load(LoadContext context) => Bank!.LoadOne(Index, context);

    public IBehavior CreateGroup(IReadOnlyList<IGroupedBehavior> members, ISetupContext setup) =>
        new CellBank(members.Cast<CondensedCellBehavior>().ToArray(), setup);

    // ---- programming ----
    public MemristorArray States => Cell.States;
    public double RunningState(LoadContext context, int k) => Cell.States.LastX[0];
    public void OverwriteState(LoadContext context, int k, double x) => Bank!.Overwrite(Index, x);

    // ---- signals: v(name.mid), i(name), x(name) ----
    public int SignalCount => 3;
    public (string Name, UnknownKind Kind, bool Saved) Signal(int k) => k switch
    {
        0 => (Cell.MidNode, UnknownKind.Voltage, true),
        1 => (Cell.Name, UnknownKind.Current, true),
        _ => (Cell.Name, UnknownKind.State, true),
    };
    public double SignalValue(int k, LoadContext context) => Bank!.Signal(Index, k, context);

    // ---- in-circuit programming ----
    public void Watch(double threshold) => Bank!.Watch(Index, threshold);
    public long Events => Bank!.EventCount(Index);
    public double Energy => Bank!.EventEnergy(Index);
    public void ResetCounts() => Bank!.ResetCounts(Index);

    private static class BankKey
    {
        public static readonly object N = new(), P = new();
    }
}

/// <summary>
/// Loads every condensed 1T1R cell of one polarity in a circuit (one behaviour, like SPICE's
/// per-device-type load loop). Per cell it solves the two internal unknowns u = (v_mid, x) from the
/// terminal voltages v_e = (v_te, v_g, v_s, v_b) at every load,
/// <code>
///   F₁ = i_mem(v_te − v_mid, x) − i_ds(v_mid, v_g, v_s, v_b) + i_bd(v_b − v_mid) = 0      KCL at mid (A)
///   F₂ = ẋ(x) − f(v_te − v_mid, x) = 0    transient: ẋ = α₀x + history (the circuit's method)
///   F₂ = x − x_hold = 0                   DC and the transient's initial point
/// </code>
/// by Newton's method from the last solution (with the memristor's bound rule: at a bound with the
/// rate pushing outward, x = bound), and stamps the cell's linearisation with the internal unknowns
/// eliminated: G = ∂i/∂v_e − ∂i/∂u·(∂F/∂u)⁻¹·∂F/∂v_e (static condensation). The equations are those
/// of the cell's own memristor kernel and level-1 transistor (<see cref="Level1Channel"/>), so the
/// converged solution is the one of the same circuit written with M and YMEMRISTOR cards.
/// <para>
/// Bypass (exact): a cell whose transistor is in cut-off with both junctions reverse biased and
/// whose memristor sits at rest (|v_mem| inside the kernel's quiescent band, state history flat) is
/// a linear element with fixed coefficients. Such latent cells are not evaluated: their stamps are
/// kept summed per (TE, source, bulk) node triple and added once per load. The test for cut-off is
/// made per gate node (row) against bounds over all cell terminals, so a row of cells whose gate is
/// off costs nothing per load. Only the cells that are on, or whose state is still settling, are
/// evaluated, accepted, checked for convergence and watched for truncation error.
/// </para>
/// </summary>
internal sealed class CellBank : IBehavior, IAcceptBehavior, IConvergenceBehavior, ITruncationBehavior
{
    /// <summary>Distance kept from every region boundary in the cut-off test, V.</summary>
    private const double Margin = 1e-3;

    /// <summary>Newton iterations of one cell's internal solve before the circuit's iteration is told it has not converged.</summary>
    private const int MaxLocalIterations = 50;

    private readonly CondensedCellBehavior[] _cells;
    private readonly int _n;
    private readonly double _p;
    private readonly MemristorKernel[] _kernel;
    private readonly ThresholdRramKernel?[] _rram;
    private readonly Level1Channel[] _ch;
    private readonly MemristorArray[] _array;
    private readonly double[] _up, _down;
    private readonly bool[] _canRest;
    private readonly double _vt;

    // state: x at ages 0..3 and dx/dt at ages 0, 1; internal node voltage
    private readonly double[] _x0, _x1, _x2, _x3, _d0, _d1, _vm;
    // linearisation at the last evaluation: terminal voltages, sensitivities du/dv_e (2×4), TE-row conductances (4), TE current
    private readonly double[] _refV, _sens, _gte, _ite;
    // latent stamp (rows te, s × cols te, s, b; then ieq te, ieq s)
    private readonly double[] _rest;
    private readonly bool[] _latent;
    private readonly int[] _active, _activePos;
    private int _activeCount;

    // rows (distinct gate nodes)
    private readonly int[] _rowOf, _rowNode, _rowStart, _rowCells;
    private readonly double[] _rowVto;
    private readonly bool[] _rowOff, _rowAllActive;
    private readonly int[] _teNodes, _sNodes, _bNodes;

    // keys (distinct te, s, b triples)
    private readonly int[] _keyOf, _keyStart, _keyCells;
    private readonly int[] _keySlots;   // 9 per key: rows te, s, b × cols te, s, b
    private readonly int[] _keyNodes;   // 3 per key
    private readonly double[] _keySum;  // 8 per key
    private readonly bool[] _keyDirty;
    private readonly int[] _dirtyList;
    private int _dirtyCount;

    // in-circuit programming counts
    private readonly double[] _watch, _lastPower, _energy;
    private readonly bool[] _above;
    private readonly long[] _events;
    private double _lastAccept = double.NaN;
    private bool _aggregating;

    public CellBank(CondensedCellBehavior[] cells, ISetupContext setup)
    {
        _cells = cells;
        int n = _n = cells.Length;
        _p = cells[0].Cell.TransistorModel.Polarity;
        _vt = setup.Options.ThermalVoltage;
        _kernel = new MemristorKernel[n];
        _rram = new ThresholdRramKernel?[n];
        _ch = new Level1Channel[n];
        _array = new MemristorArray[n];
        _up = new double[n]; _down = new double[n];
        _canRest = new bool[n];
        _x0 = new double[n]; _x1 = new double[n]; _x2 = new double[n]; _x3 = new double[n];
        _d0 = new double[n]; _d1 = new double[n]; _vm = new double[n];
        _refV = new double[4 * n]; _sens = new double[8 * n]; _gte = new double[4 * n]; _ite = new double[n];
        _rest = new double[8 * n];
        _latent = new bool[n];
        _active = new int[n]; _activePos = new int[n];
        _watch = new double[n]; _lastPower = new double[n]; _energy = new double[n];
        _above = new bool[n]; _events = new long[n];
        Array.Fill(_watch, double.NaN);
        for (int k = 0; k < n; k++)
        {
            var c = cells[k];
            c.Bank = this;
            c.Index = k;
            var cell = c.Cell;
            _array[k] = cell.States;
            _kernel[k] = cell.States.Kernel;
            _rram[k] = cell.States.Kernel as ThresholdRramKernel;
            _ch[k] = new Level1Channel(cell.TransistorModel, cell.Geometry);
            _up[k] = cell.States.Up[0];
            _down[k] = cell.States.Down[0];
            double g0 = _kernel[k].Current(1, 0, out _, out _), g1 = _kernel[k].Current(1, 1, out _, out _);
            double band = _kernel[k].QuiescentVoltage;
            // a latent cell's memristor sees at most (IS + gmin·span)/G, far below the band
            _canRest[k] = band > 10 * Margin && Math.Min(g0, g1) > 1e-9;
            double x = cell.States.X[0];
            _x0[k] = _x1[k] = _x2[k] = _x3[k] = x;
            _active[k] = k;
            _activePos[k] = k;
        }
        _activeCount = n;

        // rows
        var rowIndex = new Dictionary<int, int>();
        _rowOf = new int[n];
        var rowNodes = new List<int>();
        for (int k = 0; k < n; k++)
        {
            if (!rowIndex.TryGetValue(cells[k].G, out int r)) { r = rowNodes.Count; rowIndex[cells[k].G] = r; rowNodes.Add(cells[k].G); }
            _rowOf[k] = r;
        }
        _rowNode = rowNodes.ToArray();
        (_rowStart, _rowCells) = Buckets(_rowOf, _rowNode.Length);
        _rowVto = new double[_rowNode.Length];
        Array.Fill(_rowVto, double.PositiveInfinity);
        for (int k = 0; k < n; k++) _rowVto[_rowOf[k]] = Math.Min(_rowVto[_rowOf[k]], _ch[k].Vto);
        _rowOff = new bool[_rowNode.Length];
        _rowAllActive = new bool[_rowNode.Length];
        Array.Fill(_rowAllActive, true);
        _teNodes = cells.Select(c => c.Te).Distinct().ToArray();
        _sNodes = cells.Select(c => c.S).Distinct().ToArray();
        _bNodes = cells.Select(c => c.B).Distinct().ToArray();

        // keys
        var keyIndex = new Dictionary<(int, int, int), int>();
        _keyOf = new int[n];
        var keyNodes = new List<int>();
        for (int k = 0; k < n; k++)
        {
            var t = (cells[k].Te, cells[k].S, cells[k].B);
            if (!keyIndex.TryGetValue(t, out int q)) { q = keyIndex.Count; keyIndex[t] = q; keyNodes.AddRange([t.Item1, t.Item2, t.Item3]); }
            _keyOf[k] = q;
        }
        int keys = keyIndex.Count;
        _keyNodes = keyNodes.ToArray();
        (_keyStart, _keyCells) = Buckets(_keyOf, keys);
        _keySlots = new int[9 * keys];
        for (int q = 0; q < keys; q++)
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++) _keySlots[9 * q + 3 * r + c] = setup.MatrixSlot(_keyNodes[3 * q + r], _keyNodes[3 * q + c]);
        _keySum = new double[8 * keys];
        _keyDirty = new bool[keys];
        _dirtyList = new int[keys];
    }

    private static (int[] Start, int[] Items) Buckets(int[] of, int count)
    {
        var start = new int[count + 1];
        foreach (int b in of) start[b + 1]++;
        for (int b = 0; b < count; b++) start[b + 1] += start[b];
        var fill = (int[])start.Clone();
        var items = new int[of.Length];
        for (int k = 0; k < of.Length; k++) items[fill[of[k]]++] = k;
        return (start, items);
    }

    /// <summary>Cells evaluated one by one at the last load (the rest are latent).</summary>
    public int ActiveCount => _activeCount;

    /// <summary>Cell evaluations so far (each a Newton solve of the internal unknowns) and the local iterations they took.</summary>
    public long Evaluations, LocalIterations;

    public void CreateUnknowns(ISetupContext setup) { }

    public void Bind(ISetupContext setup) { }

    // ------------------------------------------------------------------ load

    public void Load(LoadContext context)
    {
        var sol = context.Solution;
        bool aggregate = context.Options.Bypass && context.Analysis == AnalysisKind.Transient && !context.InitTransient;
        if (!aggregate)
        {
            if (_aggregating) ActivateAll();
            for (int k = 0; k < _n; k++) Evaluate(k, context, true);
            return;
        }
        _aggregating = true;
        ClassifyRows(sol);
        for (int r = 0; r < _rowNode.Length; r++)
        {
            if (_rowOff[r] || _rowAllActive[r]) continue;
            for (int i = _rowStart[r]; i < _rowStart[r + 1]; i++)
            {
                int k = _rowCells[i];
                if (!_latent[k]) continue;
                Activate(k);
                // start its Newton iteration from the (exact, linear) latent solution at these voltages
                Predict(k, sol, out double vm, out _, out _);
                _vm[k] = vm;
            }
            _rowAllActive[r] = true;
        }
        for (int i = 0; i < _activeCount; i++) Evaluate(_active[i], context, true);
        StampKeys(context);
    }

    /// <summary>Loads cell <paramref name="k"/> alone (for tools that load behaviours one by one).</summary>
    public void LoadOne(int k, LoadContext context) => Evaluate(k, context, true);

    /// <summary>
    /// Row r is off when every cell of it is in cut-off with reverse-biased junctions, judged against
    /// bounds over all terminals: p·v_g − V_TO ≤ min(p·v_te, p·v_s) − margin and
    /// max p·v_b − min(p·v_te, p·v_s) ≤ −3V_t − margin (the internal node of a latent cell is within
    /// microvolts of its TE).
    /// </summary>
    private void ClassifyRows(double[] sol)
    {
        double p = _p;
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (int t in _teNodes) low = Math.Min(low, p * sol[t]);
        foreach (int s in _sNodes) low = Math.Min(low, p * sol[s]);
        foreach (int b in _bNodes) high = Math.Max(high, p * sol[b]);
        bool junctions = high - low <= -3 * _vt - Margin;
        for (int r = 0; r < _rowNode.Length; r++)
            _rowOff[r] = junctions && p * sol[_rowNode[r]] - _rowVto[r] <= low - Margin;
    }

    private void Activate(int k)
    {
        _latent[k] = false;
        _activePos[k] = _activeCount;
        _active[_activeCount++] = k;
        MarkDirty(_keyOf[k]);
    }

    private void Deactivate(int k)
    {
        _latent[k] = true;
        int pos = _activePos[k], last = _active[--_activeCount];
        _active[pos] = last;
        _activePos[last] = pos;
        _rowAllActive[_rowOf[k]] = false;
        MarkDirty(_keyOf[k]);
    }

    private void ActivateAll()
    {
        for (int k = 0; k < _n; k++) if (_latent[k]) Activate(k);
        Array.Fill(_rowAllActive, true);
        _aggregating = false;
    }

    private void MarkDirty(int q)
    {
        if (_keyDirty[q]) return;
        _keyDirty[q] = true;
        _dirtyList[_dirtyCount++] = q;
    }

    private void StampKeys(LoadContext context)
    {
        for (int i = 0; i < _dirtyCount; i++)
        {
            int q = _dirtyList[i];
            _keyDirty[q] = false;
            var sum = _keySum.AsSpan(8 * q, 8);
            sum.Clear();
            for (int j = _keyStart[q]; j < _keyStart[q + 1]; j++)
            {
                int k = _keyCells[j];
                if (!_latent[k]) continue;
                var rest = _rest.AsSpan(8 * k, 8);
                for (int m = 0; m < 8; m++) sum[m] += rest[m];
            }
        }
        _dirtyCount = 0;
        var a = context.Matrix;
        var rhs = context.Rhs;
        int keys = _keyDirty.Length;
        for (int q = 0; q < keys; q++)
        {
            int o = 8 * q, s9 = 9 * q;
            double tt = _keySum[o], ts = _keySum[o + 1], tb = _keySum[o + 2], st = _keySum[o + 3], ss = _keySum[o + 4], sb = _keySum[o + 5];
            if (tt == 0 && ts == 0 && tb == 0 && st == 0 && ss == 0 && sb == 0 && _keySum[o + 6] == 0 && _keySum[o + 7] == 0) continue;
            a[_keySlots[s9]] += tt; a[_keySlots[s9 + 1]] += ts; a[_keySlots[s9 + 2]] += tb;
            a[_keySlots[s9 + 3]] += st; a[_keySlots[s9 + 4]] += ss; a[_keySlots[s9 + 5]] += sb;
            a[_keySlots[s9 + 6]] -= tt + st; a[_keySlots[s9 + 7]] -= ts + ss; a[_keySlots[s9 + 8]] -= tb + sb;
            double it = _keySum[o + 6], isr = _keySum[o + 7];
            rhs[_keyNodes[3 * q]] -= it;
            rhs[_keyNodes[3 * q + 1]] -= isr;
            rhs[_keyNodes[3 * q + 2]] += it + isr;
        }
    }

    /// <summary>True when the state history of cell k is flat (x constant over four points, zero rate).</summary>
    private bool Flat(int k) => _x0[k] == _x1[k] && _x1[k] == _x2[k] && _x2[k] == _x3[k] && _d0[k] == 0 && _d1[k] == 0;

    /// <summary>
    /// Solves cell k's internal unknowns at the present terminal voltages and (if <paramref name="stamp"/>)
    /// stamps its condensed linearisation. Stores the solution, the sensitivities and the TE-row
    /// conductances for signals, acceptance and the convergence test. Does not allocate.
    /// </summary>
    private void Evaluate(int k, LoadContext context, bool stamp)
    {
        var sol = context.Solution;
        var c = _cells[k];
        double vte = sol[c.Te], vg = sol[c.G], vs = sol[c.S], vb = sol[c.B];
        ref readonly var ch = ref _ch[k];
        var kernel = _kernel[k];
        var rram = _rram[k];
        double p = ch.P, gmin = context.Gmin;
        bool transient = context.Analysis == AnalysisKind.Transient && !context.InitTransient;
        double hold = _array[k].X[0];
        double x1 = _x1[k], d1 = _d1[k], x2 = _x2[k];
        bool flat = transient && x1 == x2 && x2 == _x3[k] && d1 == 0;
        double a0 = context.Ag0;
        double up = _up[k], down = _down[k];
        double vm = _vm[k];
        double x = transient ? (flat ? x1 : Math.Clamp(_x0[k], 0, 1)) : hold;
        if (!transient) _x0[k] = hold;

        // source junction: independent of the internal unknowns
        double jbs = p * Level1Channel.BulkDiode(p * (vb - vs), ch.IsS, gmin, _vt, out double gbs);

        double im = 0, gv = 0, gx = 0, ids = 0, dd = 0, dg = 0, ds = 0, db = 0, gbd = 0, fv = 0;
        double j11 = 1, j12 = 0, j21 = 0, j22 = 1, dvm = 0, dx = 0, dxdt = 0;
        bool coupled = false;
        int iterations = 0;
        for (int it = 0; it < MaxLocalIterations; it++)
        {
            iterations++;
            double xc = Math.Clamp(x, 0, 1);
            double v = vte - vm;
            double fx = 0;
            double f = 0;
            if (rram is not null)
            {
                im = rram.Current(v, xc, out gv, out gx);
                if (transient) f = rram.Rate(v, xc, up, down, out fv, out fx);
            }
            else
            {
                im = kernel.Current(v, xc, out gv, out gx);
                if (transient) f = kernel.Rate(v, xc, up, down, out fv, out fx);
            }
            ids = ch.Channel(vm, vg, vs, vb, out dd, out dg, out ds, out db);
            double jbd = p * Level1Channel.BulkDiode(p * (vb - vm), ch.IsD, gmin, _vt, out gbd);
            double f1 = im - ids + jbd;
            j11 = -gv - dd - gbd;
            j12 = gx;
            double f2;
            coupled = false;
            if (!transient) { f2 = 0; j21 = 0; j22 = 1; fv = 0; }
            else if ((x >= 1 && f > 0) || (x <= 0 && f < 0))
            {
                f2 = x - (x >= 1 ? 1 : 0); j21 = 0; j22 = 1; fv = 0;
                dxdt = context.IntegrateValue(x >= 1 ? 1 : 0, x1, d1, x2);
            }
            else if (flat && f == 0 && x == x1)
            {
                // at rest: x stays exactly at its last value (no round-off drift)
                f2 = 0; j21 = 0; j22 = 1; fv = 0; dxdt = 0;
            }
            else
            {
                dxdt = context.IntegrateValue(x, x1, d1, x2);
                f2 = dxdt - f;
                j21 = fv;
                j22 = a0 - fx;
                coupled = true;
            }
            double det = j11 * j22 - j12 * j21;
            if (det == 0 || !double.IsFinite(det))
                throw new CircuitException(c.Cell.Name, $"the cell's internal node has no solution (v_te = {vte:G4} V, v_g = {vg:G4} V)");
            dvm = (-f1 * j22 + f2 * j12) / det;
            dx = (-f2 * j11 + f1 * j21) / det;
            dvm = Math.Clamp(dvm, -0.5, 0.5);
            double xn = Math.Clamp(x + dx, 0, 1);
            dx = xn - x;
            vm += dvm;
            x = xn;
            if (Math.Abs(dvm) <= 1e-12 + 1e-9 * Math.Abs(vm) && Math.Abs(dx) <= 1e-13) break;
            if (it == MaxLocalIterations - 1)
            {
                // no local solution at this step (e.g. a rate that jumps at its threshold): stamp the last
                // linearisation and keep the circuit's Newton iteration from converging, so the step is cut
                context.ReportLimited();
                break;
            }
        }
        if (transient && coupled) dxdt = context.IntegrateValue(x, x1, d1, x2);
        Evaluations++;
        LocalIterations += iterations;
        _vm[k] = vm;
        _x0[k] = x;
        _d0[k] = transient ? dxdt : 0;

        // condensation: S = du/dv_e = −J⁻¹·∂F/∂v_e over (te, g, s, b)
        double detJ = j11 * j22 - j12 * j21;
        double f1te = gv, f1g = -dg, f1s = -ds, f1b = -db + gbd;
        double f2te = -fv;   // 0 unless the state row is coupled
        double smte = -(j22 * f1te - j12 * f2te) / detJ, smg = -(j22 * f1g) / detJ, sms = -(j22 * f1s) / detJ, smb = -(j22 * f1b) / detJ;
        double sxte = -(-j21 * f1te + j11 * f2te) / detJ, sxg = -(-j21 * f1g) / detJ, sxs = -(-j21 * f1s) / detJ, sxb = -(-j21 * f1b) / detJ;
        // TE row: i_te = i_mem; ∂/∂u = (−gv, gx)
        double tte = gv - gv * smte + gx * sxte, tg = -gv * smg + gx * sxg, ts = -gv * sms + gx * sxs, tb = -gv * smb + gx * sxb;
        // source row: i_s = −(i_ds + j_bs); ∂/∂u = (−dd, 0)
        double ste = -dd * smte, sg = -dg - dd * smg, ss = -ds + gbs - dd * sms, sb = -db - gbs - dd * smb;
        // currents at the final point (first-order correction for the last Newton step)
        double ite = im - gv * dvm + gx * dx;
        double isr = -(ids + jbs) - dd * dvm;

        int o4 = 4 * k, o8 = 8 * k;
        _refV[o4] = vte; _refV[o4 + 1] = vg; _refV[o4 + 2] = vs; _refV[o4 + 3] = vb;
        _sens[o8] = smte; _sens[o8 + 1] = smg; _sens[o8 + 2] = sms; _sens[o8 + 3] = smb;
        _sens[o8 + 4] = sxte; _sens[o8 + 5] = sxg; _sens[o8 + 6] = sxs; _sens[o8 + 7] = sxb;
        _gte[o4] = tte; _gte[o4 + 1] = tg; _gte[o4 + 2] = ts; _gte[o4 + 3] = tb;
        _ite[k] = ite;
        double ieqT = ite - (tte * vte + tg * vg + ts * vs + tb * vb);
        double ieqS = isr - (ste * vte + sg * vg + ss * vs + sb * vb);
        // the stamp a latent cell keeps (cut-off: no gate column)
        _rest[o8] = tte; _rest[o8 + 1] = ts; _rest[o8 + 2] = tb; _rest[o8 + 3] = ste; _rest[o8 + 4] = ss; _rest[o8 + 5] = sb;
        _rest[o8 + 6] = ieqT; _rest[o8 + 7] = ieqS;
        if (!stamp) return;
        var a = context.Matrix;
        var rhs = context.Rhs;
        var sl = c.Slots;
        a[sl[0]] += tte; a[sl[1]] += tg; a[sl[2]] += ts; a[sl[3]] += tb;
        a[sl[4]] += ste; a[sl[5]] += sg; a[sl[6]] += ss; a[sl[7]] += sb;
        a[sl[8]] -= tte + ste; a[sl[9]] -= tg + sg; a[sl[10]] -= ts + ss; a[sl[11]] -= tb + sb;
        rhs[c.Te] -= ieqT;
        rhs[c.S] -= ieqS;
        rhs[c.B] += ieqT + ieqS;
    }

    // ------------------------------------------------------------------ after the solve

    /// <summary>
    /// The internal unknowns implied by the present terminal voltages, to first order from the last
    /// evaluation (what one more Newton iteration of the uncondensed circuit would give).
    /// </summary>
    private void Predict(int k, double[] sol, out double vm, out double x, out double ite)
    {
        var c = _cells[k];
        int o4 = 4 * k, o8 = 8 * k;
        double dte = sol[c.Te] - _refV[o4], dg = sol[c.G] - _refV[o4 + 1], dsv = sol[c.S] - _refV[o4 + 2], db = sol[c.B] - _refV[o4 + 3];
        vm = _vm[k] + _sens[o8] * dte + _sens[o8 + 1] * dg + _sens[o8 + 2] * dsv + _sens[o8 + 3] * db;
        x = Math.Clamp(_x0[k] + _sens[o8 + 4] * dte + _sens[o8 + 5] * dg + _sens[o8 + 6] * dsv + _sens[o8 + 7] * db, 0, 1);
        ite = _ite[k] + _gte[o4] * dte + _gte[o4 + 1] * dg + _gte[o4 + 2] * dsv + _gte[o4 + 3] * db;
    }

    /// <summary>SPICE's rule on the internal unknowns: the change the last solve implies must be within reltol·|u| + vntol.</summary>
    public bool IsConverged(LoadContext context)
    {
        var sol = context.Solution;
        var opt = context.Options;
        for (int i = 0; i < _activeCount; i++)
        {
            int k = _active[i];
            Predict(k, sol, out double vm, out double x, out _);
            if (Math.Abs(vm - _vm[k]) > opt.RelTol * Math.Max(Math.Abs(vm), Math.Abs(_vm[k])) + opt.VnTol) return false;
            if (Math.Abs(x - _x0[k]) > opt.RelTol * Math.Max(Math.Abs(x), Math.Abs(_x0[k])) + opt.VnTol) return false;
        }
        return true;
    }

    public double TruncationStep(in TruncationError error)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < _activeCount; i++)
        {
            int k = _active[i];
            if (Flat(k)) continue;
            best = Math.Min(best, error.Step(_x0[k], _x1[k], _x2[k], _x3[k], _d0[k], _d1[k]));
        }
        return best;
    }

    public void Accept(LoadContext context)
    {
        var sol = context.Solution;
        bool start = context.Analysis != AnalysisKind.Transient || context.InitTransient;
        double t = context.Analysis == AnalysisKind.Transient ? context.Time : 0;
        double dt = double.IsNaN(_lastAccept) || start ? 0 : t - _lastAccept;
        _lastAccept = t;
        for (int i = _activeCount - 1; i >= 0; i--)
        {
            int k = _active[i];
            Predict(k, sol, out double vm, out double x, out double ite);
            _array[k].LastX[0] = x;
            if (!double.IsNaN(_watch[k])) Count(k, sol[_cells[k].Te] - vm, ite, dt);
            if (start)
            {
                _x1[k] = _x2[k] = _x3[k] = _x0[k];
                _d0[k] = _d1[k] = 0;
            }
            else
            {
                _x3[k] = _x2[k]; _x2[k] = _x1[k]; _x1[k] = _x0[k]; _d1[k] = _d0[k];
            }
            if (_aggregating && _canRest[k] && _rowOff[_rowOf[k]] && Flat(k)) Deactivate(k);
        }
    }

    private void Count(int k, double v, double i, double dt)
    {
        bool above = Math.Abs(v) > _watch[k];
        double power = above ? v * i : 0;
        if (above && !_above[k]) _events[k]++;
        if (above || _above[k]) _energy[k] += 0.5 * dt * (power + _lastPower[k]);
        _above[k] = above;
        _lastPower[k] = power;
    }

    // ------------------------------------------------------------------ members' services

    public double Signal(int k, int which, LoadContext context)
    {
        Predict(k, context.Solution, out double vm, out double x, out double ite);
        return which switch { 0 => vm, 1 => ite, _ => _latent[k] ? _x0[k] : x };
    }

    public void Overwrite(int k, double x)
    {
        x = Math.Clamp(x, 0, 1);
        _x0[k] = _x1[k] = _x2[k] = _x3[k] = x;
        _d0[k] = _d1[k] = 0;
        _array[k].LastX[0] = x;
        if (_latent[k]) Activate(k);
        // the linearisation refers to the old state: move its reference so predictions start from x
        for (int m = 4; m < 8; m++) _sens[8 * k + m] = 0;
    }

    public void Watch(int k, double threshold)
    {
        _watch[k] = threshold;
        ResetCounts(k);
        _above[k] = false;
        _lastPower[k] = 0;
    }

    public long EventCount(int k) => _events[k];

    public double EventEnergy(int k) => _energy[k];

    public void ResetCounts(int k)
    {
        _events[k] = 0;
        _energy[k] = 0;
    }
}
