namespace AnalogNN.Circuit;

/// <summary>Integration method of the transient analysis.</summary>
public enum IntegrationMethod
{
    /// <summary>Trapezoidal rule (SPICE default), second order.</summary>
    Trapezoidal,
    /// <summary>Backward differentiation formula of order 2 (Gear-2).</summary>
    Gear,
    /// <summary>Backward Euler, first order (mostly for tests and stiff starts).</summary>
    BackwardEuler,
}

/// <summary>
/// Every tolerance and iteration limit of the engine, with SPICE names and the SPICE3/ngspice
/// defaults. <c>.options</c> cards map onto it through <c>TrySet</c>.
/// </summary>
public sealed class SimulationOptions
{
    /// <summary>Relative tolerance of the Newton convergence test (reltol).</summary>
    public double RelTol { get; set; } = 1e-3;
    /// <summary>Absolute current tolerance, A (abstol).</summary>
    public double AbsTol { get; set; } = 1e-12;
    /// <summary>Absolute voltage tolerance, V (vntol).</summary>
    public double VnTol { get; set; } = 1e-6;
    /// <summary>Absolute charge tolerance used by the truncation-error estimate, C (chgtol).</summary>
    public double ChgTol { get; set; } = 1e-14;
    /// <summary>Minimum conductance placed across every junction, S (gmin).</summary>
    public double Gmin { get; set; } = 1e-12;
    /// <summary>Relative pivot threshold of the sparse LU (pivrel).</summary>
    public double PivRel { get; set; } = 1e-3;
    /// <summary>Absolute pivot threshold of the sparse LU (pivtol).</summary>
    public double PivTol { get; set; } = 1e-13;
    /// <summary>Newton iteration limit of the DC operating point (itl1).</summary>
    public int Itl1 { get; set; } = 100;
    /// <summary>Newton iteration limit per DC-sweep point (itl2).</summary>
    public int Itl2 { get; set; } = 50;
    /// <summary>Newton iteration limit per transient time point (itl4).</summary>
    public int Itl4 { get; set; } = 10;
    /// <summary>Truncation-error overestimation factor (trtol).</summary>
    public double TrTol { get; set; } = 7;
    /// <summary>Number of gmin steps tried when plain Newton fails (gminsteps).</summary>
    public int GminSteps { get; set; } = 10;
    /// <summary>Number of source steps tried when gmin stepping fails (srcsteps).</summary>
    public int SrcSteps { get; set; } = 10;
    /// <summary>Transient integration method (method=trap|gear|euler).</summary>
    public IntegrationMethod Method { get; set; } = IntegrationMethod.Trapezoidal;
    /// <summary>Maximum integration order (maxord); 1 or 2.</summary>
    public int MaxOrder { get; set; } = 2;
    /// <summary>Largest error allowed in the time of a state-triggered event (a threshold crossing), s (eventtol; AnalogNN extension).</summary>
    public double EventTolerance { get; set; } = 1e-9;
    /// <summary>Largest node-voltage change of a converged sweep of the network-level crossbar DC solver, V (xbartol; AnalogNN extension).</summary>
    public double CrossbarTolerance { get; set; } = 1e-12;
    /// <summary>Sweep limit of the network-level crossbar DC solver (xbarsweeps; AnalogNN extension).</summary>
    public int CrossbarSweeps { get; set; } = 10000;
    /// <summary>
    /// Steady-state tolerance, V/s (sstol; AnalogNN extension): a transient watched by a
    /// <c>SteadyStateDetector</c> is at steady state once the largest |dv/dt| of its watched nodes,
    /// estimated over each accepted step, stays at or below this value for <see cref="SteadyStatePoints"/> points.
    /// </summary>
    public double SteadyStateTolerance { get; set; } = 1e-3;
    /// <summary>Consecutive accepted points below <see cref="SteadyStateTolerance"/> that make a steady state (sspoints; AnalogNN extension).</summary>
    public int SteadyStatePoints { get; set; } = 3;
    /// <summary>
    /// Chord (modified) Newton in the transient (chord=1|0; AnalogNN extension): an iteration reuses
    /// the last LU factors instead of factoring the new Jacobian and solves for the update from the
    /// exact residual, Δx = J_old⁻¹·(b − A·x), so a converged point is a solution of the same
    /// equations as with full Newton. The factors are renewed when a row of the (condensed) matrix
    /// has changed by more than <see cref="ChordChange"/> since it was factored (a new time step
    /// changes every capacitor's α₀·C), when the update contracts worse than
    /// <see cref="ChordContraction"/>, after <see cref="ChordIterations"/> chord iterations without
    /// convergence in one step, and after a failed step. Chord iterations run only on a system whose
    /// state unknowns are condensed (<see cref="CondenseStates"/>): the local state equations are then
    /// solved exactly every iteration and only the node-voltage Schur complement is reused. Circuits
    /// without such unknowns, and DC analyses, always use full Newton.
    /// </summary>
    public bool ChordNewton { get; set; } = true;
    /// <summary>
    /// Largest relative change of a row of the condensed matrix, Σ|ΔS|/Σ|S| over the row, for which the
    /// old factors are reused by chord Newton (chordchange).
    /// </summary>
    public double ChordChange { get; set; } = 1e-3;
    /// <summary>
    /// Eliminate state unknowns (a memristor's x) locally before the sparse factorization
    /// (condense=1|0; AnalogNN extension): each such unknown couples only to node voltages and has
    /// its own diagonal, so it is solved exactly from them and the sparse LU factors the node system
    /// alone. The result is the same linear solve; a state pivot that fails pivrel/pivtol falls back to
    /// factoring the whole matrix.
    /// </summary>
    public bool CondenseStates { get; set; } = true;
    /// <summary>
    /// Largest accepted contraction ‖Δx⁽ᵏ⁾‖/‖Δx⁽ᵏ⁻¹⁾‖ of chord iterations (chordrate; norms in units of each
    /// unknown's convergence tolerance). A worse ratio refactors the Jacobian for the next iteration.
    /// </summary>
    public double ChordContraction { get; set; } = 0.3;
    /// <summary>
    /// A chord iterate that passes the convergence test is accepted only when its estimated remaining
    /// error ρ/(1−ρ)·|Δx|, with ρ the last contraction, is at most this fraction of each unknown's
    /// tolerance (chordaccept): linear convergence must not leave more error than full Newton would.
    /// </summary>
    public double ChordAccept { get; set; } = 0.1;
    /// <summary>Chord iterations allowed in one time step before the Jacobian is refactored (chorditl).</summary>
    public int ChordIterations { get; set; } = 3;
    /// <summary>
    /// Start each time point's chord iterations from the linear extrapolation of the last two accepted
    /// solutions instead of the last one (chordpredict=1|0; AnalogNN extension). Chord Newton
    /// converges linearly, so its error after the first iteration is proportional to the first
    /// update: on a ramp of a PULSE source every node moves by about the same amount each step, which
    /// the extrapolation predicts and the last solution does not. Only the starting point changes;
    /// the equations, the convergence test and the acceptance rules are those of chord Newton. Not
    /// applied on the first step after a breakpoint (the slope of the sources changes there) and
    /// where chord Newton does not run.
    /// </summary>
    public bool ChordPredict { get; set; } = true;
    /// <summary>
    /// Pivot order of the sparse LU (ordering=nd|markowitz; AnalogNN extension). True (nd): a
    /// nested-dissection order of the matrix pattern, computed once and followed while its diagonal
    /// pivots pass pivrel/pivtol, any rejected pivot chosen by Markowitz instead; false (markowitz):
    /// Markowitz at every step, as SPICE does.
    /// </summary>
    public bool NestedDissection { get; set; }
    /// <summary>Circuit temperature, °C (temp).</summary>
    public double Temp { get; set; } = 27;
    /// <summary>Nominal temperature of model parameters, °C (tnom).</summary>
    public double Tnom { get; set; } = 27;

    /// <summary>
    /// BYPASS: devices that support it keep the stamp of instances whose equations are linear and
    /// unchanged in the present region (a 1T1R cell with its transistor in cut-off and its state at
    /// rest) as one summed stamp instead of evaluating them one by one. Unlike SPICE's bypass this is
    /// exact: it is used only where the device equations are linear. 0 turns it off.
    /// </summary>
    public bool Bypass { get; set; } = true;

    /// <summary>Thermal voltage kT/q at <see cref="Temp"/>, V.</summary>
    public double ThermalVoltage => Constants.Boltzmann * (Temp + Constants.KelvinOffset) / Constants.Charge;

    /// <summary>Sets an option by its SPICE name (case-insensitive). Returns false for an unknown name.</summary>
    public bool TrySet(string name, double value)
    {
        switch (name.ToLowerInvariant())
        {
            case "reltol": RelTol = value; return true;
            case "abstol": AbsTol = value; return true;
            case "vntol": VnTol = value; return true;
            case "chgtol": ChgTol = value; return true;
            case "gmin": Gmin = value; return true;
            case "pivrel": PivRel = value; return true;
            case "pivtol": PivTol = value; return true;
            case "itl1": Itl1 = (int)value; return true;
            case "itl2": Itl2 = (int)value; return true;
            case "itl4": Itl4 = (int)value; return true;
            case "trtol": TrTol = value; return true;
            case "gminsteps": GminSteps = (int)value; return true;
            case "srcsteps": SrcSteps = (int)value; return true;
            case "maxord": MaxOrder = Math.Clamp((int)value, 1, 2); return true;
            case "eventtol": EventTolerance = value; return true;
            case "xbartol": CrossbarTolerance = value; return true;
            case "xbarsweeps": CrossbarSweeps = (int)value; return true;
            case "sstol": SteadyStateTolerance = value; return true;
            case "sspoints": SteadyStatePoints = Math.Max(1, (int)value); return true;
            case "chord": ChordNewton = value != 0; return true;
            case "chordrate": ChordContraction = value; return true;
            case "chordchange": ChordChange = value; return true;
            case "chordaccept": ChordAccept = value; return true;
            case "condense": CondenseStates = value != 0; return true;
            case "chorditl": ChordIterations = (int)value; return true;
            case "chordpredict": ChordPredict = value != 0; return true;
            case "temp": Temp = value; return true;
            case "tnom": Tnom = value; return true;
            case "bypass": Bypass = value != 0; return true;
            default: return false;
        }
    }

    /// <summary>Sets a string-valued option (method=trap|gear|euler). Returns false if unknown.</summary>
    public bool TrySet(string name, string value)
    {
        if (name.Equals("ordering", StringComparison.OrdinalIgnoreCase))
        {
            switch (value.ToLowerInvariant())
            {
                case "nd": NestedDissection = true; return true;
                case "markowitz": NestedDissection = false; return true;
                default: return false;
            }
        }
        if (!name.Equals("method", StringComparison.OrdinalIgnoreCase)) return false;
        switch (value.ToLowerInvariant())
        {
            case "trap": case "trapezoidal": Method = IntegrationMethod.Trapezoidal; return true;
            case "gear": Method = IntegrationMethod.Gear; return true;
            case "euler": case "be": Method = IntegrationMethod.BackwardEuler; return true;
            default: return false;
        }
    }

    /// <summary>A copy that can be changed without affecting this instance.</summary>
    public SimulationOptions Clone() => (SimulationOptions)MemberwiseClone();
}

/// <summary>
/// Physical constants in SI units. k and q are the CODATA 2014 values that ngspice 39 uses
/// (not the exact 2019 SI values): kT/q then agrees with ngspice to the last digit, which matters
/// where a junction amplifies it — the 2019 values shift kT/q by 3.4·10⁻⁷ relative, enough to move
/// a diode's reverse-recovery snap by several percent of full scale.
/// </summary>
public static class Constants
{
    /// <summary>Boltzmann constant, J/K (CODATA 2014).</summary>
    public const double Boltzmann = 1.38064852e-23;
    /// <summary>Elementary charge, C (CODATA 2014).</summary>
    public const double Charge = 1.6021766208e-19;
    /// <summary>0 °C in kelvin.</summary>
    public const double KelvinOffset = 273.15;
}
