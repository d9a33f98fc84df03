using AnalogNN.Circuit;
using AnalogNN.Components.Semiconductors;

namespace AnalogNN.Components.Memristors;

/// <summary>Result of solving a 1T1R cell at given terminal voltages.</summary>
/// <param name="SourceCurrent">Current the cell delivers into its source node, A (positive into the node).</param>
/// <param name="SourceConductance">−∂(source current)/∂v_s, S (positive for a cell that pulls the node toward its TE).</param>
/// <param name="MemristorVoltage">v_te − v_mid, V.</param>
/// <param name="MemristorCurrent">Current through the memristor from TE to the internal node, A.</param>
public readonly record struct CellOperatingPoint(double SourceCurrent, double SourceConductance, double MemristorVoltage, double MemristorCurrent);

/// <summary>
/// The equations of one 1T1R cell outside the MNA engine, for network-level simulation: the cell's
/// memristor kernel (its current and state rate, with the device's variability factors) in series
/// with its level-1 access transistor (<see cref="Level1Channel"/>, the same square law the MOSFET
/// and the condensed cell use) and the transistor's bulk junctions (ideal diodes with gmin). Two
/// services: <see cref="Solve"/> finds the internal node at fixed state (a read, or a step of the
/// membrane with the state frozen) and <see cref="Program"/> integrates the state over an interval in
/// which the terminal voltages move linearly (trapezoidal rule on sub-steps that move x by at most
/// <see cref="MaxStateStep"/>, each solved with a 2×2 Newton iteration on the internal node and x,
/// with the memristor's bound rule). Immutable; one instance serves every cell of one model pair.
/// </summary>
public sealed class CellSeries
{
    private readonly MemristorKernel _kernel;
    private readonly Level1Channel _ch;
    private readonly double _vt, _gmin;

    /// <summary>The series of <paramref name="cell"/>'s memristor model and transistor (model and geometry).</summary>
    public CellSeries(OneTransistorOneResistor cell, SimulationOptions? options = null)
    {
        options ??= new SimulationOptions();
        if (!cell.IsCondensed)
            throw new CircuitException(cell.Name, "network-level cells need a transistor without RD, RS, RSH and gate capacitances");
        _kernel = cell.States.Kernel;
        _ch = new Level1Channel(cell.TransistorModel, cell.Geometry);
        _vt = options.ThermalVoltage;
        _gmin = options.Gmin;
    }

    /// <summary>The memristor kernel.</summary>
    public MemristorKernel Kernel => _kernel;

    /// <summary>Threshold of the access transistor in its polarity frame (p·VTO), V.</summary>
    public double ThresholdVoltage => _ch.Vto;

    /// <summary>Polarity of the access transistor (+1 NMOS, −1 PMOS).</summary>
    public double Polarity => _ch.P;

    /// <summary>Largest change of x in one sub-step of <see cref="Program"/>.</summary>
    public double MaxStateStep { get; set; } = 2e-3;

    /// <summary>Largest local error estimate of x in one sub-step of <see cref="Program"/> (h/2·|Δf|).</summary>
    public double StateTolerance { get; set; } = 1e-5;

    /// <summary>
    /// True when the transistor is certainly in cut-off with both junctions reverse biased, so the cell
    /// only leaks through its junctions (<see cref="Leakage"/>): p·v_g − p·VTO ≤ p·min(v_s, v_te) − 1 mV
    /// and p·(v_b − min(v_s, v_te)) ≤ −3V_t − 1 mV (the internal node of a cell in cut-off is within
    /// microvolts of its TE).
    /// </summary>
    public bool IsOff(double vte, double vg, double vs, double vb)
    {
        double p = _ch.P;
        double low = Math.Min(p * vs, p * vte);
        return p * vg - _ch.Vto <= low - 1e-3 && p * vb - low <= -3 * _vt - 1e-3;
    }

    /// <summary>
    /// A cell in cut-off (<see cref="IsOff"/>): the current its source junction delivers into the source
    /// node, −p·I_S(bs) − gmin·(v_s − v_b)·…, linear in v_s; returns the current and its conductance.
    /// </summary>
    public double Leakage(double vs, double vb, out double conductance)
    {
        double p = _ch.P;
        double jbs = p * Level1Channel.BulkDiode(p * (vb - vs), _ch.IsS, _gmin, _vt, out double gbs);
        conductance = gbs;
        return jbs;
    }

    /// <summary>
    /// Solves the internal node at state <paramref name="x"/> (held) for the given terminal voltages;
    /// <paramref name="vm"/> is the starting guess and the solution.
    /// </summary>
    /// <exception cref="CircuitException">The internal node did not converge.</exception>
    public CellOperatingPoint Solve(double vte, double vg, double vs, double vb, double x, ref double vm)
    {
        double xs = x;
        Newton(vte, vg, vs, vb, ref vm, ref xs, hold: true, 0, 0, out var op);
        return op;
    }

    /// <summary>
    /// Integrates the state over [0, <paramref name="h"/>] while the terminal voltages move linearly
    /// from (<paramref name="vte0"/>, <paramref name="vg0"/>, <paramref name="vs0"/>) to
    /// (<paramref name="vte1"/>, <paramref name="vg1"/>, <paramref name="vs1"/>) (bulk fixed), starting
    /// from <paramref name="x"/> and internal node <paramref name="vm"/> (both updated). Returns the
    /// operating point at the end. Programming is counted like <c>ProgrammingMonitor</c> counts it, on
    /// the sub-steps: <paramref name="above"/> (in: at the start; out: at the end) tells whether
    /// |v_mem| is above <paramref name="threshold"/>, <paramref name="events"/> how often it rose above
    /// it, <paramref name="energy"/> ∫v_mem·i_mem dt while above (trapezoidal).
    /// </summary>
    /// <exception cref="CircuitException">A sub-step did not converge even when very short.</exception>
    public CellOperatingPoint Program(double vte0, double vte1, double vg0, double vg1, double vs0, double vs1, double vb,
        double h, ref double x, ref double vm, double threshold, ref bool above, out int events, out double energy, double up = 1, double down = 1)
    {
        double xs = x, vms = vm;
        Newton(vte0, vg0, vs0, vb, ref vms, ref xs, hold: true, 0, 0, out var op);
        double f0 = _kernel.BoundedRate(op.MemristorVoltage, xs, up, down);
        double p0 = above ? op.MemristorVoltage * op.MemristorCurrent : 0;
        energy = 0;
        events = 0;
        double t = 0, step = h;
        int guard = 0;
        while (t < h)
        {
            step = Math.Min(step, h - t);
            double s = (t + step) / h;
            double vte = vte0 + (vte1 - vte0) * s, vg = vg0 + (vg1 - vg0) * s, vs = vs0 + (vs1 - vs0) * s;
            double x1 = xs, vm1 = vms;
            bool ok = Newton(vte, vg, vs, vb, ref vm1, ref x1, hold: false, step, xs + 0.5 * step * f0, out var op1, 2 / step, up, down);
            double f1 = ok ? _kernel.BoundedRate(op1.MemristorVoltage, x1, up, down) : 0;
            // error estimate: how far the trapezoidal step is from backward Euler, h/2·|f₁ − f₀| (a rate
            // that turns on at its threshold during a TE edge makes this large while x barely moves)
            double error = 0.5 * step * Math.Abs(f1 - f0);
            if (!ok || Math.Abs(x1 - xs) > MaxStateStep || error > StateTolerance)
            {
                if (++guard > 200 || step < h * 1e-12) throw new CircuitException("cell", $"the state did not converge over a programming step of {h:G3} s");
                step *= 0.25;
                continue;
            }
            double moved = Math.Abs(x1 - xs);
            bool up1 = Math.Abs(op1.MemristorVoltage) > threshold;
            double p1 = up1 ? op1.MemristorVoltage * op1.MemristorCurrent : 0;
            if (up1 && !above) events++;
            if (up1 || above) energy += 0.5 * step * (p0 + p1);
            above = up1;
            xs = x1; vms = vm1; op = op1; p0 = p1;
            f0 = f1;
            t += step;
            if (moved < 0.25 * MaxStateStep && error < 0.25 * StateTolerance) step *= 2;
        }
        x = xs;
        vm = vms;
        return op;
    }

    /// <summary>
    /// Newton on the internal node (and, unless <paramref name="hold"/>, the state with the trapezoidal
    /// equation x − h/2·f(v, x) = <paramref name="rhs"/>, scaled by <paramref name="a0"/> = 2/h).
    /// </summary>
    private bool Newton(double vte, double vg, double vs, double vb, ref double vm, ref double x, bool hold, double h, double rhs,
        out CellOperatingPoint op, double a0 = 0, double up = 1, double down = 1)
    {
        double p = _ch.P, gmin = _gmin;
        double jbs = p * Level1Channel.BulkDiode(p * (vb - vs), _ch.IsS, gmin, _vt, out double gbs);
        for (int it = 0; it < 100; it++)
        {
            double xc = Math.Clamp(x, 0, 1);
            double v = vte - vm;
            double im = _kernel.Current(v, xc, out double gv, out double gx);
            double ids = _ch.Channel(vm, vg, vs, vb, out double dd, out double dg, out double ds, out double db);
            double jbd = p * Level1Channel.BulkDiode(p * (vb - vm), _ch.IsD, gmin, _vt, out double gbd);
            double f1 = im - ids + jbd;
            double j11 = -gv - dd - gbd, j12 = gx, j21 = 0, j22 = 1, f2 = 0;
            if (!hold)
            {
                double f = _kernel.Rate(v, xc, up, down, out double fv, out double fx);
                if ((x >= 1 && f > 0) || (x <= 0 && f < 0)) { f2 = x - (x >= 1 ? 1 : 0); }
                else
                {
                    // a0·(x − h/2·f − rhs) = 0
                    f2 = a0 * (x - 0.5 * h * f - rhs);
                    j21 = a0 * 0.5 * h * fv;
                    j22 = a0 * (1 - 0.5 * h * fx);
                }
            }
            double det = j11 * j22 - j12 * j21;
            if (det == 0 || !double.IsFinite(det)) break;
            double dvm = Math.Clamp((-f1 * j22 + f2 * j12) / det, -0.5, 0.5);
            double dx = hold ? 0 : (-f2 * j11 + f1 * j21) / det;
            double xn = Math.Clamp(x + dx, 0, 1);
            dx = xn - x;
            vm += dvm;
            x = xn;
            if (Math.Abs(dvm) <= 1e-9 && Math.Abs(dx) <= 1e-12)
            {
                // the condensed source conductance at the solution: d(i_s)/dv_s with v_mid following
                // into the node: I_s = i_ds + j_bs; dv_mid/dv_s = j22·∂i_ds/∂v_s / det (∂F₁/∂v_s = −∂i_ds/∂v_s)
                double dvmdvs = j22 * ds / det;
                double di = -(ds - gbs + dd * dvmdvs);
                double ideliv = ids + jbs + dd * dvm;
                op = new CellOperatingPoint(ideliv, di, vte - vm, im - gv * dvm + gx * dx);
                return true;
            }
        }
        op = default;
        return false;
    }
}
