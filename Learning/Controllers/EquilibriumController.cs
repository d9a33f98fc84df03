using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Newton;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Learning.Controllers;

/// <summary>Circuit time and engine work of one relaxation phase (one equilibrium).</summary>
public readonly record struct PhaseCost(string Phase, double Start, double End, long TimePoints, long Iterations, double FinalRate)
{
    /// <summary>Circuit time the phase took, s.</summary>
    public double Duration => End - Start;
}

/// <summary>
/// Base of the controllers that run a circuit from equilibrium to equilibrium (EP's free and
/// nudged phases, RBP's free phase): a <see cref="SteadyStateDetector"/> on the watched nodes with
/// the circuit's <c>sstol</c>/<c>sspoints</c>; once it reports a steady state, an event is
/// scheduled a hundredth of a time constant later (actions on the circuit are only allowed at
/// events) and <see cref="OnEquilibrium"/> is called there. A phase switch resets the detector.
/// </summary>
public abstract class EquilibriumController : IController
{
    private SteadyStateDetector? _detector;
    private bool _pending;
    private double _phaseStart;
    private long _pointsAtStart, _iterationsAtStart;
    private EngineStatistics? _statistics;
    private readonly List<PhaseCost> _costs = new();

    /// <summary>Creates the controller watching <paramref name="nodes"/>; <paramref name="delay"/> (s) is the wait between detection and action.</summary>
    protected EquilibriumController(string name, IReadOnlyList<string> nodes, double delay)
    {
        Name = name;
        Nodes = nodes;
        Delay = delay;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Watched node names.</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <summary>Time between the detection of the steady state and the event where the controller acts, s.</summary>
    public double Delay { get; }

    /// <summary>Node indices of <see cref="Nodes"/> (valid after run start).</summary>
    protected int[] NodeIndex { get; private set; } = Array.Empty<int>();

    /// <summary>Cost of every finished phase, in order.</summary>
    public IReadOnlyList<PhaseCost> Costs => _costs;

    /// <summary>Gives the controller the engine statistics of its transient (for the per-phase work counts).</summary>
    public void Attach(EngineStatistics? statistics) => _statistics = statistics;

    /// <inheritdoc/>
    public virtual void OnRunStart(ControllerContext context)
    {
        NodeIndex = Nodes.Select(context.Node).ToArray();
        var options = context.Mna.Options;
        _detector = new SteadyStateDetector(NodeIndex, options.SteadyStateTolerance, options.SteadyStatePoints);
        MarkPhaseStart(context);
        Start(context);
    }

    /// <summary>Called at run start after the handles are resolved (set the first phase's sources here).</summary>
    protected virtual void Start(ControllerContext context) { }

    /// <inheritdoc/>
    public void OnTimePoint(ControllerContext context)
    {
        if (_pending || _detector is null) return;
        if (_detector.Observe(context.Time, context.Mna.Context.Solution))
        {
            _pending = true;
            context.Schedule(context.Time + Delay);
        }
    }

    /// <inheritdoc/>
    public void OnScheduledEvent(ControllerContext context, int tag)
    {
        if (!_pending) return;
        _pending = false;
        string phase = context.Phase;
        _costs.Add(new PhaseCost(phase, _phaseStart, context.Time,
            (_statistics?.TimePoints ?? 0) - _pointsAtStart, (_statistics?.Iterations ?? 0) - _iterationsAtStart, _detector!.LastRate));
        _detector.Reset();
        OnEquilibrium(context);
        MarkPhaseStart(context);
    }

    /// <summary>At the event after a steady state was detected (acting is allowed): read the fixed point, switch phase, program, or stop.</summary>
    protected abstract void OnEquilibrium(ControllerContext context);

    /// <summary>Reads the watched node voltages into <paramref name="into"/>.</summary>
    protected void Read(ControllerContext context, double[] into)
    {
        for (int k = 0; k < NodeIndex.Length; k++) into[k] = context.Voltage(NodeIndex[k]);
    }

    private void MarkPhaseStart(ControllerContext context)
    {
        _phaseStart = context.Time;
        _pointsAtStart = _statistics?.TimePoints ?? 0;
        _iterationsAtStart = _statistics?.Iterations ?? 0;
    }
}

/// <summary>Relaxes a circuit once: records the watched voltages at the first steady state and stops the run.</summary>
public sealed class RelaxController(IReadOnlyList<string> nodes, double delay) : EquilibriumController("relax", nodes, delay)
{
    /// <summary>The steady state (same order as the nodes), or null if none was reached.</summary>
    public double[]? FixedPoint { get; private set; }

    /// <inheritdoc/>
    protected override void OnEquilibrium(ControllerContext context)
    {
        FixedPoint = new double[Nodes.Count];
        Read(context, FixedPoint);
        context.StopRun();
    }
}

/// <summary>Runs Hopfield circuits built by <see cref="HopfieldCircuit"/> with controllers.</summary>
public static class HopfieldCircuitRunner
{
    /// <summary>
    /// Builds the circuit of <paramref name="circuit"/>, attaches <paramref name="controllers"/> and runs
    /// its transient (until a controller stops it or TSTOP). Returns the transient (statistics, system).
    /// </summary>
    /// <exception cref="Solvers.SimulationException">The transient failed.</exception>
    public static Transient Run(HopfieldCircuitSpec circuit, ulong seed, params EquilibriumController[] controllers)
    {
        var job = NetlistJob.FromText(HopfieldCircuit.Build(circuit), "hopfield.cir");
        var spec = HopfieldCircuit.TransientOf(circuit);
        var tran = new Transient(job.CircuitOf(0), spec, job.OptionsOf(0)) { Saves = [$"v({HopfieldCircuit.Node(0)})"] };
        // set before the host wraps it, so the statistics are attached before the controllers start
        tran.Started = _ => { foreach (var c in controllers) c.Attach(tran.Statistics); };
        var host = new ControllerHost(tran, seed);
        foreach (var c in controllers) host.Add(c);
        host.Run(new DiscardOutput());
        return tran;
    }

    /// <summary>
    /// Relaxes the circuit of <paramref name="spec"/> from its initial state and returns every
    /// neuron's voltage (clamped ones hold their clamp value), the transient and the phase's cost.
    /// </summary>
    /// <exception cref="InvalidOperationException">No steady state before TSTOP.</exception>
    public static double[] Relax(HopfieldCircuitSpec spec, out Transient transient, out PhaseCost cost)
    {
        var nodes = Enumerable.Range(0, spec.Neurons).Select(HopfieldCircuit.Node).ToArray();
        var relax = new RelaxController(nodes, spec.Parameters.Tau / 100);
        transient = Run(spec, 1, relax);
        cost = relax.Costs.Count > 0 ? relax.Costs[0] : default;
        return relax.FixedPoint ?? throw new InvalidOperationException($"the Hopfield circuit did not reach a steady state within {spec.StopPerTau} τ");
    }
}
