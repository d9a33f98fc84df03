using AnalogNN.Learning.Datasets;
using AnalogNN.Learning.Experiments;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Rules;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Learning;

public class ExperimentTests
{
    private static double[][] RandomPatterns(int count, int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, n).Select(_ => r.Next(2) == 0 ? -1.0 : 1.0).ToArray()).ToArray();
    }

    [Test]
    public void When_HebbianComputed_Expect_OuterProductSumOverN()
    {
        var t = HopfieldTopology.Band(12, 2);
        var pats = RandomPatterns(3, 12, 1);
        var w = ClassicRules.Hebbian(t, pats);
        var m = pats.Select(p => Vector<double>.Build.DenseOfArray(p)).Aggregate(Matrix<double>.Build.Dense(12, 12), (a, v) => a + v.OuterProduct(v)) / 12;
        for (int p = 0; p < t.PairCount; p++) Check.Close(m[t.PairI[p], t.PairJ[p]], w[p], 1e-12, 1e-15, $"pair {p}");
    }

    [Test]
    public void When_StorkeyStoresFewRandomPatterns_Expect_EachIsAFixedPointOfSignDynamics()
    {
        int n = 40;
        var t = HopfieldTopology.Full(n);
        var pats = RandomPatterns(5, n, 2);
        var w = ClassicRules.Storkey(t, pats);
        var dense = new double[n * n];
        for (int p = 0; p < t.PairCount; p++) dense[t.PairI[p] * n + t.PairJ[p]] = dense[t.PairJ[p] * n + t.PairI[p]] = w[p];
        foreach (var xi in pats)
            for (int i = 0; i < n; i++)
            {
                double h = 0;
                for (int j = 0; j < n; j++) h += dense[i * n + j] * xi[j];
                Assert.That(Math.Sign(h), Is.EqualTo(Math.Sign(xi[i])), $"neuron {i}");
            }
    }

    [Test]
    public void When_EpTrainsTwoPatterns_Expect_CleanRecallAndCountedPulses()
    {
        int n = 16;
        var t = HopfieldTopology.Full(n);
        var pats = RandomPatterns(2, n, 3);
        var o = new ZoppoPatternsOptions { Epochs = 40 };
        var net = ZoppoPatterns.Train(PatternRule.Ep, t, pats, o);
        Assert.That(ZoppoPatterns.Accuracy(net, pats, 0, 3, 1), Is.EqualTo(1));
        Assert.That(net.Synapses.TotalPulses, Is.GreaterThan(0));
        Assert.That(net.Unconverged, Is.Zero);
    }

    [Test]
    public void When_MnistRunInterruptedAndResumed_Expect_SameWeightsAsUninterrupted()
    {
        var dir = Path.Combine(Path.GetTempPath(), "analognn-mnist-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // a synthetic 3-class "MNIST" of 6×6 images: class c lights column block c
            var r = new Random(5);
            int count = 30;
            var pixels = new byte[count * 36];
            var labels = new byte[count];
            for (int k = 0; k < count; k++)
            {
                labels[k] = (byte)(k % 3);
                for (int p = 0; p < 36; p++) pixels[k * 36 + p] = (byte)(p % 6 / 2 == labels[k] ? 200 + r.Next(55) : r.Next(40));
            }
            var set = new MnistSet(count, 6, 6, pixels, labels);
            ZoppoMnistOptions Opt(int epochs) => new() { Classes = 3, PerClass = 8, Hidden = 5, Epochs = epochs, Probe = 10 };
            var straight = new ZoppoMnist(Opt(2), set, set);
            straight.Run(null);
            string cp = Path.Combine(dir, "cp.bin");
            new ZoppoMnist(Opt(1), set, set).Run(cp);
            var resumed = new ZoppoMnist(Opt(2), set, set);
            Assert.Throws<DataFileException>(() => new ZoppoMnist(Opt(2) with { Seed = 9 }, set, set).Run(cp), "settings changed");
            resumed.Run(cp);
            Assert.That(resumed.Synapses.Devices.X, Is.EqualTo(straight.Synapses.Devices.X));
            Assert.That(resumed.Synapses.TotalPulses, Is.EqualTo(straight.Synapses.TotalPulses));
            Assert.That(resumed.History.Select(h => h.TestError), Is.EqualTo(straight.History.Select(h => h.TestError)));
            Assert.That(straight.FullTrainError(), Is.LessThan(0.5), "EP learns the toy task");
        }
        finally { Directory.Delete(dir, true); }
    }
}
