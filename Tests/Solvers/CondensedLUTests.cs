using AnalogNN.Solvers.Sparse;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Solvers;

/// <summary>
/// Static condensation of local (state) unknowns against MathNet's dense LU of the whole matrix, the
/// chord solve with stale Schur-complement factors, and the nested-dissection pivot order.
/// </summary>
public class CondensedLUTests
{
    /// <summary>
    /// An MNA matrix (resistor network, voltage sources with structurally zero diagonals) plus
    /// <paramref name="states"/> memristor-like state unknowns: state l couples to two nodes p, n with
    /// a_pl = g, a_nl = −g, a_lp = −f, a_ln = f and has its own diagonal d (α₀ − ∂f/∂x).
    /// </summary>
    private static (SparseLUTests.SparseMatrix Matrix, bool[] Local) WithStates(Random rng, int nodes, int sources, int states, double diagonal)
    {
        var m = SparseLUTests.MnaMatrix(rng, nodes, sources);
        int n0 = m.Size, n = n0 + states;
        var entries = new Dictionary<(int, int), double>();
        for (int k = 0; k < m.Rows.Length; k++) entries[(m.Rows[k], m.Cols[k])] = m.Values[k];
        void Add(int r, int c, double v) => entries[(r, c)] = entries.GetValueOrDefault((r, c)) + v;
        for (int l = 0; l < states; l++)
        {
            int p = rng.Next(nodes), q;
            do q = rng.Next(nodes); while (q == p);
            int x = n0 + l;
            double g = 1e-3 * (rng.NextDouble() + 0.1), f = 1e4 * (rng.NextDouble() + 0.1);
            Add(p, x, g); Add(q, x, -g); Add(x, p, -f); Add(x, q, f);
            Add(x, x, diagonal * (1 + rng.NextDouble()));
            // the device conductance between p and q
            double gd = 1e-4 * (1 + rng.NextDouble());
            Add(p, p, gd); Add(q, q, gd); Add(p, q, -gd); Add(q, p, -gd);
        }
        var list = entries.OrderBy(e => e.Key).ToArray();
        var local = new bool[n];
        for (int l = 0; l < states; l++) local[n0 + l] = true;
        return (new SparseLUTests.SparseMatrix(n, list.Select(e => e.Key.Item1).ToArray(), list.Select(e => e.Key.Item2).ToArray(),
            list.Select(e => e.Value).ToArray()), local);
    }

    private static double[] Dense(SparseLUTests.SparseMatrix m, double[] b) =>
        m.Dense().LU().Solve(Vector<double>.Build.DenseOfArray(b)).ToArray();

    [TestCase(10, 2, 6, 1)]
    [TestCase(80, 8, 60, 2)]
    [TestCase(300, 20, 250, 3)]
    public void When_StatesCondensed_Expect_DenseLUSolutionOfWholeMatrix(int nodes, int sources, int states, int seed)
    {
        var rng = new Random(seed);
        var (m, local) = WithStates(rng, nodes, sources, states, 2e7);
        var lu = new CondensedLU(m.Size, m.Rows, m.Cols, local);
        Assert.That(lu.Eliminated, Is.EqualTo(states));
        Assert.That(lu.KeptSize, Is.EqualTo(m.Size - states));
        Assert.That(lu.Capture(m.Values), Is.True);
        Assert.That(lu.Factor(m.Values), Is.True);
        var b = Enumerable.Range(0, m.Size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var x = (double[])b.Clone();
        lu.Solve(x);
        var reference = Dense(m, b);
        double scale = reference.Max(Math.Abs);
        for (int i = 0; i < m.Size; i++) Assert.That(x[i], Is.EqualTo(reference[i]).Within(1e-9 * scale), $"x[{i}]");
        Assert.That(SparseLUTests.RelativeResidual(m, x, b), Is.LessThan(1e-12));
        Assert.That(lu.ChangeSinceFactor(m.Values), Is.EqualTo(0), "nothing changed since the factorization");
    }

    [Test]
    public void When_ChordSolveWithStaleSchurFactors_Expect_RefinementConvergesToNewSolution()
    {
        // A new time step: every state diagonal (α₀) halves and every state coupling (∂i/∂x, ∂f/∂v)
        // drifts by up to ±5 %. The chord solve keeps the exact local blocks and the old factors of
        // S, which moves only by the small state feedback, so iterating x += solve(b − A_new·x) must
        // contract fast and reach the dense solution of A_new.
        var rng = new Random(7);
        var (m, local) = WithStates(rng, 120, 10, 100, 2e7);
        var lu = new CondensedLU(m.Size, m.Rows, m.Cols, local);
        Assert.That(lu.Capture(m.Values) && lu.Factor(m.Values), Is.True);
        var changed = m.Values.Select((v, k) =>
            local[m.Rows[k]] && m.Rows[k] == m.Cols[k] ? v / 2
            : local[m.Rows[k]] || local[m.Cols[k]] ? v * (1 + 0.1 * (rng.NextDouble() - 0.5)) : v).ToArray();
        var newMatrix = m with { Values = changed };
        Assert.That(lu.CaptureLocal(changed), Is.True);
        double change = lu.ChangeSinceFactor(changed);
        Assert.That(change, Is.GreaterThan(0).And.LessThan(0.05));
        var b = Enumerable.Range(0, m.Size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var reference = Dense(newMatrix, b);
        double scale = reference.Max(Math.Abs);
        var a = newMatrix.Dense();
        var x = new double[m.Size];
        double last = double.PositiveInfinity;
        int iterations = 0;
        for (; iterations < 20; iterations++)
        {
            var r = (Vector<double>.Build.DenseOfArray(b) - a * Vector<double>.Build.DenseOfArray(x)).ToArray();
            lu.Solve(r);
            double step = r.Max(Math.Abs);
            for (int i = 0; i < x.Length; i++) x[i] += r[i];
            if (iterations > 0) Assert.That(step, Is.LessThan(0.5 * last), $"contraction at iteration {iterations}");
            last = step;
            if (step < 1e-13 * scale) break;
        }
        Assert.That(iterations, Is.LessThan(12));
        for (int i = 0; i < m.Size; i++) Assert.That(x[i], Is.EqualTo(reference[i]).Within(1e-10 * scale), $"x[{i}]");
    }

    [Test]
    public void When_StatePivotTooSmall_Expect_CaptureFails()
    {
        // a state diagonal below pivrel times its column cannot be eliminated: the caller factors the whole matrix
        var (m, local) = WithStates(new Random(3), 20, 2, 5, 2e7);
        var values = (double[])m.Values.Clone();
        int x = Array.FindIndex(local, l => l);
        int d = Enumerable.Range(0, m.Rows.Length).First(k => m.Rows[k] == x && m.Cols[k] == x);
        values[d] = 1e-9;
        var lu = new CondensedLU(m.Size, m.Rows, m.Cols, local);
        Assert.That(lu.CaptureLocal(values), Is.False);
        Assert.That(lu.Capture(values), Is.False);
        Assert.That(lu.Capture(m.Values), Is.True);
    }

    [Test]
    public void When_CandidatesCoupled_Expect_OnlyOneEliminated()
    {
        // two candidates with an entry between them: eliminating both would leave a non-diagonal D
        int[] rows = [0, 0, 1, 1, 1, 2, 2], cols = [0, 1, 0, 1, 2, 1, 2];
        double[] values = [2, -1, -1, 3, 0.5, 0.5, 4];
        var lu = new CondensedLU(3, rows, cols, [false, true, true]);
        Assert.That(lu.Eliminated, Is.EqualTo(1));
        Assert.That(lu.Capture(values) && lu.Factor(values), Is.True);
        var x = new double[] { 1, 2, 3 };
        lu.Solve(x);
        var reference = Matrix<double>.Build.DenseOfArray(new double[,] { { 2, -1, 0 }, { -1, 3, 0.5 }, { 0, 0.5, 4 } })
            .Solve(Vector<double>.Build.Dense([1.0, 2, 3]));
        for (int i = 0; i < 3; i++) Assert.That(x[i], Is.EqualTo(reference[i]).Within(1e-14));
    }

    [TestCase(10, 3, 11)]
    [TestCase(80, 12, 12)]
    [TestCase(300, 40, 13)]
    public void When_NestedDissectionOrder_Expect_DenseLUSolution(int nodes, int sources, int seed)
    {
        var rng = new Random(seed);
        var m = SparseLUTests.MnaMatrix(rng, nodes, sources);
        var lu = new SparseLU(m.Size, m.Rows, m.Cols) { Ordering = PivotOrdering.NestedDissection };
        Assert.That(lu.OrderAndFactor(m.Values), Is.True);
        var b = Enumerable.Range(0, m.Size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var x = (double[])b.Clone();
        lu.Solve(x);
        var reference = Dense(m, b);
        double scale = reference.Max(Math.Abs);
        for (int i = 0; i < m.Size; i++) Assert.That(x[i], Is.EqualTo(reference[i]).Within(1e-9 * scale), $"x[{i}]");
        Assert.That(SparseLUTests.RelativeResidual(m, x, b), Is.LessThan(1e-12));
    }

    [Test]
    public void When_NestedDissectionOfGrid_Expect_PermutationWithSeparatorLast()
    {
        // 20×20 5-point grid: every node exactly once, and the last nodes (the top separator) split the grid in two
        int k = 20, n = k * k;
        var pattern = new List<int>[n];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                var p = pattern[i * k + j] = new List<int>();
                if (i > 0) p.Add((i - 1) * k + j);
                if (i + 1 < k) p.Add((i + 1) * k + j);
                if (j > 0) p.Add(i * k + j - 1);
                if (j + 1 < k) p.Add(i * k + j + 1);
            }
        var order = NestedDissection.Order(n, pattern.Select(p => (IEnumerable<int>)p).ToArray());
        Assert.That(order.OrderBy(v => v), Is.EqualTo(Enumerable.Range(0, n)));
        // remove the last 2k nodes: the rest must fall apart into at least two components
        var removed = new HashSet<int>(order[^(2 * k)..]);
        var seen = new HashSet<int>();
        int components = 0;
        foreach (int start in Enumerable.Range(0, n).Where(v => !removed.Contains(v)))
        {
            if (!seen.Add(start)) continue;
            components++;
            var queue = new Queue<int>([start]);
            while (queue.Count > 0)
                foreach (int w in pattern[queue.Dequeue()])
                    if (!removed.Contains(w) && seen.Add(w)) queue.Enqueue(w);
        }
        Assert.That(components, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void When_OrderProposesTinyPivot_Expect_MarkowitzFallbackCounted()
    {
        // [[1e-9, 1], [1, 1.5]]: the proposed first pivot 1e-9 fails pivrel; Markowitz takes another
        int[] rows = [0, 0, 1, 1], cols = [0, 1, 0, 1];
        double[] values = [1e-9, 1, 1, 1.5];
        var lu = new SparseLU(2, rows, cols) { Ordering = PivotOrdering.NestedDissection };
        Assert.That(lu.OrderAndFactor(values), Is.True);
        Assert.That(lu.Statistics.OrderFallbacks, Is.EqualTo(1));
        var x = new double[] { 1, 2 };
        lu.Solve(x);
        var exact = Matrix<double>.Build.DenseOfArray(new[,] { { 1e-9, 1 }, { 1, 1.5 } }).Solve(Vector<double>.Build.Dense([1.0, 2.0]));
        Assert.That(x[0], Is.EqualTo(exact[0]).Within(1e-12));
        Assert.That(x[1], Is.EqualTo(exact[1]).Within(1e-12));
    }
}
