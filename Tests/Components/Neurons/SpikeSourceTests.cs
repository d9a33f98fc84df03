using AnalogNN.Circuit;
using AnalogNN.Components.Neurons;
using AnalogNN.Components.Passives;
using AnalogNN.Solvers.Analyses;
using MathNet.Numerics.Distributions;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Components.Neurons;

public class SpikeSourceTests
{
    private static SpikeSource Poisson(double rate, ulong seed, double start = 0, double stop = double.MaxValue)
    {
        var m = new SpikeSourceModel("p", "POISSON");
        m.Set("start", start);
        if (stop < double.MaxValue) m.Set("stop", stop);
        return new SpikeSource("P1", "a", "0", m, rate: rate, seed: seed);
    }

    [Test]
    public void When_PoissonRate200Hz_Expect_MeasuredRateWithinThreeSigma()
    {
        // N ~ Poisson(λT): λT = 200·50 = 10 000, σ = 100
        var times = Poisson(200, 12345).PoissonTimes(50);
        Assert.That(Math.Abs(times.Length - 10000), Is.LessThan(300), $"count {times.Length}");
    }

    [Test]
    public void When_PoissonIntervals_Expect_ExponentialByKolmogorovSmirnov()
    {
        var times = Poisson(200, 7).PoissonTimes(20);
        var isi = times.Zip(times.Skip(1), (a, b) => b - a).Order().ToArray();
        var exp = new Exponential(200);
        double d = 0;
        for (int i = 0; i < isi.Length; i++)
        {
            double f = exp.CumulativeDistribution(isi[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / isi.Length - f, f - (double)i / isi.Length));
        }
        // 5% critical value of the one-sample KS statistic, large n: 1.358/√n
        Assert.That(d, Is.LessThan(1.358 / Math.Sqrt(isi.Length)), $"D = {d:G4}, n = {isi.Length}");
        Assert.That(isi.Average(), Is.EqualTo(1 / 200.0).Within(0.05 / 200), "mean interval 1/rate");
    }

    [Test]
    public void When_SameSeed_Expect_SameTimesBitForBit_AndOtherSeedDiffers()
    {
        var a = Poisson(100, 3).PoissonTimes(5);
        var b = Poisson(100, 3).PoissonTimes(5);
        var c = Poisson(100, 4).PoissonTimes(5);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void When_StartAndStopGiven_Expect_SpikesOnlyInsideWindow()
    {
        var t = Poisson(1000, 9, start: 0.2, stop: 0.3).PoissonTimes(1);
        Assert.That(t, Is.Not.Empty);
        Assert.That(t.Min(), Is.GreaterThanOrEqualTo(0.2));
        Assert.That(t.Max(), Is.LessThanOrEqualTo(0.3));
    }

    [Test]
    public void When_SpikeTrainDrivesResistor_Expect_PulsesAtListedTimesAndRecorded()
    {
        var m = new SpikeSourceModel("st", "SPIKETRAIN");
        m.Set("amp", 2); m.Set("width", 0.5e-3);
        var c = new CircuitModel().Add(new SpikeSource("S1", "a", "0", m, [1e-3, 4e-3]), new Resistor("R1", "a", "0", 1e3));
        var tran = new Transient(c, new TransientSpec(1e-4, 6e-3));
        var rec = new RecordingOutput();
        tran.Run(rec);
        var time = rec.Column("time");
        var v = rec.Column("v(a)");
        Assert.That(time, Does.Contain(1e-3).And.Contains(4e-3), "spike times are breakpoints");
        double At(double t) => v[Array.FindIndex(time, x => x >= t)];
        Assert.That(At(1.3e-3), Is.EqualTo(2).Within(1e-12));
        Assert.That(At(2e-3), Is.EqualTo(0).Within(1e-12));
        Assert.That(At(4.3e-3), Is.EqualTo(2).Within(1e-12));
        var emitter = tran.System!.Behaviors.OfType<ISpikeEmitter>().Single();
        Assert.That(emitter.SpikeTimes, Is.EqualTo(new[] { 1e-3, 4e-3 }));
    }
}
