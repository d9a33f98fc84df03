using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Controllers;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Tests.Learning;

public class StdpTests
{
    /// <summary>
    /// Two neurons of the Milo circuit (no Poisson input), each forced to fire once by a strong
    /// current pulse at the given times; returns the final states of the four synapses.
    /// </summary>
    private static Dictionary<string, double> Drive(double t1, double t2, out ActionLog log, bool cells = true)
    {
        string drives = $"""
            .model drv SPIKETRAIN(AMP=0.5m WIDTH=0.2m EDGE=10u CURRENT=1)
            YSPIKETRAIN d1 0 m1 drv {t1}
            YSPIKETRAIN d2 0 m2 drv {t2}
            """;
        var job = NetlistJob.FromText(MiloHopfield.Build(2, [0, 0], 30e-3, extra: drives, maxStep: 2e-5, cells: cells), "stdp.cir");
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-4, 30e-3, 0, 2e-5, UseIc: true));
        var host = new ControllerHost(tran);
        (int, int, bool)[] synapses = [(1, 2, true), (1, 2, false), (2, 1, true), (2, 1, false)];
        host.Add(new ProgrammingMonitor(synapses.Select(s => MiloHopfield.Terminals(s.Item1, s.Item2, s.Item3, cells: cells)).ToList()));
        var rec = new RecordingOutput();
        host.Run(rec);
        var spikes = new SpikeRecorder();
        spikes.Collect(tran.System!.Behaviors, "");
        Assert.That(spikes.Spikes.Count(s => s.Source.StartsWith('n')), Is.EqualTo(2), "each neuron fires once");
        string[] names = [MiloHopfield.Excitatory(1, 2), MiloHopfield.Inhibitory(1, 2), MiloHopfield.Excitatory(2, 1), MiloHopfield.Inhibitory(2, 1)];
        var x = names.ToDictionary(n => n, n => rec.Column($"x({n})")[^1]);
        TestContext.Out.WriteLine(string.Join(", ", x.Select(kv => $"{kv.Key} = {kv.Value:G6} ({host.Log.PulsesOf(kv.Key)} events, {host.Log.EnergyOf(kv.Key):G3} J)")));
        log = host.Log;
        return x;
    }

    [Test]
    public void When_PreAndPostPulsesOverlap_Expect_ExcitatoryPotentiatesAndInhibitoryDepresses()
    {
        // n1 fires at ≈1 ms (gate pulse 10 ms), n2 0.3 ms later: both TE pulses fall inside the other's gate pulse
        var x = Drive(1e-3, 1.3e-3, out var log);
        Assert.That(x[MiloHopfield.Excitatory(1, 2)], Is.GreaterThan(0.02), "LTP of w12 (from HRS, x = 0)");
        Assert.That(x[MiloHopfield.Excitatory(2, 1)], Is.GreaterThan(0.02), "LTP of w21");
        Assert.That(x[MiloHopfield.Inhibitory(1, 2)], Is.LessThan(0.98), "LTD of w'12 (from LRS, x = 1)");
        Assert.That(x[MiloHopfield.Inhibitory(2, 1)], Is.LessThan(0.98), "LTD of w'21");
        // the monitor logs one programming event per device, with its energy
        foreach (var name in x.Keys)
        {
            Assert.That(log.PulsesOf(name), Is.EqualTo(1), name);
            Assert.That(log.EnergyOf(name), Is.GreaterThan(0), name);
        }
    }

    [Test]
    public void When_PreAndPostPulsesDoNotOverlap_Expect_NoChange()
    {
        // 19 ms apart (gate pulses 10 ms, TE pulses 4 ms): each neuron's TE pulse meets a closed gate
        // and each gate pulse a TE at its read level
        var x = Drive(1e-3, 20e-3, out var log);
        Assert.That(x[MiloHopfield.Excitatory(1, 2)], Is.EqualTo(0).Within(1e-6));
        Assert.That(x[MiloHopfield.Excitatory(2, 1)], Is.EqualTo(0).Within(1e-6));
        Assert.That(x[MiloHopfield.Inhibitory(1, 2)], Is.EqualTo(1).Within(1e-6));
        Assert.That(x[MiloHopfield.Inhibitory(2, 1)], Is.EqualTo(1).Within(1e-6));
        Assert.That(log.TotalPulses, Is.EqualTo(0), "no device crossed its threshold");
    }

    /// <summary>
    /// The network written with Y1T1R cells (condensed, loaded by one bank) and with YMEMRISTOR + M
    /// pairs is the same circuit: the same states after the overlap (to the transient's accuracy) and
    /// the same programming events and energies.
    /// </summary>
    [Test]
    public void When_CellsOrPairs_Expect_SameLearning()
    {
        var cells = Drive(1e-3, 1.3e-3, out var cellLog, cells: true);
        var pairs = Drive(1e-3, 1.3e-3, out var pairLog, cells: false);
        foreach (var name in cells.Keys)
        {
            Assert.That(cells[name], Is.EqualTo(pairs[name]).Within(1e-4), name);
            Assert.That(cellLog.PulsesOf(name), Is.EqualTo(pairLog.PulsesOf(name)), name);
            Assert.That(cellLog.EnergyOf(name), Is.EqualTo(pairLog.EnergyOf(name)).Within(1e-3 * pairLog.EnergyOf(name)), name);
        }
    }
}
