using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers;

namespace AnalogNN.Learning.Controllers;

/// <summary>A device with a programming interface, resolved by name at run start.</summary>
public readonly record struct DeviceHandle(int Index, string Name);

/// <summary>
/// What a controller sees and may do during a transient run. Reading is allowed at every call
/// point; acting on the circuit (programming devices, setting source values, adding pulses that
/// start now) only where the integration restarts: at run start, at scheduled events, at spikes
/// and at phase ends. Scheduling is allowed everywhere. Lookups by name resolve handles and are
/// meant for <see cref="IController.OnRunStart"/>; the handle readers do not allocate.
/// </summary>
public sealed class ControllerContext
{
    private readonly ControllerHost _host;
    private MnaSystem? _system;
    private readonly List<IProgrammableBehavior> _devices = new();
    private readonly Dictionary<string, int> _deviceIndex = new(StringComparer.OrdinalIgnoreCase);

    internal ControllerContext(ControllerHost host) => _host = host;

    internal void Bind(MnaSystem system)
    {
        _system = system;
        _devices.Clear();
        _deviceIndex.Clear();
        var emitters = new List<ISpikeEmitter>();
        for (int k = 0; k < system.Behaviors.Length; k++)
        {
            if (system.Behaviors[k] is ISpikeEmitter e) emitters.Add(e);
            if (system.Behaviors[k] is IProgrammableBehavior p)
            {
                _deviceIndex[system.Elements[k].Name] = _devices.Count;
                _devices.Add(p);
            }
        }
        Emitters = emitters;
    }

    private MnaSystem System => _system ?? throw new InvalidOperationException("the run has not started");

    /// <summary>Time of the last accepted point, s.</summary>
    public double Time => System.Context.Time;

    /// <summary>Name of the present phase.</summary>
    public string Phase => _host.Phase;

    /// <summary>The action log of the run.</summary>
    public ActionLog Log => _host.Log;

    /// <summary>True where acting on the circuit is allowed (see the class remarks).</summary>
    public bool CanAct { get; internal set; }

    /// <summary>The set-up system (for tools that need more than this context offers).</summary>
    public MnaSystem Mna => System;

    // ---- reading ----

    /// <summary>Index of node <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such node.</exception>
    public int Node(string name)
    {
        int i = System.FindNode(name);
        return i >= 0 ? i : throw new ArgumentException($"node '{name}' does not exist");
    }

    /// <summary>Voltage of node index <paramref name="node"/> at the last accepted point, V.</summary>
    public double Voltage(int node) => System.Context.Solution[node];

    /// <summary>Index of the branch-current unknown of a voltage source (or other branch element).</summary>
    /// <exception cref="CircuitException">No such branch.</exception>
    public int Branch(string element) => System.FindBranch(element, "controller");

    /// <summary>Branch current at the last accepted point (n+ → n− through the element), A.</summary>
    public double Current(int branch) => System.Context.Solution[branch];

    /// <summary>Every spike emitter (neurons, spike sources) in circuit order.</summary>
    public IReadOnlyList<ISpikeEmitter> Emitters { get; private set; } = Array.Empty<ISpikeEmitter>();

    /// <summary>The emitter called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such emitter.</exception>
    public SpikeHandle Emitter(string name)
    {
        for (int k = 0; k < Emitters.Count; k++)
            if (Emitters[k].Source.Equals(name, StringComparison.OrdinalIgnoreCase)) return new SpikeHandle(k, Emitters[k].Source);
        throw new ArgumentException($"no neuron or spike source '{name}'");
    }

    /// <summary>Spike times of an emitter so far, s.</summary>
    public IReadOnlyList<double> Spikes(SpikeHandle h) => Emitters[h.Index].SpikeTimes;

    /// <summary>The programmable device called <paramref name="name"/> (a memristor).</summary>
    /// <exception cref="ArgumentException">No such device.</exception>
    public DeviceHandle Device(string name) =>
        _deviceIndex.TryGetValue(name, out int i) ? new DeviceHandle(i, name) : throw new ArgumentException($"no programmable device '{name}'");

    /// <summary>State of a device at the last accepted point (x ∈ [0, 1]).</summary>
    public double State(DeviceHandle d) => _devices[d.Index].RunningState(System.Context, 0);

    /// <summary>The device's persistent states, pulse counts and energies.</summary>
    public MemristorArray DeviceStates(DeviceHandle d) => _devices[d.Index].States;

    /// <summary>The device's own in-circuit programming counter, if it has one (a condensed 1T1R cell), else null.</summary>
    public IInCircuitProgramming? InCircuitCounter(DeviceHandle d) => _devices[d.Index] as IInCircuitProgramming;

    // ---- randomness ----

    /// <summary>A uniform number in (0, 1) from the calling controller's own stream (seeded from the host seed and its name).</summary>
    public double NextUniform() => _host.NextUniform();

    // ---- acting ----

    /// <summary>
    /// Schedules <see cref="IController.OnScheduledEvent"/> of the calling controller at
    /// <paramref name="time"/> (s, after the present point) with <paramref name="tag"/>; the time
    /// step lands exactly on it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The time is not after the present point.</exception>
    public void Schedule(double time, int tag = 0) => _host.ScheduleFor(time, tag);

    /// <summary>
    /// Adds a trapezoidal pulse to the <see cref="ScheduledPulseWaveform"/> of source
    /// <paramref name="source"/>, starting at <paramref name="start"/> (s, not before the present
    /// point; a pulse starting now needs <see cref="CanAct"/>). Its corners become breakpoints.
    /// </summary>
    /// <exception cref="ArgumentException">The source has no <see cref="ScheduledPulseWaveform"/>.</exception>
    /// <exception cref="InvalidOperationException">Start in the past, or now where acting is not allowed.</exception>
    public void AddPulse(string source, double start, double amplitude, double width, double edge = 1e-9)
    {
        var w = PulseWaveform(source);
        double now = System.Context.Time;
        if (start < now || start <= now && !CanAct)
            throw new InvalidOperationException($"a pulse on '{source}' cannot start at {start:G6} s: the present point is {now:G6} s");
        w.Add(start, amplitude, width, edge);
        _host.Breakpoint(start);
        _host.Log.Add(new ActionRecord(now, _host.CurrentName, ActionKind.SourcePulse, source, amplitude, width, 0, double.NaN, double.NaN));
    }

    /// <summary>Sets the value of a constant source, or the baseline of a <see cref="ScheduledPulseWaveform"/>, from now on.</summary>
    /// <exception cref="InvalidOperationException">Not at a point where acting is allowed.</exception>
    /// <exception cref="ArgumentException">No such source, or its waveform is fixed.</exception>
    public void SetSource(string source, double value)
    {
        RequireAct("set source " + source);
        var element = System.Circuit.Elements.FirstOrDefault(e => e.Name.Equals(source, StringComparison.OrdinalIgnoreCase)) as IndependentSource
            ?? throw new ArgumentException($"no independent source '{source}'");
        if (element.Waveform is ScheduledPulseWaveform w) w.Baseline = value;
        else if (element.Waveform is null && System.FindBehavior(source) is ISweepable s) s.SetSweepValue(value);
        else throw new ArgumentException($"source '{source}' has a fixed waveform");
        _host.Log.Add(new ActionRecord(Time, _host.CurrentName, ActionKind.SourceValue, source, value, 0, 0, double.NaN, double.NaN));
    }

    /// <summary>
    /// Programs a device with one pulse through its programming interface (the model's exact pulse
    /// response, counted with its energy); the running state jumps to the result and the
    /// integration continues from it. Returns the new state.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not at a point where acting is allowed.</exception>
    public double Program(DeviceHandle d, double amplitude, double width)
    {
        RequireAct("program " + d.Name);
        var dev = _devices[d.Index];
        var array = dev.States;
        var ctx = System.Context;
        double before = dev.RunningState(ctx, 0);
        double energy = array.Energy[0];
        array.X[0] = before;
        array.ApplyPulse(PulseTarget.Device(0, 0), amplitude, width);
        double after = array.X[0];
        dev.OverwriteState(ctx, 0, after);
        _host.Log.Add(new ActionRecord(ctx.Time, _host.CurrentName, ActionKind.Program, d.Name, amplitude, width, array.Energy[0] - energy, before, after));
        return after;
    }

    /// <summary>Ends the run at the present point (after this point's callbacks); the last phase then ends as usual.</summary>
    public void StopRun() => _host.RequestStop();

    /// <summary>Ends the present phase (every controller's <see cref="IController.OnPhaseEnd"/>, in order) and starts <paramref name="next"/>.</summary>
    public void SwitchPhase(string next) => _host.SwitchPhase(next);

    private ScheduledPulseWaveform PulseWaveform(string source) =>
        (System.Circuit.Elements.FirstOrDefault(e => e.Name.Equals(source, StringComparison.OrdinalIgnoreCase)) as IndependentSource)?.Waveform as ScheduledPulseWaveform
        ?? throw new ArgumentException($"source '{source}' does not exist or has no ScheduledPulseWaveform");

    private void RequireAct(string what)
    {
        if (!CanAct) throw new InvalidOperationException($"cannot {what} at {Time:G6} s: act at run start, scheduled events, spikes or phase ends");
    }
}
