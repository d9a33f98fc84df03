using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Tests.Solvers;

public class SteadyStateDetectorTests
{
    [Test]
    public void When_ExponentialDecayIsObserved_Expect_SteadyOnceTheStepRateIsBelowTolerance()
    {
        // x(t) = e^(−t) sampled every 0.1 s: the difference quotient over [t − h, t] is
        // (e^(−t+h) − e^(−t))/h, so with 3 points required the first steady point is the third
        // consecutive point whose quotient is ≤ 1e-3 (computed independently below).
        var detector = new SteadyStateDetector([0], 1e-3, points: 3);
        const double h = 0.1;
        int expected = -1, quiet = 0;
        for (int n = 1; n < 200 && expected < 0; n++)
        {
            double t = n * h;
            double rate = (Math.Exp(-(t - h)) - Math.Exp(-t)) / h;
            quiet = rate <= 1e-3 ? quiet + 1 : 0;
            if (quiet == 3) expected = n;
        }
        int reported = -1;
        for (int n = 0; n < 200; n++)
        {
            if (detector.Observe(n * h, [Math.Exp(-n * h)])) { reported = n; break; }
        }
        Assert.That(reported, Is.EqualTo(expected));
        Assert.That(detector.LastRate, Is.LessThanOrEqualTo(1e-3));
        // the state is then within rate/λ (λ = 1) of the equilibrium 0, as the class remarks state
        Assert.That(Math.Exp(-reported * h), Is.LessThanOrEqualTo(detector.LastRate));
    }

    [Test]
    public void When_Reset_Expect_HistoryForgottenAndSteadyAgainOnlyAfterNewPoints()
    {
        var detector = new SteadyStateDetector([0, 1], 1e-6, points: 2);
        for (int n = 0; n < 4; n++) detector.Observe(n, [1.0, 2.0]);
        Assert.That(detector.IsSteady, Is.True);
        detector.Reset();
        Assert.That(detector.Observe(10, [1.5, 2.0]), Is.False, "first point after a reset has no rate");
        Assert.That(detector.Observe(11, [1.6, 2.0]), Is.False, "rate 0.1 > tolerance");
        Assert.That(detector.Observe(12, [1.6, 2.0]), Is.False, "one quiet point of two");
        Assert.That(detector.Observe(13, [1.6, 2.0]), Is.True);
    }

    [Test]
    public void When_ToleranceNotPositive_Expect_ClearError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SteadyStateDetector([0], 0));
        Assert.That(e!.Message, Does.Contain("sstol"));
    }
}
