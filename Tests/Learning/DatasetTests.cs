using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Datasets;

namespace AnalogNN.Tests.Learning;

public class DatasetTests
{
    [Test]
    public void When_LetterPatternsCreated_Expect_SixteenDistinctCorrelatedPatterns()
    {
        var p = LetterPatterns.Create();
        Assert.That(p, Has.Count.EqualTo(16));
        Assert.That(p.All(x => x.Length == 100 && x.All(v => v == 1 || v == -1)), Is.True);
        var r = LetterPatterns.Correlation(p);
        double maxOff = 0;
        for (int a = 0; a < 16; a++)
        {
            Check.Close(1, r[a, a], 1e-12, 0, $"r[{a},{a}]");
            for (int b = 0; b < 16; b++)
            {
                Assert.That(r[a, b], Is.EqualTo(r[b, a]).Within(1e-12));
                if (a != b) { Assert.That(p[a], Is.Not.EqualTo(p[b])); maxOff = Math.Max(maxOff, r[a, b]); }
            }
        }
        // correlated set: E and F share all but one stroke
        Assert.That(r[4, 5], Is.GreaterThan(0.7));
        Assert.That(maxOff, Is.LessThan(1));
        // Pearson against MathNet's implementation
        Check.Close(MathNet.Numerics.Statistics.Correlation.Pearson(p[0], p[7]), r[0, 7], 1e-12, 1e-14, "r(A, H)");
    }

    [Test]
    public void When_Corrupted_Expect_FlipFractionNearPAndSeedReproducible()
    {
        var p = LetterPatterns.Create()[0];
        var a = new DeviceRandom(9, "corrupt");
        var b = new DeviceRandom(9, "corrupt");
        var x = new double[100];
        var y = new double[100];
        int flips = 0;
        for (int k = 0; k < 2000; k++)
        {
            LetterPatterns.Corrupt(p, 0.15, ref a, x);
            LetterPatterns.Corrupt(p, 0.15, ref b, y);
            Assert.That(x, Is.EqualTo(y));
            for (int i = 0; i < 100; i++) if (x[i] != p[i]) { flips++; Assert.That(x[i], Is.EqualTo(-p[i])); }
        }
        // binomial: mean 0.15, sd sqrt(0.15·0.85/200000) ≈ 8e-4
        Assert.That(flips / 200000.0, Is.EqualTo(0.15).Within(0.004));
    }

    private static string Folder()
    {
        var d = Path.Combine(Path.GetTempPath(), "analognn-idx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    [TestCase(true)]
    [TestCase(false)]
    public void When_SmallSliceWritten_Expect_LoaderReadsItBack(bool gzip)
    {
        var dir = Folder();
        try
        {
            var pixels = Enumerable.Range(0, 5 * 4 * 3).Select(i => (byte)(i * 7)).ToArray();
            var labels = new byte[] { 3, 1, 4, 1, 5 };
            string ext = gzip ? ".gz" : "";
            Idx.Write(Path.Combine(dir, "train-images-idx3-ubyte" + ext), [5, 4, 3], pixels, gzip);
            Idx.Write(Path.Combine(dir, "train-labels-idx1-ubyte" + ext), [5], labels, gzip);
            var set = Mnist.Load(dir, train: true);
            Assert.That((set.Count, set.Rows, set.Columns), Is.EqualTo((5, 4, 3)));
            Assert.That(set.Labels, Is.EqualTo(labels));
            var x = new double[12];
            set.Image(2, x);
            for (int k = 0; k < 12; k++) Assert.That(x[k], Is.EqualTo(pixels[24 + k] / 255.0));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void When_FilesAreBad_Expect_ErrorsNamingFileAndProblem()
    {
        var dir = Folder();
        try
        {
            string f = Path.Combine(dir, "x.idx");
            File.WriteAllBytes(f, [0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2]);
            var e = Assert.Throws<DataFileException>(() => Idx.Read(f))!;
            Assert.That(e.Message, Does.StartWith(f + ": error:").And.Contain("truncated"));
            File.WriteAllBytes(f, [0x12, 0x34, 0x08, 1]);
            Assert.That(Assert.Throws<DataFileException>(() => Idx.Read(f))!.Message, Does.Contain("magic"));
            File.WriteAllBytes(f, [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
            Assert.That(Assert.Throws<DataFileException>(() => Idx.Read(f))!.Message, Does.Contain("0x0D"));
            File.WriteAllBytes(f, [0x1F, 0x8B, 1, 2, 3]);
            Assert.That(Assert.Throws<DataFileException>(() => Idx.Read(f))!.Message, Does.Contain("gzip"));
            Assert.That(Assert.Throws<DataFileException>(() => Idx.Read(Path.Combine(dir, "none")))!.Message, Does.Contain("not found"));
            // label count mismatch and checksum mismatch
            Idx.Write(Path.Combine(dir, "t10k-images-idx3-ubyte"), [2, 2, 2], new byte[8], false);
            Idx.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte"), [3], new byte[3], false);
            Idx.Write(Path.Combine(dir, "train-labels-idx1-ubyte"), [3], new byte[3], false);
            Assert.That(Assert.Throws<DataFileException>(() => Mnist.Load(dir, false))!.Message, Does.Contain("3 labels for 2 images"));
            File.WriteAllText(Path.Combine(dir, "SHA256SUMS"), new string('0', 64) + "  t10k-images-idx3-ubyte\n");
            Assert.That(Assert.Throws<DataFileException>(() => Mnist.Load(dir, false))!.Message, Does.Contain("SHA-256"));
            Assert.That(Assert.Throws<DataFileException>(() => Mnist.ResolveFolder(Path.Combine(dir, "empty")))!.Message, Does.Contain("ANALOGNN_DATA"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void When_SharedMnistPresent_Expect_ChecksumsAndShapes()
    {
        string dir;
        try { dir = Mnist.ResolveFolder(null); }
        catch (DataFileException) { Assert.Ignore("no MNIST copy next to the repository"); return; }
        var test = Mnist.Load(dir, train: false);
        Assert.That((test.Count, test.Rows, test.Columns), Is.EqualTo((10000, 28, 28)));
        Assert.That(test.Labels.Distinct().Count(), Is.EqualTo(10));
    }
}
