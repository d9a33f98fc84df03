using AnalogNN.Solvers.Sparse;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Solvers;

/// <summary>
/// The sparse LU against MathNet's dense LU (an independent implementation with partial pivoting):
/// random sparse systems, MNA-shaped systems with structurally zero diagonals, refactorization and
/// singular matrices.
/// </summary>
public class SparseLUTests
{
    /// <summary>A sparse matrix as the engine hands it over: distinct (row, col) slots and their values.</summary>
    internal sealed record SparseMatrix(int Size, int[] Rows, int[] Cols, double[] Values)
    {
        public Matrix<double> Dense()
        {
            var a = Matrix<double>.Build.Dense(Size, Size);
            for (int k = 0; k < Rows.Length; k++) a[Rows[k], Cols[k]] += Values[k];
            return a;
        }
    }

    /// <summary>Random matrix with a strong-enough diagonal on a random subset of rows and ~density off-diagonals.</summary>
    private static SparseMatrix RandomMatrix(Random rng, int n, double density, bool allDiagonals)
    {
        var slots = new HashSet<(int, int)>();
        for (int i = 0; i < n; i++)
            if (allDiagonals || rng.NextDouble() < 0.7) slots.Add((i, i));
        int off = (int)(density * n * n);
        while (slots.Count < off + n / 2) slots.Add((rng.Next(n), rng.Next(n)));
        // a strong random transversal (one entry per row and column, |a| in [1, 10]) keeps the draw
        // non-singular, while the weaker entries around it still force off-diagonal pivots
        var perm = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
        var strong = new HashSet<(int, int)>();
        for (int i = 0; i < n; i++) { slots.Add((i, perm[i])); strong.Add((i, perm[i])); }
        var list = slots.OrderBy(s => s).ToArray();
        return new SparseMatrix(n, list.Select(s => s.Item1).ToArray(), list.Select(s => s.Item2).ToArray(),
            list.Select(s => (rng.Next(2) * 2 - 1) * (strong.Contains(s) ? 1 + 9 * rng.NextDouble() : rng.NextDouble() * Math.Pow(10, rng.Next(-3, 0)))).ToArray());
    }

    /// <summary>
    /// A resistor network with voltage sources: node rows with conductances, and for each source a branch
    /// row that is structurally zero on the diagonal with ±1 twins — the MNA shape the preorder handles.
    /// </summary>
    internal static SparseMatrix MnaMatrix(Random rng, int nodes, int sources)
    {
        int n = nodes + sources;
        var entries = new Dictionary<(int, int), double>();
        void Add(int r, int c, double v) => entries[(r, c)] = entries.GetValueOrDefault((r, c)) + v;
        for (int i = 0; i < nodes; i++)
        {
            Add(i, i, 1e-9); // gmin-like shunt keeps the conductance part non-singular
            for (int e = 0; e < 3; e++)
            {
                int j = rng.Next(nodes);
                if (j == i) continue;
                double g = Math.Pow(10, rng.Next(-6, 0));
                Add(i, i, g); Add(j, j, g); Add(i, j, -g); Add(j, i, -g);
            }
        }
        var used = new HashSet<int>();
        for (int s = 0; s < sources; s++)
        {
            int p;
            do p = rng.Next(nodes); while (!used.Add(p));
            int b = nodes + s;
            Add(p, b, 1); Add(b, p, 1);
        }
        var list = entries.OrderBy(e => e.Key).ToArray();
        return new SparseMatrix(n, list.Select(e => e.Key.Item1).ToArray(), list.Select(e => e.Key.Item2).ToArray(),
            list.Select(e => e.Value).ToArray());
    }

    internal static double RelativeResidual(SparseMatrix m, double[] x, double[] b)
    {
        var a = m.Dense();
        var xv = Vector<double>.Build.DenseOfArray(x);
        var bv = Vector<double>.Build.DenseOfArray(b);
        return (a * xv - bv).InfinityNorm() / (a.InfinityNorm() * xv.InfinityNorm() + bv.InfinityNorm());
    }

    private static double[] SolveSparse(SparseLU lu, double[] b)
    {
        var x = (double[])b.Clone();
        lu.Solve(x);
        return x;
    }

    [TestCase(5, 0.4, 1)]
    [TestCase(20, 0.15, 2)]
    [TestCase(60, 0.05, 3)]
    [TestCase(150, 0.02, 4)]
    public void When_RandomSparseSystemIsSolved_Expect_DenseLUSolutionAndTinyResidual(int n, double density, int seed)
    {
        // General random matrices have weak diagonals; SPICE's pivrel = 1e-3 lets each pivot be 1000x
        // smaller than its column, and the element growth that allows costs digits (residuals of 1e-9
        // were measured here). pivrel = 0.1, the usual threshold for general matrices, keeps the
        // residual at rounding level; MNA matrices meet it at the SPICE default (next test).
        var rng = new Random(seed);
        int solved = 0;
        for (int trial = 0; trial < 10; trial++)
        {
            var m = RandomMatrix(rng, n, density, allDiagonals: trial % 2 == 0);
            var dense = m.Dense();
            double condition = dense.ConditionNumber();
            if (!(condition < 1e10)) continue; // numerically singular draws say nothing about the solver
            solved++;
            var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var lu = new SparseLU(n, m.Rows, m.Cols) { PivRel = 0.1 };
            Assert.That(lu.OrderAndFactor(m.Values), Is.True, $"trial {trial}");
            var x = SolveSparse(lu, b);
            Assert.That(RelativeResidual(m, x, b), Is.LessThan(1e-12), $"trial {trial}");
            var reference = dense.LU().Solve(Vector<double>.Build.DenseOfArray(b));
            double scale = reference.InfinityNorm();
            for (int i = 0; i < n; i++)
                Assert.That(Math.Abs(x[i] - reference[i]), Is.LessThan(1e-14 * condition * scale + 1e-12 * scale), $"x[{i}] trial {trial}");
        }
        Assert.That(solved, Is.GreaterThanOrEqualTo(5), "too few well-conditioned draws");
    }

    [TestCase(10, 3, 11)]
    [TestCase(80, 12, 12)]
    [TestCase(300, 40, 13)]
    public void When_MnaMatrixHasZeroDiagonals_Expect_PreorderedFactorSolvesIt(int nodes, int sources, int seed)
    {
        var rng = new Random(seed);
        var m = MnaMatrix(rng, nodes, sources);
        var b = Enumerable.Range(0, m.Size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var lu = new SparseLU(m.Size, m.Rows, m.Cols);
        Assert.That(lu.OrderAndFactor(m.Values), Is.True);
        var x = SolveSparse(lu, b);
        Assert.That(RelativeResidual(m, x, b), Is.LessThan(1e-12));
        Assert.That(lu.Statistics.Reorders, Is.EqualTo(1));
        Assert.That(lu.FactorNonZeros, Is.GreaterThanOrEqualTo(m.Rows.Length));
    }

    [Test]
    public void When_ValuesChangeWithinThresholds_Expect_RefactorEqualsFreshFactor()
    {
        var rng = new Random(21);
        var m = MnaMatrix(rng, 120, 15);
        var lu = new SparseLU(m.Size, m.Rows, m.Cols);
        Assert.That(lu.OrderAndFactor(m.Values), Is.True);
        for (int round = 0; round < 5; round++)
        {
            // perturb conductances by up to ±20 % (what a Newton iteration or a new time step does)
            var values = m.Values.Select(v => Math.Abs(Math.Abs(v) - 1) < 1e-15 ? v : v * (1 + 0.2 * (rng.NextDouble() - 0.5))).ToArray();
            var b = Enumerable.Range(0, m.Size).Select(_ => rng.NextDouble() - 0.5).ToArray();
            Assert.That(lu.Factor(values), Is.True, $"round {round}");
            var refactored = SolveSparse(lu, b);
            var fresh = new SparseLU(m.Size, m.Rows, m.Cols);
            Assert.That(fresh.OrderAndFactor(values), Is.True);
            var direct = SolveSparse(fresh, b);
            double scale = direct.Max(Math.Abs);
            for (int i = 0; i < m.Size; i++)
                Assert.That(Math.Abs(refactored[i] - direct[i]), Is.LessThan(1e-10 * scale), $"x[{i}] round {round}");
            Assert.That(RelativeResidual(m with { Values = values }, refactored, b), Is.LessThan(1e-12));
        }
        Assert.That(lu.Statistics.Reorders, Is.EqualTo(1), "refactorization must reuse the pivot order");
        Assert.That(lu.Statistics.Factorizations, Is.EqualTo(6));
    }

    [Test]
    public void When_ReusedPivotBecomesTiny_Expect_FactorFailsAndNewOrderSucceeds()
    {
        // [[a, 1], [1, 1]] ordered with a = 1 pivots on a; a = 1e-9 makes that pivot fail pivrel.
        int[] rows = [0, 0, 1, 1], cols = [0, 1, 0, 1];
        var lu = new SparseLU(2, rows, cols);
        Assert.That(lu.OrderAndFactor([1, 1, 1, 1.5]), Is.True);
        double[] small = [1e-9, 1, 1, 1.5];
        Assert.That(lu.Factor(small), Is.False, "the reused pivot 1e-9 is below pivrel times its column");
        Assert.That(lu.OrderAndFactor(small), Is.True);
        var x = SolveSparse(lu, [1, 2]);
        var exact = Matrix<double>.Build.DenseOfArray(new[,] { { 1e-9, 1 }, { 1, 1.5 } }).Solve(Vector<double>.Build.Dense([1.0, 2.0]));
        Assert.That(x[0], Is.EqualTo(exact[0]).Within(1e-12));
        Assert.That(x[1], Is.EqualTo(exact[1]).Within(1e-12));
        Assert.That(lu.Statistics.Reorders, Is.EqualTo(2));
    }

    [Test]
    public void When_RowIsEmpty_Expect_SingularAtThatRow()
    {
        // row 2 has no entries (a floating node with nothing attached but a structural zero)
        int[] rows = [0, 0, 1, 1, 2], cols = [0, 1, 0, 1, 2];
        var lu = new SparseLU(3, rows, cols);
        Assert.That(lu.OrderAndFactor([2, -1, -1, 2, 0]), Is.False);
        Assert.That(lu.SingularIndex, Is.EqualTo(2));
        Assert.That(lu.IsFactored, Is.False);
    }

    [Test]
    public void When_RowsAreLinearlyDependent_Expect_Singular()
    {
        // two voltage sources in parallel: identical branch rows
        int[] rows = [0, 0, 0, 1, 2], cols = [0, 1, 2, 0, 0];
        var lu = new SparseLU(3, rows, cols);
        Assert.That(lu.OrderAndFactor([1e-3, 1, 1, 1, 1]), Is.False);
        Assert.That(lu.SingularIndex, Is.InRange(0, 2));
    }

    [Test]
    public void When_OrderedTwice_Expect_SamePivotOrderAndBitIdenticalSolution()
    {
        var rng = new Random(5);
        var m = MnaMatrix(rng, 60, 8);
        var b = Enumerable.Range(0, m.Size).Select(_ => rng.NextDouble()).ToArray();
        var first = new SparseLU(m.Size, m.Rows, m.Cols);
        var second = new SparseLU(m.Size, m.Rows, m.Cols);
        first.OrderAndFactor(m.Values);
        second.OrderAndFactor(m.Values);
        Assert.That(SolveSparse(second, b), Is.EqualTo(SolveSparse(first, b)));
        Assert.That(second.Statistics.FillIns, Is.EqualTo(first.Statistics.FillIns));
    }

    [Test]
    public void When_MatrixIsTridiagonal_Expect_NoFillIn()
    {
        // Markowitz ordering of a tridiagonal (a resistor ladder) creates no fill.
        int n = 50;
        var rows = new List<int>(); var cols = new List<int>(); var values = new List<double>();
        for (int i = 0; i < n; i++)
        {
            rows.Add(i); cols.Add(i); values.Add(2.001);
            if (i > 0) { rows.Add(i); cols.Add(i - 1); values.Add(-1); }
            if (i < n - 1) { rows.Add(i); cols.Add(i + 1); values.Add(-1); }
        }
        var lu = new SparseLU(n, rows.ToArray(), cols.ToArray());
        Assert.That(lu.OrderAndFactor(values.ToArray()), Is.True);
        Assert.That(lu.Statistics.FillIns, Is.EqualTo(0));
        Assert.That(lu.FactorNonZeros, Is.EqualTo(rows.Count));
    }
}
