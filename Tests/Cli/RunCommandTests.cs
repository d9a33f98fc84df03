using AnalogNN.Cli;
using AnalogNN.Netlists.Waveforms;

namespace AnalogNN.Tests.Cli;

/// <summary>
/// The <c>run</c> contract of SPEC section 2, exercised in-process through <see cref="Program.Main"/>:
/// exit codes, located input errors without stack traces, simulation failures naming the device and
/// the time, warnings for skipped <c>.control</c> blocks and ignored options, <c>.step</c> plots,
/// and the ngspice batch form.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class RunCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "analognn-run-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>Runs the program with stdout and stderr captured.</summary>
    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int code = Program.Main(args);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private string Deck(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertNoStackTrace(string text)
    {
        Assert.That(text, Does.Not.Contain("   at "), "stack frame reached the user");
        Assert.That(text, Does.Not.Contain("Exception"), "exception type reached the user");
    }

    [Test]
    public void When_InputWrong_Expect_Exit2_LocatedErrorsWithLineAndCaret_NoStackTrace_NoRawfile()
    {
        string deck = Deck("bad.cir", "* bad\nV1 in 0 1\nR1 in\nR2 in 0 {undefined+}\n.op\n.end\n");
        var (code, _, err) = Run("run", deck, "-o", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain($"{deck}:3:6: error: missing node: 'R1' needs 2 nodes, found 1\n  R1 in\n       ^"));
        Assert.That(err, Does.Contain($"{deck}:4:20: error: expression ends where a value is expected"));
        AssertNoStackTrace(err);
        Assert.That(File.Exists(Path.Combine(_dir, "bad.raw")), Is.False, "a netlist with input errors is never half-simulated");
    }

    [Test]
    public void When_NetlistFileMissing_Expect_Exit2_NoStackTrace()
    {
        var (code, _, err) = Run("run", Path.Combine(_dir, "nothere.cir"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("nothere.cir: error: no such file"));
        AssertNoStackTrace(err);
    }

    [Test]
    public void When_BadCommandLine_Expect_Exit2()
    {
        string deck = Deck("rc.cir", "* rc\nV1 in 0 1\nR1 in 0 1k\n.op\n.end\n");
        var (code, _, err) = Run("run", deck, "--plot-format", "gif");
        Assert.That(code, Is.Not.EqualTo(0));
        AssertNoStackTrace(err);
    }

    [Test]
    public void When_SimulationFailsDuringTransient_Expect_Exit1_MessageNamesDevicesAndTime()
    {
        // Two sources in parallel: the MNA matrix is singular at the first time point (UIC skips the OP).
        string deck = Deck("loop.cir", "* loop\nV1 a 0 1\nV2 a 0 2\nR1 a 0 1k\n.tran 1u 10u uic\n.end\n");
        var (code, _, err) = Run("run", deck, "-o", _dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Match(@"simulation failed: singular matrix at time [0-9.Ee+-]+ s: loop of voltage sources v1, v2"));
        AssertNoStackTrace(err);
    }

    [Test]
    public void When_OperatingPointHasFloatingNodes_Expect_Exit1_MessageNamesNodes()
    {
        string deck = Deck("float.cir", "* float\nI1 0 a 1m\nC1 a b 1n\nC2 b 0 1n\n.op\n.end\n");
        var (code, _, err) = Run("run", deck, "-o", _dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("nodes a, b have no DC path to ground"));
        AssertNoStackTrace(err);
    }

    [Test]
    public void When_ControlBlockAndNgspiceOptions_Expect_WarningsAndExit0()
    {
        string deck = Deck("ctl.cir", "* ctl\nV1 a 0 1\nR1 a 0 1k\n.options acct noacct foo=3\n.op\n.control\nrun\nprint v(a)\n.endc\n.end\n");
        var (code, _, err) = Run("run", deck, "-o", _dir);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(err, Does.Contain($"{deck}:6:1: warning: .control block skipped"));
        Assert.That(err, Does.Contain($"{deck}:4:10: warning: option 'acct' is ignored"));
        Assert.That(err, Does.Contain($"{deck}:4:22: warning: unknown option 'foo' is ignored"));
        Assert.That(RawFileReader.Read(Path.Combine(_dir, "ctl.raw")).Single()["v(a)"][0], Is.EqualTo(1.0));
    }

    [Test]
    public void When_StepParam_Expect_OnePlotPerStepValueInTheRawfile()
    {
        string deck = Deck("step.cir", "* divider\n.param rb=1k\nV1 in 0 2\nR1 in out 1k\nR2 out 0 {rb}\n.step param rb list 1k 3k\n.op\n.end\n");
        var (code, _, err) = Run("run", deck, "-o", _dir, "--ascii");
        Assert.That(code, Is.EqualTo(0), err);
        var plots = RawFileReader.Read(Path.Combine(_dir, "step.raw"));
        Assert.That(plots, Has.Count.EqualTo(2));
        Assert.That(plots[0]["v(out)"][0], Is.EqualTo(1.0).Within(1e-12));   // 2 V · 1k / 2k
        Assert.That(plots[1]["v(out)"][0], Is.EqualTo(1.5).Within(1e-12));   // 2 V · 3k / 4k
        Assert.That(plots[0].Title, Does.Contain("rb=1000"));
        Assert.That(plots[1].Title, Does.Contain("rb=3000"));
    }

    [Test]
    public void When_SaveForms_Expect_OnlySavedSignalsAfterTheScale()
    {
        string deck = Deck("save.cir", "* save\nV1 in 0 PULSE(0 1 0 1u 1u 5u 10u)\nR1 in out 1k\nC1 out 0 1n\n.save v(out) i(v1)\n.tran 1u 20u\n.end\n");
        var (code, _, err) = Run("run", deck, "-o", _dir);
        Assert.That(code, Is.EqualTo(0), err);
        var plot = RawFileReader.Read(Path.Combine(_dir, "save.raw")).Single();
        Assert.That(plot.Signals.Select(s => s.Name), Is.EqualTo(new[] { "time", "v(out)", "i(v1)" }));

        string all = Deck("saveall.cir", "* save all\nV1 in 0 1\nR1 in out 1k\nR2 out 0 1k\n.save all\n.op\n.end\n");
        Assert.That(Run("run", all, "-o", _dir).Code, Is.EqualTo(0));
        Assert.That(RawFileReader.Read(Path.Combine(_dir, "saveall.raw")).Single().Signals.Select(s => s.Name),
            Is.SupersetOf(new[] { "v(in)", "v(out)", "i(v1)" }));
    }

    [Test]
    public void When_NgspiceBatchForm_Expect_RawfileAtTheGivenPath()
    {
        string deck = Deck("rc.cir", "* rc\nV1 in 0 1\nR1 in out 1k\nR2 out 0 1k\n.op\n.end\n");
        string raw = Path.Combine(_dir, "batch.raw");
        var (code, _, err) = Run("-b", "-r", raw, deck);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(RawFileReader.Read(raw).Single()["v(out)"][0], Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void When_Help_Expect_RunVerbListed()
    {
        var (code, output, _) = Run("--help");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("run"));
    }
}
