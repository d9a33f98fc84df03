namespace AnalogNN.Solvers.Sparse;

/// <summary>
/// Sparse LU of a matrix with a set of "local" unknowns eliminated exactly before the sparse
/// factorization (static condensation). A local unknown l has a diagonal entry d_l and couples
/// only to kept unknowns (no entry between two local unknowns), so with the partition
/// <code>
///   [ A_KK  A_KL ] [x_K]   [b_K]
///   [ A_LK  D    ] [x_L] = [b_L]     D diagonal
/// </code>
/// the kept unknowns solve the Schur complement S·x_K = b_K − A_KL·D⁻¹·b_L with
/// S = A_KK − A_KL·D⁻¹·A_LK, and then x_L = D⁻¹·(b_L − A_LK·x_K), each local unknown on its own.
/// A memristor's state unknown is such an unknown: eliminating it leaves the node-voltage system of
/// the circuit, whose Jacobian hardly depends on the integration coefficient α₀ (it enters only
/// through the state's small feedback on the current), so its factors stay useful for chord Newton
/// across changes of the time step.
/// <para>
/// <see cref="Capture"/> takes the present local blocks (D, A_KL, A_LK) and builds S;
/// <see cref="Factor"/> factors S with a <see cref="SparseLU"/> (reusing the pivot order and
/// searching anew only when a pivot fails). <see cref="Solve"/> always uses the captured local
/// blocks, so after a <see cref="CaptureLocal"/> without <see cref="Factor"/> it solves with exact
/// local blocks and the stale S factors of an earlier matrix (the chord iteration's approximate
/// Jacobian); <see cref="ChangeSinceFactor"/> bounds how far S has moved from the factored one.
/// Each local pivot must pass the ordering's thresholds, |d_l| ≥ pivtol and
/// |d_l| ≥ pivrel·max|column l|; otherwise <see cref="Capture"/> returns false and the caller
/// factors the whole matrix instead.
/// </para>
/// </summary>
public sealed class CondensedLU
{
    private readonly int _n;
    private readonly int[] _keptOf;         // unknown → kept index, or −1 if eliminated
    private readonly int[] _keptUnknown;    // kept index → unknown
    private readonly int[] _local;          // eliminated unknowns
    private readonly int[] _localDiag;      // their diagonal entries (input entry index)
    // per local unknown l: column entries (kept row p, entry a_pl) in [_colStart[l], _colStart[l+1])
    private readonly int[] _colStart, _colRow, _colEntry;
    // per local unknown l: row entries (kept column q, entry a_lq) in [_rowStart[l], _rowStart[l+1])
    private readonly int[] _rowStart, _rowCol, _rowEntry;
    // for each local unknown and each (column entry, row entry) pair: the S entry it updates
    private readonly int[] _pairStart, _pairTarget;
    private readonly int[] _keptEntry, _keptTarget; // kept-kept input entries and their S entries
    private readonly int[] _sRows;           // S entry → kept row
    private readonly double[] _s, _sFactored, _d, _colValue, _rowValue, _work;
    private readonly double[] _rowScale;
    // at the last Factor: the kept-kept input values, each pair's contribution a_pl·a_lq/d_l, and Σ|S| per row
    private readonly double[] _keptFactored, _pairFactored, _pairCurrent, _scaleFactored;
    private readonly int[] _keptRow, _pairRow; // S row of each kept-kept entry and of each pair

    /// <summary>
    /// A matrix of <paramref name="size"/> unknowns whose entry k is at (rows[k], cols[k]) (0-based,
    /// distinct); <paramref name="candidates"/> marks the unknowns that may be eliminated. A candidate
    /// without a diagonal entry, or coupled to an earlier candidate, is kept.
    /// </summary>
    public CondensedLU(int size, int[] rows, int[] cols, bool[] candidates)
    {
        if (rows.Length != cols.Length) throw new ArgumentException("rows and cols differ in length");
        _n = size;
        var local = new bool[size];
        var diag = new int[size];
        Array.Fill(diag, -1);
        for (int k = 0; k < rows.Length; k++) if (rows[k] == cols[k]) diag[rows[k]] = k;
        for (int i = 0; i < size; i++) local[i] = candidates[i] && diag[i] >= 0;
        for (int k = 0; k < rows.Length; k++)
        {
            int r = rows[k], c = cols[k];
            if (r != c && local[r] && local[c]) local[Math.Max(r, c)] = false;
        }
        _keptOf = new int[size];
        var localIndex = new int[size];
        int kept = 0, nl = 0;
        for (int i = 0; i < size; i++)
        {
            if (local[i]) { localIndex[i] = nl++; _keptOf[i] = -1; }
            else { _keptOf[i] = kept++; localIndex[i] = -1; }
        }
        KeptSize = kept;
        _keptUnknown = new int[kept];
        for (int i = 0; i < size; i++) if (_keptOf[i] >= 0) _keptUnknown[_keptOf[i]] = i;
        _local = new int[nl];
        _localDiag = new int[nl];
        for (int i = 0; i < size; i++) if (local[i]) { _local[localIndex[i]] = i; _localDiag[localIndex[i]] = diag[i]; }
        var colLists = new List<(int Row, int Entry)>[nl];
        var rowLists = new List<(int Col, int Entry)>[nl];
        for (int l = 0; l < nl; l++) { colLists[l] = new(); rowLists[l] = new(); }
        var sIndex = new Dictionary<long, int>(EntryKey.Comparer);
        var sRows = new List<int>();
        var sCols = new List<int>();
        int Target(int p, int q)
        {
            long key = EntryKey.Of(p, q);
            if (!sIndex.TryGetValue(key, out int t)) { t = sRows.Count; sIndex.Add(key, t); sRows.Add(p); sCols.Add(q); }
            return t;
        }
        var keptEntry = new List<int>();
        var keptTarget = new List<int>();
        for (int k = 0; k < rows.Length; k++)
        {
            int r = rows[k], c = cols[k];
            if (!local[r] && !local[c]) { keptEntry.Add(k); keptTarget.Add(Target(_keptOf[r], _keptOf[c])); }
            else if (local[c] && r != c) colLists[localIndex[c]].Add((_keptOf[r], k));
            else if (local[r] && r != c) rowLists[localIndex[r]].Add((_keptOf[c], k));
        }
        _keptEntry = keptEntry.ToArray();
        _keptTarget = keptTarget.ToArray();
        _colStart = new int[nl + 1];
        _rowStart = new int[nl + 1];
        _pairStart = new int[nl + 1];
        var colRow = new List<int>(); var colEntry = new List<int>();
        var rowCol = new List<int>(); var rowEntry = new List<int>();
        var pairTarget = new List<int>();
        for (int l = 0; l < nl; l++)
        {
            _colStart[l] = colRow.Count;
            _rowStart[l] = rowCol.Count;
            _pairStart[l] = pairTarget.Count;
            foreach (var (p, e) in colLists[l]) { colRow.Add(p); colEntry.Add(e); }
            foreach (var (q, e) in rowLists[l]) { rowCol.Add(q); rowEntry.Add(e); }
            foreach (var (p, _) in colLists[l])
                foreach (var (q, _) in rowLists[l]) pairTarget.Add(Target(p, q));
        }
        _colStart[nl] = colRow.Count;
        _rowStart[nl] = rowCol.Count;
        _pairStart[nl] = pairTarget.Count;
        _colRow = colRow.ToArray(); _colEntry = colEntry.ToArray();
        _rowCol = rowCol.ToArray(); _rowEntry = rowEntry.ToArray();
        _pairTarget = pairTarget.ToArray();
        _sRows = sRows.ToArray();
        Reduced = new SparseLU(kept, _sRows, sCols.ToArray());
        _s = new double[_sRows.Length];
        _sFactored = new double[_sRows.Length];
        _d = new double[nl];
        _colValue = new double[_colRow.Length];
        _rowValue = new double[_rowCol.Length];
        _work = new double[kept];
        _rowScale = new double[kept];
        _keptFactored = new double[_keptEntry.Length];
        _pairFactored = new double[_pairTarget.Length];
        _pairCurrent = new double[_pairTarget.Length];
        _scaleFactored = new double[kept];
        _keptRow = _keptTarget.Select(t => _sRows[t]).ToArray();
        _pairRow = _pairTarget.Select(t => _sRows[t]).ToArray();
    }

    /// <summary>Number of unknowns.</summary>
    public int Size => _n;
    /// <summary>Number of unknowns left in the sparse system S.</summary>
    public int KeptSize { get; }
    /// <summary>Number of unknowns eliminated locally.</summary>
    public int Eliminated => _local.Length;
    /// <summary>The sparse LU of the Schur complement S (its thresholds are the local pivots' too).</summary>
    public SparseLU Reduced { get; }
    /// <summary>True when S has been factored at least once.</summary>
    public bool IsFactored => Reduced.IsFactored;

    /// <summary>
    /// Takes the local blocks of <paramref name="values"/> and forms S. False (nothing usable) when a
    /// local pivot fails the thresholds. Does not allocate.
    /// </summary>
    public bool Capture(ReadOnlySpan<double> values)
    {
        if (!CaptureLocal(values)) return false;
        var s = _s;
        Array.Clear(s);
        for (int k = 0; k < _keptEntry.Length; k++) s[_keptTarget[k]] += values[_keptEntry[k]];
        for (int t = 0; t < _pairTarget.Length; t++) s[_pairTarget[t]] -= _pairCurrent[t];
        _captured = values.Length;
        return true;
    }

    private int _captured = -1;

    /// <summary>
    /// Takes only the local blocks of <paramref name="values"/> (D, A_KL, A_LK) and each pair's
    /// contribution a_pl·a_lq/d_l, without forming S: enough for a chord <see cref="Solve"/> with the
    /// factors of an earlier S and for <see cref="ChangeSinceFactor"/>. False when a local pivot fails
    /// the thresholds. Does not allocate.
    /// </summary>
    public bool CaptureLocal(ReadOnlySpan<double> values)
    {
        double pivRel = Reduced.PivRel, pivTol = Reduced.PivTol;
        _captured = -1;
        for (int l = 0; l < _local.Length; l++)
        {
            double d = values[_localDiag[l]];
            int c0 = _colStart[l], c1 = _colStart[l + 1], r0 = _rowStart[l], r1 = _rowStart[l + 1];
            double max = 0;
            for (int c = c0; c < c1; c++) { double a = values[_colEntry[c]]; _colValue[c] = a; max = Math.Max(max, Math.Abs(a)); }
            if (!(Math.Abs(d) >= pivTol) || Math.Abs(d) < pivRel * max) return false;
            _d[l] = d;
            for (int r = r0; r < r1; r++) _rowValue[r] = values[_rowEntry[r]];
            int t = _pairStart[l];
            for (int c = c0; c < c1; c++)
            {
                double f = _colValue[c] / d;
                for (int r = r0; r < r1; r++) _pairCurrent[t++] = f * _rowValue[r];
            }
        }
        return true;
    }

    /// <summary>Factors the S of the last <see cref="Capture"/> (pivot order reused; a new search when a pivot fails). False if singular.</summary>
    public bool Factor(ReadOnlySpan<double> values)
    {
        if (_captured != values.Length) throw new InvalidOperationException("Factor needs a Capture of the same matrix first");
        var lu = Reduced;
        bool ok = lu.IsFactored && lu.Factor(_s);
        if (!ok) ok = lu.OrderAndFactor(_s);
        if (!ok) return false;
        for (int k = 0; k < _keptEntry.Length; k++) _keptFactored[k] = values[_keptEntry[k]];
        Array.Copy(_pairCurrent, _pairFactored, _pairCurrent.Length);
        Array.Clear(_scaleFactored);
        for (int k = 0; k < _s.Length; k++) _scaleFactored[_sRows[k]] += Math.Abs(_s[k]);
        return true;
    }

    /// <summary>
    /// Bound on the largest relative change of a row of S between the last <see cref="Factor"/> and
    /// the last <see cref="CaptureLocal"/> of <paramref name="values"/>: max over rows of
    /// (Σ|ΔA_KK| + Σ|Δ(a_pl·a_lq/d_l)|) / Σ|S_factored| ≥ Σ|ΔS|/Σ|S_factored| (0 for an unchanged
    /// matrix). A small value means the factored S is a good approximation of the present one.
    /// Does not allocate.
    /// </summary>
    public double ChangeSinceFactor(ReadOnlySpan<double> values)
    {
        var change = _rowScale;
        Array.Clear(change);
        for (int k = 0; k < _keptEntry.Length; k++)
            change[_keptRow[k]] += Math.Abs(values[_keptEntry[k]] - _keptFactored[k]);
        for (int t = 0; t < _pairTarget.Length; t++)
            change[_pairRow[t]] += Math.Abs(_pairCurrent[t] - _pairFactored[t]);
        double worst = 0;
        for (int r = 0; r < change.Length; r++)
            if (change[r] > 0) worst = Math.Max(worst, _scaleFactored[r] > 0 ? change[r] / _scaleFactored[r] : double.PositiveInfinity);
        return worst;
    }

    /// <summary>Solves A·x = b in place (b in, x out) with the captured local blocks and the factors of S. Does not allocate.</summary>
    public void Solve(Span<double> b)
    {
        var y = _work;
        var kept = _keptUnknown;
        for (int k = 0; k < kept.Length; k++) y[k] = b[kept[k]];
        for (int l = 0; l < _local.Length; l++)
        {
            double bl = b[_local[l]] / _d[l];
            if (bl == 0) continue;
            for (int c = _colStart[l]; c < _colStart[l + 1]; c++) y[_colRow[c]] -= _colValue[c] * bl;
        }
        Reduced.Solve(y);
        for (int l = 0; l < _local.Length; l++)
        {
            int u = _local[l];
            double sum = b[u];
            for (int r = _rowStart[l]; r < _rowStart[l + 1]; r++) sum -= _rowValue[r] * y[_rowCol[r]];
            b[u] = sum / _d[l];
        }
        for (int k = 0; k < kept.Length; k++) b[kept[k]] = y[k];
    }

    /// <summary>The kept index of unknown <paramref name="unknown"/>, or −1 if it is eliminated.</summary>
    public int KeptIndex(int unknown) => _keptOf[unknown];

    /// <summary>The unknown of kept index <paramref name="kept"/>.</summary>
    public int UnknownOfKept(int kept) => kept >= 0 && kept < _keptUnknown.Length ? _keptUnknown[kept] : -1;
}
