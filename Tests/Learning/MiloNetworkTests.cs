using System.Text.Json;
using AnalogNN.Cli;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Neurons;
using AnalogNN.Components.Semiconductors;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;

namespace AnalogNN.Tests.Learning;

[TestFixture, NonParallelizable]
public sealed class MiloNetworkTests
{
    [TestCase(2)]
    [TestCase(4)]
    [TestCase(8)]
    public void When_NetworkBuilt_Expect_AllToAllSynapsesWithoutSelfConnectionsInTheirInitialStates(int n)
    {
        var job = NetlistJob.FromText(MiloHopfield.Build(n, Enumerable.Repeat(200.0, n).ToArray(), 0.01), "milo.cir");
        var elements = job.CircuitOf(0).Elements;
        var cells = elements.OfType<OneTransistorOneResistor>().ToList();
        Assert.That(elements.OfType<LifNeuron>().Count(l => l.HasSynapseOutputs), Is.EqualTo(n));
        Assert.That(cells, Has.Count.EqualTo(2 * n * (n - 1)));
        Assert.That(cells.All(c => c.IsCondensed), "cells are simulated in condensed form");
        for (int i = 1; i <= n; i++)
        {
            Assert.That(cells.Any(m => m.Name == MiloHopfield.Excitatory(i, i)), Is.False, "no self-connection");
            for (int j = 1; j <= n; j++)
            {
                if (i == j) continue;
                var e = cells.Single(m => m.Name == MiloHopfield.Excitatory(i, j));
                var h = cells.Single(m => m.Name == MiloHopfield.Inhibitory(i, j));
                Assert.That(e.InitialState, Is.EqualTo(0), "excitatory starts in HRS");
                Assert.That(h.InitialState, Is.EqualTo(1), "inhibitory starts in LRS");
                Assert.That(e.Nodes, Is.EqualTo(new[] { $"c{j}", $"r{i}", $"m{j}", "vbb" }), "TE on the post-synaptic column, gate on the pre-synaptic row, source into the post-synaptic membrane");
                Assert.That(h.Nodes, Is.EqualTo(new[] { $"k{j}", $"r{i}", $"m{j}", "vbb" }));
            }
        }
    }

    [Test]
    public void When_NetworkBuiltWithPairs_Expect_MemristorAndTransistorPerSynapse()
    {
        const int n = 3;
        var job = NetlistJob.FromText(MiloHopfield.Build(n, Enumerable.Repeat(200.0, n).ToArray(), 0.01, cells: false), "milo.cir");
        var elements = job.CircuitOf(0).Elements;
        var memristors = elements.OfType<Memristor>().ToList();
        Assert.That(memristors, Has.Count.EqualTo(2 * n * (n - 1)));
        Assert.That(elements.OfType<Mosfet>().Count(), Is.EqualTo(2 * n * (n - 1)));
        var e = memristors.Single(m => m.Name == MiloHopfield.Excitatory(1, 2));
        Assert.That(e.Nodes, Is.EqualTo(new[] { "c2", "be1_2" }));
        Assert.That(e.InitialState, Is.EqualTo(0));
    }

    [Test]
    public void When_NetworkVerbThenRun_Expect_NetlistRunsThroughTheCli()
    {
        string dir = Path.Combine(Path.GetTempPath(), "analognn-milo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string cir = Path.Combine(dir, "milo3.cir");
            Assert.That(Program.Main(["network", "milo-hopfield", "-n", "3", "--tstop", "0.02", "-o", cir]), Is.EqualTo(Program.Success));
            Assert.That(Program.Main(["run", cir, "-o", dir, "--csv"]), Is.EqualTo(Program.Success));
            Assert.That(File.ReadLines(Path.Combine(dir, "milo3.tran.csv")).First(), Does.Contain("x(we1_2)"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void When_ReproQuick_Expect_SummaryWithMeasuredExperiment1Metrics()
    {
        string dir = Path.Combine(Path.GetTempPath(), "analognn-repro-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (oldErr, err) = (Console.Error, new StringWriter());
            Console.SetError(err);
            int code;
            try { code = Program.Main(["repro", "milo-hopfield", "--quick", "--experiments", "1", "-o", dir]); }
            finally { Console.SetError(oldErr); }
            Assert.That(code, Is.EqualTo(Program.Success), err.ToString());
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "milo-hopfield", "summary.json")));
            var root = summary.RootElement;
            Assert.That(root.GetProperty("id").GetString(), Is.EqualTo("milo-hopfield"));
            Assert.That(root.GetProperty("quick").GetBoolean(), Is.True);
            var m = root.GetProperty("metrics");
            // learning only inside the stimulated pool: excitatory up, inhibitory down, the rest untouched
            Assert.That(m.GetProperty("exp1.exc_x_attractor_final").GetDouble(), Is.GreaterThan(0.1));
            Assert.That(m.GetProperty("exp1.inh_x_attractor_final").GetDouble(), Is.LessThan(0.9));
            Assert.That(m.GetProperty("exp1.exc_x_other_final").GetDouble(), Is.EqualTo(0).Within(1e-6));
            Assert.That(m.GetProperty("exp1.inh_x_other_final").GetDouble(), Is.EqualTo(1).Within(1e-6));
            Assert.That(File.Exists(Path.Combine(dir, "milo-hopfield", "exp1-raster.png")), Is.True);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
