// TEMPORARY dense stand-in with the SparseLU API so the engine builds and is tested while the real sparse Markowitz LU is written; it is replaced, not extended.
namespace AnalogNN.Solvers.Sparse;
public sealed class SparseStatistics { public int Reorders; public int Factorizations; public int FillIns; public int Solves; }
public sealed class SparseLU
{
    private readonly int _n; private readonly int[] _r, _c; private readonly double[,] _a; private readonly int[] _perm;
    public SparseLU(int size, int[] rows, int[] cols) { _n = size; _r = rows; _c = cols; _a = new double[size, size]; _perm = new int[size]; }
    public int Size => _n;
    public double PivRel { get; set; } = 1e-3;
    public double PivTol { get; set; } = 1e-13;
    public bool IsFactored { get; private set; }
    public int SingularIndex { get; private set; } = -1;
    public SparseStatistics Statistics { get; } = new();
    public bool OrderAndFactor(ReadOnlySpan<double> values) { Statistics.Reorders++; return Factor(values); }
    public bool Factor(ReadOnlySpan<double> values)
    {
        Statistics.Factorizations++;
        Array.Clear(_a);
        for (int k = 0; k < _r.Length; k++) _a[_r[k], _c[k]] += values[k];
        for (int i = 0; i < _n; i++) _perm[i] = i;
        for (int k = 0; k < _n; k++)
        {
            int p = k; double best = Math.Abs(_a[k, k]);
            for (int i = k + 1; i < _n; i++) if (Math.Abs(_a[i, k]) > best) { best = Math.Abs(_a[i, k]); p = i; }
            if (best <= PivTol) { SingularIndex = k; IsFactored = false; return false; }
            if (p != k) { for (int j = 0; j < _n; j++) (_a[k, j], _a[p, j]) = (_a[p, j], _a[k, j]); (_perm[k], _perm[p]) = (_perm[p], _perm[k]); }
            for (int i = k + 1; i < _n; i++)
            {
                double f = _a[i, k] / _a[k, k]; if (f == 0) continue; _a[i, k] = f;
                for (int j = k + 1; j < _n; j++) _a[i, j] -= f * _a[k, j];
            }
        }
        SingularIndex = -1; IsFactored = true; return true;
    }
    public void Solve(Span<double> b)
    {
        Statistics.Solves++;
        var y = new double[_n];
        for (int i = 0; i < _n; i++) y[i] = b[_perm[i]];
        for (int i = 0; i < _n; i++) for (int j = 0; j < i; j++) y[i] -= _a[i, j] * y[j];
        for (int i = _n - 1; i >= 0; i--) { for (int j = i + 1; j < _n; j++) y[i] -= _a[i, j] * y[j]; y[i] /= _a[i, i]; }
        for (int i = 0; i < _n; i++) b[i] = y[i];
    }
}
