using AnalogNN.Circuit;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Semiconductors;
using AnalogNN.Components.Sources;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Writing;
using AnalogNN.Solvers.Analyses;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Components;

/// <summary>Diode equation at the operating point, against the Shockley equation solved here by bisection.</summary>
public class DiodeTests
{
    private static readonly double Vt = new SimulationOptions().ThermalVoltage;
    private const double Gmin = 1e-12;

    private static DiodeModel Model(params (string Name, double Value)[] values)
    {
        var m = new DiodeModel("dm");
        foreach (var (n, v) in values) m.Set(n, v);
        return m;
    }

    [Test]
    public void When_ForwardBiasedThroughResistorAndRs_Expect_ShockleyEquationSolution()
    {
        // 5 V → 1 kΩ → diode (IS = 1e-14 A, N = 1.5, RS = 10 Ω) → ground.
        // KCL: (5 − va)/R = IS·(exp(vj/(N·Vt)) − 1) + gmin·vj with vj = va − i·RS.
        double v = 5, r = 1e3, isat = 1e-14, n = 1.5, rs = 10;
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", v), new Resistor("R1", "in", "a", r),
            new Diode("D1", "a", "0", Model(("is", isat), ("n", n), ("rs", rs))));
        var op = new OperatingPoint(c).Run();
        double Residual(double i) // current i in the loop; returns diode current(i) − i
        {
            double vj = v - i * (r + rs);
            return isat * (Math.Exp(vj / (n * Vt)) - 1) + Gmin * vj - i;
        }
        double lo = 0, hi = v / r;
        for (int k = 0; k < 200; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (Residual(mid) > 0) lo = mid; else hi = mid;
        }
        double current = 0.5 * (lo + hi);
        Check.Close(v - current * r, op["v(a)"], 1e-9, 1e-9, "v(a)");
        Check.Close(-current, op["i(v1)"], 1e-6, 1e-15, "i(v1)");
    }

    [Test]
    public void When_ReverseBiased_Expect_SaturationCurrentPlusGmin()
    {
        // −5 V straight across the junction: i = −IS·(1 + (3nVt/(v·e))³) + gmin·v ≈ −IS + gmin·v
        double isat = 1e-14, v = -5;
        var c = new CircuitModel().Add(new VoltageSource("V1", "a", "0", v), new Diode("D1", "a", "0", Model(("is", isat))));
        var op = new OperatingPoint(c).Run();
        double a = 3 * Vt / (v * Math.E);
        double id = -isat * (1 + a * a * a) + Gmin * v;
        Check.Close(-id, op["i(v1)"], 1e-9, 1e-22, "i(v1) = −i_d");
    }

    [Test]
    public void When_AtBreakdownVoltage_Expect_IbvFlows()
    {
        // BV' = BV − nVt·ln(IBV/IS) is chosen so the breakdown branch gives −IBV at v = −BV.
        double isat = 2e-14, bv = 10, ibv = 1e-3;
        var c = new CircuitModel().Add(new VoltageSource("V1", "a", "0", -bv),
            new Diode("D1", "a", "0", Model(("is", isat), ("bv", bv), ("ibv", ibv))));
        var op = new OperatingPoint(c).Run();
        Check.Close(ibv + isat + Gmin * bv, op["i(v1)"], 1e-9, 1e-15, "i(v1) at −BV");
    }

    [Test]
    public void When_AreaFactorGiven_Expect_CurrentScalesWithArea()
    {
        double v = 0.6;
        double Current(double area)
        {
            var c = new CircuitModel().Add(new VoltageSource("V1", "a", "0", v), new Diode("D1", "a", "0", Model(("is", 1e-14)), area));
            return -new OperatingPoint(c).Run()["i(v1)"];
        }
        double expected = 1e-14 * (Math.Exp(v / Vt) - 1);
        Check.Close(expected + Gmin * v, Current(1), 1e-9, 1e-18, "area 1");
        Check.Close(3 * expected + Gmin * v, Current(3), 1e-9, 1e-18, "area 3");
    }

    [Test]
    public void When_DepletionChargeEvaluated_Expect_IntegralOfCapacitance()
    {
        // q(v) must integrate C(v) on both sides of FC·VJ (linearised region above it).
        double cj0 = 4e-12, vj = 0.7, m = 0.45, fc = 0.5;
        for (double v = -3; v < 0.9; v += 0.05)
        {
            double h = 1e-6;
            double qp = Junction.DepletionCharge(v + h, cj0, vj, m, fc, out _);
            double qm = Junction.DepletionCharge(v - h, cj0, vj, m, fc, out _);
            Junction.DepletionCharge(v, cj0, vj, m, fc, out double cap);
            Check.Close(cap, (qp - qm) / (2 * h), 1e-6, 1e-20, $"dq/dv at {v:F2} V");
        }
    }

    [Test]
    public void When_LargeForwardStepProposed_Expect_LogarithmicLimit()
    {
        double nvt = Vt, vcrit = Junction.CriticalVoltage(nvt, 1e-14);
        bool limited = false;
        double v = Junction.LimitJunction(5, 0.7, nvt, vcrit, ref limited);
        Assert.That(limited, Is.True);
        Check.Close(0.7 + nvt * Math.Log(1 + (5 - 0.7) / nvt), v, 1e-12, 0, "pnjlim");
        limited = false;
        Assert.That(Junction.LimitJunction(0.701, 0.7, nvt, vcrit, ref limited), Is.EqualTo(0.701));
        Assert.That(limited, Is.False);
    }
}

/// <summary>Level-1 MOSFET against the Shichman–Hodges square law, region by region.</summary>
public class MosfetTests
{
    // β = KP·W/L = 100 µA/V² · 10 = 1 mA/V²
    private const double Kp = 100e-6, W = 10e-6, L = 1e-6, Beta = Kp * W / L;
    private const double Vto = 0.7, Lambda = 0.02, Gamma = 0.4, Phi = 0.65;

    private static MosfetModel Model(bool p = false, double gamma = Gamma)
    {
        var m = new MosfetModel(p ? "pm" : "nm", p);
        m.Set("vto", p ? -Vto : Vto);
        m.Set("kp", Kp);
        m.Set("lambda", Lambda);
        m.Set("gamma", gamma);
        m.Set("phi", Phi);
        return m;
    }

    /// <summary>Drain current (into the drain terminal) with the given terminal voltages.</summary>
    private static double DrainCurrent(double vgs, double vds, double vbs, bool p = false, double gamma = Gamma)
    {
        var c = new CircuitModel().Add(
            new VoltageSource("VD", "d", "0", vds), new VoltageSource("VG", "g", "0", vgs), new VoltageSource("VB", "b", "0", vbs),
            new Mosfet("M1", "d", "g", "0", "b", Model(p, gamma), new MosfetGeometry(W, L)));
        return -new OperatingPoint(c).Run()["i(vd)"];
    }

    private static double Threshold(double vbs) => Vto + Gamma * (Math.Sqrt(Phi - vbs) - Math.Sqrt(Phi));

    [Test]
    public void When_GateBelowThreshold_Expect_NoChannelCurrent()
    {
        // only the reverse-biased bulk–drain junction leaks: −IS + gmin·v_bd
        double id = DrainCurrent(0.5, 2, 0);
        Assert.That(Math.Abs(id), Is.LessThan(1e-11));
    }

    [Test]
    public void When_Saturated_Expect_SquareLawWithLambdaAndBodyEffect()
    {
        // i = β/2·(vgs − Vth(vbs))²·(1 + λ·vds), Vth = VTO + γ(√(φ − vbs) − √φ)
        double vgs = 2, vds = 3, vbs = -1;
        double vgst = vgs - Threshold(vbs);
        double expected = 0.5 * Beta * vgst * vgst * (1 + Lambda * vds);
        Check.Close(expected, DrainCurrent(vgs, vds, vbs), 1e-6, 1e-11, "saturation");
    }

    [Test]
    public void When_Triode_Expect_LinearRegionLaw()
    {
        // i = β·vds·(vgs − Vth − vds/2)·(1 + λ·vds)
        double vgs = 3, vds = 0.5, vbs = -1;
        double vgst = vgs - Threshold(vbs);
        double expected = Beta * vds * (vgst - 0.5 * vds) * (1 + Lambda * vds);
        Check.Close(expected, DrainCurrent(vgs, vds, vbs), 1e-6, 1e-11, "triode");
    }

    [Test]
    public void When_PChannelMirrorsNChannel_Expect_OppositeCurrent()
    {
        double n = DrainCurrent(2, 3, -1);
        double p = DrainCurrent(-2, -3, 1, p: true);
        Check.Close(-n, p, 1e-6, 1e-11, "PMOS = −NMOS at mirrored voltages");
    }

    [Test]
    public void When_DrainBelowSource_Expect_ReverseModeWithRolesSwapped()
    {
        // vds = −0.5: the terminal at 0 V is the drain, the one at −0.5 V the source;
        // with γ = 0: i_into_drain_terminal = −β·0.5·(vgs' − VTO − 0.25)(1 + λ·0.5), vgs' = 2.5 + 0.5.
        double id = DrainCurrent(2.5, -0.5, -1, gamma: 0);
        double vgst = 3 - Vto;
        double expected = -Beta * 0.5 * (vgst - 0.25) * (1 + Lambda * 0.5);
        Check.Close(expected, id, 1e-6, 1e-11, "reverse mode");
    }

    [Test]
    public void When_CurveSwept_Expect_ContinuousAtSaturationEdge()
    {
        // Current and its slope are continuous at vds = vgs − Vth (triode meets saturation).
        double vgst = 1.3 - Threshold(0);
        double below = DrainCurrent(1.3, vgst - 1e-6, 0), above = DrainCurrent(1.3, vgst + 1e-6, 0);
        Check.Close(below, above, 1e-5, 1e-12, "edge");
    }

    [Test]
    public void When_InverterSwitches_Expect_TransientConvergesAndRails()
    {
        // resistive-load inverter with Meyer and overlap capacitances: output swings between rails
        var model = Model();
        model.Set("tox", 20e-9);
        model.Set("cgso", 1e-10);
        model.Set("cgdo", 1e-10);
        var c = new CircuitModel().Add(new VoltageSource("VDD", "vdd", "0", 3.3),
            new VoltageSource("VIN", "in", "0", null, new PulseWaveform(0, 3.3, 5e-9, 1e-9, 1e-9, 20e-9, 50e-9)),
            new Resistor("RL", "vdd", "out", 10e3), new Mosfet("M1", "out", "in", "0", "0", model, new MosfetGeometry(W, L)),
            new Capacitor("CL", "out", "0", 20e-15));
        var rec = new RecordingOutput();
        new Transient(c, new TransientSpec(0.1e-9, 100e-9)).Run(rec);
        var t = rec.Column("time");
        var vout = rec.Column("v(out)");
        Assert.That(vout[0], Is.EqualTo(3.3).Within(1e-3), "off at t = 0");
        int k = Array.FindIndex(t, x => x >= 20e-9);
        Assert.That(vout[k], Is.LessThan(0.5), "on at 20 ns");
        Assert.That(vout.Max(), Is.LessThan(3.3 + 0.3), "Meyer feedthrough bounded");
    }
}

/// <summary>Newton on Meyer gate charges.</summary>
public class MeyerConvergenceTests
{
    [Test]
    public void When_CmosChainWithMeyerCapsAtSmallSteps_Expect_NoRejectedSteps()
    {
        // A PMOS in triode whose gate–drain capacitance changes fast across a 20 ps step made
        // Newton oscillate (out swinging ±0.1 V for 10 iterations) while the Jacobian ignored
        // ∂C/∂v; with the capacitance slopes stamped every step converges (ngspice: 0 rejected).
        var circuit = CircuitBuilder.Build(NetlistParser.Parse("""
            cmos chain
            .model nch NMOS(LEVEL=1 VTO=0.6 KP=110u GAMMA=0.45 PHI=0.7 LAMBDA=0.04 TOX=15n CGSO=2e-10 CGDO=2e-10 CGBO=1e-10 RD=20 RS=20)
            .model pch PMOS(LEVEL=1 VTO=-0.7 KP=45u GAMMA=0.4 PHI=0.65 LAMBDA=0.05 TOX=15n CGSO=2e-10 CGDO=2e-10)
            VDD vdd 0 3.3
            VBB vbb 0 -0.5
            VIN src 0 PULSE(0 3.3 2n 1n 1n 10n 25n)
            RIN src in 20k
            MP1 mid in vdd vdd pch W=6u L=1u
            MN1 mid in 0 vbb nch W=2u L=1u
            MP2 out mid vdd vdd pch W=12u L=1u
            MN2 out mid 0 vbb nch W=4u L=1u
            """, "t.cir").Elaborate());
        var tran = new Transient(circuit, new TransientSpec(0.05e-9, 50e-9, MaxStep: 0.02e-9));
        var rec = new RecordingOutput();
        tran.Run(rec);
        Assert.That(tran.Statistics!.Rejections, Is.Zero);
        var vout = rec.Column("v(out)");
        Assert.That(vout.Max(), Is.GreaterThan(3.2));
        Assert.That(vout.Min(), Is.LessThan(0.1));
    }
}

/// <summary>Voltage-controlled switch with hysteresis.</summary>
public class SwitchTests
{
    [Test]
    public void When_ControlRisesAndFalls_Expect_HysteresisBetweenThresholds()
    {
        // VT = 1, VH = 0.2: closes above 1.2 V, opens below 0.8 V. At a control of 1.0 V the switch
        // is open on the way up and closed on the way down.
        var m = new SwitchModel("sm");
        m.Set("vt", 1); m.Set("vh", 0.2); m.Set("ron", 10); m.Set("roff", 1e9);
        var c = new CircuitModel().Add(
            new VoltageSource("VC", "ctl", "0", null, new PwlWaveform([0, 1e-3, 2e-3], [0, 2, 0])),
            new VoltageSource("VDD", "vdd", "0", 1), new Resistor("R1", "vdd", "sw", 1e3),
            new VoltageSwitch("S1", "sw", "0", "ctl", "0", m));
        var rec = new RecordingOutput();
        new Transient(c, new TransientSpec(1e-6, 2e-3)).Run(rec);
        var t = rec.Column("time");
        var ctl = rec.Column("v(ctl)");
        var sw = rec.Column("v(sw)");
        double open = 1e9 / (1e9 + 1e3), closed = 10 / (10 + 1e3);
        for (int k = 0; k < t.Length; k++)
        {
            bool rising = t[k] <= 1e-3;
            // the state may change one accepted point after the crossing
            bool settled = Math.Abs(ctl[k] - 1.2) > 0.01 && Math.Abs(ctl[k] - 0.8) > 0.01;
            if (!settled) continue;
            bool shouldBeOn = rising ? ctl[k] > 1.2 : ctl[k] > 0.8;
            Assert.That(sw[k], Is.EqualTo(shouldBeOn ? closed : open).Within(1e-9), $"t = {t[k]:G6}, ctl = {ctl[k]:G4}");
        }
    }

    [Test]
    public void When_OperatingPointInsideHysteresis_Expect_InitialStateKept()
    {
        var m = new SwitchModel("sm");
        m.Set("vt", 1); m.Set("vh", 0.5); m.Set("ron", 1); m.Set("roff", 1e6);
        double Vsw(bool on)
        {
            var c = new CircuitModel().Add(new VoltageSource("VC", "ctl", "0", 1.0), new VoltageSource("VDD", "vdd", "0", 1),
                new Resistor("R1", "vdd", "sw", 1e3), new VoltageSwitch("S1", "sw", "0", "ctl", "0", m, on));
            return new OperatingPoint(c).Run()["v(sw)"];
        }
        Check.Close(1e6 / (1e6 + 1e3), Vsw(false), 1e-12, 1e-12, "OFF kept");
        Check.Close(1 / (1 + 1e3), Vsw(true), 1e-12, 1e-12, "ON kept");
    }
}

/// <summary>D, M and S cards: parsing, defaults, model sharing and writing back.</summary>
public class SemiconductorCardTests
{
    private const string Deck = """
        semiconductor cards
        .model dm D(IS=2e-14 N=1.1 RS=0.3 CJO=1p BV=10 IBV=1m)
        .model nm NMOS(LEVEL=1 VTO=0.7 KP=110u LAMBDA=0.04 GAMMA=0.4 PHI=0.65 TOX=20n CGSO=1e-10)
        .model pm PMOS(VTO=-0.7 KP=45u)
        .model sm SW(VT=1 VH=0.2 RON=10 ROFF=10meg)
        V1 in 0 1
        D1 in a dm 2
        D2 a 0 dm
        M1 d in 0 0 nm W=2u L=1u
        M2 d in vdd vdd pm W=6u L=1u AD=1p M=2
        S1 d 0 in 0 sm ON
        VDD vdd 0 3.3
        """;

    private static CircuitModel Build(string text) => CircuitBuilder.Build(NetlistParser.Parse(text, "t.cir").Elaborate());

    [Test]
    public void When_DeckParsed_Expect_DevicesWithModelsAndInstanceValues()
    {
        var c = Build(Deck);
        var d1 = (Diode)c.Find("d1")!;
        var d2 = (Diode)c.Find("d2")!;
        Assert.That(d1.Area, Is.EqualTo(2));
        Assert.That(d1.Model, Is.SameAs(d2.Model), "one model object per .model card");
        Assert.That(d1.Model.Is, Is.EqualTo(2e-14));
        Assert.That(d1.Model.Vj, Is.EqualTo(1), "default VJ");
        var m2 = (Mosfet)c.Find("m2")!;
        Assert.That(m2.Model.IsPChannel, Is.True);
        Assert.That(m2.Geometry, Is.EqualTo(new MosfetGeometry(6e-6, 1e-6, AD: 1e-12, Multiplier: 2)));
        Assert.That(((VoltageSwitch)c.Find("s1")!).InitiallyOn, Is.True);
    }

    [Test]
    public void When_WrittenAndReadBack_Expect_SameNetlist()
    {
        var c = Build(Deck);
        string once = NetlistWriter.Write(c, ".op");
        string twice = NetlistWriter.Write(Build(once), ".op");
        Assert.That(twice, Is.EqualTo(once));
        Assert.That(once, Does.Contain(".model nm NMOS(").IgnoreCase.And.Contain("d1 in a dm AREA=2").IgnoreCase
            .And.Contain("s1 d 0 in 0 sm ON").IgnoreCase);
    }

    [Test]
    public void When_ModelHasNoiseParameters_Expect_AcceptedAndUnsupportedOnesWarned()
    {
        var warnings = new List<NetlistDiagnostic>();
        CircuitBuilder.Build(NetlistParser.Parse("""
            t
            .model nm NMOS(VTO=0.7 KF=1e-25 CBD=1f)
            M1 d g 0 0 nm
            V1 d 0 1
            V2 g 0 1
            """, "t.cir").Elaborate(), warnings);
        Assert.That(warnings.Select(w => w.Message), Has.Some.Contains("'CBD'").And.Some.Contains("not implemented"));
    }
}

/// <summary>The stamp path of the semiconductor behaviours allocates nothing.</summary>
public class SemiconductorAllocationTests
{
    [Test]
    public void When_LoadedRepeatedly_Expect_NoAllocation()
    {
        var nm = new MosfetModel("nm", false);
        nm.Set("vto", 0.7); nm.Set("tox", 10e-9); nm.Set("cgso", 1e-10); nm.Set("rd", 10);
        var dm = new DiodeModel("dm");
        dm.Set("rs", 1); dm.Set("cjo", 1e-12); dm.Set("tt", 1e-9); dm.Set("bv", 5);
        var sm = new SwitchModel("sm");
        sm.Set("vt", 1);
        var c = new CircuitModel().Add(new VoltageSource("V1", "a", "0", 2), new Resistor("R1", "a", "b", 1e3),
            new Diode("D1", "b", "0", dm), new Mosfet("M1", "b", "a", "0", "0", nm, new MosfetGeometry(1e-6, 1e-6)),
            new VoltageSwitch("S1", "b", "0", "a", "0", sm));
        var system = new AnalogNN.Solvers.MnaSystem(c, new SimulationOptions());
        var ctx = system.Context;
        for (int i = 0; i < ctx.Solution.Length; i++) ctx.Solution[i] = 0.3 * i;
        ctx.SetTransient(1e-9, 1e-10, IntegrationMethod.Trapezoidal, 2, 2e10, 1, 0, false, false);
        void LoadAll()
        {
            ctx.BeginLoad();
            foreach (var b in system.Behaviors) b.Load(ctx);
            foreach (var b in system.Converging) b.IsConverged(ctx);
        }
        LoadAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 1000; k++) LoadAll();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
