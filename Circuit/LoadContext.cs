namespace AnalogNN.Circuit;

/// <summary>Which analysis is loading the circuit.</summary>
public enum AnalysisKind
{
    /// <summary>DC operating point (also each point of a DC sweep): capacitors open, inductors shorted.</summary>
    Dc,
    /// <summary>A transient time point: reactive elements stamp their integration companion models.</summary>
    Transient,
}

/// <summary>
/// The explicit, read-only description of the Newton iteration that a behaviour's
/// <see cref="IBehavior.Load"/> sees: time, step, integration coefficients, source factor and
/// iteration mode, plus the vectors it reads (solution, past states) and stamps (matrix, right-hand
/// side, present states). The simulation owns and updates it; devices never change its scalars.
/// </summary>
public sealed class LoadContext
{
    /// <summary>Creates a context for a system of <paramref name="size"/> unknowns (plus ground).</summary>
    public LoadContext(SimulationOptions options, int size, int slots, int states)
    {
        Options = options;
        Solution = new double[size + 1];
        Rhs = new double[size + 1];
        Matrix = new double[slots + 1];
        for (int k = 0; k < StateHistory; k++) _states[k] = new double[Math.Max(states, 1)];
        Gmin = options.Gmin;
    }

    /// <summary>Number of past state vectors kept (present, and three accepted points before it).</summary>
    public const int StateHistory = 4;
    private readonly double[][] _states = new double[StateHistory][];
    private readonly double[] _ag = new double[3];

    /// <summary>Engine options.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The analysis being run.</summary>
    public AnalysisKind Analysis { get; private set; }

    /// <summary>First Newton iteration of an operating point: junctions start from their critical voltages.</summary>
    public bool InitJunction { get; private set; }

    /// <summary>First solve of a transient time point after the operating point (history is initialised from the present).</summary>
    public bool InitTransient { get; private set; }

    /// <summary>
    /// First Newton iteration of a transient time point after the first: a nonlinear device may start
    /// from its junction voltages extrapolated linearly from the last two accepted points,
    /// v ≈ (1 + r)·v₁ − r·v₂ with r = <see cref="PredictionFactor"/>, instead of the previous point's
    /// solution (SPICE's device-level predictor, MODEINITPRED), and limit against v₁.
    /// </summary>
    public bool InitPredict { get; private set; }

    /// <summary>Ratio of the present step to the previous one, h/h₁, for <see cref="InitPredict"/>.</summary>
    public double PredictionFactor { get; private set; }

    /// <summary>Transient started with UIC: element IC= values override the solved operating point.</summary>
    public bool UseInitialConditions { get; private set; }

    /// <summary>Simulation time of the point being solved, s.</summary>
    public double Time { get; private set; }

    /// <summary>Present time step, s (0 in DC).</summary>
    public double Delta { get; private set; }

    /// <summary>Integration order in use (1 or 2).</summary>
    public int Order { get; private set; } = 1;

    /// <summary>Integration method in use.</summary>
    public IntegrationMethod Method { get; private set; } = IntegrationMethod.BackwardEuler;

    /// <summary>Leading integration coefficient α₀ (1/s): dq/dt ≈ α₀·q + history.</summary>
    public double Ag0 => _ag[0];

    /// <summary>Factor on every independent source (source stepping), 0 … 1.</summary>
    public double SourceFactor { get; private set; } = 1;

    /// <summary>Conductance added across junctions, S (gmin, raised during gmin stepping).</summary>
    public double Gmin { get; private set; }

    /// <summary>
    /// Present Newton iterate, indexed by unknown; entry 0 is ground and always 0. Devices only read
    /// it, except in the initialising load of a UIC transient (<see cref="InitTransient"/> with
    /// <see cref="UseInitialConditions"/>), where an element may write the IC of its own branch unknown.
    /// </summary>
    public double[] Solution { get; }

    /// <summary>Matrix values indexed by slot (slot 0 is the discard slot).</summary>
    public double[] Matrix { get; }

    /// <summary>Right-hand side indexed by unknown (entry 0 is discarded).</summary>
    public double[] Rhs { get; }

    /// <summary>States at the point being solved.</summary>
    public double[] State0 => _states[0];
    /// <summary>States at the last accepted point.</summary>
    public double[] State1 => _states[1];
    /// <summary>States at the accepted point before <see cref="State1"/>.</summary>
    public double[] State2 => _states[2];

    /// <summary>State vector <paramref name="age"/> accepted points back (0 = present).</summary>
    public double[] States(int age) => _states[age];

    /// <summary>Number of devices that limited their voltages in this iteration (SPICE's noncon).</summary>
    public int Limited { get; private set; }

    /// <summary>A device calls this when it limited a junction voltage: the iteration cannot be the last.</summary>
    public void ReportLimited() => Limited++;

    /// <summary>
    /// Integrates charge state <paramref name="q"/> (State0[q] set by the caller) into its current
    /// State0[q+1] = dq/dt with the active method, and returns it. For a capacitance C the companion
    /// model is then g = α₀·C and Norton current i − α₀·q (SPICE's NIintegrate):
    /// <list type="bullet">
    /// <item>Euler: i = (q₀ − q₁)/h</item>
    /// <item>trapezoidal: i = 2(q₀ − q₁)/h − i₁</item>
    /// <item>Gear-2: i = α₀q₀ + α₁q₁ + α₂q₂ (variable-step BDF2 coefficients)</item>
    /// </list>
    /// </summary>
    public double Integrate(int q)
    {
        double[] s0 = _states[0], s1 = _states[1];
        double i;
        if (Order == 1 || Method == IntegrationMethod.BackwardEuler)
            i = _ag[0] * (s0[q] - s1[q]);
        else if (Method == IntegrationMethod.Trapezoidal)
            i = _ag[0] * (s0[q] - s1[q]) - _ag[1] * s1[q + 1];
        else
            i = _ag[0] * s0[q] + _ag[1] * s1[q] + _ag[2] * _states[2][q];
        s0[q + 1] = i;
        return i;
    }

    /// <summary>
    /// The part of the integrated derivative that does not depend on the present value, for a
    /// quantity a device integrates in its own storage: with it, <see cref="Integrate"/> is
    /// dq₀/dt = α₀·q₀ + history. Euler: −α₀q₁; trapezoidal: −α₀q₁ − q̇₁; Gear-2: α₁q₁ + α₂q₂.
    /// </summary>
    public double DerivativeHistory(double q1, double dq1, double q2)
    {
        if (Order == 1 || Method == IntegrationMethod.BackwardEuler) return -_ag[0] * q1;
        if (Method == IntegrationMethod.Trapezoidal) return -_ag[0] * q1 - _ag[1] * dq1;
        return _ag[1] * q1 + _ag[2] * q2;
    }

    /// <summary>
    /// <see cref="Integrate"/> for a quantity kept outside the state vectors: the derivative at the
    /// present value <paramref name="q0"/> from the past values and derivative, same arithmetic.
    /// </summary>
    public double IntegrateValue(double q0, double q1, double dq1, double q2)
    {
        if (Order == 1 || Method == IntegrationMethod.BackwardEuler) return _ag[0] * (q0 - q1);
        if (Method == IntegrationMethod.Trapezoidal) return _ag[0] * (q0 - q1) - _ag[1] * dq1;
        return _ag[0] * q0 + _ag[1] * q1 + _ag[2] * q2;
    }

    /// <summary>Newton iteration number within the present solve (1 = first), set by the simulation.</summary>
    public int Iteration { get; private set; }

    // ---- called by the simulation only ----

    /// <summary>Clears matrix, right-hand side and the limiting counter before a load.</summary>
    internal void BeginLoad()
    {
        Array.Clear(Matrix);
        Array.Clear(Rhs);
        Limited = 0;
    }

    internal void SetDc(bool initJunction, double sourceFactor, double gmin)
    {
        Analysis = AnalysisKind.Dc;
        InitJunction = initJunction;
        InitTransient = false;
        InitPredict = false;
        SourceFactor = sourceFactor;
        Gmin = gmin;
        Delta = 0;
        _ag[0] = _ag[1] = _ag[2] = 0;
    }

    internal void SetTransient(double time, double delta, IntegrationMethod method, int order,
        double ag0, double ag1, double ag2, bool initTransient, bool useIc)
    {
        Analysis = AnalysisKind.Transient;
        InitJunction = false;
        SourceFactor = 1;
        Gmin = Options.Gmin;
        Time = time;
        Delta = delta;
        Method = method;
        Order = order;
        _ag[0] = ag0; _ag[1] = ag1; _ag[2] = ag2;
        InitTransient = initTransient;
        UseInitialConditions = useIc;
    }

    internal void SetTime(double time) => Time = time;

    internal void SetInitJunction(bool value) => InitJunction = value;

    internal void SetInitPredict(bool value) => InitPredict = value;

    internal void SetIteration(int iteration) => Iteration = iteration;

    internal void SetPredictionFactor(double ratio) => PredictionFactor = ratio;

    /// <summary>Makes the present states the last accepted ones (shifts the history by one).</summary>
    internal void RotateStates()
    {
        var oldest = _states[StateHistory - 1];
        for (int k = StateHistory - 1; k > 0; k--) _states[k] = _states[k - 1];
        _states[0] = oldest;
        Array.Copy(_states[1], _states[0], oldest.Length);
    }

    /// <summary>Copies the present states into every history slot (start of a transient).</summary>
    internal void FillHistory()
    {
        for (int k = 1; k < StateHistory; k++) Array.Copy(_states[0], _states[k], _states[0].Length);
    }
}
