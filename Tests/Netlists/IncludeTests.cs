using AnalogNN.Netlists.Parsing;

namespace AnalogNN.Tests.Netlists;

/// <summary>.include and .lib with paths relative to the including file, written to temporary folders.</summary>
public class IncludeTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = NetlistTestHelpers.TempFolder();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void When_IncludeRelative_Expect_ResolvedAgainstIncludingFile()
    {
        Write("models/diodes.inc", "* diode models\n.model dmod D(IS=1e-14)\n.include sub/more.inc\n");
        Write("models/sub/more.inc", ".subckt load a\nR1 a 0 1k\n.ends\n");
        string top = Write("decks/top.cir", "title\n.include \"../models/diodes.inc\"\nD1 a 0 dmod\nX1 a load\n.end\n");
        var flat = NetlistParser.ParseFile(top).Elaborate();
        Assert.That(flat.Elements.Select(e => e.Name), Is.EqualTo(new[] { "d1", "r.x1.r1" }));
        Assert.That(flat.Models.Single().Location.File, Does.EndWith("diodes.inc"));
        Assert.That(flat.Models.Single().Location.Line, Is.EqualTo(2), "included files have no title line");
    }

    [Test]
    public void When_LibSection_Expect_OnlyThatSectionRead()
    {
        Write("lib/corners.lib", """
            * corner library
            .lib typ
            .param rcorner=1k
            .endl typ
            .lib slow
            .param rcorner=2k
            .lib corners.lib typ
            .endl slow
            """);
        string top = Write("top.cir", "title\n.lib lib/corners.lib slow\nR1 a 0 {rcorner}\n");
        var flat = NetlistParser.ParseFile(top).Elaborate();
        // Both sections end up defining rcorner: slow first, then the nested reference to typ (last wins).
        Assert.That(((NumberField)flat.Elements[0].Fields[0]).Value, Is.EqualTo(1000));
        string top2 = Write("top2.cir", "title\n.lib 'lib/corners.lib' typ\nR1 a 0 {rcorner}\n");
        Assert.That(((NumberField)NetlistParser.ParseFile(top2).Elaborate().Elements[0].Fields[0]).Value, Is.EqualTo(1000));
    }

    [Test]
    public void When_LibSectionMissing_Expect_ErrorAtLibLine()
    {
        Write("a.lib", ".lib typ\n.endl\n");
        string top = Write("top.cir", "title\n.lib a.lib fast\n");
        var ex = Assert.Throws<NetlistException>(() => NetlistParser.ParseFile(top))!;
        var d = ex.Errors.Single();
        Assert.That((d.Line, d.Column), Is.EqualTo((2, 6)));
        Assert.That(d.Message, Does.Contain("section 'fast' not found"));
    }

    [Test]
    public void When_RecursiveInclude_Expect_ErrorAtIncludeLine()
    {
        Write("a.inc", "R1 a 0 1k\n.include b.inc\n");
        Write("b.inc", "R2 a 0 1k\n  .include a.inc\n");
        string top = Write("top.cir", "title\n.include a.inc\n");
        var ex = Assert.Throws<NetlistException>(() => NetlistParser.ParseFile(top))!;
        var d = ex.Errors.Single();
        Assert.That(d.File, Does.EndWith("b.inc"));
        Assert.That((d.Line, d.Column), Is.EqualTo((2, 12)));
        Assert.That(d.Message, Is.EqualTo("recursive include of 'a.inc'"));
        Assert.That(d.ToString(), Does.Contain("  .include a.inc"));
    }

    [Test]
    public void When_SameFileIncludedTwice_Expect_NotRecursion()
    {
        Write("m.inc", ".model dm D()\n");
        Write("sub/x.inc", ".include ../m.inc\n");
        string top = Write("top.cir", "title\n.include sub/x.inc\n");
        Assert.DoesNotThrow(() => NetlistParser.ParseFile(top));
    }

    [Test]
    public void When_IncludeFileMissing_Expect_LocatedError()
    {
        string top = Write("top.cir", "title\nR1 a 0 1k\n.include nothere.inc\n");
        var ex = Assert.Throws<NetlistException>(() => NetlistParser.ParseFile(top))!;
        var d = ex.Errors.Single();
        Assert.That((d.Line, d.Column), Is.EqualTo((3, 10)));
        Assert.That(d.Message, Does.StartWith("cannot open 'nothere.inc': file not found"));
    }

    [Test]
    public void When_TopFileMissing_Expect_NetlistException()
    {
        var ex = Assert.Throws<NetlistException>(() => NetlistParser.ParseFile(Path.Combine(_dir, "none.cir")))!;
        Assert.That(ex.Errors.Single().Message, Does.Contain("file not found"));
    }

    [Test]
    public void When_ErrorInIncludedFile_Expect_LocationInThatFile()
    {
        Write("bad.inc", "* comment\nR1 a 0 1k\nZZ a b\n");
        string top = Write("top.cir", "title\n.include bad.inc\n");
        var ex = Assert.Throws<NetlistException>(() => NetlistParser.ParseFile(top))!;
        var d = ex.Errors.Single();
        Assert.That(d.File, Is.EqualTo(Path.Combine(_dir, "bad.inc")));
        Assert.That((d.Line, d.Column), Is.EqualTo((3, 1)));
        Assert.That(d.SourceLine, Is.EqualTo("ZZ a b"));
    }

    [Test]
    public void When_SubcircuitSpansIncludedFile_Expect_Accepted()
    {
        Write("body.inc", "R1 a b 1k\n");
        string top = Write("top.cir", "title\n.subckt s a b\n.include body.inc\n.ends\nX1 1 0 s\n");
        Assert.That(NetlistParser.ParseFile(top).Elaborate().Elements.Single().Name, Is.EqualTo("r.x1.r1"));
    }
}
