using AnalogNN.Learning.Controllers;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Learning.Experiments;

/// <summary>Weight maps (x of every synapse, NaN on the diagonal) at one time.</summary>
public sealed record WeightMaps(double Time, double[,] Excitatory, double[,] Inhibitory);

/// <summary>Result of <see cref="MiloExperiment1.Train"/>.</summary>
public sealed record MiloTrainingResult(int Neurons, int[] Attractor, IReadOnlyList<WeightMaps> Maps, SpikeRecorder Spikes,
    double Stop, long TimePoints, double Seconds, string Netlist, ActionLog Log)
{
    /// <summary>Mean output rate (Hz) of <paramref name="neurons"/> (1-based) between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public double Rate(IEnumerable<int> neurons, double from, double to)
    {
        var names = neurons.Select(MiloHopfield.Neuron).ToHashSet(StringComparer.OrdinalIgnoreCase);
        int count = Spikes.Spikes.Count(s => names.Contains(s.Source) && s.Time >= from && s.Time < to);
        return count / (names.Count * (to - from));
    }

    /// <summary>Mean excitatory or inhibitory x over the synapses inside (both ends in the attractor) or outside it, in map <paramref name="map"/>.</summary>
    public double MeanState(int map, bool excitatory, bool inside)
    {
        var m = excitatory ? Maps[map].Excitatory : Maps[map].Inhibitory;
        double sum = 0;
        int count = 0;
        for (int i = 0; i < Neurons; i++)
            for (int j = 0; j < Neurons; j++)
            {
                if (i == j) continue;
                bool both = Attractor.Contains(i + 1) && Attractor.Contains(j + 1);
                if (both != inside) continue;
                sum += m[i, j];
                count++;
            }
        return count == 0 ? double.NaN : sum / count;
    }
}

/// <summary>
/// Experiment 1 of Milo et al. (Fig. 3a): a 4-neuron network, N1–N3 stimulated by Poisson trains
/// at 200 Hz, N4 not; the synapses learn in the circuit (spike overlap). The weight maps are read
/// by a <see cref="SnapshotController"/> at t = 0, T/2 and T.
/// </summary>
public static class MiloExperiment1
{
    /// <summary>Trains for <paramref name="stop"/> seconds and returns the weight maps and spikes.</summary>
    public static MiloTrainingResult Train(double stop, ulong seed = 1, MiloParameters? parameters = null, int neurons = 4, double rate = 200)
    {
        int[] attractor = Enumerable.Range(1, neurons - 1).ToArray();
        var rates = Enumerable.Range(1, neurons).Select(i => i < neurons ? rate : 0).ToArray();
        string netlist = MiloHopfield.Build(neurons, rates, stop, seed, parameters);
        var job = NetlistJob.FromText(netlist, "milo-hopfield.cir");
        var devices = new List<string>();
        for (int i = 1; i <= neurons; i++)
            for (int j = 1; j <= neurons; j++)
                if (i != j) { devices.Add(MiloHopfield.Excitatory(i, j)); devices.Add(MiloHopfield.Inhibitory(i, j)); }
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-4, stop, 0, 1e-4, UseIc: true)) { Saves = ["v(m1)"] };
        var host = new ControllerHost(tran, seed);
        var snapshots = new SnapshotController(devices, [0, stop / 2, stop]);
        var terminals = new List<(string, string, string, double)>();
        for (int i = 1; i <= neurons; i++)
            for (int j = 1; j <= neurons; j++)
                if (i != j)
                {
                    terminals.Add(MiloHopfield.Terminals(i, j, true, parameters));
                    terminals.Add(MiloHopfield.Terminals(i, j, false, parameters));
                }
        host.Add(snapshots).Add(new ProgrammingMonitor(terminals));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        host.Run(new DiscardOutput());
        var spikes = new SpikeRecorder();
        spikes.Collect(tran.System!.Behaviors, "");
        var maps = snapshots.Snapshots.Select(s =>
        {
            var e = new double[neurons, neurons];
            var h = new double[neurons, neurons];
            int k = 0;
            for (int i = 0; i < neurons; i++)
                for (int j = 0; j < neurons; j++)
                {
                    if (i == j) { e[i, j] = h[i, j] = double.NaN; continue; }
                    e[i, j] = s.States[k++];
                    h[i, j] = s.States[k++];
                }
            return new WeightMaps(s.Time, e, h);
        }).ToList();
        return new MiloTrainingResult(neurons, attractor, maps, spikes, stop, tran.Statistics!.TimePoints, clock.Elapsed.TotalSeconds, netlist, host.Log);
    }

    /// <summary>
    /// Recall (Fig. 3b): the trained states as initial states, every TE at its read voltage (no
    /// learning), neurons <paramref name="cue"/> stimulated at <paramref name="rate"/> until
    /// <paramref name="cueStop"/>, nothing after it until <paramref name="stop"/>. Returns the spikes.
    /// </summary>
    public static SpikeRecorder Recall(MiloTrainingResult trained, int[] cue, double rate, double cueStop, double stop,
        ulong seed = 1, MiloParameters? parameters = null)
    {
        int n = trained.Neurons;
        var final = trained.Maps[^1];
        var x0 = new Dictionary<string, double>();
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= n; j++)
                if (i != j)
                {
                    x0[MiloHopfield.Excitatory(i, j)] = final.Excitatory[i - 1, j - 1];
                    x0[MiloHopfield.Inhibitory(i, j)] = final.Inhibitory[i - 1, j - 1];
                }
        var rates = Enumerable.Range(1, n).Select(i => cue.Contains(i) ? rate : 0).ToArray();
        // another seed than training: the cue's spike trains are new
        string netlist = MiloHopfield.Build(n, rates, stop, seed + 7919, parameters, recall: true, stimStop: cueStop, x0: x0);
        var job = NetlistJob.FromText(netlist, "milo-hopfield-recall.cir");
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-4, stop, 0, 1e-4, UseIc: true)) { Saves = ["v(m1)"] };
        var host = new ControllerHost(tran, seed, firstPhase: "cue");
        host.SwitchPhaseAt(cueStop, "free");
        host.Run(new DiscardOutput());
        var spikes = new SpikeRecorder();
        spikes.Collect(tran.System!.Behaviors, "");
        return spikes;
    }
}
