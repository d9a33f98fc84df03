using AnalogNN.Netlists.Simulation;

namespace AnalogNN.Tests.Components.Neurons;

public class HopfieldTests
{
    private static readonly double[,] W = { { 0, 0.8, -0.5 }, { 0.8, 0, 0.6 }, { -0.5, 0.6, 0 } };
    private static readonly double[] Bias = [0.3, -0.2, 0.5];
    private static readonly double[] V0 = [0.1, -0.3, 0.2];

    /// <summary>Zoppo et al. Eq. 13 with g = tanh: dv_i/dt = −v_i + g′(v_i)(Σ_j w_ij g(v_j) + I_i) (time in units of τ).</summary>
    private static double[] Rhs(double[] v)
    {
        var d = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double s = Bias[i];
            for (int j = 0; j < 3; j++) s += W[i, j] * Math.Tanh(v[j]);
            double t = Math.Tanh(v[i]);
            d[i] = -v[i] + (1 - t * t) * s;
        }
        return d;
    }

    private static double[] IntegrateRk4(double tEnd, double h)
    {
        var v = (double[])V0.Clone();
        for (double t = 0; t < tEnd - 1e-12; t += h)
        {
            var k1 = Rhs(v);
            var k2 = Rhs(v.Select((x, i) => x + 0.5 * h * k1[i]).ToArray());
            var k3 = Rhs(v.Select((x, i) => x + 0.5 * h * k2[i]).ToArray());
            var k4 = Rhs(v.Select((x, i) => x + h * k3[i]).ToArray());
            for (int i = 0; i < 3; i++) v[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        return v;
    }

    [Test]
    public void When_ThreeNeuronHopfieldCircuitRelaxes_Expect_FixedPointOfEquation13()
    {
        // Each neuron is an integrator neuron (LINEAR model, τ = 1 ms: τ dv/dt = −v + v(in_i)); the
        // input node in_i = g′(v_i)(Σ_j w_ij g(v_j) + I_i) is a B source, so the circuit is Eq. 13 in time units of τ.
        string Term(int i)
        {
            var sum = string.Join(" + ", Enumerable.Range(0, 3).Where(j => W[i, j] != 0).Select(j => $"({W[i, j]})*tanh(V(v{j}))"));
            return $"B{i} in{i} 0 V=(1-tanh(V(v{i}))^2)*({sum} + ({Bias[i]}))";
        }
        string deck = $"""
            * 3-neuron continuous Hopfield network, Zoppo et al. Eq. 13
            .model lin LINEAR()
            {Term(0)}
            {Term(1)}
            {Term(2)}
            YINTEG n0 in0 v0 lin TAU=1m
            YINTEG n1 in1 v1 lin TAU=1m
            YINTEG n2 in2 v2 lin TAU=1m
            .ic v(v0)={V0[0]} v(v1)={V0[1]} v(v2)={V0[2]}
            .tran 10u 40m uic
            .end
            """;
        var rec = new RecordingOutput();
        NetlistJob.FromText(deck).Run(rec);
        var reference = IntegrateRk4(40, 1e-3);
        var fixedPoint = IntegrateRk4(200, 1e-3);
        for (int i = 0; i < 3; i++)
        {
            double circuit = rec.Column($"v(v{i})")[^1];
            Assert.That(circuit, Is.EqualTo(reference[i]).Within(1e-3), $"v{i} at 40 τ");
            Assert.That(circuit, Is.EqualTo(fixedPoint[i]).Within(1e-3), $"v{i} fixed point");
        }
        Assert.That(Rhs(fixedPoint).Max(Math.Abs), Is.LessThan(1e-9), "reference reached its fixed point");
    }
}
