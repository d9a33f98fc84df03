using AnalogNN.Components.Controlled;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Tests.Netlists;

/// <summary>Element-specific interpretation of flattened cards into circuit elements.</summary>
public class CircuitBuilderTests
{
    private static AnalogNN.Circuit.Circuit Build(string text) =>
        CircuitBuilder.Build(NetlistParser.Parse(text, "test.cir").Elaborate());

    private static List<NetlistDiagnostic> BuildErrors(string text)
    {
        var flat = NetlistParser.Parse(text, "test.cir").Elaborate();
        var ex = Assert.Throws<NetlistException>(() => CircuitBuilder.Build(flat))!;
        return ex.Errors.ToList();
    }

    [Test]
    public void When_PassivesAndSources_Expect_ComponentObjects()
    {
        var c = Build("""
            rc test
            V1 in 0 DC 1 AC 1 PULSE(0 1 1u 1n 1n 10u 20u)
            I1 0 in SIN(0 1m 1k)
            V2 b 0 PWL(0 0 1m 1 2m 0) r=1m td=0.5m
            V3 c 0 EXP(0 1 1u 1u 5u 1u)
            V4 d 0 2.5
            R1 in out 1k m=2
            C1 out 0 1u IC=0.5
            L1 out b 10m
            E1 e 0 in 0 2
            G1 0 e in 0 1m
            F1 f 0 V4 3
            H1 h 0 V4 1k
            R2 e f 1
            R3 h 0 1
            """);
        Assert.That(c.Title, Is.EqualTo("rc test"));
        var v1 = (VoltageSource)c.Find("v1")!;
        Assert.That(v1.Dc, Is.EqualTo(1));
        Assert.That(v1.AcMagnitude, Is.EqualTo(1));
        Assert.That(v1.Waveform, Is.EqualTo(new PulseWaveform(0, 1, 1e-6, 1e-9, 1e-9, 10e-6, 20e-6)));
        Assert.That(((CurrentSource)c.Find("i1")!).Waveform, Is.EqualTo(new SineWaveform(0, 1e-3, 1e3)));
        var pwl = (PwlWaveform)((VoltageSource)c.Find("v2")!).Waveform!;
        Assert.That((pwl.Times, pwl.Values, pwl.RepeatFrom, pwl.Delay), Is.EqualTo((new[] { 0, 1e-3, 2e-3 }, new[] { 0, 1.0, 0 }, (double?)1e-3, 0.5e-3)));
        Assert.That(((VoltageSource)c.Find("v4")!).Dc, Is.EqualTo(2.5));
        Assert.That(((Resistor)c.Find("r1")!).Resistance, Is.EqualTo(500));
        Assert.That(((Capacitor)c.Find("c1")!).InitialVoltage, Is.EqualTo(0.5));
        Assert.That(((Inductor)c.Find("l1")!).Inductance, Is.EqualTo(10e-3));
        Assert.That(((Vcvs)c.Find("e1")!).Gain, Is.EqualTo(2));
        Assert.That(((Cccs)c.Find("f1")!).ControlSource, Is.EqualTo("v4"));
        Assert.That(((Ccvs)c.Find("h1")!).Transresistance, Is.EqualTo(1000));
    }

    [Test]
    public void When_SubcircuitCircuitSolved_Expect_NgspiceOperatingPoint()
    {
        // ngspice-39 on this deck: v(in) = 2, v(x1.m) = 1, i(v2) = -1 mA, i(v.x1.v1) = 1 mA.
        var c = Build("""
            test naming
            .subckt sub a b
            R1 a m 1k
            V1 m b 1
            .ends
            X1 in 0 sub
            V2 in 0 2
            .ic v(in)=2
            """);
        Assert.That(c.InitialConditions["in"], Is.EqualTo(2));
        var op = new OperatingPoint(c).Run();
        // Compared with the simulator's own convergence rule (reltol 1e-3).
        Check.Close(1, op["v(x1.m)"], 1e-3, 1e-6, "v(x1.m)");
        Check.Close(-1e-3, op["i(v2)"], 1e-3, 1e-12, "i(v2)");
        Check.Close(1e-3, op["i(v.x1.v1)"], 1e-3, 1e-12, "i(v.x1.v1)");
    }

    [TestCase("R1 a 0", "missing resistance value for 'r1'", 2, 1)]
    [TestCase("R1 a 0 1k 2k", "unexpected '2000' on resistor 'r1'", 2, 11)]
    [TestCase("R1 a 0 1k foo=2", "unknown parameter 'foo' for resistor 'r1'", 2, 11)]
    [TestCase("R1 a 0 0", "r1: R: resistance must be finite and non-zero (got 0)", 2, 1)]
    [TestCase("C1 a 0 -1u", "c1: C: capacitance must be finite and >= 0 (got -1E-06)", 2, 1)]
    [TestCase("V1 a 0 PULSE(1)", "PULSE takes 2 to 8 values", 2, 8)]
    [TestCase("V1 a 0 PWL(0 1 2)", "PWL takes pairs of time and value, got 3 values", 2, 8)]
    [TestCase("V1 a 0 PWL(1 0 0 1)", "PWL times must not decrease", 2, 8)]
    [TestCase("V1 a 0 TRIANGLE(1 2)", "unknown waveform 'TRIANGLE'", 2, 8)]
    [TestCase("V1 a 0 DC", "missing value after DC on 'v1'", 2, 8)]
    [TestCase("V1 a 0 1 2", "unexpected '2' on voltage source 'v1'", 2, 10)]
    [TestCase("E1 a 0 b 0", "missing gain value for 'e1'", 2, 1)]
    [TestCase("E1 a 0 VALUE={1}", "not supported yet; use a B source", 2, 8)]
    [TestCase("F1 a 0 2", "missing controlling voltage source name for 'f1'", 2, 8)]
    [TestCase("F1 a 0 R9 2\nR9 a 0 1", "'f1' is controlled by the current of 'r9', which has no branch current", 2, 8)]
    [TestCase(".model dm NMOS(LEVEL=1)\nD1 a 0 dm", "model 'dm' is a NMOS model; diode 'd1' needs a D model", 3, 8)]
    [TestCase(".model qm NPN(BF=100)\nQ1 c b 0 qm", "bipolar transistor 'q1' is not supported yet", 3, 1)]
    [TestCase(".model jm NJF(VTO=-2)\nJ1 d g s jm", "JFET 'j1' is not supported yet", 3, 1)]
    [TestCase(".model dm D(IS=-1)\nD1 a 0 dm", "model 'dm': IS=-1 is out of range (must be > 0)", 2, 16)]
    [TestCase(".model dm D(IS=1e-14 XYZ=3)\nD1 a 0 dm", "unknown D model parameter 'XYZ' in model 'dm'", 2, 22)]
    [TestCase(".model dm D(M=1.5)\nD1 a 0 dm", "model 'dm': M=1.5 must be < 1", 2, 8)]
    [TestCase(".model sm SW(RON=0)\nS1 a 0 c 0 sm", "RON=0 is out of range (must be > 0)", 2, 18)]
    [TestCase(".model nm NMOS(LEVEL=3)\nM1 d g 0 0 nm", "LEVEL=3 is not supported (only LEVEL=1)", 2, 8)]
    [TestCase(".model nm NMOS(VTO=1)\nM1 d g 0 0 nm W=-1u", "W of 'm1' must be > 0", 3, 15)]
    [TestCase("R1 a 0 1k\nR1 b 0 2k", "duplicate element name 'R1'", 3, 1)]
    public void When_BadElement_Expect_LocatedDiagnostic(string cards, string message, int line, int column)
    {
        List<NetlistDiagnostic> errors;
        try
        {
            errors = BuildErrors("title\n" + cards + "\n");
        }
        catch (NetlistException ex)
        {
            errors = ex.Errors.ToList(); // reported by the elaborator already
        }
        Assert.That(errors[0].Message, Does.Contain(message));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((line, column)));
    }

    [Test]
    public void When_SeveralBadCards_Expect_AllReportedAtOnce()
    {
        var errors = BuildErrors("title\nR1 a 0\nC1 a 0 1u foo=1\nV1 a 0 PULSE(1)\nR2 a 0 1k\n");
        Assert.That(errors.Select(e => e.Line), Is.EqualTo(new[] { 2, 3, 4 }));
    }

    [Test]
    public void When_IgnoredParameter_Expect_Warning()
    {
        var warnings = new List<NetlistDiagnostic>();
        CircuitBuilder.Build(NetlistParser.Parse("title\nR1 a 0 1k tc1=0.01\n").Elaborate(), warnings);
        Assert.That(warnings.Single().Message, Is.EqualTo("parameter 'tc1' of 'r1' is ignored"));
    }
}
