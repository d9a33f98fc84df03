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
