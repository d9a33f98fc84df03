using AnalogNN.Components.Memristors;

namespace AnalogNN.Tests.Components.Memristors;

/// <summary>Device-to-device and cycle-to-cycle variability (thesis App. 1.1): seeded, reproducible, with the requested statistics.</summary>
public class VariabilityTests
{
    private static MemristorModel Model(double dvar, double cvar, double seed)
    {
        var m = new MemristorModel("mp", MemristorLevel.Pulse);
        m.Set("dvar", dvar);
        m.Set("cvar", cvar);
        m.Set("seed", seed);
        return m;
    }

    [TestCase(0.1)]
    [TestCase(1.0)]
    public void When_DeviceToDeviceSpread_Expect_LogNormalWithMeanOneAndGivenStd(double eps)
    {
        var a = new MemristorArray("xb", Model(eps, 0, 42), 100, 100);
        foreach (var factors in new[] { a.Up, a.Down })
        {
            // log-normal fit: ln C ~ N(μ, σ²) with σ² = ln(1 + ε²), μ = −σ²/2
            var logs = factors.Select(v => Math.Log(v)).ToArray();
            double mu = logs.Average(), sd = Math.Sqrt(logs.Select(l => (l - mu) * (l - mu)).Sum() / (logs.Length - 1));
            double s2 = Math.Log(1 + eps * eps);
            Assert.That(mu, Is.EqualTo(-s2 / 2).Within(4 * Math.Sqrt(s2 / logs.Length)), "μ of ln C");
            Assert.That(sd, Is.EqualTo(Math.Sqrt(s2)).Within(0.03 * Math.Sqrt(s2)), "σ of ln C");
            double mean = factors.Average();
            Assert.That(mean, Is.EqualTo(1).Within(5 * eps / Math.Sqrt(factors.Length)), "E[C]/C̄");
            // skewness of ln C ≈ 0 (it is Gaussian)
            double skew = logs.Select(l => Math.Pow((l - mu) / sd, 3)).Average();
            Assert.That(Math.Abs(skew), Is.LessThan(0.1));
        }
        // per direction: the two draws of a device are independent
        double corr = Correlation(a.Up.Select(v => Math.Log(v)).ToArray(), a.Down.Select(v => Math.Log(v)).ToArray());
        Assert.That(Math.Abs(corr), Is.LessThan(0.05));
    }

    [Test]
    public void When_SameSeed_Expect_SameDraws_AndOtherSeedDiffers()
    {
        var a = new MemristorArray("xb", Model(0.5, 0.01, 7), 8, 8);
        var b = new MemristorArray("xb", Model(0.5, 0.01, 7), 8, 8);
        var c = new MemristorArray("xb", Model(0.5, 0.01, 8), 8, 8);
        Assert.That(b.Up, Is.EqualTo(a.Up));
        Assert.That(b.Down, Is.EqualTo(a.Down));
        Assert.That(c.Up, Is.Not.EqualTo(a.Up));
        for (int p = 0; p < 5; p++) { a.ApplyPulse(PulseTarget.All, 2, 1e-5); b.ApplyPulse(PulseTarget.All, 2, 1e-5); }
        Assert.That(b.X, Is.EqualTo(a.X), "cycle-to-cycle noise is reproducible bit for bit");
    }

    [Test]
    public void When_CycleToCycleNoise_Expect_GaussianStepsWithGivenStd()
    {
        const double cvar = 0.006;
        var noisy = new MemristorArray("n", Model(0, cvar, 3), 50, 40, 0.5);
        var clean = new MemristorArray("n", Model(0, 0, 3), 50, 40, 0.5);
        noisy.ApplyPulse(PulseTarget.All, 2, 5e-5);
        clean.ApplyPulse(PulseTarget.All, 2, 5e-5);
        var d = noisy.X.Zip(clean.X, (p, q) => p - q).ToArray();
        double mean = d.Average(), sd = Math.Sqrt(d.Select(v => (v - mean) * (v - mean)).Sum() / (d.Length - 1));
        Assert.That(mean, Is.EqualTo(0).Within(4 * cvar / Math.Sqrt(d.Length)));
        Assert.That(sd, Is.EqualTo(cvar).Within(0.05 * cvar));
        // a pulse below threshold is not a programming event: no noise
        var before = noisy.X.ToArray();
        noisy.ApplyPulse(PulseTarget.All, 0.5, 5e-5);
        Assert.That(noisy.X, Is.EqualTo(before));
    }

    [Test]
    public void When_DevicesHaveSpread_Expect_UnequalResponseToSamePulse()
    {
        var a = new MemristorArray("xb", Model(1.0, 0, 11), 1, 50, 0.1);
        a.ApplyPulse(PulseTarget.All, 2, 1e-5);
        var steps = a.X.Select(x => x - 0.1).ToArray();
        Assert.That(steps.Max() / steps.Min(), Is.GreaterThan(3), "ε_inter = 1 gives a wide spread of steps");
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = a.Zip(b, (p, q) => (p - ma) * (q - mb)).Sum();
        return sab / Math.Sqrt(a.Sum(p => (p - ma) * (p - ma)) * b.Sum(q => (q - mb) * (q - mb)));
    }
}
