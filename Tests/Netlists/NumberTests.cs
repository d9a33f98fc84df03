using AnalogNN.Netlists.Parsing;
using static AnalogNN.Tests.Netlists.NetlistTestHelpers;

namespace AnalogNN.Tests.Netlists;

/// <summary>Number literals with ngspice-39's traps (ecosystem.md §1.1), each checked against ngspice-39 on this machine.</summary>
public class NumberTests
{
    [TestCase("12", 12.0)]
    [TestCase("3.14", 3.14)]
    [TestCase("1e-14", 1e-14)]
    [TestCase(".5", 0.5)]
    [TestCase("5.", 5.0)]
    [TestCase("-2.5", -2.5)]
    [TestCase("+7", 7.0)]
    [TestCase("1T", 1e12)]
    [TestCase("1G", 1e9)]
    [TestCase("1Meg", 1e6)]
    [TestCase("1MEG", 1e6)]
    [TestCase("2.2meg", 2.2e6)]
    [TestCase("1K", 1e3)]
    [TestCase("1mil", 25.4e-6)]
    [TestCase("1M", 1e-3)]   // M is milli, not mega
    [TestCase("1m", 1e-3)]
    [TestCase("1u", 1e-6)]
    [TestCase("2µ", 2e-6)]   // UTF-8 micro sign
    [TestCase("2μ", 2e-6)]   // Greek mu
    [TestCase("1n", 1e-9)]
    [TestCase("1p", 1e-12)]
    [TestCase("1F", 1e-15)]  // F is femto, not farad
    [TestCase("1f", 1e-15)]
    [TestCase("10V", 10.0)]  // trailing letters ignored
    [TestCase("1kHz", 1e3)]
    [TestCase("1uF", 1e-6)]
    [TestCase("1MegOhm", 1e6)]
    [TestCase("100ms", 0.1)]
    [TestCase("4k7", 4e3)]   // no RKM notation in ngspice-39: the 7 is ignored
    [TestCase("1e3k", 1e6)]  // exponent and suffix combine
    [TestCase("3.5e-3u", 3.5e-9)]
    [TestCase("1x", 1.0)]    // unknown letter: ignored, scale 1
    [TestCase("2.2u", 2.2e-6)]
    public void When_NumberWithSuffix_Expect_NgspiceValue(string text, double expected)
    {
        Assert.That(SpiceNumber.TryParse(text, out double v), Is.True);
        Assert.That(v, Is.EqualTo(expected).Within(1e-12).Percent);
    }

    [Test]
    public void When_SuffixApplied_Expect_ExactDecimalValue()
    {
        // 2.2u is parsed as 2.2e-6, not 2.2 * 1e-6 (which differs in the last bit).
        Assert.That(SpiceNumber.Parse("2.2u"), Is.EqualTo(2.2e-6));
        Assert.That(SpiceNumber.Parse("4.7k"), Is.EqualTo(4.7e3));
    }

    [TestCase("1.5.3")]
    [TestCase("1e400")]
    [TestCase("5%")]
    [TestCase("abc")]
    [TestCase("")]
    [TestCase("-")]
    [TestCase("1_000")]
    public void When_BadNumber_Expect_Rejected(string text)
    {
        Assert.That(SpiceNumber.TryParse(text, out _), Is.False);
    }

    [Test]
    public void When_BadNumberOnCard_Expect_LocatedError()
    {
        var errors = Errors("title\nR1 a b 1.5.3\n");
        Assert.That(errors.Single().Message, Is.EqualTo("bad number '1.5.3'"));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((2, 8)));
    }

    [Test]
    public void When_NumberLikeModelName_Expect_NotReadAsNumber()
    {
        var flat = Flatten("title\n.model 1n4148 D(IS=2.5n)\nD1 a 0 1n4148\n");
        Assert.That(flat.Elements[0].Model!.Name, Is.EqualTo("1n4148"));
    }

    [Test]
    public void When_NumericNodeNames_Expect_KeptAsNames()
    {
        var flat = Flatten("title\nR1 1 2 1k\n");
        Assert.That(flat.Elements[0].Nodes, Is.EqualTo(new[] { "1", "2" }));
    }
}
