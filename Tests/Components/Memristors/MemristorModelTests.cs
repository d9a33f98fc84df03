using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using static AnalogNN.Tests.Components.Memristors.MemristorTestCircuits;

namespace AnalogNN.Tests.Components.Memristors;

/// <summary>Every memristor level in a one-device circuit: pinched hysteresis, agreement with its own ODE, bounds.</summary>
public class MemristorModelTests
{
    private static IEnumerable<TestCaseData> All() => Cases().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    /// <summary>
    /// Lobe area of the i–v curve over the last period: |∮ i dv| over the v &gt; 0 half plus over the v &lt; 0 half
    /// (trapezoidal sums). Each half is a closed lobe because the curve is pinched at the origin.
    /// </summary>
    private static double LobeArea(double[] t, double[] v, double[] i, double fromTime)
    {
        double pos = 0, neg = 0;
        for (int k = 1; k < t.Length; k++)
        {
            if (t[k - 1] < fromTime) continue;
            double a = 0.5 * (i[k] + i[k - 1]) * (v[k] - v[k - 1]);
            if (v[k] + v[k - 1] >= 0) pos += a; else neg += a;
        }
        return Math.Abs(pos) + Math.Abs(neg);
    }

    [TestCaseSource(nameof(All))]
    public void When_SineDrivesDevice_Expect_PinchedLoopShrinkingWithFrequency(MemristorCase c)
    {
        var areas = new double[3];
        for (int f = 0; f < 3; f++)
        {
            double freq = c.Frequency * (1 << (2 * f));
            var (t, v, i, _) = Sine(c, freq);
            double imax = i.Max(Math.Abs);
            // pinched: at every zero crossing of v the current (interpolated to the crossing) is 0
            for (int k = 1; k < t.Length; k++)
                if (v[k - 1] * v[k] < 0)
                {
                    double a = v[k - 1] / (v[k - 1] - v[k]);
                    double icross = i[k - 1] + a * (i[k] - i[k - 1]);
                    Assert.That(Math.Abs(icross), Is.LessThan(2e-3 * imax), $"{c.Name} at {freq} Hz: i = {icross:G3} A at v = 0 (t = {t[k]:G4} s)");
                }
            areas[f] = LobeArea(t, v, i, 1 / freq) / (imax * c.Amplitude);
        }
        TestContext.Out.WriteLine($"{c.Name}: normalised lobe areas {string.Join(", ", areas.Select(a => a.ToString("G3")))} at f, 4f, 16f");
        Assert.That(areas[0], Is.GreaterThan(0.01), "no visible hysteresis at the lowest frequency");
        Assert.That(areas[1], Is.LessThan(areas[0]));
        Assert.That(areas[2], Is.LessThan(areas[1]));
    }

    [TestCaseSource(nameof(All))]
    public void When_SineDrivesDevice_Expect_StateMatchesIndependentRk4(MemristorCase c)
    {
        double f = c.Frequency;
        var opt = new SimulationOptions { RelTol = 1e-4 };
        var (t, _, i, x) = Sine(c, f, periods: 1, pointsPerPeriod: 1000, options: opt);
        double worst = 0, worstI = 0, imax = i.Max(Math.Abs);
        double xr = c.X0, tr = 0;
        for (int k = 1; k < t.Length; k++)
        {
            xr = Rk4(c.Rate, s => c.Amplitude * Math.Sin(2 * Math.PI * f * s), xr, tr, t[k], 20);
            tr = t[k];
            worst = Math.Max(worst, Math.Abs(xr - x[k]));
            worstI = Math.Max(worstI, Math.Abs(c.Current(c.Amplitude * Math.Sin(2 * Math.PI * f * t[k]), xr) - i[k]) / imax);
        }
        TestContext.Out.WriteLine($"{c.Name}: max |x - x_rk4| = {worst:G3}, max |i - i_rk4|/imax = {worstI:G3}, x range {x.Min():G3}..{x.Max():G3}");
        Assert.That(x.Max() - x.Min(), Is.GreaterThan(0.02), "the state should move");
        Assert.That(worst, Is.LessThan(2e-3));
        Assert.That(worstI, Is.LessThan(2e-3));
    }

    [TestCaseSource(nameof(All))]
    public void When_OverdrivenForLong_Expect_StateNeverLeavesBounds(MemristorCase c)
    {
        foreach (var method in new[] { IntegrationMethod.Trapezoidal, IntegrationMethod.Gear, IntegrationMethod.BackwardEuler })
        {
            var big = c with { Amplitude = c.Amplitude * 1.5 };
            var (_, _, _, x) = Sine(big, c.Frequency / 8, periods: 2, pointsPerPeriod: 200, options: new SimulationOptions { Method = method });
            Assert.That(x.Min(), Is.GreaterThanOrEqualTo(0.0), $"{c.Name}/{method}");
            Assert.That(x.Max(), Is.LessThanOrEqualTo(1.0), $"{c.Name}/{method}");
        }
    }
}
