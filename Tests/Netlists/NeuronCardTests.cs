using AnalogNN.Circuit;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Writing;

namespace AnalogNN.Tests.Netlists;

public class NeuronCardTests
{
    private const string Deck = """
        * every neuron-family card
        .param rate=300
        .model nl LIF(CM=200p GL=20n VTH=-50m TREF=1m VSPK=1.2 TSPK=0.5m)
        .model pz POISSON(RATE=100 CURRENT=1 AMP=1n WIDTH=1m)
        .model st SPIKETRAIN(AMP=0.5 WIDTH=0.2m)
        .model oa OPAMP(A=1e5 VPOS=5 VNEG=-5 GBW=1meg)
        .model th TANH(GAIN=2)
        .model hs HSIGMOID(WIDTH=1e-3)
        I1 0 m 450p
        YPOISSON p1 0 m pz RATE={rate} SEED=11
        YLIF1T1R n1 m o g te ti nl
        YSPIKETRAIN s1 a 0 st 1m 2.5m 7m
        YOPAMP u1 0 inv uo oa
        Rin a inv 1k
        Rf uo inv 2k
        YACT f1 a fo th
        YINTEG g1 a go hs TAU=1m C=2n
        B1 b 0 V=0.5*V(o)*tanh(V(a)) + (time > 5m ? 0.1 : 0)
        Rb b 0 1k
        B2 m2 0 I=-1e-3*V(te)
        R2 m2 0 1k
        .ic v(m)=-70m
        """;

    [Test]
    public void When_NeuronDeckWrittenAndReread_Expect_SameTextAndSameSpikes()
    {
        var first = NetlistJob.FromText(Deck + "\n.tran 0.1m 20m uic\n.end\n");
        string written = NetlistWriter.Write(first.CircuitOf(), ".tran 0.1m 20m uic");
        var second = NetlistJob.FromText(written);
        string rewritten = NetlistWriter.Write(second.CircuitOf(), ".tran 0.1m 20m uic");
        Assert.That(rewritten, Is.EqualTo(written));

        var a = new RecordingOutput();
        var b = new RecordingOutput();
        first.Run(a);
        second.Run(b);
        Assert.That(first.Spikes.Spikes.Count, Is.GreaterThan(5));
        Assert.That(second.Spikes.Spikes, Is.EqualTo(first.Spikes.Spikes), "same seed, same spikes");
        Assert.That(b.Column("v(b)"), Is.EqualTo(a.Column("v(b)")));
        Assert.That(first.Spikes.Sources, Does.Contain("n1").And.Contains("p1").And.Contains("s1"));
    }

    [Test]
    public void When_LifModelHasUnknownParameter_Expect_LocatedError()
    {
        var ex = Assert.Throws<NetlistException>(() => NetlistJob.FromText("""
            * bad
            .model nl LIF(TAUM=10m)
            YLIF n1 m o nl
            .end
            """));
        Assert.That(ex!.Message, Does.Contain("taum").IgnoreCase.And.Contain(":2:"));
    }

    [Test]
    public void When_LifUsesOpAmpModel_Expect_ModelTypeError()
    {
        var ex = Assert.Throws<NetlistException>(() => NetlistJob.FromText("""
            * bad
            .model oa OPAMP()
            YLIF n1 m o oa
            .end
            """));
        Assert.That(ex!.Message, Does.Contain("needs a LIF model"));
    }

    [Test]
    public void When_SpikesRequestedOnRun_Expect_CsvAndRaster()
    {
        string dir = NetlistTestHelpers.TempFolder();
        try
        {
            string path = Path.Combine(dir, "deck.cir");
            File.WriteAllText(path, Deck + "\n.tran 0.1m 20m uic\n.end\n");
            var settings = new AnalogNN.Cli.RunCommand.Settings(new FileInfo(path), new DirectoryInfo(dir), false, false, null, "svg", null, null, false) { Spikes = true };
            Assert.That(AnalogNN.Cli.RunCommand.Execute(settings), Is.EqualTo(0));
            var lines = File.ReadAllLines(Path.Combine(dir, "deck.spikes.csv"));
            Assert.That(lines[0], Is.EqualTo("run,source,time"));
            Assert.That(lines.Skip(1).Any(l => l.StartsWith(",n1,")), Is.True);
            Assert.That(File.ReadAllText(Path.Combine(dir, "deck.raster.svg")), Does.Contain("<svg"));
        }
        finally { Directory.Delete(dir, true); }
    }
}
