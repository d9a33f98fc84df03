using AnalogNN.Learning.Controllers;
using AnalogNN.Learning.Networks;

namespace AnalogNN.Tests.Learning;

public class HopfieldCircuitTests
{
    private static void AssertClose(double[] expected, double[] actual, double rel, double abs, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(rel * Math.Abs(expected[i]) + abs), $"{what} [{i}]");
    }

    [Test]
    public void When_GradientCircuitRelaxes_Expect_DenseFixedPointOfEquation13()
    {
        // 6 neurons, full symmetric W (|w| ≤ 1), tanh: the circuit's steady state against RK4 + Newton on Eq. 13
        var spec = HopfieldReference.Random(6, (_, _) => true, Nonlinearity.Tanh, 1.0, 11);
        var circuit = HopfieldCircuitRunner.Relax(spec, out var tran, out _);
        var reference = HopfieldReference.FixedPoint(spec);
        TestContext.Out.WriteLine($"points {tran.Statistics!.TimePoints}, iterations {tran.Statistics.Iterations}");
        AssertClose(reference, circuit, 1e-4, 1e-5, "v");
    }
}
