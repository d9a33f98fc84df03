namespace AnalogNN.Circuit;

/// <summary>
/// The numerical side of an element for DC and transient analysis. Set-up runs in two phases:
/// all behaviours first create their unknowns (nodes, branch currents, states), then all bind
/// their matrix slots, so that a current-controlled source can find a branch created by a
/// voltage source that comes later in the netlist. <see cref="Load"/> then only adds numbers.
/// </summary>
public interface IBehavior
{
    /// <summary>Maps nodes and creates branch unknowns and state slots.</summary>
    void CreateUnknowns(ISetupContext setup);

    /// <summary>Resolves matrix slots once; <see cref="Load"/> stamps into them many times.</summary>
    void Bind(ISetupContext setup);

    /// <summary>
    /// Stamps the linearised companion model at the iterate <see cref="LoadContext.Solution"/>
    /// into <see cref="LoadContext.Matrix"/> and <see cref="LoadContext.Rhs"/>. Must not allocate.
    /// </summary>
    void Load(LoadContext context);
}

/// <summary>A behaviour whose waveform has corners the time-step control must land on.</summary>
public interface IBreakpointBehavior
{
    /// <summary>The first corner strictly after <paramref name="time"/> (s), or +∞.</summary>
    double NextBreakpoint(double time);
}

/// <summary>A behaviour that updates its own state after a time point is accepted.</summary>
public interface IAcceptBehavior
{
    /// <summary>Called once per accepted time point (and after the operating point).</summary>
    void Accept(LoadContext context);
}

/// <summary>A nonlinear behaviour with its own convergence test on device currents (SPICE's DEVconvTest).</summary>
public interface IConvergenceBehavior
{
    /// <summary>True if the currents predicted from the last linearisation agree with the new iterate.</summary>
    bool IsConverged(LoadContext context);

    /// <summary>
    /// For a failure message: the device that kept the last iteration from converging (failed
    /// <see cref="IsConverged"/> or its own internal solve during the last load), with its terminal
    /// values; null if this behaviour did not.
    /// </summary>
    string? Unconverged => null;
}

/// <summary>A behaviour that can limit the time step from its own state (e.g. a switching device).</summary>
public interface ITimeStepBehavior
{
    /// <summary>The largest next step (s) this device allows, or +∞.</summary>
    double MaxTimeStep(LoadContext context);
}

/// <summary>
/// A behaviour with state-triggered events (a neuron crossing its threshold, a comparator): the
/// transient locates the event time by cutting the step back until the crossing falls at the end
/// of a step, within <see cref="SimulationOptions.EventTolerance"/>, then accepts that point, so
/// the device can act on the crossing in <see cref="IAcceptBehavior.Accept"/>.
/// </summary>
public interface IEventBehavior
{
    /// <summary>
    /// Called after a converged step from the last accepted point (state <see cref="LoadContext.State1"/>,
    /// solution before the step) to the present iterate. Returns where in the step the earliest
    /// crossing happened as a fraction θ ∈ (0, 1] of the step (e.g. by linear interpolation of the
    /// crossing quantity), or +∞ when nothing crossed.
    /// </summary>
    double EventFraction(LoadContext context, ReadOnlySpan<double> previousSolution);
}

/// <summary>
/// A behaviour that emits spikes (a LIF neuron, a Poisson or spike-train source). The spike
/// recorder (<c>run --spikes</c>) and learning controllers read the times after, or during, a transient.
/// </summary>
public interface ISpikeEmitter
{
    /// <summary>Name of the emitting element.</summary>
    string Source { get; }

    /// <summary>Spike times so far, s, ascending.</summary>
    IReadOnlyList<double> SpikeTimes { get; }
}

/// <summary>
/// A behaviour that reports output signals which are not MNA unknowns (e.g. the internal node and
/// state of a device whose internal unknowns are eliminated inside the device). They are written
/// and selected (<c>.save</c>) like unknowns: <c>v(name)</c>, <c>i(name)</c>, <c>x(name)</c>.
/// </summary>
public interface ISignalBehavior
{
    /// <summary>Number of signals.</summary>
    int SignalCount { get; }

    /// <summary>Signal <paramref name="k"/>: its name (node, owner or state name), kind and whether it is written by default.</summary>
    (string Name, UnknownKind Kind, bool Saved) Signal(int k);

    /// <summary>Value of signal <paramref name="k"/> at the present solution (after a converged solve or an accepted point).</summary>
    double SignalValue(int k, LoadContext context);
}

/// <summary>
/// A behaviour whose instances are loaded together by one shared behaviour, the way SPICE loads
/// every instance of a device type in one loop. Each member still creates its unknowns and binds its
/// slots itself (in circuit order); after every behaviour is bound, the simulation makes one group
/// behaviour per <see cref="GroupKey"/> from the members and calls that, not the members, for
/// loading, acceptance, convergence and truncation error. A member's own <see cref="IBehavior.Load"/>
/// still stamps the member alone (for tools and tests that load behaviours one by one).
/// </summary>
public interface IGroupedBehavior : IBehavior
{
    /// <summary>Members with equal keys share one group.</summary>
    object GroupKey { get; }

    /// <summary>
    /// Creates the group behaviour of <paramref name="members"/> (circuit order); it may resolve further
    /// matrix slots through <paramref name="setup"/> but not create unknowns or states.
    /// </summary>
    IBehavior CreateGroup(IReadOnlyList<IGroupedBehavior> members, ISetupContext setup);
}

/// <summary>
/// A behaviour that integrates states of its own (not registered with <see cref="ISetupContext.RegisterCharge"/>)
/// and bounds the step by their local truncation error, with the same rule the transient applies to
/// registered charges (<see cref="TruncationError.Step"/>).
/// </summary>
public interface ITruncationBehavior
{
    /// <summary>The largest step (s) the behaviour's states allow, or +∞.</summary>
    double TruncationStep(in TruncationError error);
}

/// <summary>
/// SPICE's local-truncation-error step rule (CKTterr) for one integrated charge-like quantity q:
/// the (order+1)-th divided difference of q over the last order+2 points estimates the error term;
/// the tolerance is max(abstol + reltol·max|dq/dt|, reltol·max(|q|, chgtol)/h); trtol scales it.
/// </summary>
public readonly ref struct TruncationError
{
    private readonly double _h0, _h1, _h2;  // the last three steps, present first
    private readonly double _span1, _span2; // h0 + h1 and (h2 + h1) + h0: the spans of the higher divided differences

    /// <summary>The rule for integration order <paramref name="order"/> (1 or 2) with error constant <paramref name="factor"/> and the last steps <paramref name="deltas"/> (present first).</summary>
    public TruncationError(SimulationOptions options, int order, double factor, ReadOnlySpan<double> deltas)
    {
        if (order is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(order), order, "the transient integrates with order 1 or 2");
        Options = options;
        Order = order;
        Factor = factor;
        _h0 = deltas[0];
        _h1 = deltas[1];
        _h2 = order == 2 ? deltas[2] : 0;
        _span1 = _h1 + _h0;
        _span2 = _h2 + _h1 + _h0;
    }

    /// <summary>Engine options (reltol, abstol, chgtol, trtol).</summary>
    public SimulationOptions Options { get; }

    /// <summary>Integration order (1 or 2).</summary>
    public int Order { get; }

    /// <summary>Error constant of the method at this order.</summary>
    public double Factor { get; }

    /// <summary>
    /// Largest step (s) for a quantity with values <paramref name="q0"/> (present) … <paramref name="q3"/>
    /// (three accepted points back) and derivatives <paramref name="dq0"/>, <paramref name="dq1"/>.
    /// </summary>
    /// <remarks>
    /// The divided differences are written out for the two orders (this runs once per state and
    /// step: 4,096 times per step on a 64×64 crossbar); the operations are those of the recursive
    /// form, q[i..i+1] = (q_i − q_{i+1})/h_i, then differences of those over h_i + h_{i+1}, and so on.
    /// </remarks>
    public double Step(double q0, double q1, double q2, double q3, double dq0, double dq1)
    {
        var opt = Options;
        double delta = _h0;
        double currentTol = opt.AbsTol + opt.RelTol * Math.Max(Math.Abs(dq0), Math.Abs(dq1));
        double chargeTol = opt.RelTol * Math.Max(Math.Max(Math.Abs(q0), Math.Abs(q1)), opt.ChgTol) / delta;
        double tol = Math.Max(currentTol, chargeTol);
        double d01 = (q0 - q1) / _h0, d12 = (q1 - q2) / _h1;
        double difference;
        if (Order == 1) difference = (d01 - d12) / _span1;
        else
        {
            double d23 = (q2 - q3) / _h2;
            difference = ((d01 - d12) / _span1 - (d12 - d23) / (_h2 + _h1)) / _span2;
        }
        double step = opt.TrTol * tol / Math.Max(opt.AbsTol, Factor * Math.Abs(difference));
        return Order == 2 ? Math.Sqrt(step) : step;
    }
}
