using AnalogNN.Circuit;
using AnalogNN.Solvers.Newton;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Solvers.Analyses;

/// <summary><c>.tran TSTEP TSTOP [TSTART [TMAX]] [UIC]</c>, s.</summary>
public sealed record TransientSpec(double Step, double Stop, double Start = 0, double? MaxStep = null, bool UseIc = false);

/// <summary>
/// Transient analysis with SPICE's variable-step control: backward Euler on the first step and
/// after every breakpoint, then trapezoidal (default) or Gear-2; the next step comes from the local
/// truncation error of every registered charge; steps land exactly on source corners and end
/// within eventtol of state-triggered events (threshold crossings); a step whose
/// Newton iteration fails is cut by 8 and retried.
/// </summary>
public sealed class Transient
{
    private static readonly double[] TrapezoidalError = [0.5, 1.0 / 12];
    private static readonly double[] GearError = [0.5, 2.0 / 9];
    private readonly Circuit.Circuit _circuit;
    private readonly TransientSpec _spec;
    private readonly SimulationOptions _options;
    private readonly double[] _deltas = new double[LoadContext.StateHistory];

    /// <summary>Creates the analysis.</summary>
    /// <exception cref="ArgumentException">TSTEP or TSTOP not positive, or TSTART beyond TSTOP.</exception>
    public Transient(Circuit.Circuit circuit, TransientSpec spec, SimulationOptions? options = null)
    {
        if (!(spec.Step > 0) || !(spec.Stop > 0) || spec.Start < 0 || spec.Start >= spec.Stop || spec.MaxStep is <= 0)
            throw new ArgumentException($".tran needs 0 < TSTEP, 0 <= TSTART < TSTOP and TMAX > 0 (got {spec})");
        _circuit = circuit;
        _spec = spec;
        _options = options ?? new SimulationOptions();
    }

    /// <summary>Signals to write (<c>.save</c>); null or empty writes every node voltage, branch current and state.</summary>
    public IReadOnlyList<string>? Saves { get; init; }

    /// <summary>Engine work counters of the last run.</summary>
    public EngineStatistics? Statistics { get; private set; }

    /// <summary>Called after each accepted time point with the time (s); for progress bars and controllers.</summary>
    public Action<double>? TimePointAccepted { get; set; }

    /// <summary>
    /// Called once per run with the set-up system after the initial point is solved and before the
    /// first step (learning controllers resolve node, branch and device handles here).
    /// </summary>
    public Action<MnaSystem>? Started { get; set; }

    /// <summary>Called before each attempted step with the present (last accepted) time, s.</summary>
    public Action<double>? StepStarting { get; set; }

    /// <summary>The set-up system of the last run (for inspection by tests and tools).</summary>
    public MnaSystem? System { get; private set; }

    private readonly SortedSet<double> _scheduled = new();

    /// <summary>
    /// Schedules an event at <paramref name="time"/> (s): the time step lands on it exactly (it is a
    /// breakpoint, and the integration restarts there) and <see cref="ScheduledEventReached"/> is called
    /// when that point is accepted. May be called before <see cref="Run"/> or from the callbacks during it
    /// (a learning controller scheduling its next update); times not after the present point are ignored.
    /// </summary>
    public void Schedule(double time)
    {
        if (double.IsFinite(time) && time > 0 && _scheduled.Add(time)) _scheduleChanged = true;
    }

    private bool _scheduleChanged;
    private bool _stopRequested;

    /// <summary>
    /// Ends the run after the present time point (from a callback during the run, e.g. a learning
    /// controller whose last phase has finished before TSTOP). The output ends at that point.
    /// </summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>True if the last run ended early through <see cref="RequestStop"/>.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>Called with the time (s) and the load context when a scheduled event's time point is accepted.</summary>
    public Action<double, LoadContext>? ScheduledEventReached { get; set; }

    /// <summary>Called with the time (s) when a step that was cut back to a state-triggered event (a threshold crossing) is accepted.</summary>
    public Action<double>? StateEventAccepted { get; set; }

    /// <summary>Time of the last accepted point of the last run, s (TSTOP unless <see cref="RequestStop"/> ended it).</summary>
    public double EndTime { get; private set; }

    /// <summary>Runs the analysis, streaming every accepted time point at or after TSTART to <paramref name="output"/>.</summary>
    /// <exception cref="SimulationException">No convergence with the smallest step, or a singular matrix; the message names the node or branch and the time.</exception>
    public void Run(ISimulationOutput output)
    {
        var system = System = new MnaSystem(_circuit, _options, _spec.Step, _spec.Stop);
        var newton = new NewtonRaphson(system);
        Statistics = newton.Statistics;
        var ctx = system.Context;
        var x = ctx.Solution;
        Initialise(system, newton);

        var signals = system.SelectSignals(Saves);
        var header = new List<Signal> { new("time", SignalType.Time) };
        header.AddRange(signals.Select(s => s.Signal));
        output.BeginPlot(new PlotHeader(_circuit.Title, "Transient Analysis", "tran", header));
        var row = new double[header.Count];
        void Write(double t)
        {
            if (t < _spec.Start) return;
            row[0] = t;
            for (int k = 0; k < signals.Count; k++)
            {
                int index = signals[k].Index;
                row[k + 1] = index >= 0 ? x[index] : system.SignalValue(index);
            }
            output.WriteRow(row);
        }
        Write(0);
        Started?.Invoke(system);

        double stop = _spec.Stop;
        double tmax = _spec.MaxStep ?? Math.Min(_spec.Step, (stop - _spec.Start) / 50);
        double delmin = 1e-11 * tmax;
        double minBreak = MinimumBreakpointDistance(tmax);
        double time = 0;
        double nextBreak = NextBreakpoint(system, time, stop, minBreak);
        // t = 0 counts as a corner: the first step is at most a tenth of the distance to the next
        // corner, and a tenth of the initial guess again on the very first step (SPICE's start).
        double delta = Math.Min(Math.Min(stop / 100, _spec.Step) / 10, 0.1 * nextBreak) / 10;
        Array.Fill(_deltas, delta);
        int order = 1;
        int maxOrder = _options.Method == IntegrationMethod.BackwardEuler ? 1 : Math.Min(2, _options.MaxOrder);
        var previous = new double[x.Length];
        // chord Newton starts from the extrapolation of the last two accepted solutions (ChordPredict)
        bool predictor = _options.ChordPredict && newton.ChordEnabled;
        var beforeLast = predictor ? new double[x.Length] : previous;
        bool smooth = false; // the last two accepted points lie on one smooth stretch (no corner, event or start between them)
        bool firstStep = true;
        bool retry = false;
        _stopRequested = false;
        StoppedEarly = false;

        while (time < stop * (1 - 1e-12))
        {
            if (_stopRequested) { StoppedEarly = true; break; }
            StepStarting?.Invoke(time);
            foreach (var b in system.StepLimiting) delta = Math.Min(delta, b.MaxTimeStep(ctx));
            double unclipped = delta;
            bool hitBreak = false;
            // Snap onto the corner when the step would stop short of it by less than minBreak:
            // otherwise the next step would be a sliver (1e-21 s seen) that only adds round-off.
            // A retried step is never lengthened by the snap: with the corner a few ns ahead, a
            // step that failed (or was cut for its error or an event) would otherwise be set back
            // to the same length every time and retried forever (seen in a 4-neuron Milo network).
            if (time + delta >= nextBreak - Math.Max(delmin, minBreak) && (!retry || nextBreak - time <= delta))
            {
                delta = nextBreak - time;
                hitBreak = true;
            }
            _deltas[0] = delta;
            SetCoefficients(ctx, time + delta, delta, order);
            Array.Copy(x, previous, x.Length);
            ctx.SetPredictionFactor(delta / _deltas[1]);
            if (predictor && smooth)
            {
                double r = delta / _deltas[1];
                for (int i = 1; i < x.Length; i++) x[i] += r * (x[i] - beforeLast[i]);
            }
            if (!newton.Iterate(_options.Itl4, predict: !firstStep))
            {
                Array.Copy(previous, x, x.Length);
                newton.Statistics.Rejections++;
                delta /= 8;
                order = 1;
                if (delta < delmin)
                {
                    string culprit = newton.Culprit;
                    throw new SimulationException($"transient: no convergence at time {time:G6} s at {culprit} (time step {delta:G3} s is below the minimum {delmin:G3} s)", culprit, time);
                }
                retry = true;
                continue;
            }
            // The first step has no history to estimate its error from; SPICE accepts it unchecked
            // and repeats its size once.
            double proposed = firstStep ? delta : Math.Min(TruncationStep(system, order, delta), tmax);
            if (!firstStep && proposed < 0.9 * delta && delta > delmin)
            {
                Array.Copy(previous, x, x.Length);
                newton.Statistics.Rejections++;
                delta = Math.Max(proposed, delmin);
                retry = true;
                continue;
            }

            double theta = EventFraction(system, previous);
            if (theta < 1 && delta * (1 - theta) > _options.EventTolerance)
            {
                // A threshold was crossed inside the step: redo the step so it ends just past the crossing.
                Array.Copy(previous, x, x.Length);
                newton.Statistics.EventRefinements++;
                delta = Math.Max(theta * delta + 0.5 * _options.EventTolerance, delmin);
                retry = true;
                continue;
            }
            bool hitEvent = theta <= 1;

            // Raise the order only when it pays (SPICE's rule): from first order, the second-order
            // error estimate must allow a step more than 5 % longer than the present one; the step
            // then comes from that estimate whether or not the order is raised.
            int nextOrder = order;
            if (!firstStep && order == 1 && maxOrder >= 2)
            {
                double second = Math.Min(TruncationStep(system, 2, delta), tmax);
                nextOrder = second > 1.05 * delta ? 2 : 1;
                proposed = second;
            }

            time = hitBreak ? nextBreak : time + delta;
            retry = false;
            ctx.SetTime(time);
            ctx.RotateStates();
            for (int k = _deltas.Length - 1; k > 0; k--) _deltas[k] = _deltas[k - 1];
            foreach (var b in system.Accepting) b.Accept(ctx);
            newton.Statistics.TimePoints++;
            if (predictor) Array.Copy(previous, beforeLast, x.Length);
            smooth = !firstStep && !hitBreak && !hitEvent;
            Write(time);
            TimePointAccepted?.Invoke(time);

            bool scheduled = hitBreak && _scheduled.Count > 0 && _scheduled.Min <= time * (1 + 1e-12);
            while (_scheduled.Count > 0 && _scheduled.Min <= time * (1 + 1e-12)) _scheduled.Remove(_scheduled.Min);
            if (scheduled) ScheduledEventReached?.Invoke(time, ctx);
            if (hitEvent) StateEventAccepted?.Invoke(time);
            EndTime = time;

            double next = firstStep ? Math.Min(delta, tmax) : Math.Min(Math.Min(proposed, 2 * delta), tmax);
            firstStep = false;
            // devices add corners when they act on an event (a neuron's pulse and refractory end)
            if (hitEvent || scheduled || _scheduleChanged) nextBreak = NextBreakpoint(system, time, stop, minBreak);
            _scheduleChanged = false;
            if (hitBreak)
            {
                nextBreak = NextBreakpoint(system, time, stop, minBreak);
                order = 1;
                next = Math.Min(next, 0.1 * Math.Min(unclipped, nextBreak - time));
            }
            else if (hitEvent)
            {
                // the device acted on its crossing in Accept: restart the method like after a corner
                order = 1;
                next = Math.Min(next, 0.1 * unclipped);
            }
            else order = nextOrder;
            delta = Math.Max(next, delmin);
        }
        output.EndPlot();
    }

    /// <summary>Operating point (or the UIC start), then one load that sets every state from it and fills the history.</summary>
    private void Initialise(MnaSystem system, NewtonRaphson newton)
    {
        var ctx = system.Context;
        if (_spec.UseIc)
        {
            Array.Clear(ctx.Solution);
            foreach (var (node, value) in _circuit.InitialConditions)
            {
                int i = system.FindNode(node);
                if (i < 0) throw new CircuitException(".ic", $"node '{node}' does not exist");
                ctx.Solution[i] = value;
            }
        }
        else OperatingPoint.Solve(system, newton, _circuit, useIc: false);
        StartHistory(system);
        if (!_spec.UseIc) return;
        // Under UIC the initial vector holds only the initial conditions: a node driven by a source
        // still reads 0. The t = 0 point is made consistent by one backward-Euler step of negligible
        // length h0 taken at t = 0 from that state: C/h0 and L/h0 pin every capacitor voltage and
        // inductor current to its initial value while sources, resistors and devices settle.
        double h0 = 1e-9 * (_spec.MaxStep ?? Math.Min(_spec.Step, (_spec.Stop - _spec.Start) / 50));
        ctx.SetTransient(0, h0, _options.Method, 1, 1 / h0, 0, 0, false, true);
        if (!newton.Iterate(_options.Itl4))
        {
            string culprit = newton.Culprit;
            throw new SimulationException($"transient: no consistent initial point at {culprit} with UIC", culprit, 0);
        }
        StartHistory(system);
    }

    /// <summary>Loads the present solution in MODEINITTRAN and makes it every past time point of the integration history.</summary>
    private void StartHistory(MnaSystem system)
    {
        var ctx = system.Context;
        ctx.SetTransient(0, 0, _options.Method, 1, 0, 0, 0, initTransient: true, useIc: _spec.UseIc);
        ctx.BeginLoad();
        foreach (var b in system.Loaders) b.Load(ctx);
        ctx.FillHistory();
        foreach (var b in system.Accepting) b.Accept(ctx);
    }

    /// <summary>
    /// Integration coefficients for a step h: Euler α₀ = 1/h; trapezoidal α₀ = 2/h (with the past
    /// derivative weighted 1); variable-step BDF2 with r = h/h₁:
    /// α₀ = (1+2r)/(h(1+r)), α₁ = −(1+r)/h, α₂ = r²/(h(1+r)).
    /// </summary>
    private void SetCoefficients(LoadContext ctx, double time, double h, int order)
    {
        var method = _options.Method;
        if (order == 1 || method == IntegrationMethod.BackwardEuler)
            ctx.SetTransient(time, h, method, 1, 1 / h, 0, 0, false, _spec.UseIc);
        else if (method == IntegrationMethod.Trapezoidal)
            ctx.SetTransient(time, h, method, 2, 2 / h, 1, 0, false, _spec.UseIc);
        else
        {
            double r = h / _deltas[1];
            ctx.SetTransient(time, h, method, 2, (1 + 2 * r) / (h * (1 + r)), -(1 + r) / h, r * r / (h * (1 + r)), false, _spec.UseIc);
        }
    }

    /// <summary>
    /// Largest step allowed by the local truncation error of every charge (SPICE's CKTterr):
    /// the (order+1)-th divided difference of q over the last order+2 points estimates the error
    /// term; the tolerance is max(abstol + reltol·|i|, reltol·max(|q|, chgtol)/h); trtol scales it.
    /// </summary>
    private double TruncationStep(MnaSystem system, int order, double delta)
    {
        var ctx = system.Context;
        var opt = _options;
        double factor = (_options.Method == IntegrationMethod.Gear ? GearError : TrapezoidalError)[order - 1];
        double best = double.PositiveInfinity;
        var s0 = ctx.States(0);
        var s1 = ctx.States(1);
        var s2 = ctx.States(2);
        var s3 = ctx.States(3);
        var rule = new TruncationError(opt, order, factor, _deltas);
        foreach (int q in system.Charges)
            best = Math.Min(best, rule.Step(s0[q], s1[q], s2[q], s3[q], s0[q + 1], s1[q + 1]));
        foreach (var t in system.Truncating) best = Math.Min(best, t.TruncationStep(in rule));
        return best;
    }

    private static double EventFraction(MnaSystem system, double[] previous)
    {
        double theta = double.PositiveInfinity;
        foreach (var e in system.Events) theta = Math.Min(theta, e.EventFraction(system.Context, previous));
        return theta;
    }

    /// <summary>
    /// Smallest distance between the present point and a corner that is still stepped to, s:
    /// 5·10⁻⁵·TMAX (SPICE's minimum breakpoint spacing). A corner nearer than that is treated as
    /// reached, so no step shorter than it is ever taken just to land on a corner.
    /// </summary>
    public static double MinimumBreakpointDistance(double maxStep) => 5e-5 * maxStep;

    private double NextBreakpoint(MnaSystem system, double time, double stop, double minBreak)
    {
        double next = NextAfter(system, time, stop);
        // corners closer than minBreak to the present point are treated as passed
        while (next < stop && next <= time + minBreak) next = Math.Min(stop, NextAfter(system, next, stop));
        return next;
    }

    private double NextAfter(MnaSystem system, double time, double stop)
    {
        double next = stop;
        foreach (double t in _scheduled)
            if (t > time) { next = Math.Min(next, t); break; }
        foreach (var b in system.Breakpoints) next = Math.Min(next, b.NextBreakpoint(time));
        return next;
    }
}
