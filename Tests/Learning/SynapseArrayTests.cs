using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Tests.Learning;

public class SynapseArrayTests
{
    [Test]
    public void When_WeightsSetThenRead_Expect_RoundTripAndSymmetricDense()
    {
        var t = HopfieldTopology.Band(12, 3);
        var s = new SynapseArray(t);
        var r = new Random(5);
        var w = Enumerable.Range(0, t.PairCount).Select(_ => 1.8 * r.NextDouble() - 0.9).ToArray();
        s.SetWeights(w);
        var back = new double[t.PairCount];
        s.CopyWeights(back);
        for (int p = 0; p < w.Length; p++)
        {
            Check.Close(w[p], back[p], 1e-12, 1e-14, $"pair {p}");
            // the same weight from the devices' conductances, (G+ − G−)/Gref
            Check.Close(w[p], (s.GPlus(p) - s.GMinus(p)) / s.Gref, 1e-12, 1e-14, $"pair {p} from G");
        }
        var dense = new double[t.N * t.N];
        s.CopyDense(dense);
        for (int i = 0; i < t.N; i++)
            for (int j = 0; j < t.N; j++)
            {
                Assert.That(dense[i * t.N + j], Is.EqualTo(dense[j * t.N + i]));
                if (!t.IsConnected(i, j)) Assert.That(dense[i * t.N + j], Is.Zero);
            }
        Assert.That(s.TotalPulses, Is.Zero, "initialisation is not programming");
    }

    [Test]
    public void When_UniformInitialisation_Expect_RangeAndSeedReproducible()
    {
        var t = HopfieldTopology.Full(16);
        var a = new SynapseArray(t);
        var b = new SynapseArray(t);
        a.InitializeUniform(0.1, 7);
        b.InitializeUniform(0.1, 7);
        var wa = new double[t.PairCount];
        var wb = new double[t.PairCount];
        a.CopyWeights(wa);
        b.CopyWeights(wb);
        Assert.That(wa, Is.EqualTo(wb));
        Assert.That(wa.Max(), Is.LessThanOrEqualTo(0.1).And.GreaterThan(0.08));
        Assert.That(wa.Min(), Is.GreaterThanOrEqualTo(-0.1).And.LessThan(-0.08));
    }

    [TestCase(0.005)]
    [TestCase(0.0)]
    public void When_WeightChangeProgrammed_Expect_WithinOnePulseStepAndCounted(double deviceBeta)
    {
        var t = HopfieldTopology.Full(10);
        var s = new SynapseArray(t, new SynapseParameters { DeviceBeta = deviceBeta });
        s.InitializeUniform(0.3, 3);
        var w0 = new double[t.PairCount];
        s.CopyWeights(w0);
        var r = new Random(11);
        var dw = Enumerable.Range(0, t.PairCount).Select(_ => 0.2 * r.NextDouble() - 0.1).ToArray();
        dw[0] = 0;
        long expectedPulses = dw.Sum(d => (long)Math.Round(Math.Abs(d) / s.WeightStep));
        long applied = s.Program(dw);
        var w1 = new double[t.PairCount];
        s.CopyWeights(w1);
        for (int p = 0; p < dw.Length; p++)
            Assert.That(Math.Abs(w1[p] - (w0[p] + dw[p])), Is.LessThanOrEqualTo(s.WeightStep), $"pair {p}: asked {dw[p]:G6}, got {w1[p] - w0[p]:G6}");
        Assert.That(applied, Is.EqualTo(expectedPulses));
        Assert.That(s.TotalPulses, Is.EqualTo(expectedPulses));
        Assert.That(s.Devices.PulseCount.Sum(), Is.EqualTo(expectedPulses));
        Assert.That(s.Devices.PulseCount[0] + s.Devices.PulseCount[1], Is.Zero, "a zero change sends no pulse");
    }

    [Test]
    public void When_PulsesProgrammed_Expect_EnergyOfThePulseResponse()
    {
        // one pair, +Δw: n/2 SET pulses on G+, n/2 RESET pulses on G−. Reference: pulse by pulse through
        // the kernel's exact response, E = Σ_pulses v²·Δt·(G_before + G_after)/2 summed per pulse.
        var t = HopfieldTopology.Full(2);
        var prm = new SynapseParameters { DeviceBeta = 3 };
        var s = new SynapseArray(t, prm);
        var kernel = (ExponentialPulseKernel)s.Devices.Kernel;
        double dw = 0.2;
        int n = (int)Math.Round(dw / s.WeightStep);
        double v = prm.PulseAmplitude, dt = s.PulseWidth, expected = 0;
        var final = new List<double>();
        foreach (double amp in new[] { v, -v })
        {
            double x = 0.5;
            for (int c = 0; c < n / 2; c++)
            {
                double x1 = kernel.Pulse(x, amp, dt, 1, 1);
                double g0 = prm.Gmin + (prm.Gmax - prm.Gmin) * x, g1 = prm.Gmin + (prm.Gmax - prm.Gmin) * x1;
                expected += amp * amp * dt * 0.5 * (g0 + g1);
                x = x1;
            }
            final.Add(x);
        }
        s.Program([dw]);
        Check.Close(expected, s.TotalEnergy, 1e-4, 0, "programming energy");
        Check.Close(expected, s.Devices.Energy.Sum(), 1e-4, 0, "per-device energy");
        Assert.That(s.TotalPulses, Is.EqualTo(n));
        // the weight is what the devices did, not what was asked: with β = 3 the step at mid range is
        // e^(−1.5)(e³ − 1)/3 ≈ 1.42 times the average step, so the change overshoots
        Check.Close((final[0] - final[1]) * prm.WeightMax, s.Weight(0), 1e-9, 1e-12, "weight after programming");
        Assert.That(s.Weight(0), Is.GreaterThan(1.1 * dw));
    }

    [Test]
    public void When_CycleNoiseEnabled_Expect_PulseByPulsePathCountsTheSame()
    {
        var t = HopfieldTopology.Full(4);
        var s = new SynapseArray(t, new SynapseParameters { CycleVariability = 1e-4 });
        var dw = new double[t.PairCount];
        Array.Fill(dw, -0.01);
        long n = s.Program(dw);
        Assert.That(n, Is.EqualTo(t.PairCount * (long)Math.Round(0.01 / s.WeightStep)));
        for (int p = 0; p < t.PairCount; p++) Assert.That(s.Weight(p), Is.EqualTo(-0.01).Within(0.002));
    }
}
