using AnalogNN.Circuit;
using AnalogNN.Components.Controlled;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers;
using AnalogNN.Solvers.Analyses;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Solvers;

public class OperatingPointTests
{
    [Test]
    public void When_ResistiveDivider_Expect_RatioOfResistances()
    {
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 10), new Resistor("R1", "in", "out", 3e3), new Resistor("R2", "out", "0", 1e3));
        var op = new OperatingPoint(c).Run();
        Check.Close(2.5, op["v(out)"], 1e-12, 1e-12, "v(out) = V·R2/(R1+R2)");
        Check.Close(-10.0 / 4e3, op["i(v1)"], 1e-12, 1e-15, "i(v1) = −V/(R1+R2)");
    }

    [Test]
    public void When_UnbalancedWheatstoneBridge_Expect_TheveninBridgeVoltage()
    {
        // v(a) − v(b) = V·(R2/(R1+R2) − R4/(R3+R4)) with no load across the bridge
        double v = 5, r1 = 1e3, r2 = 2.2e3, r3 = 3.3e3, r4 = 4.7e3;
        var c = new CircuitModel().Add(new VoltageSource("V1", "top", "0", v),
            new Resistor("R1", "top", "a", r1), new Resistor("R2", "a", "0", r2),
            new Resistor("R3", "top", "b", r3), new Resistor("R4", "b", "0", r4));
        var op = new OperatingPoint(c).Run();
        Check.Close(v * (r2 / (r1 + r2) - r4 / (r3 + r4)), op["v(a)"] - op["v(b)"], 1e-12, 1e-12, "bridge");
    }

    [Test]
    public void When_AllFourControlledSources_Expect_AnalyticGains()
    {
        // E doubles v(in); G drives 1 mS·v(in) into 1k; H turns i(vs) into volts; F mirrors 3·i(vs) into 2k.
        var c = new CircuitModel().Add(
            new VoltageSource("V1", "in", "0", 0.5),
            new Vcvs("E1", "e", "0", "in", "0", 2), new Resistor("RE", "e", "0", 1e3),
            new Vccs("G1", "0", "g", "in", "0", 1e-3), new Resistor("RG", "g", "0", 1e3),
            new VoltageSource("VS", "in", "s", 0), new Resistor("RS", "s", "0", 500),
            new Ccvs("H1", "h", "0", "VS", 100), new Resistor("RH", "h", "0", 1e3),
            new Cccs("F1", "0", "f", "VS", 3), new Resistor("RF", "f", "0", 2e3));
        var op = new OperatingPoint(c).Run();
        double isense = 0.5 / 500;
        Check.Close(1.0, op["v(e)"], 1e-12, 1e-12, "E");
        Check.Close(0.5, op["v(g)"], 1e-12, 1e-12, "G");
        Check.Close(100 * isense, op["v(h)"], 1e-12, 1e-12, "H");
        Check.Close(3 * isense * 2e3, op["v(f)"], 1e-12, 1e-12, "F");
    }

    [Test]
    public void When_NodeHasNoDcPath_Expect_SingularMatrixNamingTheNode()
    {
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 1), new Resistor("R1", "in", "0", 1e3),
            new Capacitor("C1", "in", "float", 1e-6), new Resistor("R2", "float", "float2", 1e3));
        var ex = Assert.Throws<SimulationException>(() => new OperatingPoint(c).Run());
        Assert.That(ex!.Message, Does.Contain("float").And.Contain("no DC path"));
    }

    [Test]
    public void When_VoltageSourcesFormALoop_Expect_SingularMatrixNamingTheLoop()
    {
        var c = new CircuitModel().Add(new VoltageSource("V1", "a", "0", 1), new VoltageSource("V2", "a", "b", 1),
            new VoltageSource("V3", "b", "0", 0), new Resistor("R1", "a", "0", 1e3));
        var ex = Assert.Throws<SimulationException>(() => new OperatingPoint(c).Run());
        Assert.That(ex!.Message, Does.Contain("loop of voltage sources").And.Contain("V1").And.Contain("V2").And.Contain("V3"));
    }

    [Test]
    public void When_DcSweepOfDivider_Expect_LinearTransfer()
    {
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 0), new Resistor("R1", "in", "out", 1e3), new Resistor("R2", "out", "0", 1e3),
            new CurrentSource("I1", "0", "out", 0));
        var rec = new RecordingOutput();
        new DcSweep(c, new SweepSpec("V1", -1, 1, 0.25), new SweepSpec("I1", 0, 1e-3, 1e-3)).Run(rec);
        var vin = rec.Column("v1");
        var vout = rec.Column("v(out)");
        Assert.That(vin, Has.Length.EqualTo(18));
        for (int k = 0; k < vin.Length; k++)
        {
            double i = k < 9 ? 0 : 1e-3;
            Check.Close(vin[k] / 2 + i * 500, vout[k], 1e-12, 1e-12, $"point {k}");
        }
    }
}

public class TransientTests
{
    private static RecordingOutput Run(CircuitModel c, TransientSpec spec, SimulationOptions? o = null)
    {
        var rec = new RecordingOutput();
        new Transient(c, spec, o).Run(rec);
        return rec;
    }

    [TestCase(IntegrationMethod.Trapezoidal, 2e-3)]
    [TestCase(IntegrationMethod.Gear, 2e-3)]
    [TestCase(IntegrationMethod.BackwardEuler, 1e-2)]
    public void When_RcChargesFromZero_Expect_ExponentialApproach(IntegrationMethod method, double tol)
    {
        // v(out) = V(1 − e^{−t/RC}), RC = 1 ms, step input at t = 0 with UIC
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 1), new Resistor("R1", "in", "out", 1e3),
            new Capacitor("C1", "out", "0", 1e-6, 0));
        var rec = Run(c, new TransientSpec(10e-6, 5e-3, UseIc: true), new SimulationOptions { Method = method });
        var t = rec.Column("time");
        var v = rec.Column("v(out)");
        for (int k = 1; k < t.Length; k++)
            Check.Close(1 - Math.Exp(-t[k] / 1e-3), v[k], 0, tol, $"t={t[k]:G4}");
        Assert.That(t[^1], Is.EqualTo(5e-3).Within(1e-15));
    }

    [Test]
    public void When_UicStartsWithSourceDrivenNodes_Expect_ConsistentInitialPoint()
    {
        // t = 0+ under UIC: the capacitor keeps its initial 0.25 V, the source node already reads 1 V,
        // and the source current is (1 − 0.25)/R, as ngspice reports it.
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 1), new Resistor("R1", "in", "out", 1e3),
            new Capacitor("C1", "out", "0", 1e-6, 0.25));
        var rec = Run(c, new TransientSpec(10e-6, 1e-3, UseIc: true));
        Assert.That(rec.Column("time")[0], Is.EqualTo(0));
        Check.Close(1, rec.Column("v(in)")[0], 1e-9, 1e-12, "v(in)");
        Check.Close(0.25, rec.Column("v(out)")[0], 1e-6, 1e-9, "v(out)");
        Check.Close(-0.75e-3, rec.Column("i(v1)")[0], 1e-6, 1e-12, "i(v1)");
        var t = rec.Column("time");
        var v = rec.Column("v(out)");
        for (int k = 1; k < t.Length; k++)
            Check.Close(1 - 0.75 * Math.Exp(-t[k] / 1e-3), v[k], 0, 2e-3, $"t={t[k]:G4}");
    }

    [Test]
    public void When_RlDrivenByStep_Expect_CurrentRisesWithTimeConstantLOverR()
    {
        // i(L) = V/R (1 − e^{−tR/L}), L/R = 10 µs
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 2), new Resistor("R1", "in", "a", 100),
            new Inductor("L1", "a", "0", 1e-3, 0));
        var rec = Run(c, new TransientSpec(0.1e-6, 50e-6, UseIc: true));
        var t = rec.Column("time");
        var i = rec.Column("i(l1)");
        for (int k = 1; k < t.Length; k++)
            Check.Close(0.02 * (1 - Math.Exp(-t[k] / 10e-6)), i[k], 0, 2e-3 * 0.02, $"t={t[k]:G4}");
    }

    [Test]
    public void When_SeriesRlcRings_Expect_DampedOscillationAtAnalyticFrequency()
    {
        // C charged to 1 V discharges through R and L: v_C(t) = e^{−αt}(cos ω_d t + (α/ω_d) sin ω_d t)
        double r = 10, l = 1e-3, cap = 1e-6;
        var c = new CircuitModel().Add(new Capacitor("C1", "a", "0", cap, 1), new Resistor("R1", "a", "b", r), new Inductor("L1", "b", "0", l, 0));
        var rec = Run(c, new TransientSpec(1e-6, 1e-3, UseIc: true));
        double alpha = r / (2 * l), wd = Math.Sqrt(1 / (l * cap) - alpha * alpha);
        var t = rec.Column("time");
        var v = rec.Column("v(a)");
        for (int k = 1; k < t.Length; k++)
        {
            double e = Math.Exp(-alpha * t[k]) * (Math.Cos(wd * t[k]) + alpha / wd * Math.Sin(wd * t[k]));
            Check.Close(e, v[k], 0, 5e-3, $"t={t[k]:G4}");
        }
    }

    [Test]
    public void When_PulseHasCorners_Expect_TimePointsOnEveryCorner()
    {
        var pulse = new PulseWaveform(0, 1, 10e-6, 1e-6, 2e-6, 20e-6, 50e-6);
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", null, pulse), new Resistor("R1", "in", "out", 1e3), new Capacitor("C1", "out", "0", 10e-9));
        var rec = Run(c, new TransientSpec(1e-6, 100e-6));
        var t = rec.Column("time");
        foreach (double corner in new[] { 10e-6, 11e-6, 31e-6, 33e-6, 60e-6, 61e-6, 81e-6, 83e-6 })
            Assert.That(t.Min(x => Math.Abs(x - corner)), Is.LessThan(1e-15), $"corner {corner}");
        var vin = rec.Column("v(in)");
        for (int k = 0; k < t.Length; k++) Check.Close(pulse.Value(t[k], new TimeScale(1e-6, 100e-6)), vin[k], 1e-12, 1e-12);
    }

    [Test]
    public void When_LinearCircuitAtFixedStep_Expect_NoRefactorization()
    {
        // RC with TMAX well below the truncation-error step: every step has the same h, so the
        // matrix never changes after the first step and is factored only a handful of times.
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 1), new Resistor("R1", "in", "out", 1e3), new Capacitor("C1", "out", "0", 1e-6));
        var tran = new Transient(c, new TransientSpec(1e-6, 1e-3, MaxStep: 1e-6));
        tran.Run(new RecordingOutput());
        var lu = tran.System!.Solver.Statistics;
        Assert.That(tran.Statistics!.TimePoints, Is.GreaterThan(900));
        Assert.That(lu.Factorizations, Is.LessThan(10), "numeric factorizations");
        Assert.That(lu.Reorders, Is.EqualTo(1));
    }
}
