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

    /// <summary>
    /// Per-cell data, kept together (one cell's evaluation touches one contiguous record): nodes, state
    /// history, internal node, and the linearisation of the last evaluation.
    /// </summary>
    private struct Cell
    {
        public int Te, G, S, B, Row, Key, Kernel, Channel;
        public bool Latent, CanRest;
        /// <summary>The last evaluation was a transient one with the state at rest (its equations do not depend on time).</summary>
        public bool AtRest;
        public double Up, Down;
        /// <summary>x at ages 0…3, dx/dt at ages 0, 1; the internal node voltage.</summary>
        public double X0, X1, X2, X3, D0, D1, Vm;
        /// <summary>Terminal voltages at the last evaluation.</summary>
        public double VTe, VG, VS, VB;
        /// <summary>∂v_mid/∂v_e and ∂x/∂v_e over (te, g, s, b).</summary>
        public double MTe, MG, MS, MB, XTe, XG, XS, XB;
        /// <summary>TE row and source row of the condensed stamp (conductances over te, g, s, b) and their currents.</summary>
        public double TTe, TG, TS, TB, ITe, STe, SG, SS, SB, ISrc;
    }

    private readonly Cell[] _c;
    private readonly int[] _slots;       // 12 per cell: rows (te, s, b) × columns (te, g, s, b)
    private readonly CondensedCellBehavior[] _members;
    private readonly MemristorKernel[] _kernels;
    private readonly ThresholdRramKernel?[] _rram;
    private readonly Level1Channel[] _channels;
    private readonly MemristorArray[] _array;
    private readonly int _n;
    private readonly double _p, _vt;

    private readonly int[] _active, _activePos;
    private int _activeCount;
    /// <summary>The cell that held the last iteration back (−1: none) and how, for <see cref="Unconverged"/>.</summary>
    private int _unconverged = -1;
    private string _unconvergedWhy = "";

    // rows (distinct gate nodes)
    private readonly int[] _rowNode, _rowStart, _rowCells;
    private readonly double[] _rowVto;
    private readonly bool[] _rowOff, _rowAllActive;
    private readonly int[] _teNodes, _sNodes, _bNodes;

    // keys (distinct te, s, b triples)
    private readonly int[] _keyStart, _keyCells;
    private readonly int[] _keySlots;   // 9 per key: rows te, s, b × cols te, s, b
    private readonly int[] _keyNodes;   // 3 per key
    private readonly double[] _keySum;  // 8 per key: te row (te, s, b), s row (te, s, b), ieq te, ieq s
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
        _members = cells;
        int n = _n = cells.Length;
        _p = cells[0].Cell.TransistorModel.Polarity;
        _vt = setup.Options.ThermalVoltage;
        _c = new Cell[n];
        _slots = new int[12 * n];
        _array = new MemristorArray[n];
        _active = new int[n]; _activePos = new int[n];
        _watch = new double[n]; _lastPower = new double[n]; _energy = new double[n];
        _above = new bool[n]; _events = new long[n];
        Array.Fill(_watch, double.NaN);
        // one kernel and one transistor per distinct parameter set (cells of one netlist share models)
        var kernels = new List<MemristorKernel>();
        var kernelIndex = new Dictionary<string, int>();
        var channels = new List<Level1Channel>();
        var channelIndex = new Dictionary<string, int>();
        for (int k = 0; k < n; k++)
        {
            var m = cells[k];
            m.Bank = this;
            m.Index = k;
            var cell = m.Cell;
            _array[k] = cell.States;
            string mk = ModelKey(cell.Model);
            if (!kernelIndex.TryGetValue(mk, out int ki)) { ki = kernels.Count; kernelIndex[mk] = ki; kernels.Add(cell.States.Kernel); }
            var g = cell.Geometry;
            string tk = $"{ModelKey(cell.TransistorModel)}|{g.W:R},{g.L:R},{g.AD:R},{g.AS:R},{g.Multiplier:R}";
            if (!channelIndex.TryGetValue(tk, out int ti)) { ti = channels.Count; channelIndex[tk] = ti; channels.Add(new Level1Channel(cell.TransistorModel, g)); }
            var kernel = kernels[ki];
            double g0 = kernel.Current(1, 0, out _, out _), g1 = kernel.Current(1, 1, out _, out _);
            double x = cell.States.X[0];
            _c[k] = new Cell
            {
                Te = m.Te, G = m.G, S = m.S, B = m.B, Kernel = ki, Channel = ti,
                Up = cell.States.Up[0], Down = cell.States.Down[0],
                // a latent cell's memristor sees at most (IS + gmin·span)/G, far inside the band
                CanRest = kernel.QuiescentVoltage > 10 * Margin && Math.Min(g0, g1) > 1e-9,
                X0 = x, X1 = x, X2 = x, X3 = x,
            };
            Array.Copy(m.Slots, 0, _slots, 12 * k, 12);
            _active[k] = k;
            _activePos[k] = k;
        }
        _kernels = kernels.ToArray();
        _rram = _kernels.Select(kn => kn as ThresholdRramKernel).ToArray();
        _channels = channels.ToArray();
        _activeCount = n;

        // rows
        var rowIndex = new Dictionary<int, int>();
        var rowNodes = new List<int>();
        var rowOf = new int[n];
        for (int k = 0; k < n; k++)
        {
            if (!rowIndex.TryGetValue(_c[k].G, out int r)) { r = rowNodes.Count; rowIndex[_c[k].G] = r; rowNodes.Add(_c[k].G); }
            rowOf[k] = _c[k].Row = r;
        }
        _rowNode = rowNodes.ToArray();
        (_rowStart, _rowCells) = Buckets(rowOf, _rowNode.Length);
        _rowVto = new double[_rowNode.Length];
        Array.Fill(_rowVto, double.PositiveInfinity);
        for (int k = 0; k < n; k++) _rowVto[_c[k].Row] = Math.Min(_rowVto[_c[k].Row], _channels[_c[k].Channel].Vto);
        _rowOff = new bool[_rowNode.Length];
        _rowAllActive = new bool[_rowNode.Length];
        Array.Fill(_rowAllActive, true);
        _teNodes = _c.Select(c => c.Te).Distinct().ToArray();
        _sNodes = _c.Select(c => c.S).Distinct().ToArray();
        _bNodes = _c.Select(c => c.B).Distinct().ToArray();

        // keys
        var keyIndex = new Dictionary<(int, int, int), int>();
        var keyOf = new int[n];
        var keyNodes = new List<int>();
        for (int k = 0; k < n; k++)
        {
            var t = (_c[k].Te, _c[k].S, _c[k].B);
            if (!keyIndex.TryGetValue(t, out int q)) { q = keyIndex.Count; keyIndex[t] = q; keyNodes.AddRange([t.Item1, t.Item2, t.Item3]); }
            keyOf[k] = _c[k].Key = q;
        }
        int keys = keyIndex.Count;
        _keyNodes = keyNodes.ToArray();
        (_keyStart, _keyCells) = Buckets(keyOf, keys);
        _keySlots = new int[9 * keys];
        for (int q = 0; q < keys; q++)
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++) _keySlots[9 * q + 3 * r + c] = setup.MatrixSlot(_keyNodes[3 * q + r], _keyNodes[3 * q + c]);
        _keySum = new double[8 * keys];
        _keyDirty = new bool[keys];
        _dirtyList = new int[keys];
    }

    private static string ModelKey(Model m) => $"{m.Type}:{string.Join(",", m.Table.Select(t => m[t.Name].ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}";

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
        _unconverged = -1;
        bool aggregate = context.Options.Bypass && context.Analysis == AnalysisKind.Transient && !context.InitTransient;
        if (!aggregate)
        {
            if (_aggregating) ActivateAll();
            for (int k = 0; k < _n; k++) Evaluate(k, context);
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
                if (_c[k].Latent) Activate(k);
            }
            _rowAllActive[r] = true;
        }
        for (int i = 0; i < _activeCount; i++) Evaluate(_active[i], context);
        StampKeys(context);
    }

    /// <summary>Loads cell <paramref name="k"/> alone (for tools that load behaviours one by one).</summary>
    public void LoadOne(int k, LoadContext context) => Evaluate(k, context);

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
        ref var c = ref _c[k];
        c.Latent = false;
        _activePos[k] = _activeCount;
        _active[_activeCount++] = k;
        MarkDirty(c.Key);
    }

    private void Deactivate(int k)
    {
        ref var c = ref _c[k];
        c.Latent = true;
        int pos = _activePos[k], last = _active[--_activeCount];
        _active[pos] = last;
        _activePos[last] = pos;
        _rowAllActive[c.Row] = false;
        MarkDirty(c.Key);
    }

    private void ActivateAll()
    {
        for (int k = 0; k < _n; k++) if (_c[k].Latent) Activate(k);
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
                ref readonly var c = ref _c[_keyCells[j]];
                if (!c.Latent) continue;
                // the cell's last (cut-off) linearisation: no gate column
                sum[0] += c.TTe; sum[1] += c.TS; sum[2] += c.TB;
                sum[3] += c.STe; sum[4] += c.SS; sum[5] += c.SB;
                sum[6] += c.ITe - (c.TTe * c.VTe + c.TG * c.VG + c.TS * c.VS + c.TB * c.VB);
                sum[7] += c.ISrc - (c.STe * c.VTe + c.SG * c.VG + c.SS * c.VS + c.SB * c.VB);
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
            double it = _keySum[o + 6], isr = _keySum[o + 7];
            if (tt == 0 && ts == 0 && tb == 0 && st == 0 && ss == 0 && sb == 0 && it == 0 && isr == 0) continue;
            a[_keySlots[s9]] += tt; a[_keySlots[s9 + 1]] += ts; a[_keySlots[s9 + 2]] += tb;
            a[_keySlots[s9 + 3]] += st; a[_keySlots[s9 + 4]] += ss; a[_keySlots[s9 + 5]] += sb;
            a[_keySlots[s9 + 6]] -= tt + st; a[_keySlots[s9 + 7]] -= ts + ss; a[_keySlots[s9 + 8]] -= tb + sb;
            rhs[_keyNodes[3 * q]] -= it;
            rhs[_keyNodes[3 * q + 1]] -= isr;
            rhs[_keyNodes[3 * q + 2]] += it + isr;
        }
    }

    /// <summary>True when the state history is flat (x constant over four points, zero rate).</summary>
    private static bool Flat(in Cell c) => c.X0 == c.X1 && c.X1 == c.X2 && c.X2 == c.X3 && c.D0 == 0 && c.D1 == 0;

    /// <summary>
    /// Solves cell k's internal unknowns at the present terminal voltages, starting from the last
    /// solution moved by its sensitivities (one Newton step of the uncondensed circuit), and stamps its
    /// condensed linearisation. Stores the solution, the sensitivities and the stamp rows for signals,
    /// acceptance, the convergence test and the latent sum. Does not allocate.
    /// </summary>
    private void Evaluate(int k, LoadContext context)
    {
        var sol = context.Solution;
        ref var c = ref _c[k];
        double vte = sol[c.Te], vg = sol[c.G], vs = sol[c.S], vb = sol[c.B];
        ref readonly var ch = ref _channels[c.Channel];
        var rram = _rram[c.Kernel];
        var kernel = _kernels[c.Kernel];
        double p = ch.P, gmin = context.Gmin;
        bool transient = context.Analysis == AnalysisKind.Transient && !context.InitTransient;
        double x1 = c.X1, d1 = c.D1, x2 = c.X2;
        bool flat = transient && x1 == x2 && x2 == c.X3 && d1 == 0;
        double a0 = context.Ag0;
        double dte = vte - c.VTe, dgv = vg - c.VG, dsv = vs - c.VS, dbv = vb - c.VB;
        if (transient && flat && c.AtRest && Math.Abs(dte) <= Unmoved && Math.Abs(dgv) <= Unmoved && Math.Abs(dsv) <= Unmoved && Math.Abs(dbv) <= Unmoved
            && Math.Abs(c.MTe * dte + c.MG * dgv + c.MS * dsv + c.MB * dbv) <= 0.25 * context.Options.VnTol)
        {
            // the terminals have not moved since the last evaluation (and its internal node would move by less
            // than a quarter of vntol) and the cell's equations do not depend on time while its state is at
            // rest: that evaluation is this one (to (∂G/∂v)·ΔV² < 1e-13 A)
            Bypassed++;
            Stamp(k, context, c);
            return;
        }
        // a prediction outside the terminals' range (a saturated cell on an HRS device has ∂v_mid/∂v ≫ 1)
        // is brought back in, and so is every local iterate
        var (lo, hi) = TerminalRange(vte, vs, vb);
        double vm = Math.Clamp(c.Vm + c.MTe * dte + c.MG * dgv + c.MS * dsv + c.MB * dbv, lo, hi);
        double x;
        if (!transient) x = _array[k].X[0];
        else if (flat) x = x1;
        else x = Math.Clamp(c.X0 + c.XTe * dte + c.XG * dgv + c.XS * dsv + c.XB * dbv, 0, 1);

        // source junction: independent of the internal unknowns
        double jbs = p * Level1Channel.BulkDiode(p * (vb - vs), ch.IsS, gmin, _vt, out double gbs);

        double im = 0, gv = 0, gx = 0, ids = 0, dd = 0, dg = 0, ds = 0, db = 0, gbd = 0, fv = 0;
        double j11 = 1, j12 = 0, j21 = 0, j22 = 1, dvm = 0, dx = 0, dxdt = 0;
        bool coupled = false, rest = false;
        int iterations = 0;
        for (int it = 0; it < MaxLocalIterations; it++)
        {
            iterations++;
            double xc = Math.Clamp(x, 0, 1);
            double v = vte - vm;
            double fx = 0, f = 0;
            if (rram is not null)
            {
                im = rram.Current(v, xc, out gv, out gx);
                if (transient) f = rram.Rate(v, xc, c.Up, c.Down, out fv, out fx);
            }
            else
            {
                im = kernel.Current(v, xc, out gv, out gx);
                if (transient) f = kernel.Rate(v, xc, c.Up, c.Down, out fv, out fx);
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
                rest = true;
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
                throw new CircuitException(_members[k].Cell.Name, $"the cell's internal node has no solution (v_te = {vte:G4} V, v_g = {vg:G4} V)");
            dvm = (-f1 * j22 + f2 * j12) / det;
            dx = (-f2 * j11 + f1 * j21) / det;
            double newton = dvm;
            dvm = Math.Clamp(vm + Math.Clamp(dvm, -0.5, 0.5), lo, hi) - vm;
            double xn = Math.Clamp(x + dx, 0, 1);
            dx = xn - x;
            vm += dvm;
            x = xn;
            // Newton converges quadratically: after a step this small the error left is below 1e-12 V
            if (Math.Abs(newton) <= 1e-6 && Math.Abs(dx) <= 1e-9) break;
            if (it == MaxLocalIterations - 1)
            {
                // no local solution at this step (e.g. a rate that jumps at its threshold): stamp the last
                // linearisation and keep the circuit's Newton iteration from converging, so the step is cut
                context.ReportLimited();
                _unconverged = k;
                _unconvergedWhy = "no solution of its internal node within the local iteration limit";
                break;
            }
        }
        if (transient && coupled) dxdt = context.IntegrateValue(x, x1, d1, x2);
        Evaluations++;
        LocalIterations += iterations;
        c.Vm = vm;
        c.X0 = x;
        c.D0 = transient ? dxdt : 0;

        // condensation: S = du/dv_e = −J⁻¹·∂F/∂v_e over (te, g, s, b)
        double inv = 1 / (j11 * j22 - j12 * j21);
        double f1te = gv, f1g = -dg, f1s = -ds, f1b = -db + gbd;
        double f2te = -fv;   // 0 unless the state row is coupled
        double m22 = -j22 * inv, m21 = j21 * inv;
        double smte = m22 * f1te + j12 * inv * f2te, smg = m22 * f1g, sms = m22 * f1s, smb = m22 * f1b;
        double sxte = m21 * f1te - j11 * inv * f2te, sxg = m21 * f1g, sxs = m21 * f1s, sxb = m21 * f1b;
        // TE row: i_te = i_mem; ∂/∂u = (−gv, gx)
        double tte = gv - gv * smte + gx * sxte, tg = -gv * smg + gx * sxg, ts = -gv * sms + gx * sxs, tb = -gv * smb + gx * sxb;
        // source row: i_s = −(i_ds + j_bs); ∂/∂u = (−dd, 0)
        double ste = -dd * smte, sg = -dg - dd * smg, ss = -ds + gbs - dd * sms, sb = -db - gbs - dd * smb;
        // currents at the final point (first-order correction for the last Newton step)
        double ite = im - gv * dvm + gx * dx;
        double isr = -(ids + jbs) - dd * dvm;

        c.VTe = vte; c.VG = vg; c.VS = vs; c.VB = vb;
        c.MTe = smte; c.MG = smg; c.MS = sms; c.MB = smb;
        c.XTe = sxte; c.XG = sxg; c.XS = sxs; c.XB = sxb;
        c.TTe = tte; c.TG = tg; c.TS = ts; c.TB = tb; c.ITe = ite;
        c.STe = ste; c.SG = sg; c.SS = ss; c.SB = sb; c.ISrc = isr;
        c.AtRest = transient && rest && Math.Abs(dvm) <= 1e-6 && dx == 0;
        Stamp(k, context, c);
    }

    /// <summary>Largest terminal move (V) for which the last evaluation of a cell at rest is reused.</summary>
    private const double Unmoved = 1e-5;

    /// <summary>Cell evaluations skipped because nothing had moved (<see cref="Unmoved"/>).</summary>
    public long Bypassed;

    /// <summary>Stamps cell k's condensed linearisation (the last evaluation).</summary>
    private void Stamp(int k, LoadContext context, in Cell c)
    {
        double ieqT = c.ITe - (c.TTe * c.VTe + c.TG * c.VG + c.TS * c.VS + c.TB * c.VB);
        double ieqS = c.ISrc - (c.STe * c.VTe + c.SG * c.VG + c.SS * c.VS + c.SB * c.VB);
        var a = context.Matrix;
        var rhs = context.Rhs;
        int o = 12 * k;
        var sl = _slots;
        a[sl[o]] += c.TTe; a[sl[o + 1]] += c.TG; a[sl[o + 2]] += c.TS; a[sl[o + 3]] += c.TB;
        a[sl[o + 4]] += c.STe; a[sl[o + 5]] += c.SG; a[sl[o + 6]] += c.SS; a[sl[o + 7]] += c.SB;
        a[sl[o + 8]] -= c.TTe + c.STe; a[sl[o + 9]] -= c.TG + c.SG; a[sl[o + 10]] -= c.TS + c.SS; a[sl[o + 11]] -= c.TB + c.SB;
        rhs[c.Te] -= ieqT;
        rhs[c.S] -= ieqS;
        rhs[c.B] += ieqT + ieqS;
    }

    // ------------------------------------------------------------------ after the solve

    /// <summary>
    /// The internal unknowns implied by the present terminal voltages, to first order from the last
    /// evaluation (what one more Newton iteration of the uncondensed circuit would give).
    /// </summary>
    private static void Predict(in Cell c, double[] sol, out double vm, out double x, out double ite)
    {
        double dte = sol[c.Te] - c.VTe, dg = sol[c.G] - c.VG, dsv = sol[c.S] - c.VS, db = sol[c.B] - c.VB;
        var (lo, hi) = TerminalRange(sol[c.Te], sol[c.S], sol[c.B]);
        vm = Math.Clamp(c.Vm + c.MTe * dte + c.MG * dg + c.MS * dsv + c.MB * db, lo, hi);
        x = Math.Clamp(c.X0 + c.XTe * dte + c.XG * dg + c.XS * dsv + c.XB * db, 0, 1);
        ite = c.ITe + c.TTe * dte + c.TG * dg + c.TS * dsv + c.TB * db;
    }

    /// <summary>
    /// The interval the internal node lies in: it hangs between TE, source and body through passive
    /// monotone branches (RRAM, channel, junction; the gate draws no current), V.
    /// </summary>
    private static (double Low, double High) TerminalRange(double vte, double vs, double vb) =>
        (Math.Min(vte, Math.Min(vs, vb)), Math.Max(vte, Math.Max(vs, vb)));

    /// <summary>SPICE's rule on the internal unknowns: the change the last solve implies must be within reltol·|u| + vntol.</summary>
    public bool IsConverged(LoadContext context)
    {
        var sol = context.Solution;
        var opt = context.Options;
        for (int i = 0; i < _activeCount; i++)
        {
            ref readonly var c = ref _c[_active[i]];
            Predict(c, sol, out double vm, out double x, out _);
            if (Math.Abs(vm - c.Vm) > opt.RelTol * Math.Max(Math.Abs(vm), Math.Abs(c.Vm)) + opt.VnTol
                || Math.Abs(x - c.X0) > opt.RelTol * Math.Max(Math.Abs(x), Math.Abs(c.X0)) + opt.VnTol)
            {
                _unconverged = _active[i];
                _unconvergedWhy = "internal node or state still moving";
                return false;
            }
        }
        return true;
    }

    public string? Unconverged
    {
        get
        {
            if (_unconverged < 0) return null;
            ref readonly var c = ref _c[_unconverged];
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            return string.Create(inv, $"cell {_members[_unconverged].Cell.Name} ({_unconvergedWhy}; v_te = {c.VTe:G6} V, v_g = {c.VG:G6} V, v_s = {c.VS:G6} V, v_mid = {c.Vm:G6} V, x = {c.X0:G6})");
        }
    }

    public double TruncationStep(in TruncationError error)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < _activeCount; i++)
        {
            ref readonly var c = ref _c[_active[i]];
            if (Flat(c)) continue;
            best = Math.Min(best, error.Step(c.X0, c.X1, c.X2, c.X3, c.D0, c.D1));
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
            ref var c = ref _c[k];
            if (!start && c.AtRest && Flat(c) && !_above[k])
            {
                // nothing moves: x, its history and the accepted state stay; only the row may have closed
                if (_aggregating && c.CanRest && _rowOff[c.Row]) Deactivate(k);
                continue;
            }
            Predict(c, sol, out double vm, out double x, out double ite);
            _array[k].LastX[0] = x;
            if (!double.IsNaN(_watch[k])) Count(k, sol[c.Te] - vm, ite, dt);
            if (start)
            {
                c.X1 = c.X2 = c.X3 = c.X0;
                c.D0 = c.D1 = 0;
            }
            else
            {
                c.X3 = c.X2; c.X2 = c.X1; c.X1 = c.X0; c.D1 = c.D0;
            }
            if (_aggregating && c.CanRest && _rowOff[c.Row] && Flat(c)) Deactivate(k);
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
        ref readonly var c = ref _c[k];
        Predict(c, context.Solution, out double vm, out double x, out double ite);
        return which switch { 0 => vm, 1 => ite, _ => c.Latent ? c.X0 : x };
    }

    public void Overwrite(int k, double x)
    {
        x = Math.Clamp(x, 0, 1);
        ref var c = ref _c[k];
        c.X0 = c.X1 = c.X2 = c.X3 = x;
        c.D0 = c.D1 = 0;
        _array[k].LastX[0] = x;
        if (c.Latent) Activate(k);
        // the linearisation refers to the old state: predictions start from x
        c.XTe = c.XG = c.XS = c.XB = 0;
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
