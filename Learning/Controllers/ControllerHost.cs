using AnalogNN.Components.Memristors;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Learning.Controllers;

/// <summary>
/// Attaches controllers to one <see cref="Transient"/> and calls them at the points of the
/// lifecycle (docs/learning.md): run start; before each step; after each accepted point (first the
/// spikes recorded in that step, then <see cref="IController.OnTimePoint"/>); at scheduled
/// events; at phase ends. At each point the controllers are called in the order they were added.
/// Events due at the same time run in (controller order, scheduling order). The host is the only
/// owner of the run's mutable learning state, so two runs with the same netlist, controllers and
/// seed take the same actions bit for bit.
/// </summary>
public sealed class ControllerHost
{
    private readonly Transient _transient;
    private readonly List<IController> _controllers = new();
    private readonly List<DeviceRandom> _random = new();
    private readonly SortedSet<PendingEvent> _events = new();
    private readonly List<ScheduledPulseWaveform> _waveforms = new();
    private readonly List<(double End, string Name)> _plannedPhases = new();
    private int[] _spikeCounts = Array.Empty<int>();
    private long _sequence;
    private int _current = -1;
    private bool _started;

    private readonly record struct PendingEvent(double Time, int Controller, long Sequence, int Tag) : IComparable<PendingEvent>
    {
        public int CompareTo(PendingEvent o)
        {
            int c = Time.CompareTo(o.Time);
            if (c == 0) c = Controller.CompareTo(o.Controller);
            return c != 0 ? c : Sequence.CompareTo(o.Sequence);
        }
    }

    /// <summary>Hooks the host into <paramref name="transient"/> (existing callbacks are kept and called first).</summary>
    public ControllerHost(Transient transient, ulong seed = 1, string firstPhase = "run")
    {
        _transient = transient;
        Seed = seed;
        Phase = firstPhase;
        Context = new ControllerContext(this);
        var started = transient.Started;
        transient.Started = system => { started?.Invoke(system); OnStarted(system); };
        var step = transient.StepStarting;
        transient.StepStarting = t => { step?.Invoke(t); OnStepStarting(); };
        var point = transient.TimePointAccepted;
        transient.TimePointAccepted = t => { point?.Invoke(t); OnTimePoint(t); };
        var scheduled = transient.ScheduledEventReached;
        transient.ScheduledEventReached = (t, ctx) => { scheduled?.Invoke(t, ctx); OnScheduled(t); };
        var stop = transient.StopRequested;
        transient.StopRequested = () => (stop?.Invoke() ?? false) || _stopRequested;
    }

    private bool _stopRequested;

    /// <summary>Ends the run at the present accepted point (a controller decided the experiment is over).</summary>
    internal void RequestStop() => _stopRequested = true;

    /// <summary>Seed of every controller's random stream.</summary>
    public ulong Seed { get; }

    /// <summary>The context handed to the controllers.</summary>
    public ControllerContext Context { get; }

    /// <summary>Name of the present phase.</summary>
    public string Phase { get; private set; }

    /// <summary>Actions taken so far.</summary>
    public ActionLog Log { get; } = new();

    /// <summary>The controllers in call order.</summary>
    public IReadOnlyList<IController> Controllers => _controllers;

    internal string CurrentName => _current >= 0 ? _controllers[_current].Name : "host";

    /// <summary>Adds a controller after the ones already added (defines its call order).</summary>
    /// <exception cref="InvalidOperationException">The run has started.</exception>
    public ControllerHost Add(IController controller)
    {
        if (_started) throw new InvalidOperationException("controllers are added before the run");
        _controllers.Add(controller);
        _random.Add(new DeviceRandom(Seed, "controller/" + controller.Name));
        return this;
    }

    /// <summary>Plans a phase switch to <paramref name="next"/> at <paramref name="time"/> (s).</summary>
    public ControllerHost SwitchPhaseAt(double time, string next)
    {
        _plannedPhases.Add((time, next));
        _transient.Schedule(time);
        return this;
    }

    /// <summary>Runs the transient with the controllers; the last phase ends when the run does.</summary>
    public void Run(ISimulationOutput output)
    {
        _transient.Run(output);
        Each(c => c.OnPhaseEnd(Context, Phase), act: true);
    }

    private void OnStarted(MnaSystem system)
    {
        _started = true;
        Context.Bind(system);
        _spikeCounts = new int[Context.Emitters.Count];
        for (int k = 0; k < _spikeCounts.Length; k++) _spikeCounts[k] = Context.Emitters[k].SpikeTimes.Count;
        _waveforms.Clear();
        foreach (var e in system.Circuit.Elements)
            if (e is IndependentSource { Waveform: ScheduledPulseWaveform w }) _waveforms.Add(w);
        Each(c => c.OnRunStart(Context), act: true);
    }

    private void OnStepStarting()
    {
        Context.CanAct = false;
        for (int c = 0; c < _controllers.Count; c++) { _current = c; _controllers[c].OnStepStarting(Context); }
        _current = -1;
    }

    private void OnTimePoint(double time)
    {
        foreach (var w in _waveforms) w.Retire(time);
        // spikes recorded in the step just accepted (LIF crossings and spike-source breakpoints are
        // both points where the integration restarts, so controllers may act on them)
        var emitters = Context.Emitters;
        for (int k = 0; k < _spikeCounts.Length; k++)
        {
            var times = emitters[k].SpikeTimes;
            if (times.Count == _spikeCounts[k]) continue;
            for (int s = _spikeCounts[k]; s < times.Count; s++)
            {
                var handle = new SpikeHandle(k, emitters[k].Source);
                double at = times[s];
                for (int c = 0; c < _controllers.Count; c++) Call(c, true, handle, at);
            }
            _spikeCounts[k] = times.Count;
        }
        for (int c = 0; c < _controllers.Count; c++) { _current = c; Context.CanAct = false; _controllers[c].OnTimePoint(Context); }
        _current = -1;
    }

    private void Call(int c, bool act, SpikeHandle handle, double at)
    {
        _current = c;
        Context.CanAct = act;
        _controllers[c].OnSpike(Context, handle, at);
        _current = -1;
        Context.CanAct = false;
    }

    private void OnScheduled(double time)
    {
        double due = time * (1 + 1e-12) + 1e-18;
        for (int p = 0; p < _plannedPhases.Count; p++)
            if (_plannedPhases[p].End <= due && _plannedPhases[p].End > double.NegativeInfinity)
            {
                string next = _plannedPhases[p].Name;
                _plannedPhases[p] = (double.NegativeInfinity, next);
                SwitchPhase(next);
            }
        while (_events.Count > 0 && _events.Min.Time <= due)
        {
            var e = _events.Min;
            _events.Remove(e);
            _current = e.Controller;
            Context.CanAct = true;
            _controllers[e.Controller].OnScheduledEvent(Context, e.Tag);
        }
        _current = -1;
        Context.CanAct = false;
    }

    internal void ScheduleFor(double time, int tag)
    {
        if (_current < 0) throw new InvalidOperationException("Schedule is called by a controller from one of its callbacks");
        if (!(time > Context.Time)) throw new ArgumentOutOfRangeException(nameof(time), $"event at {time:G6} s is not after the present point {Context.Time:G6} s");
        _events.Add(new PendingEvent(time, _current, _sequence++, tag));
        _transient.Schedule(time);
    }

    internal void Breakpoint(double time)
    {
        // re-queries the breakpoints (the new pulse's corners); a time at the present point is ignored
        _transient.Schedule(time > Context.Time ? time : Context.Time + 1e-15);
    }

    internal void SwitchPhase(string next)
    {
        int caller = _current;
        bool act = Context.CanAct;
        string ended = Phase;
        Each(c => c.OnPhaseEnd(Context, ended), act: true);
        Phase = next;
        Log.Add(new ActionRecord(_started ? Context.Time : 0, caller >= 0 ? _controllers[caller].Name : "host", ActionKind.Phase, next, 0, 0, 0, double.NaN, double.NaN));
        _current = caller;
        Context.CanAct = act;
    }

    internal double NextUniform()
    {
        int c = Math.Max(_current, 0);
        var r = _random[c];
        double u = r.NextUniform();
        _random[c] = r;
        return u;
    }

    private void Each(Action<IController> call, bool act)
    {
        for (int c = 0; c < _controllers.Count; c++)
        {
            _current = c;
            Context.CanAct = act;
            call(_controllers[c]);
        }
        _current = -1;
        Context.CanAct = false;
    }
}
