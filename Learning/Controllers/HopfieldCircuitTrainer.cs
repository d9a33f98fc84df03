using System.Diagnostics;
using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Synapses;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Learning.Controllers;

/// <summary>
/// Circuit-level training of a Hopfield network: the netlist is written and parsed once; each
/// learning step is one transient run of that circuit from a given initial state, with the present
/// device states of the <see cref="SynapseArray"/> copied into the circuit's memristors first and an
/// <see cref="EpController"/> or <see cref="RbpController"/> attached. The controllers program
/// through the same <see cref="SynapseArray"/> as the network level, so both levels share device
/// models, pulse counts and programming energy.
/// </summary>
public sealed class HopfieldCircuitTrainer
{
    private readonly Circuit.Circuit _circuit;
    private readonly Circuit.SimulationOptions _options;
    private readonly TransientSpec _tran;
    private readonly (Memristor Device, int State)[] _devices;

    /// <summary>Builds the circuit of <paramref name="topology"/> with <paramref name="dynamics"/>.</summary>
    public HopfieldCircuitTrainer(HopfieldTopology topology, SynapseArray synapses, HopfieldParameters parameters, CircuitDynamics dynamics,
        HopfieldCircuitParameters? electrical = null)
    {
        Topology = topology;
        Synapses = synapses;
        Parameters = parameters;
        Spec = HopfieldCircuit.FromNetwork(topology, synapses, parameters.Nonlinearity, dynamics, electrical);
        Netlist = HopfieldCircuit.Build(Spec);
        var job = NetlistJob.FromText(Netlist, "hopfield.cir");
        _circuit = job.CircuitOf(0);
        _options = job.OptionsOf(0);
        _tran = HopfieldCircuit.TransientOf(Spec);
        var devices = new List<(Memristor, int)>();
        for (int p = 0; p < topology.PairCount; p++)
            foreach (var (name, plus) in HopfieldCircuit.Devices(Spec, topology.PairI[p], topology.PairJ[p]))
                devices.Add(((Memristor)_circuit.Find(name)!, plus ? 2 * p : 2 * p + 1));
        _devices = devices.ToArray();
    }

    /// <summary>The network.</summary>
    public HopfieldTopology Topology { get; }
    /// <summary>The shared devices.</summary>
    public SynapseArray Synapses { get; }
    /// <summary>Rule parameters (β, η, per-layer rates, random β sign).</summary>
    public HopfieldParameters Parameters { get; set; }
    /// <summary>The circuit description.</summary>
    public HopfieldCircuitSpec Spec { get; }
    /// <summary>The netlist the circuit was built from.</summary>
    public string Netlist { get; }
    /// <summary>Engine work counters of the last run.</summary>
    public Solvers.Newton.EngineStatistics? LastStatistics { get; private set; }
    /// <summary>Number of MNA unknowns of the circuit (after the first run).</summary>
    public int LastUnknowns { get; private set; }
    /// <summary>The action log of the last run (state writes with pulse counts and energies, source settings, phases).</summary>
    public ActionLog? LastLog { get; private set; }

    /// <summary>One EP step (free, nudged, update) on <paramref name="sample"/> from the free neurons' initial state <paramref name="v0"/>.</summary>
    /// <exception cref="InvalidOperationException">A phase did not reach its steady state within TSTOP.</exception>
    public CircuitStepResult EquilibriumPropagationStep(double[] v0, HopfieldSample sample, ulong seed = 1)
    {
        var ep = new EpController(Topology, Spec, Synapses, Parameters, sample);
        double seconds = Run(v0, ep, seed);
        return (ep.Result ?? throw new InvalidOperationException("EP: the circuit did not reach both equilibria within TSTOP")) with { Seconds = seconds };
    }

    /// <summary>One RBP step (free phase, side network, update) on <paramref name="sample"/> from <paramref name="v0"/>; the circuit must be <see cref="CircuitDynamics.Additive"/>.</summary>
    /// <exception cref="InvalidOperationException">Not the additive circuit, or no steady state within TSTOP.</exception>
    public CircuitStepResult RecurrentBackpropStep(double[] v0, HopfieldSample sample, ulong seed = 1)
    {
        if (Spec.Dynamics != CircuitDynamics.Additive) throw new InvalidOperationException("RBP runs on the additive network (Eq. 3)");
        var rbp = new RbpController(Topology, Spec, Synapses, Parameters, sample);
        double seconds = Run(v0, rbp, seed);
        return (rbp.Result ?? throw new InvalidOperationException("RBP: the circuit did not reach its equilibrium within TSTOP")) with { Seconds = seconds };
    }

    private double Run(double[] v0, HopfieldLearningController controller, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        // the circuit's devices take the array's present states (the held state every analysis starts from)
        var x = Synapses.Devices.X;
        foreach (var (device, k) in _devices) device.States.X[0] = x[k];
        for (int i = 0; i < Topology.N; i++)
            if (!Spec.IsClamped(i)) _circuit.InitialConditions[HopfieldCircuit.Node(i)] = v0[i];
        var tran = new Transient(_circuit, _tran, _options) { Saves = [$"v({HopfieldCircuit.Node(0)})"] };
        tran.Started = _ => controller.Attach(tran.Statistics);
        var host = new ControllerHost(tran, seed);
        host.Add(controller);
        host.Run(new DiscardOutput());
        LastStatistics = tran.Statistics;
        LastUnknowns = tran.System?.Size ?? 0;
        LastLog = host.Log;
        return clock.Elapsed.TotalSeconds;
    }
}
