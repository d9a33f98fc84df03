using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Rules;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Learning;

/// <summary>
/// The learning rules against the gradient they estimate: EP (Eq. 18) against a finite-difference
/// gradient of the cost at the fixed point, RBP (Eqs. 9–11) against the exact gradient of Eq. 7
/// computed densely with MathNet, relaxation against an independent RK4 integration.
/// </summary>
public class EquilibriumGradientTests
{
    private static readonly HopfieldParameters Tight = new() { Step = 0.2, VnTol = 1e-13, MaxIterations = 200000, LearningRate = 1 };

    private static (DenseHopfield Net, double[] Input, double[] Target, double[] V0) Tiny(HopfieldTopology t, int seed)
    {
        var r = new Random(seed);
        int n = t.N;
        var net = new DenseHopfield(t, Tight);
        var w = new double[n * n];
        for (int p = 0; p < t.PairCount; p++)
        {
            double x = 0.8 * r.NextDouble() - 0.4;
            w[t.PairI[p] * n + t.PairJ[p]] = w[t.PairJ[p] * n + t.PairI[p]] = x;
        }
        net.SetWeights(w);
        var input = Enumerable.Range(0, n).Select(_ => 1.2 * r.NextDouble() - 0.6).ToArray();
        var target = Enumerable.Range(0, n).Select(_ => r.NextDouble() - 0.5).ToArray();
        var v0 = Enumerable.Range(0, n).Select(_ => 0.2 * r.NextDouble() - 0.1).ToArray();
        return (net, input, target, v0);
    }

    private static double CostAtFixedPoint(DenseHopfield net, HopfieldDynamics dyn, double[] w, double[] input, double[] target, double[] v0)
    {
        net.SetWeights(w);
        var v = (double[])v0.Clone();
        var res = net.Relax(dyn, v, input);
        Assert.That(res.Converged, Is.True);
        return net.Cost(v, target);
    }

    private static double[] FiniteDifferenceGradient(DenseHopfield net, HopfieldDynamics dyn, double[] input, double[] target, double[] v0)
    {
        var t = net.Topology;
        int n = t.N;
        var w = net.Weights.ToArray();
        var grad = new double[t.PairCount];
        const double h = 1e-5;
        for (int p = 0; p < t.PairCount; p++)
        {
            int a = t.PairI[p] * n + t.PairJ[p], b = t.PairJ[p] * n + t.PairI[p];
            var wp = (double[])w.Clone(); wp[a] += h; wp[b] += h;
            var wm = (double[])w.Clone(); wm[a] -= h; wm[b] -= h;
            grad[p] = (CostAtFixedPoint(net, dyn, wp, input, target, v0) - CostAtFixedPoint(net, dyn, wm, input, target, v0)) / (2 * h);
        }
        net.SetWeights(w);
        return grad;
    }

    private static double RelativeError(double[] expected, double[] actual) =>
        Math.Sqrt(expected.Zip(actual, (e, a) => (e - a) * (e - a)).Sum() / expected.Sum(e => e * e));

    [Test]
    public void When_BetaGoesToZero_Expect_EquilibriumPropagationEqualsFiniteDifferenceGradient()
    {
        var t = HopfieldTopology.Full(5);
        var (net, input, target, v0) = Tiny(t, 3);
        var fd = FiniteDifferenceGradient(net, HopfieldDynamics.Gradient, input, target, v0);
        var errors = new List<double>();
        foreach (double beta in new[] { 1e-1, 1e-2, 1e-3 })
        {
            var dw = new double[t.PairCount];
            net.EquilibriumPropagationUpdate(v0, input, target, beta, dw);
            // Δw = −η ∂J/∂w with η = 1
            errors.Add(RelativeError(fd, dw.Select(d => -d).ToArray()));
        }
        TestContext.Out.WriteLine($"EP vs finite difference, relative error at beta = 1e-1, 1e-2, 1e-3: {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
        Assert.That(errors[2], Is.LessThan(3e-3), "EP estimate at beta = 1e-3");
        Assert.That(errors[1], Is.LessThan(errors[0] / 5), "error falls with beta (first order)");
        Assert.That(errors[2], Is.LessThan(errors[1] / 5), "error falls with beta (first order)");
    }

    [Test]
    public void When_SymmetricNudging_Expect_SecondOrderAgreementWithFiniteDifference()
    {
        var t = HopfieldTopology.Full(5);
        var (net, input, target, v0) = Tiny(t, 3);
        net.Parameters = Tight with { SymmetricNudging = true };
        var fd = FiniteDifferenceGradient(net, HopfieldDynamics.Gradient, input, target, v0);
        var errors = new List<double>();
        foreach (double beta in new[] { 1e-1, 1e-2 })
        {
            var dw = new double[t.PairCount];
            net.EquilibriumPropagationUpdate(v0, input, target, beta, dw);
            errors.Add(RelativeError(fd, dw.Select(d => -d).ToArray()));
        }
        TestContext.Out.WriteLine($"symmetric EP vs finite difference at beta = 1e-1, 1e-2: {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
        Assert.That(errors[1], Is.LessThan(errors[0] / 30), "error falls as beta² (one-sided: as beta)");
        Assert.That(errors[1], Is.LessThan(1e-3));
    }

    [Test]
    public void When_SideNetworkRelaxed_Expect_RecurrentBackpropEqualsExactGradientOfEq7()
    {
        var t = HopfieldTopology.Band(6, 1);
        var (net, input, target, v0) = Tiny(t, 8);
        var y = new double[t.N];
        var dw = new double[t.PairCount];
        net.RecurrentBackpropUpdate(v0, input, target, y, dw);
        var v = net.FreeState.ToArray();
        // Eq. 7: ∂v/∂w_ij = (1 − D W)^(−1) D e_i v_j with D = diag g'(Î), Î = W v + I; a symmetric pair is w_ij and w_ji together.
        int n = t.N;
        var W = Matrix<double>.Build.Dense(n, n, (i, j) => net.Weights[i * n + j]);
        var vv = Vector<double>.Build.DenseOfArray(v);
        var ihat = W * vv + Vector<double>.Build.DenseOfArray(input);
        var D = Matrix<double>.Build.DiagonalOfDiagonalArray(ihat.Select(s => 1 - Math.Tanh(s) * Math.Tanh(s)).ToArray());
        var M = (Matrix<double>.Build.DenseIdentity(n) - D * W).Inverse() * D;
        var J = Vector<double>.Build.DenseOfArray(target) - vv;
        var exact = new double[t.PairCount];
        for (int p = 0; p < t.PairCount; p++)
        {
            int i = t.PairI[p], j = t.PairJ[p];
            var dv = M.Column(i) * v[j] + M.Column(j) * v[i];
            exact[p] = J * dv; // −∂E/∂w = Σ_k J_k ∂v_k/∂w (Eq. 5), η = 1
        }
        double err = RelativeError(exact, dw);
        TestContext.Out.WriteLine($"RBP vs Eq. 7, relative error {err:G3}");
        Assert.That(err, Is.LessThan(1e-8));
        // and the same against a finite difference of the cost of the additive network
        var fd = FiniteDifferenceGradient(net, HopfieldDynamics.Additive, input, target, v0);
        Assert.That(RelativeError(fd, exact.Select(e => -e).ToArray()), Is.LessThan(1e-6));
    }

    [TestCase(HopfieldDynamics.Gradient)]
    [TestCase(HopfieldDynamics.Additive)]
    public void When_Relaxed_Expect_FixedPointOfIndependentRk4(HopfieldDynamics dyn)
    {
        var t = HopfieldTopology.Full(7);
        var (net, input, target, v0) = Tiny(t, 21);
        int n = t.N;
        var w = net.Weights.ToArray();
        var v = (double[])v0.Clone();
        var res = net.Relax(dyn, v, input, target, 0.3);
        Assert.That(res.Converged, Is.True);
        // independent RK4 of Eq. 13 / Eq. 3 with the nudging term, h = 0.05 to t = 200
        double[] F(double[] s)
        {
            var f = new double[n];
            for (int i = 0; i < n; i++)
            {
                double h = input[i];
                for (int j = 0; j < n; j++) h += w[i * n + j] * (dyn == HopfieldDynamics.Gradient ? Math.Tanh(s[j]) : s[j]);
                double th = Math.Tanh(s[i]);
                f[i] = dyn == HopfieldDynamics.Gradient ? -s[i] + (1 - th * th) * h : -s[i] + Math.Tanh(h);
                f[i] += 0.3 * (target[i] - s[i]);
            }
            return f;
        }
        var x = (double[])v0.Clone();
        const double dt = 0.05;
        for (int step = 0; step < 4000; step++)
        {
            var k1 = F(x);
            var k2 = F(x.Select((s, i) => s + 0.5 * dt * k1[i]).ToArray());
            var k3 = F(x.Select((s, i) => s + 0.5 * dt * k2[i]).ToArray());
            var k4 = F(x.Select((s, i) => s + dt * k3[i]).ToArray());
            for (int i = 0; i < n; i++) x[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        for (int i = 0; i < n; i++) Check.Close(x[i], v[i], 1e-9, 1e-11, $"v[{i}]");
    }

    [Test]
    public void When_LayeredBetaGoesToZero_Expect_EquilibriumPropagationEqualsFiniteDifferenceGradient()
    {
        var t = HopfieldTopology.Layered(6, 4, 3);
        var prm = new HopfieldParameters { Nonlinearity = Nonlinearity.HardSigmoid, Step = 0.5, VnTol = 1e-13, MaxIterations = 100000 };
        var net = new LayeredHopfield(t, prm);
        var r = new Random(4);
        for (int p = 0; p < t.PairCount; p++) net.Weights[p] = 0.6 * r.NextDouble() - 0.1;
        var input = Enumerable.Range(0, 6).Select(_ => r.NextDouble()).ToArray();
        var target = new[] { 0.0, 1.0, 0.0 };
        double J(double[] w)
        {
            w.CopyTo(net.Weights);
            net.Infer(input);
            var s = net.FreeState;
            double c = 0;
            for (int k = 0; k < 3; k++) { double d = target[k] - s[10 + k]; c += 0.5 * d * d; }
            return c;
        }
        var w0 = net.Weights.ToArray();
        var fd = new double[t.PairCount];
        for (int p = 0; p < t.PairCount; p++)
        {
            var wp = (double[])w0.Clone(); wp[p] += 1e-6;
            var wm = (double[])w0.Clone(); wm[p] -= 1e-6;
            fd[p] = (J(wp) - J(wm)) / 2e-6;
        }
        w0.CopyTo(net.Weights);
        // the free fixed point is interior for these weights (no state on a bound), so J is smooth
        net.Infer(input);
        for (int i = 6; i < t.N; i++) Assert.That(net.FreeState[i], Is.GreaterThan(0).And.LessThan(1), $"state {i}");
        var dw = new double[t.PairCount];
        net.EquilibriumPropagationUpdate(input, target, 1e-4, [1.0, 1.0], dw);
        double err = RelativeError(fd, dw.Select(d => -d).ToArray());
        TestContext.Out.WriteLine($"layered EP vs finite difference at beta = 1e-4: {err:G3}");
        Assert.That(err, Is.LessThan(1e-3));
        // the fixed point satisfies s = g(drive) layer by layer (independent dense evaluation)
        var s = net.FreeState.ToArray();
        for (int a = 0; a < 4; a++)
        {
            double d = 0;
            for (int b = 0; b < 6; b++) d += w0[a * 6 + b] * input[b];
            for (int c = 0; c < 3; c++) d += w0[24 + c * 4 + a] * s[10 + c];
            Check.Close(Math.Clamp(d, 0, 1), s[6 + a], 1e-9, 1e-11, $"hidden {a}");
        }
        for (int c = 0; c < 3; c++)
        {
            double d = 0;
            for (int a = 0; a < 4; a++) d += w0[24 + c * 4 + a] * s[6 + a];
            Check.Close(Math.Clamp(d, 0, 1), s[10 + c], 1e-9, 1e-11, $"output {c}");
        }
    }
}
