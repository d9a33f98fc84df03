using AnalogNN.Components.Memristors;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Programming;

namespace AnalogNN.Tests.Components.Memristors;

/// <summary>The thesis pulse model (Ernoult 2020, Part II Eq. 1.5–1.6) and the programming interface.</summary>
public class PulseProgrammingTests
{
    private static MemristorModel PulseModel(double beta, double tmax = 1e-3)
    {
        var m = new MemristorModel("mp", MemristorLevel.Pulse);
        m.Set("beta", beta);
        m.Set("tmax", tmax);
        return m;
    }

    [TestCase(0.005, 1, TestName = "When_NearLinearPulses_Expect_OnePulseEqualsNPulses")]
    [TestCase(3.0, 1, TestName = "When_NonLinearPulses_Expect_OnePulseEqualsNPulses")]
    [TestCase(3.0, -1, TestName = "When_NonLinearDepression_Expect_OnePulseEqualsNPulses")]
    public void PulseComposition(double beta, double sign)
    {
        var k = PulseModel(beta).CreateKernel();
        foreach (int n in new[] { 2, 7, 100 })
            foreach (double x0 in new[] { 0.0, 0.3, 0.9 })
            {
                double dt = 2e-4;
                double one = k.Pulse(x0, 1.5 * sign, dt, 1, 1);
                double many = x0;
                for (int p = 0; p < n; p++) many = k.Pulse(many, 1.5 * sign, dt / n, 1, 1);
                Assert.That(many, Is.EqualTo(one).Within(1e-12), $"n = {n}, x0 = {x0}");
            }
    }

    [TestCase(0.005)]
    [TestCase(3.0)]
    public void When_ClosedFormPulse_Expect_FineIntegrationOfEq15(double beta)
    {
        // dG/dt = +C exp(-beta (G - Gmin)/R) in siemens, C = (R/Tmax)(e^beta - 1)/beta, integrated by RK4 with 10^4 steps
        const double gmax = 1e-4, gmin = gmax / 13, r = gmax - gmin, tmax = 1e-3;
        double c = r / tmax * (Math.Exp(beta) - 1) / beta;
        var k = PulseModel(beta, tmax).CreateKernel();
        foreach (double width in new[] { 1e-5, 1e-4, 5e-4 })
        {
            double g = gmin + 0.2 * r, h = width / 10000;
            for (int s = 0; s < 10000; s++)
            {
                double F(double q) => c * Math.Exp(-beta * (q - gmin) / r);
                double k1 = F(g), k2 = F(g + h / 2 * k1), k3 = F(g + h / 2 * k2), k4 = F(g + h * k3);
                g += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
            double x = k.Pulse(0.2, 2, width, 1, 1);
            Assert.That(gmin + r * x, Is.EqualTo(g).Within(1e-10 * r), $"width {width}");
        }
        // a full-swing pulse (Δt_max) takes GMIN to GMAX
        Assert.That(k.Pulse(0, 2, tmax, 1, 1), Is.EqualTo(1).Within(1e-12));
    }

    [Test]
    public void When_FigureOnePointTwoPulseTrains_Expect_ShapeOfThesisCurves()
    {
        // 100 potentiation pulses then 100 depression pulses of Δt_max/100 (thesis Fig. 1.2b): β = 0.005 is a
        // straight ramp, β = 3 saturates (first step ≫ last step).
        foreach (double beta in new[] { 0.005, 3.0 })
        {
            var a = new MemristorArray("d", PulseModel(beta), 1, 1, 0);
            var steps = new List<double>();
            for (int p = 0; p < 100; p++) { double before = a.X[0]; a.ApplyPulse(PulseTarget.Device(0, 0), 2, 1e-5); steps.Add(a.X[0] - before); }
            Assert.That(a.X[0], Is.EqualTo(1).Within(1e-9), "100 pulses of Δt_max/100 reach GMAX");
            double ratio = steps[0] / steps[^1];
            if (beta < 0.1) Assert.That(ratio, Is.EqualTo(1).Within(0.01));
            else Assert.That(ratio, Is.GreaterThan(Math.Exp(beta) * 0.9));
            for (int p = 0; p < 100; p++) a.ApplyPulse(PulseTarget.Device(0, 0), -2, 1e-5);
            Assert.That(a.X[0], Is.EqualTo(0).Within(1e-9));
            Assert.That(a.PulseCount[0], Is.EqualTo(200));
        }
    }

    [Test]
    public void When_PulseAppliedInTransient_Expect_ClosedFormState()
    {
        // a 100 µs, 2 V rectangular pulse on the β = 3 pulse model through the MNA engine
        var model = PulseModel(3);
        var circuit = new AnalogNN.Circuit.Circuit();
        circuit.Add(new VoltageSource("v1", "a", "0", 0, new PulseWaveform(0, 2, 10e-6, 1e-9, 1e-9, 100e-6, 1)));
        circuit.Add(new Memristor("m1", "a", "0", model, 0.2));
        var output = new RecordingOutput();
        new Transient(circuit, new TransientSpec(1e-6, 150e-6)).Run(output);
        double expected = model.CreateKernel().Pulse(0.2, 2, 100e-6 + 1e-9 * 0.5, 1, 1);
        Assert.That(output.Column("x(m1)")[^1], Is.EqualTo(expected).Within(1e-3));
    }

    [TestCase(MemristorLevel.Pulse)]
    [TestCase(MemristorLevel.Rram)]
    [TestCase(MemristorLevel.Joglekar)]
    public void When_ProgrammedInTransientMode_Expect_FastModeStateAndEnergy(MemristorLevel level)
    {
        var model = new MemristorModel("m", level);
        if (level == MemristorLevel.Rram) { model.Set("tauset", 1e-4); model.Set("taureset", 1e-4); }
        if (level == MemristorLevel.Joglekar) { model.Set("k", 2e7); }
        var fast = new MemristorArray("a", model, 2, 3, 0.3);
        var slow = new MemristorArray("a", model, 2, 3, 0.3);
        double amplitude = 1.3, width = 50e-6;
        new ClosedFormProgrammer().Apply(fast, PulseTarget.OfRow(1), amplitude, width);
        new TransientProgrammer().Apply(slow, PulseTarget.OfRow(1), amplitude, width);
        for (int k = 0; k < 6; k++)
        {
            Assert.That(slow.X[k], Is.EqualTo(fast.X[k]).Within(2e-3), $"state {k}");
            Assert.That(slow.PulseCount[k], Is.EqualTo(fast.PulseCount[k]));
            Assert.That(slow.Energy[k], Is.EqualTo(fast.Energy[k]).Within(0.01 * fast.Energy.Max()), $"energy {k}");
        }
        Assert.That(fast.X[0], Is.EqualTo(0.3), "row 0 untouched");
        Assert.That(fast.X[3], Is.Not.EqualTo(0.3), "row 1 programmed");
        Assert.That(fast.PulseCount.Sum(), Is.EqualTo(3));
        Assert.That(fast.Energy[3], Is.GreaterThan(0));
    }

    [Test]
    public void When_PulseTargetsColumnOrAll_Expect_OnlyThoseDevicesCounted()
    {
        var a = new MemristorArray("a", PulseModel(3), 3, 4, 0.5);
        a.ApplyPulse(PulseTarget.OfColumn(2), 2, 1e-5);
        a.ApplyPulse(PulseTarget.All, -2, 1e-5);
        a.ApplyPulse(PulseTarget.Device(1, 1), 0.5, 1e-5); // below threshold: counted, state unchanged by it
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                Assert.That(a.PulseCount[i * 4 + j], Is.EqualTo((j == 2 ? 2 : 1) + (i == 1 && j == 1 ? 1 : 0)));
    }

    [Test]
    public void When_ThresholdRramBelowThreshold_Expect_NoChange()
    {
        var k = new MemristorModel("r", MemristorLevel.Rram).CreateKernel();
        Assert.That(k.Pulse(0.4, 0.99, 1, 1, 1), Is.EqualTo(0.4));
        Assert.That(k.Pulse(0.4, -0.99, 1, 1, 1), Is.EqualTo(0.4));
        Assert.That(k.Pulse(0.4, 1.2, 1e-6, 1, 1), Is.GreaterThan(0.4));
        Assert.That(k.Pulse(0.4, -1.2, 1e-6, 1, 1), Is.LessThan(0.4));
        // one long pulse equals many short ones (exact exponential relaxation)
        double x = 0.4;
        for (int p = 0; p < 10; p++) x = k.Pulse(x, 1.2, 1e-7, 1, 1);
        Assert.That(x, Is.EqualTo(k.Pulse(0.4, 1.2, 1e-6, 1, 1)).Within(1e-14));
    }

    [Test]
    public void When_WeightMappedToPair_Expect_DifferenceIsWeight()
    {
        const double gmin = 1e-5, gmax = 1e-4;
        foreach (double w in new[] { -9e-5, -3e-5, 0, 2e-5, 9e-5 })
        {
            var (gp, gm) = DifferentialSynapse.Symmetric(w, gmin, gmax);
            Assert.That(DifferentialSynapse.Weight(gp, gm), Is.EqualTo(w).Within(1e-18));
            var (op, om) = DifferentialSynapse.OneSided(w, gmin, gmax);
            Assert.That(DifferentialSynapse.Weight(op, om), Is.EqualTo(w).Within(1e-18));
            Assert.That(Math.Min(op, om), Is.EqualTo(gmin));
        }
        Assert.That(DifferentialSynapse.Symmetric(1, gmin, gmax).GPlus, Is.EqualTo(gmax), "clamped");
    }
}
