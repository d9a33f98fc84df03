using System.Diagnostics;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Learning.Controllers;

/// <summary>What one learning step measured in the circuit: the fixed points, the update asked for and the programming it took.</summary>
public sealed record CircuitStepResult
{
    /// <summary>Free fixed point v∞ (every neuron; clamped ones at their clamp value).</summary>
    public required double[] Free { get; init; }
    /// <summary>EP: nudged fixed point v^β∞; RBP: the side network's fixed point y∞.</summary>
    public required double[] Second { get; init; }
    /// <summary>Drives g(v) of the free phase as measured on the synapse drive nodes a_i.</summary>
    public required double[] FreeDrive { get; init; }
    /// <summary>EP: drives of the nudged phase; RBP: the side-network gains g′(Î_k).</summary>
    public required double[] SecondDrive { get; init; }
    /// <summary>Desired weight change per synapse pair (pair order).</summary>
    public required double[] WeightChange { get; init; }
    /// <summary>β used (with its sign; 0 for RBP).</summary>
    public double Beta { get; init; }
    /// <summary>Programming pulses of this update.</summary>
    public long Pulses { get; init; }
    /// <summary>Programming energy of this update, J.</summary>
    public double Energy { get; init; }
    /// <summary>Relaxation phases (free, nudged, or the side network's) with their circuit time and engine work.</summary>
    public required IReadOnlyList<PhaseCost> Phases { get; init; }
    /// <summary>Wall-clock seconds: whole step, of which programming (device pulses and writing the states into the circuit).</summary>
    public double Seconds { get; init; }
    /// <summary>Wall-clock seconds spent programming.</summary>
    public double ProgrammingSeconds { get; init; }
    /// <summary>Wall-clock seconds of the RBP side network (building, set-up and relaxation); 0 for EP.</summary>
    public double SideNetworkSeconds { get; init; }
}

/// <summary>One training sample: the inputs (currents I_i of input-output neurons or clamp values of input neurons, per neuron) and the targets (per neuron, used on the outputs).</summary>
public sealed record HopfieldSample(double[] Input, double[] Target);

/// <summary>
/// Base of the circuit-level learning controllers: applies a sample's inputs at run start, reads
/// the drive nodes at equilibria, and programs a weight change through the <see cref="SynapseArray"/>
/// (the same pulse path as the network level), then writes the new device states into the
/// circuit's memristors (<see cref="ControllerContext.SetState"/>, logged with the pulse counts and
/// energies the array reports).
/// </summary>
public abstract class HopfieldLearningController : EquilibriumController
{
    private DeviceHandle[][] _devices = Array.Empty<DeviceHandle[]>();
    private bool[][] _plus = Array.Empty<bool[]>();
    private int[] _drive = Array.Empty<int>();

    /// <summary>Creates the controller for the circuit of <paramref name="spec"/> built from <paramref name="topology"/>.</summary>
    protected HopfieldLearningController(string name, HopfieldTopology topology, HopfieldCircuitSpec spec, SynapseArray synapses, HopfieldSample sample)
        : base(name, Enumerable.Range(0, topology.N).Select(HopfieldCircuit.Node).ToArray(), spec.Parameters.Tau / 100)
    {
        Topology = topology;
        Spec = spec;
        Synapses = synapses;
        Sample = sample;
    }

    /// <summary>The network.</summary>
    protected HopfieldTopology Topology { get; }
    /// <summary>The circuit.</summary>
    protected HopfieldCircuitSpec Spec { get; }
    /// <summary>The devices, programmed at both levels.</summary>
    protected SynapseArray Synapses { get; }
    /// <summary>The sample of this run.</summary>
    protected HopfieldSample Sample { get; }

    /// <summary>Weight change asked for, pulses and energy of the update (after <see cref="ProgramUpdate"/>).</summary>
    protected (long Pulses, double Energy, double Seconds) Programming { get; private set; }

    /// <inheritdoc/>
    protected override void Start(ControllerContext context)
    {
        _drive = Enumerable.Range(0, Topology.N).Select(i => context.Node($"a{i}")).ToArray();
        _devices = new DeviceHandle[Topology.PairCount][];
        _plus = new bool[Topology.PairCount][];
        for (int p = 0; p < Topology.PairCount; p++)
        {
            var devices = HopfieldCircuit.Devices(Spec, Topology.PairI[p], Topology.PairJ[p]).ToArray();
            _devices[p] = devices.Select(d => context.Device(d.Name)).ToArray();
            _plus[p] = devices.Select(d => d.Plus).ToArray();
        }
        // input currents enter the summing node, which carries k·GREF per unit (k the read scale)
        double gref = Spec.Parameters.Gref * Spec.Parameters.ReadScale(Spec.Dynamics);
        for (int i = 0; i < Topology.N; i++)
        {
            if (Spec.IsClamped(i)) context.SetSource(HopfieldCircuit.ClampSource(i), Spec.Function.G(Sample.Input[i]));
            else context.SetSource(HopfieldCircuit.InputSource(i), gref * (Topology.Roles[i] == NeuronRole.InputOutput ? Sample.Input[i] : 0));
        }
    }

    /// <summary>Reads the synapse drives g(v_i): the voltages of nodes a_i divided by the read scale k.</summary>
    protected double[] ReadDrives(ControllerContext context)
    {
        var a = new double[_drive.Length];
        double k = Spec.Parameters.ReadScale(Spec.Dynamics);
        for (int i = 0; i < a.Length; i++) a[i] = context.Voltage(_drive[i]) / k;
        return a;
    }

    /// <summary>Reads the neuron voltages v_i.</summary>
    protected double[] ReadStates(ControllerContext context)
    {
        var v = new double[Nodes.Count];
        Read(context, v);
        return v;
    }

    /// <summary>Programs <paramref name="dw"/> (pair order) through the synapse array and writes the new states into every circuit device of each pair.</summary>
    protected void ProgramUpdate(ControllerContext context, double[] dw)
    {
        var clock = Stopwatch.StartNew();
        var devices = Synapses.Devices;
        long pulses0 = Synapses.TotalPulses;
        double energy0 = Synapses.TotalEnergy;
        var count = (long[])devices.PulseCount.Clone();
        var energy = (double[])devices.Energy.Clone();
        Synapses.Program(dw);
        for (int p = 0; p < _devices.Length; p++)
        {
            for (int side = 0; side < 2; side++)
            {
                int k = 2 * p + side;
                long n = devices.PulseCount[k] - count[k];
                double e = devices.Energy[k] - energy[k];
                bool first = true;
                for (int d = 0; d < _devices[p].Length; d++)
                {
                    if (_plus[p][d] != (side == 0)) continue;
                    // every physical copy takes the state; the pulses are those of the one logical device (logged once)
                    context.SetState(_devices[p][d], devices.X[k], first ? n : 0, first ? e : 0);
                    first = false;
                }
            }
        }
        Programming = (Synapses.TotalPulses - pulses0, Synapses.TotalEnergy - energy0, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Learning rate of pair <paramref name="p"/>: the block's α_l for a layered network with <see cref="HopfieldParameters.LayerRates"/>, η otherwise.</summary>
    protected static double RateOf(HopfieldTopology topology, HopfieldParameters parameters, int p)
    {
        if (parameters.LayerRates is not { } rates) return parameters.LearningRate;
        int l = 0;
        while (l + 1 < topology.BlockOffsets.Length - 1 && p >= topology.BlockOffsets[l + 1]) l++;
        return rates[l];
    }
}

/// <summary>
/// Equilibrium Propagation in the circuit, one sample per run: free phase to equilibrium (collect
/// g(v_i)g(v_j) on the drive nodes), nudged phase with β(T_i − v_i) injected into each output by its
/// controlled source (VBETA = β, VT_i = T_i), relax, collect; then
/// Δw_ij = (α/β)[g(v_i^β)g(v_j^β) − g(v_i)g(v_j)] (Eq. 19 with the 1/β of Eq. 18) programmed by
/// pulses, and the run stops. β's sign is drawn at random per sample with
/// <see cref="HopfieldParameters.RandomBetaSign"/> (from the controller's own stream).
/// </summary>
public sealed class EpController(HopfieldTopology topology, HopfieldCircuitSpec spec, SynapseArray synapses, HopfieldParameters parameters, HopfieldSample sample)
    : HopfieldLearningController("ep", topology, spec, synapses, sample)
{
    private double[]? _free, _freeDrive;
    private double _beta;

    /// <summary>The result, after the run.</summary>
    public CircuitStepResult? Result { get; private set; }

    /// <inheritdoc/>
    protected override void Start(ControllerContext context)
    {
        base.Start(context);
        foreach (int o in Topology.Outputs) context.SetSource(HopfieldCircuit.TargetSource(o), 0);
        context.SetSource(HopfieldCircuit.BetaSource, 0);
    }

    /// <inheritdoc/>
    protected override void OnEquilibrium(ControllerContext context)
    {
        if (_free is null)
        {
            _free = ReadStates(context);
            _freeDrive = ReadDrives(context);
            _beta = parameters.Beta;
            if (parameters.RandomBetaSign && context.NextUniform() < 0.5) _beta = -_beta;
            foreach (int o in Topology.Outputs) context.SetSource(HopfieldCircuit.TargetSource(o), Sample.Target[o]);
            context.SetSource(HopfieldCircuit.BetaSource, _beta);
            context.SwitchPhase("nudged");
            return;
        }
        var nudged = ReadStates(context);
        var nudgedDrive = ReadDrives(context);
        var dw = new double[Topology.PairCount];
        for (int p = 0; p < dw.Length; p++)
        {
            int i = Topology.PairI[p], j = Topology.PairJ[p];
            dw[p] = RateOf(Topology, parameters, p) / _beta * (nudgedDrive[i] * nudgedDrive[j] - _freeDrive![i] * _freeDrive[j]);
        }
        ProgramUpdate(context, dw);
        Result = new CircuitStepResult
        {
            Free = _free, Second = nudged, FreeDrive = _freeDrive!, SecondDrive = nudgedDrive, WeightChange = dw, Beta = _beta,
            Pulses = Programming.Pulses, Energy = Programming.Energy, ProgrammingSeconds = Programming.Seconds, Phases = Costs.ToArray(),
        };
        context.StopRun();
    }
}

/// <summary>
/// Recurrent backpropagation in the circuit, one sample per run, on the additive network (Eq. 3):
/// free phase to equilibrium v∞; the side network of Eq. 9 is built as a second circuit with its
/// gains g′(Î_k) read from the net-input nodes u_k = Σ_j w_kj v_j + I_k at v∞, error currents
/// J_k = T_k − v_k∞ into the outputs' summing nodes and y(0) = 0.5, and relaxed to y∞; then
/// Δw_ij = η(y_i∞ v_j∞ + y_j∞ v_i∞) per pair (Eq. 11, both directions of the tied pair) is
/// programmed through the same pulse path, and the run stops.
/// </summary>
public sealed class RbpController(HopfieldTopology topology, HopfieldCircuitSpec spec, SynapseArray synapses, HopfieldParameters parameters, HopfieldSample sample)
    : HopfieldLearningController("rbp", topology, spec, synapses, sample)
{
    /// <summary>The result, after the run.</summary>
    public CircuitStepResult? Result { get; private set; }

    /// <inheritdoc/>
    protected override void OnEquilibrium(ControllerContext context)
    {
        var v = ReadStates(context);
        var drive = ReadDrives(context);
        int n = Topology.N;
        var gains = new double[n];
        var error = new double[n];
        for (int k = 0; k < n; k++)
        {
            if (Spec.IsClamped(k)) continue;
            gains[k] = Spec.Function.Derivative(context.Voltage(context.Node(HopfieldCircuit.NetInputNode(k))));
        }
        foreach (int o in Topology.Outputs) error[o] = Sample.Target[o] - v[o];
        var clock = Stopwatch.StartNew();
        var side = Spec with
        {
            Dynamics = CircuitDynamics.SideNetwork,
            Gains = gains,
            Input = error,
            Clamp = Spec.Clamp?.Select(c => double.IsNaN(c) ? double.NaN : 0).ToArray(),
            InitialState = Enumerable.Repeat(0.5, n).ToArray(),
            StatePlus = Enumerable.Range(0, Topology.PairCount).Select(p => Synapses.Devices.X[2 * p]).ToArray(),
            StateMinus = Enumerable.Range(0, Topology.PairCount).Select(p => Synapses.Devices.X[2 * p + 1]).ToArray(),
        };
        var y = HopfieldCircuitRunner.Relax(side, out var sideTransient, out var sideCost);
        double sideSeconds = clock.Elapsed.TotalSeconds;
        var dw = new double[Topology.PairCount];
        for (int p = 0; p < dw.Length; p++)
        {
            int i = Topology.PairI[p], j = Topology.PairJ[p];
            dw[p] = RateOf(Topology, parameters, p) * (y[i] * v[j] + y[j] * v[i]);
        }
        ProgramUpdate(context, dw);
        Result = new CircuitStepResult
        {
            Free = v, Second = y, FreeDrive = drive, SecondDrive = gains, WeightChange = dw,
            Pulses = Programming.Pulses, Energy = Programming.Energy, ProgrammingSeconds = Programming.Seconds,
            SideNetworkSeconds = sideSeconds, Phases = Costs.Append(sideCost).ToArray(),
        };
        _ = sideTransient;
        context.StopRun();
    }
}
