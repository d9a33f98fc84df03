using AnalogNN.Netlists.Parsing;
using static AnalogNN.Tests.Netlists.NetlistTestHelpers;

namespace AnalogNN.Tests.Netlists;

/// <summary>Lexical rules of ecosystem.md §1.1: title, comments, continuations, case, separators, locations.</summary>
public class LexicalTests
{
    [Test]
    public void When_FirstLineLooksLikeAnElement_Expect_ItIsTheTitle()
    {
        var flat = Flatten("R1 a b 1k\nR2 a 0 2k\n");
        Assert.That(flat.Title, Is.EqualTo("R1 a b 1k"));
        Assert.That(flat.Elements.Select(e => e.Name), Is.EqualTo(new[] { "r2" }));
    }

    [Test]
    public void When_CommentsOfEveryKind_Expect_TheyAreRemoved()
    {
        var flat = Flatten("""
            title
            * full-line comment
              * indented comment
            R1 a 0 1k ; semicolon comment
            R2 a 0 2k $ dollar comment
            R3 a 0 3k // double slash comment
            R4 a 0 4k//no blank before slashes
            // a whole line
            """);
        Assert.That(flat.Elements.Select(e => Number(e, 0)), Is.EqualTo(new[] { 1e3, 2e3, 3e3, 4e3 }));
    }

    [Test]
    public void When_DollarNotPrecededByBlank_Expect_NotAComment()
    {
        // ngspice-39: "V2 2 0 1$ foo bar" is read as fields "1$", "foo", "bar" (foo is an unknown parameter there).
        var flat = Flatten("title\nR1 a 0 1k$x y\n");
        var r = flat.Elements[0];
        Assert.That(r.Fields, Has.Count.EqualTo(2));
        Assert.That(Number(r, 0), Is.EqualTo(1e3));
        Assert.That(((IdentifierField)r.Fields[1]).Text, Is.EqualTo("y"));
    }

    [Test]
    public void When_DollarAfterComma_Expect_Comment()
    {
        var flat = Flatten("title\nR1 a 0 1k,$ comment here\n");
        Assert.That(flat.Elements[0].Fields, Has.Count.EqualTo(1));
    }

    [Test]
    public void When_ContinuationLinesWithCommentsBetween_Expect_JoinedWithOriginalColumns()
    {
        var flat = Flatten("title\nV1 in 0\n* comment between\n\n+ PULSE(0 1\n+    1n 1n 1n 1u 2u)\n");
        var v = flat.Elements[0];
        var pulse = (GroupField)v.Fields[0];
        Assert.That(pulse.Name, Is.EqualTo("PULSE"));
        Assert.That(pulse.Items, Has.Count.EqualTo(7));
        Assert.That(pulse.Location, Is.EqualTo(new SourceLocation("test.cir", 5, 3)));
        Assert.That(pulse.Items[2].Location, Is.EqualTo(new SourceLocation("test.cir", 6, 6)));
    }

    [Test]
    public void When_ContinuationWithoutPrecedingLine_Expect_LocatedError()
    {
        var errors = Errors("title\n+ R1 a b 1k\n");
        Assert.That(errors[0].Line, Is.EqualTo(2));
        Assert.That(errors[0].Message, Does.Contain("continuation"));
    }

    [Test]
    public void When_MixedCase_Expect_CaseInsensitiveNamesLowerCased()
    {
        var flat = Flatten("title\n.PARAM Rval=2K\nR1 OUT Gnd {RVAL}\n.Tran 1N 10N\n");
        var r = flat.Elements[0];
        Assert.That(r.Name, Is.EqualTo("r1"));
        Assert.That(r.Nodes, Is.EqualTo(new[] { "out", "0" }));
        Assert.That(Number(r, 0), Is.EqualTo(2000));
        Assert.That(flat.Analyses[0], Is.TypeOf<TranAnalysis>());
    }

    [Test]
    public void When_SeparatorsCommaEqualsParens_Expect_SameFieldsAsBlanks()
    {
        var flat = Flatten("title\nV1 a 0 PULSE(0,1,1n,1n,1n,1u,2u)\nC1 a 0 1u IC = 0.5\n");
        Assert.That(((GroupField)flat.Elements[0].Fields[0]).Items, Has.Count.EqualTo(7));
        var ic = (KeyValueField)flat.Elements[1].Fields[1];
        Assert.That(ic.Key, Is.EqualTo("IC"));
        Assert.That(((NumberField)ic.Value).Value, Is.EqualTo(0.5));
    }

    [Test]
    public void When_TokenOnLine_Expect_OneBasedColumnOfItsFirstCharacter()
    {
        var flat = Flatten("title\n\tR1  a b   47k\n");
        var r = flat.Elements[0];
        Assert.That(r.Location, Is.EqualTo(new SourceLocation("test.cir", 2, 2)));
        Assert.That(r.NodeLocations[1].Column, Is.EqualTo(8));
        Assert.That(r.Fields[0].Location.Column, Is.EqualTo(12));
    }

    [Test]
    public void When_EndCard_Expect_RestIgnored()
    {
        var flat = Flatten("title\nR1 a 0 1k\n.end\nthis is not a card\n");
        Assert.That(flat.Elements, Has.Count.EqualTo(1));
    }

    [Test]
    public void When_ControlBlock_Expect_SkippedWithWarning()
    {
        var flat = Flatten("title\nR1 a 0 1k\n.control\nrun\nplot v(a)\n.endc\nR2 a 0 1k\n");
        Assert.That(flat.Elements, Has.Count.EqualTo(2));
        Assert.That(flat.Diagnostics.Single().Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(flat.Diagnostics.Single().Message, Does.Contain(".control"));
    }

    [Test]
    public void When_CrLfAndBom_Expect_Accepted()
    {
        var flat = Flatten("\uFEFFtitle\r\nR1 a 0 1k\r\n+ \r\nR2 a 0 2k\r\n");
        Assert.That(flat.Title, Is.EqualTo("title"));
        Assert.That(flat.Elements, Has.Count.EqualTo(2));
    }

    [Test]
    public void When_DiagnosticFormatted_Expect_HeaderSourceLineAndCaret()
    {
        var errors = Errors("title\n.model dmod D(IS=1e-14)\nD1 a b dmod2\n", "path/to/deck.cir");
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].ToString(), Is.EqualTo(
            "path/to/deck.cir:3:8: error: unknown model 'dmod2'\n" +
            "  D1 a b dmod2\n" +
            "         ^"));
    }

    [Test]
    public void When_SourceLineHasTabs_Expect_CaretPaddingKeepsTabs()
    {
        var errors = Errors("title\n\tD1\ta b dmod2\n");
        Assert.That(errors[0].ToString().Split('\n')[2], Is.EqualTo("  \t  \t    ^"));
    }
}
