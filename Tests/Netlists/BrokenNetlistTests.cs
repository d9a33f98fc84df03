using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Simulation;

namespace AnalogNN.Tests.Netlists;

/// <summary>
/// The error contract of issue 3: every input mistake is reported as
/// <c>FILE:LINE:COL: error: MESSAGE</c> followed by the source line and a caret, several at once
/// where the parser can go on, and nothing is simulated. <see cref="Catalogue"/> holds one case per
/// kind of mistake the issue names, with the whole formatted text; the corpus under
/// <c>Tests/Netlists/Broken/</c> holds one broken netlist per file, its expected errors written as
/// <c>* expect: LINE:COL: error: MESSAGE</c> comments after <c>.end</c> (a file name in front when
/// the error is in an included file).
/// </summary>
[TestFixture]
public class BrokenNetlistTests
{
    private static readonly string CorpusFolder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Netlists", "Broken");

    /// <summary>(kind, netlist, the whole expected diagnostic text).</summary>
    private static IEnumerable<TestCaseData> Catalogue()
    {
        static TestCaseData Case(string kind, string deck, string expected) =>
            new TestCaseData(deck, expected) { TestName = $"When_{kind}_Expect_LocatedErrorWithCaret" };

        yield return Case("UnknownElement", "t\nV1 in 0 1\nZ1 in 0 1k\n.op\n",
            "deck.cir:3:1: error: unknown element type 'Z' in 'Z1' (MESFETs are not supported)\n  Z1 in 0 1k\n  ^");
        yield return Case("MissingNode", "t\nV1 in 0 1\nR1 in\n.op\n",
            "deck.cir:3:6: error: missing node: 'R1' needs 2 nodes, found 1\n  R1 in\n       ^");
        yield return Case("UnknownModel", "t\nV1 in 0 1\nD1 in 0 dx\n.op\n",
            "deck.cir:3:9: error: unknown model 'dx'\n  D1 in 0 dx\n          ^");
        yield return Case("BadNumber", "t\nV1 in 0 1\nR1 in 0 1k\n.tran 1u x2\n",
            "deck.cir:4:10: error: .tran: expected a number, found 'x2'\n  .tran 1u x2\n           ^");
        yield return Case("BadNumberAsValue", "t\nV1 in 0 1\nR1 in 0 abc\n.op\n",
            "deck.cir:3:9: error: resistance of 'r1' must be a number, found 'abc'\n  R1 in 0 abc\n          ^");
        yield return Case("UnbalancedParenthesis", "t\nV1 in 0 1\nR1 in 0 {2*(1k+3}\n.op\n",
            "deck.cir:3:12: error: unbalanced '(' (missing ')')\n  R1 in 0 {2*(1k+3}\n             ^");
        yield return Case("UndefinedParameter", "t\nV1 in 0 1\nR1 in 0 {rload*2}\n.op\n",
            "deck.cir:3:10: error: undefined parameter 'rload'\n  R1 in 0 {rload*2}\n           ^");
        yield return Case("DuplicateName", "t\nV1 in 0 1\nR1 in 0 1k\nR1 in 0 2k\n.op\n",
            "deck.cir:4:1: error: duplicate element name 'R1', first defined at deck.cir:3:1\n  R1 in 0 2k\n  ^");
        yield return Case("WrongNodeCount", "t\n.subckt s a b c\nR1 a b 1k\n.ends\nV1 in 0 1\nX1 in 0 s\n.op\n",
            "deck.cir:6:1: error: instance 'X1' connects 2 nodes but subcircuit 's' has 3 pins (a b c)\n  X1 in 0 s\n  ^");
        yield return Case("TabsInLine", "t\nV1 in 0 1\nR1\tin\t0\t{nope}\n.op\n",
            "deck.cir:3:10: error: undefined parameter 'nope'\n  R1\tin\t0\t{nope}\n    \t  \t \t ^");
    }

    [TestCaseSource(nameof(Catalogue))]
    public void When_InputError_Expect_FileLineColumnMessageSourceLineAndCaret(string deck, string expected)
    {
        var e = Assert.Throws<NetlistException>(() => NetlistJob.FromText(deck, "deck.cir"))!;
        Assert.That(e.Errors.Count(), Is.EqualTo(1), e.Message);
        Assert.That(e.Errors.Single().ToString(), Is.EqualTo(expected));
        Assert.That(e.Message, Is.EqualTo(expected));
    }

    [Test]
    public void When_RecursiveInclude_Expect_ErrorInTheIncludingFileWithCaret()
    {
        var e = Assert.Throws<NetlistException>(() => NetlistJob.Load(Path.Combine(CorpusFolder, "recursive_include.cir")))!;
        var d = e.Errors.Single();
        Assert.That(Path.GetFileName(d.File), Is.EqualTo("recursive_b.inc"));
        Assert.That((d.Line, d.Column), Is.EqualTo((2, 10)));
        Assert.That(d.ToString(), Does.EndWith(": error: recursive include of 'recursive_include.cir'\n  .include recursive_include.cir\n           ^"));
    }

    [Test]
    public void When_SeveralIndependentErrors_Expect_AllReportedInLineOrder()
    {
        const string deck = "t\nV1 in 0 1\nR1 in\nR2 in 0 {(1k}\nC1 in\nZ9 in 0 1\n.op\n";
        var e = Assert.Throws<NetlistException>(() => NetlistJob.FromText(deck, "deck.cir"))!;
        Assert.That(e.Errors.Select(d => (d.Line, d.Column)), Is.EqualTo(new[] { (3, 6), (4, 10), (5, 6), (6, 1) }));
        Assert.That(e.Message.Split('\n').Count(l => l.StartsWith("deck.cir:")), Is.EqualTo(4));
    }

    private static IEnumerable<TestCaseData> Corpus() =>
        Directory.EnumerateFiles(CorpusFolder, "*.cir").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)) { TestName = $"When_broken_{Path.GetFileNameWithoutExtension(f)}_Expect_ExactLocatedErrors" });

    [Test]
    public void When_CorpusCounted_Expect_AtLeastFortyBrokenNetlists() =>
        Assert.That(Corpus().Count(), Is.GreaterThanOrEqualTo(40));

    [TestCaseSource(nameof(Corpus))]
    public void When_BrokenNetlistLoaded_Expect_ExactlyTheExpectedErrors(string file)
    {
        string path = Path.Combine(CorpusFolder, file);
        var expected = File.ReadLines(path).Where(l => l.StartsWith("* expect: ", StringComparison.Ordinal))
            .Select(l => l["* expect: ".Length..]).Select(l => char.IsDigit(l[0]) ? file + ":" + l : l).ToList();
        Assert.That(expected, Is.Not.Empty, "the corpus file names no expected error");

        NetlistJob? job = null;
        var e = Assert.Throws<NetlistException>(() => job = NetlistJob.Load(path))!;
        Assert.That(job, Is.Null, "a netlist with input errors must not become a runnable job");
        var errors = e.Errors.ToList();
        // Messages quote other files by the path they were opened with; compare them relative to the corpus.
        string folder = CorpusFolder + Path.DirectorySeparatorChar;
        var actual = errors.Select(d => $"{Path.GetFileName(d.File)}:{d.Line}:{d.Column}: error: {d.Message.Replace(folder, "")}").ToList();
        Assert.That(actual, Is.EquivalentTo(expected));
        foreach (var d in errors)
        {
            // The quoted line is the physical line of that file, and the caret sits under the column.
            string line = File.ReadLines(d.File).ElementAt(d.Line - 1);
            var text = d.ToString().Split('\n');
            Assert.That(text, Has.Length.EqualTo(3));
            Assert.That(text[1], Is.EqualTo("  " + line));
            Assert.That(text[2].Length - 2, Is.EqualTo(d.Column), "caret column");
            Assert.That(text[2][^1], Is.EqualTo('^'));
        }
    }
}
