using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Controllers;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Rules;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Tests.Learning;

/// <summary>
/// SPEC section 5: the circuit level (netlist, MNA engine, EP controller) and the network level
/// (<see cref="DenseHopfield"/>, <see cref="LayeredHopfield"/>) give the same fixed points and the
/// same weight updates on small networks, within 1e-3 relative. Both program the same kind of
/// <see cref="SynapseArray"/> from the same states.
/// </summary>
public class FidelityTests
{
    /// <summary>max_i |a_i − b_i| / max_i |b_i| (the relative error of a vector, in its own scale).</summary>
    private static double Relative(ReadOnlySpan<double> circuit, ReadOnlySpan<double> network)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < network.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(circuit[i] - network[i]));
            scale = Math.Max(scale, Math.Abs(network[i]));
        }
        return diff / scale;
    }

    private static SynapseArray Copy(SynapseArray s)
    {
        var c = new SynapseArray(s.Topology, s.Parameters);
        s.Devices.X.CopyTo(c.Devices.X, 0);
        return c;
    }

    private static void AssertSameProgramming(SynapseArray circuit, SynapseArray network, string what)
    {
        var wc = new double[circuit.Topology.PairCount];
        var wn = new double[network.Topology.PairCount];
        circuit.CopyWeights(wc);
        network.CopyWeights(wn);
        int differ = 0;
        for (int p = 0; p < wc.Length; p++)
        {
            // a pulse count may round the other way when the two updates straddle a half step
            Assert.That(wc[p], Is.EqualTo(wn[p]).Within(1.01 * circuit.WeightStep), $"{what}: programmed weight of pair {p}");
            if (circuit.Devices.PulseCount[2 * p] != network.Devices.PulseCount[2 * p]) differ++;
        }
        TestContext.Out.WriteLine($"{what}: {circuit.TotalPulses} / {network.TotalPulses} pulses (circuit / network), {differ} of {wc.Length} pairs with another count");
        Assert.That(differ, Is.LessThanOrEqualTo(wc.Length / 50 + 1), $"{what}: pairs programmed with a different pulse count");
    }

    /// <summary>Every circuit device still had its initial state when the update was written: reading (relaxation) never programmed a device.</summary>
    private static void AssertNoReadProgramming(HopfieldCircuitTrainer trainer, HopfieldTopology topology, double[] initial)
    {
        int checkedDevices = 0;
        foreach (var r in trainer.LastLog!.Records.Where(r => r.Kind == ActionKind.StateSet))
        {
            var ends = r.Target[2..].Split('_');
            int k = 2 * topology.PairOf(int.Parse(ends[0]), int.Parse(ends[1])) + (r.Target.StartsWith("MN", StringComparison.Ordinal) ? 1 : 0);
            Assert.That(r.Before, Is.EqualTo(initial[k]).Within(1e-12), $"{r.Target} drifted while the circuit relaxed");
            checkedDevices++;
        }
        Assert.That(checkedDevices, Is.GreaterThan(0));
    }

    [Test]
    public void When_FullSixteenNeuronNetworkTakesAnEpStep_Expect_CircuitAndNetworkLevelsAgreeWithin1e3()
    {
        var topology = HopfieldTopology.Full(16);
        var synapses = new SynapseArray(topology);
        synapses.InitializeUniform(0.3, 3);
        var network = Copy(synapses);
        var random = new DeviceRandom(17, "fidelity16");
        var pattern = Enumerable.Range(0, 16).Select(_ => random.NextUniform() < 0.5 ? -1.0 : 1.0).ToArray();
        var v0 = Enumerable.Range(0, 16).Select(_ => 0.1 * (2 * random.NextUniform() - 1)).ToArray();
        var parameters = new HopfieldParameters { Nonlinearity = Nonlinearity.Tanh, Step = 0.2, VnTol = 1e-10, MaxIterations = 200000, Beta = 0.5, LearningRate = 0.01 };

        var dense = new DenseHopfield(topology, parameters);
        dense.LoadWeights(network);
        var dwNetwork = new double[topology.PairCount];
        var r = dense.EquilibriumPropagationUpdate(v0, pattern, pattern, parameters.Beta, dwNetwork);
        Assert.That(r.Converged, Is.True);
        network.Program(dwNetwork);

        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Gradient);
        var initialX = (double[])synapses.Devices.X.Clone();
        var step = trainer.EquilibriumPropagationStep(v0, new HopfieldSample(pattern, pattern));
        AssertNoReadProgramming(trainer, topology, initialX);

        double free = Relative(step.Free, dense.FreeState), nudged = Relative(step.Second, dense.NudgedState), dw = Relative(step.WeightChange, dwNetwork);
        TestContext.Out.WriteLine($"16 full: relative differences free {free:G3}, nudged {nudged:G3}, dw {dw:G3}");
        Assert.That(free, Is.LessThan(1e-3), "free fixed point");
        Assert.That(nudged, Is.LessThan(1e-3), "nudged fixed point");
        Assert.That(dw, Is.LessThan(1e-3), "weight update");
        AssertSameProgramming(synapses, network, "16 full");
    }

    [Test]
    public void When_Layered20x10x3NetworkTakesAnEpStep_Expect_CircuitAndNetworkLevelsAgreeWithin1e3()
    {
        var topology = HopfieldTopology.Layered(20, 10, 3);
        var synapses = new SynapseArray(topology);
        synapses.InitializeGlorot(5);
        var network = Copy(synapses);
        var random = new DeviceRandom(23, "fidelity-layered");
        var x = Enumerable.Range(0, 20).Select(_ => random.NextUniform()).ToArray();
        double[] t = [0, 1, 0];
        var parameters = new HopfieldParameters
        {
            Nonlinearity = Nonlinearity.HardSigmoid, Step = 0.2, VnTol = 1e-10, MaxIterations = 200000, Beta = 0.5, LayerRates = [0.1, 0.05],
        };

        var layered = new LayeredHopfield(topology, parameters);
        layered.LoadWeights(network);
        var dwNetwork = new double[topology.PairCount];
        layered.EquilibriumPropagationUpdate(x, t, parameters.Beta, parameters.LayerRates!, dwNetwork);
        network.Program(dwNetwork);

        var input = new double[topology.N];
        x.CopyTo(input, 0);
        var target = new double[topology.N];
        t.CopyTo(target, 30);
        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Additive);
        var initialX = (double[])synapses.Devices.X.Clone();
        var step = trainer.EquilibriumPropagationStep(new double[topology.N], new HopfieldSample(input, target));
        AssertNoReadProgramming(trainer, topology, initialX);

        // the free layers (hidden and output); the clamped layer holds g(x) = x in both
        double free = Relative(step.Free.AsSpan(20), layered.FreeState[20..]);
        double nudged = Relative(step.Second.AsSpan(20), layered.NudgedState[20..]);
        double dw = Relative(step.WeightChange, dwNetwork);
        TestContext.Out.WriteLine($"20-10-3: relative differences free {free:G3}, nudged {nudged:G3}, dw {dw:G3}");
        Assert.That(free, Is.LessThan(1e-3), "free fixed point");
        Assert.That(nudged, Is.LessThan(1e-3), "nudged fixed point");
        Assert.That(dw, Is.LessThan(1e-3), "weight update");
        AssertSameProgramming(synapses, network, "20-10-3");
    }

    [Test]
    public void When_FullSixteenNeuronNetworkTakesAnRbpStep_Expect_CircuitAndNetworkLevelsAgreeWithin1e3()
    {
        var topology = HopfieldTopology.Full(16);
        var synapses = new SynapseArray(topology);
        synapses.InitializeUniform(0.3, 4);
        var network = Copy(synapses);
        var random = new DeviceRandom(19, "fidelity16-rbp");
        var pattern = Enumerable.Range(0, 16).Select(_ => random.NextUniform() < 0.5 ? -1.0 : 1.0).ToArray();
        var input = pattern.Select(p => 0.5 * p).ToArray();
        var v0 = Enumerable.Range(0, 16).Select(_ => 0.1 * (2 * random.NextUniform() - 1)).ToArray();
        var parameters = new HopfieldParameters { Nonlinearity = Nonlinearity.Tanh, Step = 0.2, VnTol = 1e-10, MaxIterations = 200000, LearningRate = 0.01 };

        var dense = new DenseHopfield(topology, parameters);
        dense.LoadWeights(network);
        var y = new double[16];
        var dwNetwork = new double[topology.PairCount];
        dense.RecurrentBackpropUpdate(v0, input, pattern, y, dwNetwork);
        network.Program(dwNetwork);

        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Additive);
        var initialX = (double[])synapses.Devices.X.Clone();
        var step = trainer.RecurrentBackpropStep(v0, new HopfieldSample(input, pattern));
        AssertNoReadProgramming(trainer, topology, initialX);

        double free = Relative(step.Free, dense.FreeState), side = Relative(step.Second, y), dw = Relative(step.WeightChange, dwNetwork);
        TestContext.Out.WriteLine($"16 full RBP: relative differences v {free:G3}, y {side:G3}, dw {dw:G3}");
        Assert.That(free, Is.LessThan(1e-3), "free fixed point");
        Assert.That(side, Is.LessThan(1e-3), "side-network fixed point y∞");
        Assert.That(dw, Is.LessThan(1e-3), "weight update");
        AssertSameProgramming(synapses, network, "16 full RBP");
    }
}
