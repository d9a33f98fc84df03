using AnalogNN.Circuit;

namespace AnalogNN.Components.Memristors;

/// <summary>
/// Network-level DC solve of a crossbar with wire resistance (IR drop), for training loops that
/// need the read currents of a large array without the general MNA engine. Same topology as
/// <see cref="Crossbar"/>: row i is driven by an ideal source through RROW segments, column j ends
/// through its last RCOL segment in a sense resistance RSENSE to ground (0 = virtual ground).
/// </summary>
/// <remarks>
/// Block Gauss–Seidel over lines: with the column voltages fixed each row line is a tridiagonal
/// system (solved exactly by the Thomas algorithm), then each column line likewise with the new
/// row voltages. Each device is linearised at the present voltages (i ≈ g·v + i₀, exact for the
/// linear-in-v levels, a nonlinear Gauss–Seidel for Yakopcic), so a sweep costs O(N·M) and the
/// iteration stops when no node moved more than <see cref="SimulationOptions.CrossbarTolerance"/>.
/// Because wire conductances dwarf device conductances, the coupling between lines is weak and a
/// few tens of sweeps suffice. The states x are those of the <see cref="MemristorArray"/>.
/// </remarks>
public sealed class CrossbarDcSolver
{
    private readonly MemristorArray _a;
    private readonly double _gr, _gc, _gs;
    private readonly SimulationOptions _options;
    private readonly double[] _g, _i0, _diag, _rhs, _c;

    /// <summary>Creates the solver; <paramref name="rowResistance"/>, <paramref name="columnResistance"/> and <paramref name="senseResistance"/> in Ω (0 = ideal wire / virtual ground).</summary>
    public CrossbarDcSolver(MemristorArray array, double rowResistance, double columnResistance, double senseResistance, SimulationOptions? options = null)
    {
        _a = array;
        _gr = rowResistance > 0 ? 1 / rowResistance : double.PositiveInfinity;
        _gc = columnResistance > 0 ? 1 / columnResistance : double.PositiveInfinity;
        _gs = senseResistance > 0 ? 1 / senseResistance : double.PositiveInfinity;
        _options = options ?? new SimulationOptions();
        int n = array.Rows * array.Columns, line = Math.Max(array.Rows, array.Columns) + 1;
        RowVoltages = new double[n];
        ColumnVoltages = new double[n];
        TerminalVoltages = new double[array.Columns];
        _g = new double[n];
        _i0 = new double[n];
        _diag = new double[line];
        _rhs = new double[line];
        _c = new double[line];
        if (double.IsFinite(_gr) && double.IsFinite(_gc))
        {
            int size = 2 * n + array.Columns;
            _r = new double[size]; _z = new double[size]; _p = new double[size]; _q = new double[size];
            _rowC = new double[n]; _rowInv = new double[n]; _colC = new double[n]; _colInv = new double[n];
            _termInv = new double[array.Columns];
        }
    }

    private readonly double[] _r = [], _z = [], _p = [], _q = [];
    // line factors of the preconditioner (Thomas algorithm): modified super-diagonal and inverse pivot per node
    private readonly double[] _rowC = [], _rowInv = [], _colC = [], _colInv = [], _termInv = [];

    /// <summary>Voltage of the row line at device (i, j), V (row-major).</summary>
    public double[] RowVoltages { get; }
    /// <summary>Voltage of the column line at device (i, j), V (row-major).</summary>
    public double[] ColumnVoltages { get; }
    /// <summary>Voltage of each column terminal (across the sense resistance), V.</summary>
    public double[] TerminalVoltages { get; }
    /// <summary>
    /// Over-relaxation factor of the line sweeps (1 = plain block Gauss–Seidel). Measured on a
    /// 256×256 array with 1 Ω wires: ω = 1.5 needs 41 sweeps instead of 89, ω ≥ 1.8 diverges slowly
    /// towards more sweeps. Only meaningful for the linear-in-v levels.
    /// </summary>
    public double Omega { get; init; } = 1;

    /// <summary>Sweeps used by the last solve.</summary>
    public int Sweeps { get; private set; }

    /// <summary>
    /// Solves for the row drive voltages <paramref name="rows"/> (V) and writes each column's current
    /// into its terminal (A, flowing toward ground) to <paramref name="columnCurrents"/>. Does not allocate.
    /// </summary>
    /// <exception cref="InvalidOperationException">No convergence within <see cref="SimulationOptions.CrossbarSweeps"/>.</exception>
    public void Solve(ReadOnlySpan<double> rows, Span<double> columnCurrents)
    {
        int n = _a.Rows, m = _a.Columns;
        var kernel = _a.Kernel;
        var x = _a.X;
        double[] vr = RowVoltages, vc = ColumnVoltages;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) vr[i * m + j] = rows[i];
        double tol = _options.CrossbarTolerance;
        if (_r.Length > 0)
        {
            SolveConjugateGradient(rows, columnCurrents);
            return;
        }
        for (int sweep = 1; sweep <= _options.CrossbarSweeps; sweep++)
        {
            for (int k = 0; k < _g.Length; k++)
            {
                double v = vr[k] - vc[k];
                double i = kernel.Current(v, x[k], out double g, out _);
                _g[k] = g;
                _i0[k] = i - g * v;
            }
            double change = 0;
            // rows: KCL at (i,j): gL(v − left) + gR(v − right) + g(v − c) + i0 = 0
            if (double.IsFinite(_gr))
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < m; j++)
                    {
                        int k = i * m + j;
                        _diag[j] = _gr + (j + 1 < m ? _gr : 0) + _g[k];
                        _rhs[j] = _g[k] * vc[k] - _i0[k] + (j == 0 ? _gr * rows[i] : 0);
                    }
                    Thomas(m, _gr, i * m, 1, vr, ref change);
                }
            // columns: chain (0,j) … (N−1,j), then the terminal t_j with gS to ground
            for (int j = 0; j < m; j++)
            {
                if (double.IsFinite(_gc))
                {
                    for (int i = 0; i < n; i++)
                    {
                        int k = i * m + j;
                        _diag[i] = (i > 0 ? _gc : 0) + _gc + _g[k];
                        _rhs[i] = _g[k] * vr[k] + _i0[k];
                    }
                    if (double.IsFinite(_gs))
                    {
                        _diag[n] = _gc + _gs;
                        _rhs[n] = 0;
                        ThomasColumn(n + 1, j, m, vc, ref change);
                    }
                    else
                    {
                        TerminalVoltages[j] = 0;
                        ThomasColumn(n, j, m, vc, ref change);
                    }
                }
                else
                {
                    // ideal column wire: one node, Σ g(vr − t) − i0 = gS·t
                    double sg = 0, si = 0;
                    for (int i = 0; i < n; i++) { int k = i * m + j; sg += _g[k]; si += _g[k] * vr[k] + _i0[k]; }
                    double t = double.IsFinite(_gs) ? si / (sg + _gs) : 0;
                    change = Math.Max(change, Math.Abs(t - TerminalVoltages[j]));
                    TerminalVoltages[j] = t;
                    for (int i = 0; i < n; i++) vc[i * m + j] = t;
                }
            }
            if (change <= tol)
            {
                Sweeps = sweep;
                for (int j = 0; j < m; j++)
                {
                    if (double.IsFinite(_gs)) columnCurrents[j] = _gs * TerminalVoltages[j];
                    else if (double.IsFinite(_gc)) columnCurrents[j] = _gc * vc[(n - 1) * m + j];
                    else
                    {
                        double s = 0;
                        for (int i = 0; i < n; i++) { int k = i * m + j; s += _g[k] * vr[k] + _i0[k]; }
                        columnCurrents[j] = s;
                    }
                }
                return;
            }
        }
        throw new InvalidOperationException($"crossbar DC solve of {_a.Name} did not converge in {_options.CrossbarSweeps} sweeps");
    }

    /// <summary>
    /// Both wires resistive: the nodal equations A·u = b (u = row-line voltages, column-line
    /// voltages, column terminals) are symmetric positive definite once the devices are linearised,
    /// so they are solved by conjugate gradients preconditioned with the line solves (block Jacobi:
    /// every row and column line is a tridiagonal block). The line blocks depend only on the
    /// linearisation, so they are factored once per linearisation (<see cref="FactorLines"/>) and each
    /// CG iteration applies them with multiplications only. An outer loop re-linearises nonlinear
    /// devices until no node moves more than the tolerance. <see cref="Sweeps"/> counts CG iterations.
    /// </summary>
    private void SolveConjugateGradient(ReadOnlySpan<double> rows, Span<double> columnCurrents)
    {
        int n = _a.Rows, m = _a.Columns, nm = n * m;
        var kernel = _a.Kernel;
        var x = _a.X;
        double[] vr = RowVoltages, vc = ColumnVoltages, t = TerminalVoltages, r = _r, z = _z, p = _p, w = _q;
        double tol = _options.CrossbarTolerance;
        bool sense = double.IsFinite(_gs);
        int total = 0;
        for (int outer = 0; outer < 100; outer++)
        {
            for (int k = 0; k < nm; k++)
            {
                double v = vr[k] - vc[k];
                double i = kernel.Current(v, x[k], out double g, out _);
                _g[k] = g;
                _i0[k] = i - g * v;
            }
            FactorLines();
            // r = b − A·u at the present iterate u = [vr, vc, t]; b = [−i0 (+ gR·row drive at j = 0), i0, 0]
            for (int k = 0; k < nm; k++) { p[k] = vr[k]; p[nm + k] = vc[k]; }
            for (int j = 0; j < m; j++) p[2 * nm + j] = sense ? t[j] : 0;
            Multiply(p, r);
            for (int k = 0; k < nm; k++) { r[k] = -_i0[k] - r[k]; r[nm + k] = _i0[k] - r[nm + k]; }
            for (int i = 0; i < n; i++) r[i * m] += _gr * rows[i];
            for (int j = 0; j < m; j++) r[2 * nm + j] = -r[2 * nm + j];
            double rz = Precondition(r, z);
            Array.Copy(z, p, z.Length);
            double moved = 0;
            for (int it = 0; it < _options.CrossbarSweeps; it++)
            {
                double alpha = rz / Multiply(p, w);
                double step = 0;
                for (int k = 0; k < nm; k++)
                {
                    double d1 = alpha * p[k], d2 = alpha * p[nm + k];
                    vr[k] += d1; vc[k] += d2;
                    step = Math.Max(step, Math.Max(Math.Abs(d1), Math.Abs(d2)));
                    r[k] -= alpha * w[k]; r[nm + k] -= alpha * w[nm + k];
                }
                for (int j = 0; j < m; j++)
                {
                    double d = alpha * p[2 * nm + j];
                    if (sense) t[j] += d;
                    step = Math.Max(step, Math.Abs(d));
                    r[2 * nm + j] -= alpha * w[2 * nm + j];
                }
                total++;
                moved = Math.Max(moved, step);
                if (step <= tol || double.IsNaN(step)) break;
                double rzNew = Precondition(r, z);
                double beta = rzNew / rz;
                rz = rzNew;
                for (int k = 0; k < p.Length; k++) p[k] = z[k] + beta * p[k];
                if (it == _options.CrossbarSweeps - 1)
                    throw new InvalidOperationException($"crossbar DC solve of {_a.Name} did not converge in {_options.CrossbarSweeps} CG iterations");
            }
            if (moved <= 1e3 * tol || IsLinear(kernel)) break;
        }
        Sweeps = total;
        for (int j = 0; j < m; j++)
            columnCurrents[j] = sense ? _gs * t[j] : _gc * vc[(n - 1) * m + j];
    }

    private static bool IsLinear(MemristorKernel k) => k is LinearDriftKernel or ExponentialPulseKernel or ThresholdRramKernel;

    /// <summary>
    /// Thomas factors of every line block at the present linearisation: a row line has diagonal
    /// gR (toward the drive or the previous node) + gR (toward the next node, if any) + g and
    /// off-diagonals −gR; a column line (with its terminal when there is a sense resistance) has
    /// (gC toward the previous node, if any) + gC + g and off-diagonals −gC. Stored per node:
    /// c′ (modified super-diagonal) and 1/(d + off·c′ of the previous node).
    /// </summary>
    private void FactorLines()
    {
        int n = _a.Rows, m = _a.Columns, nm = n * m;
        double gr = _gr, gc = _gc;
        var g = _g;
        for (int i = 0; i < n; i++)
        {
            double prevC = 0;
            for (int j = 0, k = i * m; j < m; j++, k++)
            {
                double inv = 1 / (gr + (j + 1 < m ? gr : 0) + g[k] + gr * prevC);
                prevC = j + 1 < m ? -gr * inv : 0;
                _rowInv[k] = inv;
                _rowC[k] = prevC;
            }
        }
        bool sense = double.IsFinite(_gs);
        for (int j = 0; j < m; j++) { _colC[j] = 0; }
        for (int i = 0; i < n; i++)
        {
            bool last = i + 1 == n && !sense;
            for (int j = 0, k = i * m; j < m; j++, k++)
            {
                double cPrev = i > 0 ? _colC[k - m] : 0;
                double inv = 1 / ((i > 0 ? gc : 0) + gc + g[k] + gc * cPrev);
                _colInv[k] = inv;
                _colC[k] = last ? 0 : -gc * inv;
            }
        }
        if (sense)
            for (int j = 0; j < m; j++) _termInv[j] = 1 / (gc + _gs + gc * _colC[(n - 1) * m + j]);
    }

    /// <summary>y = A·u for u = [row lines, column lines, terminals] (row-major within each block); returns u·y.</summary>
    private double Multiply(double[] u, double[] y)
    {
        int n = _a.Rows, m = _a.Columns, nm = n * m;
        double gr = _gr, gc = _gc;
        var g = _g;
        bool sense = double.IsFinite(_gs);
        double dot = 0;
        for (int i = 0; i < n; i++)
        {
            int row = i * m;
            // row line: gR·v toward the drive (j = 0) or gR·(v − left); gR·(v − right) if j + 1 < m
            for (int j = 0, k = row; j < m; j++, k++)
            {
                double v = u[k];
                double s = g[k] * (v - u[nm + k]) + gr * (j > 0 ? v - u[k - 1] : v);
                if (j + 1 < m) s += gr * (v - u[k + 1]);
                y[k] = s;
                dot += s * v;
            }
        }
        for (int i = 0; i < n; i++)
        {
            int row = nm + i * m;
            bool first = i == 0, last = i + 1 == n;
            for (int j = 0, k = row; j < m; j++, k++)
            {
                double v = u[k];
                double next = !last ? u[k + m] : sense ? u[2 * nm + j] : 0;
                double s = g[k - nm] * (v - u[k - nm]) + gc * (v - next);
                if (!first) s += gc * (v - u[k - m]);
                y[k] = s;
                dot += s * v;
            }
        }
        for (int j = 0; j < m; j++)
        {
            double v = u[2 * nm + j];
            double s = sense ? gc * (v - u[nm + (n - 1) * m + j]) + _gs * v : v;
            y[2 * nm + j] = s;
            dot += s * v;
        }
        return dot;
    }

    /// <summary>
    /// z = M⁻¹·r for the symmetric block Gauss–Seidel preconditioner over the two line blocks of A:
    /// R (every row line) and C (every column line with its terminal), coupled only through the
    /// device conductances (A between row node k and column node k is −g_k). With
    /// M = (D + L)·D⁻¹·(D + U), D = diag(R, C): y = R⁻¹·r_R; z_C = C⁻¹·(r_C + g∘y);
    /// z_R = R⁻¹·(r_R + g∘z_C). For this 2-cyclic matrix block Gauss–Seidel contracts like the
    /// square of block Jacobi, so CG needs about half the iterations for three line solves instead
    /// of two. Uses the factors of <see cref="FactorLines"/>; returns r·z.
    /// </summary>
    private double Precondition(double[] r, double[] z)
    {
        int n = _a.Rows, m = _a.Columns, nm = n * m;
        bool sense = double.IsFinite(_gs);
        double gc = _gc, dot = 0;
        var g = _g;
        SolveRows(r, z, 0);                                   // y = R⁻¹ r_R, in z[0..nm)
        // column block on r_C + g∘y, all column lines at once, row by row (unit-stride memory)
        for (int k = nm; k < nm + m; k++) z[k] = (r[k] + g[k - nm] * z[k - nm]) * _colInv[k - nm];
        for (int k = nm + m; k < 2 * nm; k++) z[k] = (r[k] + g[k - nm] * z[k - nm] + gc * z[k - m]) * _colInv[k - nm];
        for (int j = 0; j < m; j++)
        {
            int k = 2 * nm + j;
            z[k] = sense ? (r[k] + gc * z[nm + (n - 1) * m + j]) * _termInv[j] : r[k];
            dot += r[k] * z[k];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            int row = nm + i * m;
            bool last = i + 1 == n;
            for (int j = 0, k = row; j < m; j++, k++)
            {
                double next = !last ? z[k + m] : sense ? z[2 * nm + j] : 0;
                double v = z[k] -= _colC[k - nm] * next;
                dot += r[k] * v;
            }
        }
        return dot + SolveRows(r, z, nm);                     // z_R = R⁻¹ (r_R + g∘z_C)
    }

    /// <summary>
    /// z_R = R⁻¹·(r_R + g∘z[coupled..]) over every row line (no coupling term when
    /// <paramref name="coupled"/> is 0); returns r_R·z_R.
    /// </summary>
    private double SolveRows(double[] r, double[] z, int coupled)
    {
        int n = _a.Rows, m = _a.Columns;
        double gr = _gr, dot = 0;
        var g = _g;
        for (int i = 0; i < n; i++)
        {
            int row = i * m;
            double prev = 0;
            if (coupled > 0)
                for (int k = row; k < row + m; k++) z[k] = prev = (r[k] + g[k] * z[coupled + k] + gr * prev) * _rowInv[k];
            else
                for (int k = row; k < row + m; k++) z[k] = prev = (r[k] + gr * prev) * _rowInv[k];
            double next = 0;
            for (int k = row + m - 1; k >= row; k--)
            {
                next = z[k] -= _rowC[k] * next;
                dot += r[k] * next;
            }
        }
        return dot;
    }

    /// <summary>
    /// Forward elimination of the tridiagonal system (diagonal _diag, off-diagonals −off, right side
    /// _rhs): c'_i = −off / (d_i + off·c'_{i−1}), d'_i = (r_i + off·d'_{i−1}) / (d_i + off·c'_{i−1}),
    /// left in _c and _rhs for the back substitution x_i = d'_i − c'_i·x_{i+1}.
    /// </summary>
    private void ForwardSweep(int len, double off)
    {
        double prevC = 0, prevD = 0;
        for (int i = 0; i < len; i++)
        {
            double denom = _diag[i] + off * prevC;
            prevC = i + 1 < len ? -off / denom : 0;
            prevD = (_rhs[i] + off * prevD) / denom;
            _c[i] = prevC;
            _rhs[i] = prevD;
        }
    }

    /// <summary>Tridiagonal solve of a row line (off-diagonals −g) into values[offset + stride·j].</summary>
    private void Thomas(int len, double off, int offset, int stride, double[] values, ref double change)
    {
        ForwardSweep(len, off);
        double next = 0;
        for (int j = len - 1; j >= 0; j--)
        {
            double v = _rhs[j] - _c[j] * next;
            int idx = offset + stride * j;
            next = v;
            v = values[idx] + Omega * (v - values[idx]);
            change = Math.Max(change, Math.Abs(v - values[idx]));
            values[idx] = v;
        }
    }

    /// <summary>Tridiagonal solve of column j (off-diagonals −gC); element N, if present, is the terminal.</summary>
    private void ThomasColumn(int len, int j, int m, double[] vc, ref double change)
    {
        double off = _gc;
        ForwardSweep(len, off);
        double next = 0;
        int n = _a.Rows;
        for (int i = len - 1; i >= 0; i--)
        {
            double v = _rhs[i] - _c[i] * next;
            next = v;
            double old = i == n ? TerminalVoltages[j] : vc[i * m + j];
            v = old + Omega * (v - old);
            if (i == n) { change = Math.Max(change, Math.Abs(v - TerminalVoltages[j])); TerminalVoltages[j] = v; }
            else { int k = i * m + j; change = Math.Max(change, Math.Abs(v - vc[k])); vc[k] = v; }
        }
    }
}
