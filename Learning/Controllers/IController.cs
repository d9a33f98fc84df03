namespace AnalogNN.Learning.Controllers;

/// <summary>
/// A learning controller attached to a transient run through a <see cref="ControllerHost"/>. The
/// host calls it at fixed points of the run (see <c>docs/learning.md</c> for the lifecycle); every
/// method has an empty default, so a controller implements only what it needs. Controllers act
/// only through the <see cref="ControllerContext"/>: they read node voltages, branch currents,
/// spike records and device states, and they schedule events, add pulses to controlled sources,
/// set source values, switch phases and program devices.
/// </summary>
/// <remarks>
/// Order: at every call point the host calls the controllers in the order they were added, and a
/// controller sees every change made by the ones before it at that point. Controllers must not
/// keep global mutable state; randomness comes from <see cref="ControllerContext.NextUniform"/>, which
/// is seeded from the host seed and the controller's name.
/// </remarks>
public interface IController
{
    /// <summary>Name used in the action log and to derive the controller's random stream.</summary>
    string Name { get; }

    /// <summary>Once, after the initial point is solved and before the first step. Handles are resolved here.</summary>
    void OnRunStart(ControllerContext context) { }

    /// <summary>Before each attempted step, with the last accepted point in the context (read only: do not act here).</summary>
    void OnStepStarting(ControllerContext context) { }

    /// <summary>After every accepted time point (read and schedule; devices and sources change only at events).</summary>
    void OnTimePoint(ControllerContext context) { }

    /// <summary>At an event this controller scheduled with <see cref="ControllerContext.Schedule"/>; <paramref name="tag"/> is what it passed.</summary>
    void OnScheduledEvent(ControllerContext context, int tag) { }

    /// <summary>When an emitter (a neuron or spike source) recorded a spike at <paramref name="spikeTime"/> in the step just accepted.</summary>
    void OnSpike(ControllerContext context, SpikeHandle source, double spikeTime) { }

    /// <summary>At the end of a phase (a phase switch, or the end of the run for the last phase).</summary>
    void OnPhaseEnd(ControllerContext context, string phase) { }
}

/// <summary>A spike emitter resolved by the host: <see cref="Index"/> into <see cref="ControllerContext.Emitters"/>.</summary>
public readonly record struct SpikeHandle(int Index, string Name);
