using AnalogNN.Learning.Experiments;
using AnalogNN.Learning.Networks;

namespace AnalogNN.Tests.Learning;

/// <summary>
/// Experiments 2–4 of Milo et al. on the 64-neuron network: recall at circuit level against the network
/// level, the cue draw, and which attractor a mixed cue recalls. The states are those of a network that
/// has learnt 'X' and 'C' perfectly (excitatory LRS and inhibitory HRS inside each pattern, the initial
/// states everywhere else), so the tests do not depend on a training run.
/// </summary>
public class MiloPatternTests
{
    private const int N = MiloPatternExperiments.N;

    private static (double[,] Excitatory, double[,] Inhibitory) Stored()
    {
        var e = new double[N, N];
        var h = new double[N, N];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                h[i, j] = 1;
        foreach (var pattern in new[] { MiloPatterns.X, MiloPatterns.C })
            foreach (int i in pattern)
                foreach (int j in pattern)
                    if (i != j) { e[i, j] = 1; h[i, j] = 0; }
        return (e, h);
    }

    [Test]
    public void When_CueRecalledAtCircuitAndNetworkLevel_Expect_SameFirstSpikes()
    {
        var (e, h) = Stored();
        var cue = MiloPatternExperiments.Subset(MiloPatterns.X, 6, 3);
        var circuit = MiloPatternExperiments.RecallCircuit(e, h, cue, MiloPatterns.X, 0.3, 11);
        var network = new MiloPatternExperiments.NetworkRecall(e, h).Run(cue, MiloPatterns.X, 0.3, 11);
        double tc = circuit.RecallTime(MiloPatterns.X), tn = network.RecallTime(MiloPatterns.X);
        TestContext.Out.WriteLine($"recall time: circuit {tc * 1e3:F3} ms ({circuit.Seconds:F1} s wall), network {tn * 1e3:F3} ms");
        Assert.That(tc, Is.GreaterThan(0), "the cue recalls the whole attractor at circuit level");
        for (int k = 0; k < N; k++)
        {
            if (double.IsInfinity(circuit.FirstSpike[k]))
                Assert.That(network.FirstSpike[k], Is.EqualTo(double.PositiveInfinity), $"n{k + 1} fires at network level only");
            else
                Assert.That(network.FirstSpike[k], Is.EqualTo(circuit.FirstSpike[k]).Within(50e-6), $"first spike of n{k + 1}");
        }
        foreach (int k in MiloPatterns.C) Assert.That(circuit.FirstSpike[k], Is.EqualTo(double.PositiveInfinity), "'C' stays silent");
    }

    [Test]
    public void When_SubsetDrawn_Expect_DistinctPatternNeuronsSameForSameSeed()
    {
        var a = MiloPatternExperiments.Subset(MiloPatterns.X, 7, 42);
        Assert.That(a, Has.Length.EqualTo(7));
        Assert.That(a.Distinct().Count(), Is.EqualTo(7));
        Assert.That(a.All(k => MiloPatterns.X.Contains(k)));
        Assert.That(MiloPatternExperiments.Subset(MiloPatterns.X, 7, 42), Is.EqualTo(a));
        Assert.That(Enumerable.Range(0, 20).Select(s => string.Join(",", MiloPatternExperiments.Subset(MiloPatterns.X, 7, (ulong)s))).Distinct().Count(), Is.GreaterThan(10));
    }

    [TestCase(8, 2, 1)]
    [TestCase(2, 8, -1)]
    [TestCase(10, 0, 1)]
    [TestCase(0, 10, -1)]
    public void When_CueLeansToOnePattern_Expect_ThatAttractorCompletesFirst(int nx, int nc, int winner)
    {
        var (e, h) = Stored();
        var net = new MiloPatternExperiments.NetworkRecall(e, h);
        int wins = 0;
        for (ulong s = 1; s <= 5; s++)
        {
            var cue = MiloPatternExperiments.Subset(MiloPatterns.X, nx, s).Concat(MiloPatternExperiments.Subset(MiloPatterns.C, nc, s + 77)).ToArray();
            if (MiloPatternExperiments.FirstComplete(net.Compete(cue, 0.5, s)) == winner) wins++;
        }
        Assert.That(wins, Is.EqualTo(5));
    }
}
