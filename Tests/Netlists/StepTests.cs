using AnalogNN.Netlists.Parsing;
using static AnalogNN.Tests.Netlists.NetlistTestHelpers;

namespace AnalogNN.Tests.Netlists;

/// <summary>LTspice-style .step param sweeps and re-elaboration with overrides.</summary>
public class StepTests
{
    [Test]
    public void When_StepList_Expect_ValuesInOrder()
    {
        var syntax = NetlistParser.Parse("title\n.param r=1k\nR1 a 0 {r}\n.step param r list 1k 2k 4.7k\n");
        Assert.That(syntax.Steps.Single().Values, Is.EqualTo(new[] { 1e3, 2e3, 4.7e3 }));
        var values = syntax.StepPoints().Select(p => Number(syntax.Elaborate(p).Elements[0], 0)).ToArray();
        Assert.That(values, Is.EqualTo(new[] { 1e3, 2e3, 4.7e3 }));
    }

    [Test]
    public void When_StepLinear_Expect_StopIncludedDespiteRounding()
    {
        var syntax = NetlistParser.Parse("title\n.step param x 0 1 0.1\n");
        var v = syntax.Steps[0].Values;
        Assert.That(v, Has.Count.EqualTo(11));
        Assert.That(v[^1], Is.EqualTo(1.0).Within(1e-12));
        var down = NetlistParser.Parse("title\n.step lin param x 5 1 -2\n").Steps[0].Values;
        Assert.That(down, Is.EqualTo(new[] { 5.0, 3.0, 1.0 }));
    }

    [Test]
    public void When_StepDecadeAndOctave_Expect_LogarithmicPoints()
    {
        var dec = NetlistParser.Parse("title\n.step dec param f 1 1k 2\n").Steps[0].Values;
        Assert.That(dec, Has.Count.EqualTo(7));
        Assert.That(dec[1], Is.EqualTo(Math.Sqrt(10)).Within(1e-12));
        Assert.That(dec[^1], Is.EqualTo(1000).Within(1e-9));
        var oct = NetlistParser.Parse("title\n.step oct param f 1 8 1\n").Steps[0].Values;
        Assert.That(oct, Is.EqualTo(new[] { 1.0, 2.0, 4.0, 8.0 }).Within(1e-12));
    }

    [Test]
    public void When_TwoSteps_Expect_CartesianProductFirstFastest()
    {
        var syntax = NetlistParser.Parse("title\n.param a=0 b=0\n.step param a list 1 2\n.step param b list 10 20 30\n");
        var points = syntax.StepPoints();
        Assert.That(points.Select(p => (p["a"], p["b"])), Is.EqualTo(new[] { (1.0, 10.0), (2.0, 10.0), (1.0, 20.0), (2.0, 20.0), (1.0, 30.0), (2.0, 30.0) }));
    }

    [Test]
    public void When_NoStep_Expect_OneEmptyPoint()
    {
        Assert.That(NetlistParser.Parse("title\n").StepPoints().Single(), Is.Empty);
    }

    [Test]
    public void When_OverrideUsedByOtherParams_Expect_DependentsReevaluated()
    {
        var syntax = NetlistParser.Parse("title\n.param r=1k r2={2*r}\n.subckt s a params: k={r2}\nR1 a 0 {k}\n.ends\nX1 a s\n");
        Assert.That(Number(syntax.Elaborate().Elements[0], 0), Is.EqualTo(2e3));
        Assert.That(Number(syntax.Elaborate(new Dictionary<string, double> { ["R"] = 5 }).Elements[0], 0), Is.EqualTo(10));
        Assert.That(Number(syntax.Elaborate().Elements[0], 0), Is.EqualTo(2e3), "each elaboration starts afresh");
    }

    [TestCase(".step param x 0 1 0", "increment must not be zero")]
    [TestCase(".step param x 0 1 -1", "bad .step range")]
    [TestCase(".step param x 0 1", "needs start, stop and increment")]
    [TestCase(".step param x list", "needs at least one value")]
    [TestCase(".step V1 0 1 0.1", "expected 'param NAME'")]
    [TestCase(".step dec param f 0 10 5", "must be > 0")]
    [TestCase(".step param x 0 1 1e-9", "more than 100000 values")]
    [TestCase(".step param x list 1 {y}", "must be constants")]
    public void When_BadStep_Expect_Error(string line, string message)
    {
        var ex = Assert.Throws<NetlistException>(() => NetlistParser.Parse($"title\n{line}\n"))!;
        Assert.That(ex.Errors.Single().Message, Does.Contain(message));
        Assert.That(ex.Errors.Single().Line, Is.EqualTo(2));
    }
}
