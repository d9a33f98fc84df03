using AnalogNN.Learning.Networks;

namespace AnalogNN.Tests.Learning;

public class HopfieldTopologyTests
{
    [TestCase(16)]
    [TestCase(25)]
    public void When_KOuterDiagonalsCut_Expect_PaperCountMinusDiagonal(int n)
    {
        for (int k = 0; k < n; k++)
        {
            var t = HopfieldTopology.Band(n, k);
            // Zoppo et al.: N² − K(K+1) entries counting the diagonal; the mask has no self-connections.
            Assert.That(t.MaskEntries, Is.EqualTo(n * n - k * (k + 1) - n), $"K = {k}");
            int brute = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    bool expect = i != j && Math.Abs(i - j) <= n - 1 - k;
                    Assert.That(t.IsConnected(i, j), Is.EqualTo(expect), $"K = {k}, ({i}, {j})");
                    if (expect) { brute++; Assert.That(t.PairOf(i, j), Is.EqualTo(t.PairOf(j, i))); }
                }
            Assert.That(t.MaskEntries, Is.EqualTo(brute));
        }
    }

    [Test]
    public void When_Layered20x10x3_Expect_OnlyConsecutiveLayerBlocks()
    {
        var t = HopfieldTopology.Layered(20, 10, 3);
        Assert.That(t.N, Is.EqualTo(33));
        Assert.That(t.PairCount, Is.EqualTo(20 * 10 + 10 * 3));
        Assert.That(t.BlockOffsets, Is.EqualTo(new[] { 0, 200, 230 }));
        Assert.That(t.Inputs, Has.Length.EqualTo(20));
        Assert.That(t.Hidden, Has.Length.EqualTo(10));
        Assert.That(t.Outputs, Is.EqualTo(new[] { 30, 31, 32 }));
        int Layer(int i) => i < 20 ? 0 : i < 30 ? 1 : 2;
        for (int p = 0; p < t.PairCount; p++)
        {
            int block = p < 200 ? 0 : 1;
            Assert.That(Layer(t.PairI[p]), Is.EqualTo(block + 1));
            Assert.That(Layer(t.PairJ[p]), Is.EqualTo(block));
        }
        for (int i = 20; i < 30; i++)
            for (int j = 20; j < 30; j++) Assert.That(t.IsConnected(i, j), Is.False, "no lateral connections");
        Assert.That(t.IsConnected(0, 30), Is.False, "no skip connections");
        // block 0 is row-major W_0 (10 × 20)
        Assert.That(t.PairOf(20 + 3, 7), Is.EqualTo(3 * 20 + 7));
        Assert.That(t.PairOf(30 + 2, 20 + 4), Is.EqualTo(200 + 2 * 10 + 4));
    }

    [Test]
    public void When_BadSizes_Expect_ClearErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HopfieldTopology.Band(16, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => HopfieldTopology.Band(1, 0));
        Assert.Throws<ArgumentException>(() => HopfieldTopology.Layered(5));
        Assert.Throws<ArgumentException>(() => HopfieldTopology.Layered(5, 0, 2));
    }

    [TestCase(NonlinearityKind.Tanh)]
    [TestCase(NonlinearityKind.HardSigmoid)]
    public void When_DerivativeComparedWithCentralDifference_Expect_Match(NonlinearityKind kind)
    {
        var g = new Nonlinearity(kind);
        foreach (double v in new[] { -2.1, -0.6, 0.13, 0.5, 0.77, 1.6 })
        {
            const double h = 1e-6;
            double fd = (g.G(v + h) - g.G(v - h)) / (2 * h);
            Check.Close(fd, g.Derivative(v), 1e-6, 1e-8, $"{kind} g'({v})");
        }
    }
}
