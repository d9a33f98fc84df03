using AnalogNN.Components.Memristors;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Netlists.Writing;

namespace AnalogNN.Tests.Components.Memristors;

/// <summary>YMEMRISTOR and YCROSSBAR cards, MEMRISTOR models and the netlist writer.</summary>
public class MemristorNetlistTests
{
    private static AnalogNN.Circuit.Circuit Build(string text) =>
        CircuitBuilder.Build(NetlistParser.Parse(text, "test.cir").Elaborate());

    private static List<NetlistDiagnostic> Errors(string text)
    {
        try { Build(text); }
        catch (NetlistException ex) { return ex.Errors.ToList(); }
        Assert.Fail("expected a NetlistException");
        return [];
    }

    [Test]
    public void When_MemristorCards_Expect_ElementsWithModelsAndXoSynonym()
    {
        var c = Build("""
            title
            .model mb MEMRISTOR(LEVEL=BIOLEK RON=50 ROFF=5k K=1e6 P=2)
            .model mt MEMRISTOR(LEVEL=2 KOFF=1e-9 WT=0)
            .model mp memristor(level=pulse beta=0.005 tmax=1m gmax=1m gmin={1m/13})
            YMEMRISTOR m1 a 0 mb XO=0.3
            YMEMRISTOR m2 a b mt X0=0.9
            ymemristor m3 b 0 mp
            V1 a 0 1
            """);
        var m1 = (Memristor)c.Find("m1")!;
        Assert.That(m1.InitialState, Is.EqualTo(0.3));
        Assert.That(m1.Model.Level, Is.EqualTo(MemristorLevel.Biolek));
        Assert.That(m1.Model["roff"], Is.EqualTo(5e3));
        Assert.That(((Memristor)c.Find("m2")!).Model.Level, Is.EqualTo(MemristorLevel.Team));
        var m3 = (Memristor)c.Find("m3")!;
        Assert.That(m3.Model.Level, Is.EqualTo(MemristorLevel.Pulse));
        Assert.That(m3.InitialState, Is.EqualTo(0.5));
        Assert.That(m3.Model["gmin"], Is.EqualTo(1e-3 / 13).Within(1e-18));
    }

    [Test]
    public void When_MemristorNetlistWritten_Expect_RoundTrip()
    {
        const string text = """
            round trip
            .model mb MEMRISTOR(LEVEL=BIOLEK RON=50 ROFF=5k K=1e6 P=2)
            .model my MEMRISTOR(LEVEL=3 A1=0.2 DVAR=0.5 SEED=9)
            V1 in0 0 SIN(0 1 1k)
            YMEMRISTOR m1 in0 0 mb XO=0.3
            YMEMRISTOR m2 in0 out0 mb X0=0.25
            YCROSSBAR xb in out my ROWS=2 COLS=3 RROW=2 RCOL=0.5 X0MEAN=0.4 X0STD=0.1 X0SEED=3
            R1 out0 0 100
            .end
            """;
        var first = NetlistWriter.Write(Build(text), ".tran 1u 1m");
        var second = NetlistWriter.Write(Build(first), ".tran 1u 1m");
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.Contain("LEVEL=BIOLEK"));
        Assert.That(first, Does.Contain("LEVEL=3"));
        Assert.That(first.Split('\n').Count(l => l.StartsWith(".model mb")), Is.EqualTo(1), "a model shared by two devices is written once");
        Assert.That(first, Does.Contain("YCROSSBAR xb in out my ROWS=2 COLS=3 RROW=2 RCOL=0.5 X0MEAN=0.4 X0STD=0.1 X0SEED=3"));
        var xb = (Crossbar)Build(first).Find("xb")!;
        var again = (Crossbar)Build(text).Find("xb")!;
        Assert.That(xb.States.X, Is.EqualTo(again.States.X), "seeded initial spread is reproducible");
        Assert.That(xb.States.Up, Is.EqualTo(again.States.Up), "seeded device-to-device factors are reproducible");
    }

    [TestCase("M1 d g 0 0 nm\n.model nm NMOS(LEVEL=1)\nYMEMRISTOR m1 a 0 mj", "duplicate element name 'm1'")]
    [TestCase("YMEMRISTOR m1 a 0 mj X0=1.5", "X0 of 'm1' must be in [0, 1]")]
    [TestCase(".model mk MEMRISTOR(LEVEL=CHUA)\nYMEMRISTOR m1 a 0 mk", "unknown memristor LEVEL 'CHUA'")]
    [TestCase(".model mk MEMRISTOR(LEVEL=4)\nYMEMRISTOR m1 a 0 mk", "unknown memristor LEVEL '4'")]
    [TestCase(".model mk MEMRISTOR(RONN=1)\nYMEMRISTOR m1 a 0 mk", "unknown MEMRISTOR model parameter 'RONN'")]
    [TestCase(".model mk MEMRISTOR(LEVEL=PULSE GMIN=2 GMAX=1)\nYMEMRISTOR m1 a 0 mk", "GMAX must be greater than GMIN")]
    [TestCase("YMEMRISTOR m1 a 0 mj Q=1", "unknown parameter 'Q'")]
    [TestCase("YMEMRISTOR m1 a 0 dm\n.model dm D(IS=1e-14)", "needs a MEMRISTOR model")]
    [TestCase("YCROSSBAR xb r c mj ROWS=2", "missing COLS=")]
    [TestCase("YCROSSBAR xb r c mj ROWS=2 COLS=2 X0=0.1 X0STD=0.1", "takes one of X0=")]
    public void When_BadMemristorCard_Expect_Diagnostic(string cards, string message)
    {
        var errors = Errors("title\n.model mj MEMRISTOR(LEVEL=JOGLEKAR)\n" + cards + "\n");
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains(message));
    }

    [Test]
    public void When_NetlistSavesState_Expect_XSignal()
    {
        var job = NetlistJob.FromText("""
            state signal
            .model mj MEMRISTOR(LEVEL=JOGLEKAR RON=100 ROFF=16k K=2e7)
            V1 a 0 SIN(0 1.2 10k)
            YMEMRISTOR M1 a 0 mj X0=0.5
            .save v(a) x(m1)
            .tran 1u 100u
            .end
            """);
        var rec = new WaveformRecorder();
        job.Run(rec);
        var t = rec.Find("tran")!;
        Assert.That(t.Signals.Select(s => s.Name), Is.EqualTo(new[] { "time", "v(a)", "x(m1)" }));
        var x = t.Columns[2];
        Assert.That(x[0], Is.EqualTo(0.5));
        Assert.That(x.Max(), Is.GreaterThan(0.55));
    }
}
