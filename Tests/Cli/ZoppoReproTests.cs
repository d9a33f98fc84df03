using AnalogNN.Cli;

namespace AnalogNN.Tests.Cli;

/// <summary><c>repro zoppo-mnist5</c> with unusable data: exit 2 and a located message, no stack trace.</summary>
[TestFixture, NonParallelizable]
public sealed class ZoppoReproTests
{
    [Test]
    public void When_MnistFolderHasNoFiles_Expect_Exit2WithFileError()
    {
        string dir = Path.Combine(Path.GetTempPath(), "analognn-zoppo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var oldErr = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        try
        {
            int code = Program.Main(["repro", "zoppo-mnist5", "--quick", "--data", Path.Combine(dir, "missing"), "-o", dir]);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(err.ToString(), Does.Contain(": error: no MNIST files"));
            Assert.That(err.ToString(), Does.Not.Contain("   at "));
            Assert.That(File.Exists(Path.Combine(dir, "zoppo-mnist5", "summary.json")), Is.False);
        }
        finally
        {
            Console.SetError(oldErr);
            Directory.Delete(dir, true);
        }
    }
}
