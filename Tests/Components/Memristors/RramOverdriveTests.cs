using AnalogNN.Components.Memristors;

namespace AnalogNN.Tests.Components.Memristors;

public class RramOverdriveTests
{
    /// <summary>
    /// A wild Newton iterate (hundreds of volts) on a device at its bound used to give 0·∞ = NaN
    /// (seen in a 4-neuron Milo network: "the solution diverged (NaN) at v(vbb)").
    /// </summary>
    [TestCase(1e3, 1.0)]
    [TestCase(-1e3, 0.0)]
    [TestCase(1e6, 1.0)]
    [TestCase(-1e6, 0.0)]
    public void When_IterateFarBeyondThreshold_Expect_FiniteRateAndSlopeAtBounds(double v, double x)
    {
        var k = new ThresholdRramKernel(1e-4, 1e-6, 1, 1, 0.1, 1, 1);
        double f = k.Rate(v, x, 1, 1, out double dfdv, out double dfdx);
        Assert.That(double.IsFinite(f) && double.IsFinite(dfdv) && double.IsFinite(dfdx), Is.True, $"{f} {dfdv} {dfdx}");
        Assert.That(f, Is.EqualTo(0), "no motion out of a bound");
    }

    [Test]
    public void When_OverdriveModerate_Expect_ExactSinhLaw()
    {
        var k = new ThresholdRramKernel(1e-4, 1e-6, 1, 1, 0.1, 1, 1);
        Assert.That(k.Rate(1.5, 0.25, 1, 1, out _, out _), Is.EqualTo(0.75 * Math.Sinh(5)).Within(1e-12));
        Assert.That(k.Rate(-1.5, 0.25, 1, 1, out _, out _), Is.EqualTo(-0.25 * Math.Sinh(5)).Within(1e-12));
    }
}
