using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AnalogNN.Solvers.Sparse;

/// <summary>Work counters of a <see cref="SparseLU"/>.</summary>
public sealed class SparseStatistics
{
    /// <summary>Full pivot searches (<see cref="SparseLU.OrderAndFactor"/> calls).</summary>
    public int Reorders { get; internal set; }
    /// <summary>Numeric factorizations, including the one inside each pivot search.</summary>
    public int Factorizations { get; internal set; }
    /// <summary>Fill-ins created by the last pivot search.</summary>
    public int FillIns { get; internal set; }
    /// <summary>Forward/backward substitutions.</summary>
    public int Solves { get; internal set; }
    /// <summary>Pivots of the last pivot search that the fill-reducing order proposed but the thresholds rejected (taken by Markowitz instead).</summary>
    public int OrderFallbacks { get; internal set; }
}

/// <summary>How <see cref="SparseLU"/> chooses its pivot order.</summary>
public enum PivotOrdering
{
    /// <summary>Markowitz products on the active submatrix at every step.</summary>
    Markowitz,
    /// <summary>
    /// A nested-dissection order of the symmetrised pattern, computed once, followed while its
    /// diagonal pivots pass the thresholds; a rejected pivot is replaced by the Markowitz choice.
    /// </summary>
    NestedDissection,
}

/// <summary>
/// Sparse LU factorization for MNA matrices with Markowitz pivoting and threshold checks, and a
/// numeric-only refactorization that reuses the pivot order and fill pattern.
/// <para>
/// <b>Ordering</b> (<see cref="OrderAndFactor"/>): right-looking elimination on the active
/// submatrix. Each step takes the diagonal entry with the smallest Markowitz product
/// (r−1)(c−1) — r, c the entry counts of its active row and column — among those that pass
/// |a| ≥ pivrel·max|column| and |a| ≥ pivtol; if no diagonal passes, the whole active submatrix
/// is searched. Ties go to the lowest index, so the order is deterministic.
/// </para>
/// <para>
/// <b>MNA preorder.</b> A voltage source between node p and ground has a branch row b whose
/// diagonal is structurally zero, with ±1 "twins" at (b,p) and (p,b):
/// <code>
///        p    b                   p    b   (columns p and b swapped)
///   p [  g    1 ]            p [  1    g ]
///   b [  1    0 ]     →      b [  0    1 ]
/// </code>
/// Swapping columns p and b puts both twins on the diagonal, so diagonal pivoting works. The swap
/// is done once, before the first ordering, for every structurally zero diagonal that has a twin.
/// </para>
/// <para>
/// <b>Refactorization</b> (<see cref="Factor"/>): row-by-row elimination (IKJ) over the static
/// L\U pattern in pivot order, each row in a dense accumulator, with no searching and no allocation. Each pivot is checked against
/// pivtol, and every multiplier against 1/pivrel (the column threshold of the ordering); a failed
/// check returns false so the caller can run a new pivot search.
/// </para>
/// </summary>
public sealed class SparseLU
{
    private readonly int _n;
    private readonly int[] _rows, _cols;
    private readonly int[] _colSwap;          // column preorder: column c of the input is column _colSwap[c]
    private int[] _rowOf = [], _colOf = [];   // pivot step k → original row / (preordered) column
    private int[] _rowStep = [], _colStep = []; // inverse maps
    // static L\U pattern, CSR over pivot steps: row k holds L entries (step < k), the pivot, then U entries (step > k)
    private int[] _start = [], _index = [], _diag = [], _entryPos = [];
    private double[] _lu = [];
    private readonly double[] _accumulator;   // dense row accumulator of the numeric factorization (zero between rows)
    private readonly double[] _work;

    /// <summary>A matrix of <paramref name="size"/> unknowns whose entry k is at (rows[k], cols[k]) (0-based, distinct).</summary>
    public SparseLU(int size, int[] rows, int[] cols)
    {
        if (rows.Length != cols.Length) throw new ArgumentException("rows and cols differ in length");
        _n = size;
        _rows = rows;
        _cols = cols;
        _colSwap = new int[size];
        for (int i = 0; i < size; i++) _colSwap[i] = i;
        _accumulator = new double[size];
        _work = new double[size];
        SingularIndex = -1;
    }

    /// <summary>Number of unknowns.</summary>
    public int Size => _n;
    /// <summary>Relative pivot threshold (pivrel).</summary>
    public double PivRel { get; set; } = 1e-3;
    /// <summary>Absolute pivot threshold (pivtol).</summary>
    public double PivTol { get; set; } = 1e-13;
    /// <summary>True after a successful factorization.</summary>
    public bool IsFactored { get; private set; }
    /// <summary>Original row (or column) where elimination found no acceptable pivot; -1 if none.</summary>
    public int SingularIndex { get; private set; }
    /// <summary>Work counters.</summary>
    public SparseStatistics Statistics { get; } = new();
    /// <summary>Entries of L and U together (including the diagonal) after the last ordering.</summary>
    public int FactorNonZeros => _index.Length;
    /// <summary>Multiply-adds (and divisions) of one numeric factorization in the present pivot order.</summary>
    public long FactorOperations { get; private set; }
    /// <summary>Pivot order strategy (see <see cref="PivotOrdering"/>); takes effect at the next <see cref="OrderAndFactor"/>.</summary>
    public PivotOrdering Ordering { get; set; } = PivotOrdering.Markowitz;
    private int[]? _fillOrder;

    private bool _preordered;

    /// <summary>Diagonal candidates of smallest Markowitz product compared by pivot size at each step.</summary>
    private const int SearchWidth = 4;

    /// <summary>Full Markowitz pivot search and factorization. False if the matrix is singular.</summary>
    public bool OrderAndFactor(ReadOnlySpan<double> values)
    {
        Statistics.Reorders++;
        IsFactored = false;
        if (!_preordered) { Preorder(values); _preordered = true; }
        if (!Order(values)) return false;
        // The ordering already checked both thresholds; only a zero pivot can fail here.
        return Numeric(values, 0);
    }

    /// <summary>Numeric refactorization with the present pivot order. False if a pivot fails the thresholds.</summary>
    public bool Factor(ReadOnlySpan<double> values) => _start.Length > 0 && Numeric(values, 1 / PivRel);

    /// <summary>
    /// IKJ elimination over the static pattern. A multiplier l = a_ik/u_kk larger than
    /// <paramref name="maxMultiplier"/> (1/pivrel) means |u_kk| &lt; pivrel·|a_ik|, i.e. the reused
    /// pivot is too small against its column, exactly the ordering's threshold; 0 disables the check.
    /// </summary>
    private bool Numeric(ReadOnlySpan<double> values, double maxMultiplier)
    {
        Statistics.Factorizations++;
        var lu = _lu;
        var index = _index;
        var diag = _diag;
        var start = _start;
        Array.Clear(lu);
        for (int k = 0; k < _entryPos.Length; k++) lu[_entryPos[k]] += values[k];
        // row i is scattered into the dense accumulator w (by step), eliminated there with the U
        // rows of its L entries in ascending step order, and gathered back; the static pattern holds
        // every position an update can reach, so w is zero again after each gather
        var w = _accumulator;
        for (int i = 0; i < _n; i++)
        {
            int s = start[i], e = start[i + 1], d = diag[i];
            for (int p = s; p < e; p++) w[index[p]] = lu[p];
            for (int p = s; p < d; p++)
            {
                int k = index[p];
                double l = w[k] / lu[diag[k]];
                w[k] = l;
                if (l == 0) continue;
                if (maxMultiplier > 0 && Math.Abs(l) > maxMultiplier) return Fail(k, s, e);
                ref double wr = ref MemoryMarshal.GetArrayDataReference(w);
                ref double lr = ref MemoryMarshal.GetArrayDataReference(lu);
                ref int ir = ref MemoryMarshal.GetArrayDataReference(index);
                // pattern indices < n, positions < lu.Length (BuildPattern): no bounds checks needed
                for (int q = diag[k] + 1, qe = start[k + 1]; q < qe; q++)
                    Unsafe.Add(ref wr, Unsafe.Add(ref ir, q)) -= l * Unsafe.Add(ref lr, q);
            }
            for (int p = s; p < e; p++) { int c = index[p]; lu[p] = w[c]; w[c] = 0; }
            if (!(Math.Abs(lu[d]) >= PivTol)) return Fail(i, s, s);
        }
        SingularIndex = -1;
        IsFactored = true;
        return true;
    }

    /// <summary>Marks the factorization failed at <paramref name="step"/>, clearing the accumulator entries [s, e) of the row being eliminated.</summary>
    private bool Fail(int step, int s, int e)
    {
        for (int p = s; p < e; p++) _accumulator[_index[p]] = 0;
        SingularIndex = _rowOf[step];
        IsFactored = false;
        return false;
    }

    /// <summary>Solves A·x = b in place (b in, x out).</summary>
    public void Solve(Span<double> b)
    {
        Statistics.Solves++;
        var w = _work;
        var lu = _lu;
        var index = _index;
        var start = _start;
        var diag = _diag;
        var rowOf = _rowOf;
        int n = _n;
        for (int i = 0; i < n; i++) w[i] = b[rowOf[i]];
        ref double wr = ref MemoryMarshal.GetArrayDataReference(w);
        ref double lr = ref MemoryMarshal.GetArrayDataReference(lu);
        ref int ir = ref MemoryMarshal.GetArrayDataReference(index);
        // the pattern's indices are all < n and its positions < lu.Length (built by BuildPattern), so
        // the inner loops run without bounds checks; two partial sums halve the dependency chain
        for (int i = 0; i < n; i++)
        {
            double s0 = w[i], s1 = 0;
            int p = start[i], d = diag[i];
            for (; p + 1 < d; p += 2)
            {
                s0 -= Unsafe.Add(ref lr, p) * Unsafe.Add(ref wr, Unsafe.Add(ref ir, p));
                s1 -= Unsafe.Add(ref lr, p + 1) * Unsafe.Add(ref wr, Unsafe.Add(ref ir, p + 1));
            }
            if (p < d) s0 -= Unsafe.Add(ref lr, p) * Unsafe.Add(ref wr, Unsafe.Add(ref ir, p));
            w[i] = s0 + s1;
        }
        for (int i = n - 1; i >= 0; i--)
        {
            int d = diag[i], e = start[i + 1], p = d + 1;
            double s0 = w[i], s1 = 0;
            for (; p + 1 < e; p += 2)
            {
                s0 -= Unsafe.Add(ref lr, p) * Unsafe.Add(ref wr, Unsafe.Add(ref ir, p));
                s1 -= Unsafe.Add(ref lr, p + 1) * Unsafe.Add(ref wr, Unsafe.Add(ref ir, p + 1));
            }
            if (p < e) s0 -= Unsafe.Add(ref lr, p) * Unsafe.Add(ref wr, Unsafe.Add(ref ir, p));
            w[i] = (s0 + s1) / lu[d];
        }
        // step i solved the unknown of (preordered) column _colOf[i]; undo the column preorder
        for (int i = 0; i < n; i++) b[_colSwap[_colOf[i]]] = w[i];
    }

    /// <summary>Swaps columns so that structurally zero diagonals with ±1 twins get the twin on the diagonal.</summary>
    private void Preorder(ReadOnlySpan<double> values)
    {
        var hasDiagonal = new bool[_n];
        var entries = new Dictionary<long, double>(_rows.Length, EntryKey.Comparer);
        for (int k = 0; k < _rows.Length; k++)
        {
            if (_rows[k] == _cols[k]) hasDiagonal[_rows[k]] = true;
            entries[EntryKey.Of(_rows[k], _cols[k])] = values[k];
        }
        var byRow = new List<int>[_n];
        for (int k = 0; k < _rows.Length; k++) (byRow[_rows[k]] ??= new()).Add(_cols[k]);
        var swapped = new bool[_n];
        for (int b = 0; b < _n; b++)
        {
            if (hasDiagonal[b] || swapped[b] || byRow[b] is null) continue;
            foreach (int p in byRow[b].Order())
            {
                if (swapped[p] || p == b) continue;
                double bp = entries[EntryKey.Of(b, p)];
                if (Math.Abs(Math.Abs(bp) - 1) > 1e-12) continue;
                if (!entries.TryGetValue(EntryKey.Of(p, b), out double pb) || Math.Abs(Math.Abs(pb) - 1) > 1e-12) continue;
                // swap columns p and b
                (_colSwap[p], _colSwap[b]) = (_colSwap[b], _colSwap[p]);
                swapped[p] = swapped[b] = true;
                break;
            }
        }
    }

    /// <summary>Markowitz ordering by right-looking elimination on the active submatrix; builds the static pattern.</summary>
    private bool Order(ReadOnlySpan<double> values)
    {
        // _colSwap maps a preordered column to an input column; build its inverse
        var toPre = new int[_n];
        for (int c = 0; c < _n; c++) toPre[_colSwap[c]] = c;
        var preCols = new int[_cols.Length];
        for (int k = 0; k < _cols.Length; k++) preCols[k] = toPre[_cols[k]];
        var a = new ActiveMatrix(_n, _rows, preCols, values);
        var rowDone = new bool[_n];
        var colDone = new bool[_n];
        var rowCount = new int[_n];
        var colCount = new int[_n];
        var diagonal = new bool[_n];
        for (int i = 0; i < _n; i++) { rowCount[i] = a.RowLength(i); colCount[i] = a.ColumnLength(i); diagonal[i] = a.Diagonal(i) >= 0; }
        var rowOf = new int[_n];
        var colOf = new int[_n];
        var mark = new int[_n];   // position + 1 of each column in the row being updated, 0 elsewhere
        var eliminated = new List<(int Row, int Position)>();
        int fill = 0;
        int[]? order = null;
        if (Ordering == PivotOrdering.NestedDissection)
            order = _fillOrder ??= NestedDissection.Order(_n, Enumerable.Range(0, _n).Select(r => (IEnumerable<int>)a.Columns(r).ToArray()).ToArray());
        int next = 0, fallbacks = 0;
        for (int step = 0; step < _n; step++)
        {
            int pr = -1, pc = -1;
            if (order is not null)
            {
                while (next < order.Length && (rowDone[order[next]] || colDone[order[next]])) next++;
                if (next < order.Length)
                {
                    int d = order[next], dp = a.Diagonal(d);
                    if (dp >= 0 && Math.Abs(a.Value(d, dp)) >= PivTol && Ratio(a, rowDone, d, d, dp) >= PivRel)
                    { pr = pc = d; next++; }
                    else fallbacks++;
                }
            }
            if (pr < 0 && !SelectPivot(a, rowDone, colDone, rowCount, colCount, diagonal, out pr, out pc))
            {
                SingularIndex = Stuck(a, rowDone, colDone);
                return false;
            }
            rowOf[step] = pr; colOf[step] = pc;
            rowDone[pr] = true; colDone[pc] = true;
            diagonal[pr] = diagonal[pc] = false;
            double pivot = a.Value(pr, a.Find(pr, pc));
            var pivotCols = a.Columns(pr);
            var pivotValues = a.Values(pr); // row pr is not appended to from here on
            foreach (int c in pivotCols) if (!colDone[c]) colCount[c]--;
            eliminated.Clear();
            for (int k = 0; k < a.ColumnLength(pc); k++)
            {
                var (r, position) = a.ColumnEntry(pc, k);
                if (rowDone[r]) continue;
                eliminated.Add((r, position));
                rowCount[r]--;
            }
            foreach (var (r, position) in eliminated)
            {
                var existing = a.Columns(r);
                for (int t = 0; t < existing.Length; t++) mark[existing[t]] = t + 1;
                double l = a.Value(r, position) / pivot;
                for (int t = 0; t < pivotCols.Length; t++)
                {
                    int c = pivotCols[t];
                    if (colDone[c]) continue;
                    if (mark[c] > 0) a.Value(r, mark[c] - 1) -= l * pivotValues[t];
                    else
                    {
                        a.Append(r, c, -l * pivotValues[t]);
                        fill++;
                        rowCount[r]++;
                        colCount[c]++;
                        if (c == r) diagonal[r] = true;
                    }
                }
                foreach (int c in existing) mark[c] = 0;
            }
        }
        Statistics.FillIns = fill;
        Statistics.OrderFallbacks = fallbacks;
        BuildPattern(a, rowOf, colOf, toPre);
        return true;
    }

    private bool SelectPivot(ActiveMatrix a, bool[] rowDone, bool[] colDone,
        int[] rowCount, int[] colCount, bool[] diagonal, out int pr, out int pc)
    {
        // Diagonal candidates first: the few (SearchWidth) with the smallest Markowitz products; the
        // acceptable one of smallest product wins, ties going to the largest pivot relative to its
        // column (less element growth). Candidates that fail the thresholds are set aside for this step.
        pr = pc = -1;
        HashSet<int>? rejected = null;
        Span<int> cand = stackalloc int[SearchWidth];
        Span<long> prod = stackalloc long[SearchWidth];
        while (true)
        {
            int count = 0;
            for (int i = 0; i < _n; i++)
            {
                if (rowDone[i] || !diagonal[i] || (rejected?.Contains(i) ?? false)) continue;
                long product = (long)(rowCount[i] - 1) * (colCount[i] - 1);
                if (count == SearchWidth && product >= prod[count - 1]) continue;
                // a diagonal below pivtol (a stamped but zero entry, e.g. an ideal source's output row)
                // can never be taken: skip it here instead of rejecting it candidate by candidate
                if (!(Math.Abs(a.Value(i, a.Diagonal(i))) >= PivTol)) continue;
                int k = count < SearchWidth ? count++ : count - 1;
                while (k > 0 && prod[k - 1] > product) { prod[k] = prod[k - 1]; cand[k] = cand[k - 1]; k--; }
                prod[k] = product; cand[k] = i;
                if (count == SearchWidth && prod[count - 1] == 0) break;
            }
            if (count == 0) break;
            double bestRatio = 0;
            long bestProduct = long.MaxValue;
            for (int k = 0; k < count; k++)
            {
                int i = cand[k];
                if (prod[k] > bestProduct) break;
                int position = a.Diagonal(i);
                double ratio = Ratio(a, rowDone, i, i, position);
                if (ratio < PivRel || !(Math.Abs(a.Value(i, position)) >= PivTol)) continue;
                if (ratio > bestRatio) { bestRatio = ratio; bestProduct = prod[k]; pr = pc = i; }
            }
            if (pr >= 0) return true;
            rejected ??= new HashSet<int>();
            for (int k = 0; k < count; k++) rejected.Add(cand[k]);
        }
        // whole active submatrix, same rule
        long bestAll = long.MaxValue;
        double bestAllRatio = 0;
        for (int r = 0; r < _n; r++)
        {
            if (rowDone[r]) continue;
            long rc = rowCount[r] - 1;
            var columns = a.Columns(r);
            var values = a.Values(r);
            for (int t = 0; t < columns.Length; t++)
            {
                int c = columns[t];
                if (colDone[c] || !(Math.Abs(values[t]) >= PivTol)) continue;
                long product = rc * (colCount[c] - 1);
                if (product > bestAll) continue;
                double ratio = Ratio(a, rowDone, r, c, t);
                if (ratio < PivRel) continue;
                if (product < bestAll || ratio > bestAllRatio) { bestAll = product; bestAllRatio = ratio; pr = r; pc = c; }
            }
        }
        return pr >= 0;
    }

    /// <summary>|a_rc| (at <paramref name="position"/> of row r) over the largest magnitude in active column c (1 for the column's largest entry).</summary>
    private static double Ratio(ActiveMatrix a, bool[] rowDone, int r, int c, int position)
    {
        double v = Math.Abs(a.Value(r, position));
        double max = 0;
        for (int k = 0; k < a.ColumnLength(c); k++)
        {
            var (i, p) = a.ColumnEntry(c, k);
            if (!rowDone[i]) max = Math.Max(max, Math.Abs(a.Value(i, p)));
        }
        return max > 0 ? v / max : 0;
    }

    /// <summary>The remaining row with the smallest entries (an empty row first): where a user should look.</summary>
    private int Stuck(ActiveMatrix a, bool[] rowDone, bool[] colDone)
    {
        int worst = -1; double worstMax = double.PositiveInfinity;
        for (int r = 0; r < _n; r++)
        {
            if (rowDone[r]) continue;
            double max = 0;
            var columns = a.Columns(r);
            var values = a.Values(r);
            for (int t = 0; t < columns.Length; t++) if (!colDone[columns[t]]) max = Math.Max(max, Math.Abs(values[t]));
            if (max < worstMax) { worstMax = max; worst = r; }
        }
        return worst;
    }

    /// <summary>Static CSR pattern of L\U in pivot order and the map from input entries into it.</summary>
    private void BuildPattern(ActiveMatrix a, int[] rowOf, int[] colOf, int[] toPre)
    {
        _rowOf = rowOf; _colOf = colOf;
        _rowStep = new int[_n]; _colStep = new int[_n];
        for (int k = 0; k < _n; k++) { _rowStep[rowOf[k]] = k; _colStep[colOf[k]] = k; }
        _start = new int[_n + 1];
        _diag = new int[_n];
        var index = new List<int>();
        for (int k = 0; k < _n; k++)
        {
            _start[k] = index.Count;
            var steps = a.Columns(rowOf[k]).ToArray();
            for (int t = 0; t < steps.Length; t++) steps[t] = _colStep[steps[t]];
            Array.Sort(steps);
            foreach (int s in steps)
            {
                if (s == k) _diag[k] = index.Count;
                index.Add(s);
            }
        }
        _start[_n] = index.Count;
        _index = index.ToArray();
        long ops = 0;
        for (int i = 0; i < _n; i++)
            for (int p = _start[i]; p < _diag[i]; p++)
            {
                int k = _index[p];
                ops += _start[k + 1] - _diag[k];
            }
        FactorOperations = ops;
        _lu = new double[_index.Length];
        _entryPos = new int[_rows.Length];
        for (int k = 0; k < _rows.Length; k++)
        {
            int i = _rowStep[_rows[k]], j = _colStep[toPre[_cols[k]]];
            int p = Array.BinarySearch(_index, _start[i], _start[i + 1] - _start[i], j);
            _entryPos[k] = p;
        }
    }
}
