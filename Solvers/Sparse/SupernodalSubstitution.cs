using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AnalogNN.Solvers.Sparse;

/// <summary>
/// The L\U factors of a <see cref="SparseLU"/> regrouped into supernodes for the forward and backward
/// substitutions, so that most multiply-adds run over contiguous dense rows (vectorised) instead of
/// through one column index each.
/// <para>
/// A supernode is a run of pivot steps f..l whose U rows and L columns are nested: for every k in
/// [f, l) the U row of k (right of the diagonal) is {k+1} ∪ the U row of k+1, and the L column of k
/// (below the diagonal) is {k+1} ∪ the L column of k+1. Then the diagonal block [f..l]×[f..l] is
/// full, every U row of the supernode ends in the same columns T_U (beyond l), and every L column
/// in the same rows T_L:
/// <code>
///            f..l      T_U
///   f..l  [ L\U dense | U tail (size × |T_U|) ]
///   T_L   [ L tail (|T_L| × size)             ]
/// </code>
/// Each block is stored dense and row-major, the tails' columns and rows once per supernode. Nested
/// patterns leave no explicit zeros, so the blocks hold exactly the entries of the CSR factors.
/// On the condensed 64×64 crossbar (8,320 unknowns, 318k L+U entries) two thirds of the entries
/// lie in supernodes of eight or more steps (the trailing, nearly dense part of the Markowitz order).
/// </para>
/// <para>
/// Forward (unit L, ascending supernodes): solve the dense unit-lower diagonal block, then subtract
/// each T_L row's dot product with the supernode's solved values. Backward (U, descending): each row
/// subtracts its dot product with the gathered T_U values and the already solved part of its
/// diagonal block, then divides by its pivot. Substitutions do not allocate.
/// </para>
/// </summary>
internal sealed class SupernodalSubstitution
{
    private readonly int[] _first;      // supernode s covers pivot steps [_first[s], _first[s + 1])
    private readonly int[] _offset;     // its diagonal block, U tail and L tail start at _offset[s] in _values
    private readonly int[] _upperStart; // its T_U columns: _upperIndex[_upperStart[s] .. _upperStart[s + 1])
    private readonly int[] _upperIndex;
    private readonly int[] _lowerStart; // its T_L rows: _lowerIndex[_lowerStart[s] .. _lowerStart[s + 1])
    private readonly int[] _lowerIndex;
    private readonly int[] _packPosition; // CSR position of the factors → position in _values
    private readonly double[] _values;
    private readonly double[] _gather;    // the T_U values of one supernode

    /// <summary>
    /// Finds the supernodes of the L\U pattern given as CSR over pivot steps (row k: L entries, the
    /// pivot at <paramref name="diag"/>[k], then U entries; columns ascending).
    /// </summary>
    public SupernodalSubstitution(int n, int[] start, int[] index, int[] diag)
    {
        // L columns (rows below the diagonal, ascending) and each L entry's rank in its column
        var columnCount = new int[n];
        var rank = new int[index.Length];
        for (int i = 0; i < n; i++)
            for (int p = start[i]; p < diag[i]; p++) rank[p] = columnCount[index[p]]++;
        var columnStart = new int[n + 1];
        for (int k = 0; k < n; k++) columnStart[k + 1] = columnStart[k] + columnCount[k];
        var columnRow = new int[columnStart[n]];
        for (int i = 0; i < n; i++)
            for (int p = start[i]; p < diag[i]; p++) columnRow[columnStart[index[p]] + rank[p]] = i;

        bool UpperNested(int k)
        {
            int a = diag[k] + 1, ae = start[k + 1], b = diag[k + 1] + 1, be = start[k + 2];
            if (ae - a != be - b + 1 || index[a] != k + 1) return false;
            return index.AsSpan(a + 1, ae - a - 1).SequenceEqual(index.AsSpan(b, be - b));
        }
        bool LowerNested(int k)
        {
            int a = columnStart[k], ae = columnStart[k + 1], b = columnStart[k + 1], be = columnStart[k + 2];
            if (ae - a != be - b + 1 || columnRow[a] != k + 1) return false;
            return columnRow.AsSpan(a + 1, ae - a - 1).SequenceEqual(columnRow.AsSpan(b, be - b));
        }

        var first = new List<int> { 0 };
        for (int k = 0; k + 1 < n; k++)
            if (!(UpperNested(k) && LowerNested(k))) first.Add(k + 1);
        if (n > 0) first.Add(n);
        else first = [0];
        _first = first.ToArray();
        int count = _first.Length - 1;
        var of = new int[n];
        for (int s = 0; s < count; s++)
            for (int k = _first[s]; k < _first[s + 1]; k++) of[k] = s;

        _offset = new int[count + 1];
        _upperStart = new int[count + 1];
        _lowerStart = new int[count + 1];
        var upper = new List<int>();
        var lower = new List<int>();
        int maxUpper = 0;
        for (int s = 0; s < count; s++)
        {
            int f = _first[s], l = _first[s + 1] - 1, size = l - f + 1;
            _upperStart[s] = upper.Count;
            _lowerStart[s] = lower.Count;
            for (int p = diag[l] + 1; p < start[l + 1]; p++) upper.Add(index[p]);
            for (int p = columnStart[l]; p < columnStart[l + 1]; p++) lower.Add(columnRow[p]);
            int nu = upper.Count - _upperStart[s], nl = lower.Count - _lowerStart[s];
            maxUpper = Math.Max(maxUpper, nu);
            _offset[s + 1] = _offset[s] + size * size + size * nu + nl * size;
        }
        _upperStart[count] = upper.Count;
        _lowerStart[count] = lower.Count;
        _upperIndex = upper.ToArray();
        _lowerIndex = lower.ToArray();
        _values = new double[_offset[count]];
        _gather = new double[maxUpper];

        _packPosition = new int[index.Length];
        for (int i = 0; i < n; i++)
        {
            int si = of[i], fi = _first[si], li = _first[si + 1] - 1, sizeI = li - fi + 1;
            int nuI = _upperStart[si + 1] - _upperStart[si];
            for (int p = start[i]; p < start[i + 1]; p++)
            {
                int j = index[p], sj = of[j];
                if (sj == si) _packPosition[p] = _offset[si] + (i - fi) * sizeI + (j - fi);
                else if (j > i) _packPosition[p] = _offset[si] + sizeI * sizeI + (i - fi) * nuI + (p - diag[i] - 1 - (li - i));
                else
                {
                    // L entry (i, j), i in T_L of j's supernode: its row there is i's rank in column j past the block
                    int fj = _first[sj], lj = _first[sj + 1] - 1, sizeJ = lj - fj + 1;
                    int nuJ = _upperStart[sj + 1] - _upperStart[sj];
                    int t = rank[p] - (lj - j);
                    _packPosition[p] = _offset[sj] + sizeJ * sizeJ + sizeJ * nuJ + t * sizeJ + (j - fj);
                }
            }
        }
    }

    /// <summary>Number of supernodes (a pivot step with no nested neighbour is a supernode of one).</summary>
    public int Count => _first.Length - 1;

    /// <summary>Pivot steps in supernodes of two or more steps.</summary>
    public int GroupedSteps
    {
        get
        {
            int grouped = 0;
            for (int s = 0; s < Count; s++)
                if (_first[s + 1] - _first[s] > 1) grouped += _first[s + 1] - _first[s];
            return grouped;
        }
    }

    /// <summary>Copies the numeric factors (CSR values, as <see cref="SparseLU"/> stores them) into the blocks.</summary>
    public void Pack(double[] lu)
    {
        var values = _values;
        var position = _packPosition;
        for (int p = 0; p < lu.Length; p++) values[position[p]] = lu[p];
    }

    /// <summary>Solves L·U·w = w in place, <paramref name="w"/> indexed by pivot step.</summary>
    public void Solve(double[] w)
    {
        var values = _values;
        ReadOnlySpan<double> v = values;
        for (int s = 0; s < _first.Length - 1; s++)
        {
            int f = _first[s], size = _first[s + 1] - f, off = _offset[s];
            for (int k = 1; k < size; k++)
                w[f + k] -= Dot(v.Slice(off + k * size, k), w.AsSpan(f, k));
            int lower = off + size * size + size * (_upperStart[s + 1] - _upperStart[s]);
            int l0 = _lowerStart[s], l1 = _lowerStart[s + 1];
            if (size == 1)
            {
                double wf = w[f];
                if (wf != 0)
                    for (int t = l0; t < l1; t++) w[_lowerIndex[t]] -= values[lower + t - l0] * wf;
            }
            else
            {
                var solved = w.AsSpan(f, size);
                for (int t = l0; t < l1; t++, lower += size)
                    w[_lowerIndex[t]] -= Dot(v.Slice(lower, size), solved);
            }
        }
        var g = _gather;
        for (int s = _first.Length - 2; s >= 0; s--)
        {
            int f = _first[s], size = _first[s + 1] - f, off = _offset[s];
            int u0 = _upperStart[s], nu = _upperStart[s + 1] - u0;
            int upper = off + size * size;
            if (size == 1)
            {
                double sum = w[f];
                for (int t = 0; t < nu; t++) sum -= values[upper + t] * w[_upperIndex[u0 + t]];
                w[f] = sum / values[off];
                continue;
            }
            for (int t = 0; t < nu; t++) g[t] = w[_upperIndex[u0 + t]];
            var tail = g.AsSpan(0, nu);
            for (int k = size - 1; k >= 0; k--)
            {
                int row = off + k * size;
                double sum = w[f + k] - Dot(v.Slice(upper + k * nu, nu), tail)
                    - Dot(v.Slice(row + k + 1, size - k - 1), w.AsSpan(f + k + 1, size - k - 1));
                w[f + k] = sum / values[row + k];
            }
        }
    }

    /// <summary>Σ a_i·b_i over equal-length spans, in SIMD lanes when the hardware has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, i = 0;
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        double sum = 0;
        int width = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated && n >= 2 * width)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i + 2 * width <= n; i += 2 * width)
            {
                acc0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
                acc1 += Vector.LoadUnsafe(ref ra, (nuint)(i + width)) * Vector.LoadUnsafe(ref rb, (nuint)(i + width));
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        // b is at least as long as a (callers pass equal lengths): no bounds checks needed
        for (; i < n; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }
}
