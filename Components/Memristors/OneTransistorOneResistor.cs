using System.Globalization;
using AnalogNN.Circuit;
using AnalogNN.Components.Semiconductors;
using AnalogNN.Components.Sources;

namespace AnalogNN.Components.Memristors;

/// <summary>
/// The result of one fast-mode programming pulse on a 1T1R cell.
/// </summary>
/// <param name="StateBefore">Memristor state x before the pulse.</param>
/// <param name="StateAfter">Memristor state x after the pulse (before cycle-to-cycle noise).</param>
/// <param name="FinalCurrent">Cell current at the end of the pulse, A (into TE).</param>
/// <param name="PeakCurrent">Largest |cell current| during the pulse, A.</param>
/// <param name="Energy">Energy delivered to the cell, ∫(v_te − v_s)·i dt, J.</param>
/// <param name="MemristorEnergy">Energy dissipated in the memristor alone, ∫v_mem·i dt, J.</param>
/// <param name="FinalMemristorVoltage">Voltage across the memristor at the end of the pulse, V.</param>
/// <param name="Steps">Accepted integration steps.</param>
public readonly record struct CellPulseResult(double StateBefore, double StateAfter, double FinalCurrent, double PeakCurrent,
    double Energy, double MemristorEnergy, double FinalMemristorVoltage, int Steps);

/// <summary>
/// One-transistor–one-resistor (1T1R) cell <c>Y1T1R name te gate src [bulk] mmodel nmodel [W= L= AD= AS= NRD= NRS= M=] [X0=x0]</c>:
/// a memristor from the top electrode <c>te</c> to the internal node <c>name.mid</c>, and the access
/// MOSFET (level 1, the existing <see cref="Mosfet"/>) from <c>name.mid</c> (drain) to <c>src</c>,
/// gate <c>gate</c>, bulk <c>bulk</c> (default: <c>src</c>). Signals: the state <c>x(name)</c>, the
/// internal node <c>v(name.mid)</c> and the cell current <c>i(name)</c> (A, into TE, measured by an
/// internal 0 V ammeter, so F/H sources and B expressions can use it like a source current).
/// </summary>
/// <remarks>
/// The cell is a composite: its behaviour is the memristor's and the MOSFET's own behaviours (not a
/// re-implementation), so a cell gives the same waveforms as the same circuit written with an
/// <c>M</c> card and a <c>YMEMRISTOR</c> card. During a SET pulse with a moderate gate voltage the
/// transistor saturates at I_sat = β/2·(v_gs − V_th)² (β = KP·W/L_eff); the memristor then sees
/// v_mem = I_sat/G(x), which falls as the device sets, until the set rate vanishes: the transistor
/// imposes a compliance current and the final conductance grows with the gate voltage
/// (Milo et al., Fig. 2). The fast programming mode (<see cref="ApplyPulse"/>) solves the same
/// series without the MNA engine.
/// </remarks>
public sealed class OneTransistorOneResistor : Element, INetlistCard
{
    /// <summary>Creates a cell; <paramref name="bulk"/> null ties the bulk to the source.</summary>
    public OneTransistorOneResistor(string name, string topElectrode, string gate, string source, string? bulk,
        MemristorModel memristorModel, MosfetModel transistorModel, MosfetGeometry? geometry = null, double x0 = 0)
        : base(name, topElectrode, gate, source, bulk ?? source)
    {
        Require(double.IsFinite(x0) && x0 >= 0 && x0 <= 1, "X0", $"initial state must be in [0, 1] (got {x0:G6})");
        Model = memristorModel;
        TransistorModel = transistorModel;
        Geometry = geometry ?? new MosfetGeometry();
        MidNode = name + ".mid";
        Memristor = new Memristor(name, name + ".te", MidNode, memristorModel, x0);
        Transistor = new Mosfet(name, MidNode, gate, source, bulk ?? source, transistorModel, Geometry);
    }

    /// <summary>The memristor model.</summary>
    public MemristorModel Model { get; }

    /// <summary>The access transistor's model (NMOS or PMOS, level 1).</summary>
    public MosfetModel TransistorModel { get; }

    /// <summary>The access transistor's geometry.</summary>
    public MosfetGeometry Geometry { get; }

    /// <summary>Name of the internal node between memristor and drain (<c>name.mid</c>).</summary>
    public string MidNode { get; }

    /// <summary>The memristor part (TE → mid); its <see cref="Memristor.States"/> are the cell's state.</summary>
    public Memristor Memristor { get; }

    /// <summary>The access transistor (drain = mid).</summary>
    public Mosfet Transistor { get; }

    /// <summary>Initial state given on the card.</summary>
    public double InitialState => Memristor.InitialState;

    /// <summary>The persistent state, variability factors, pulse count and programming energy (1×1).</summary>
    public MemristorArray States => Memristor.States;

    /// <summary>
    /// True when the cell is simulated in condensed form (<see cref="CellBank"/>): its internal node and
    /// state are solved inside the device and every cell of the circuit is loaded by one bank. This
    /// holds when the transistor has no series resistances and no gate capacitances (RD, RS, RSH, TOX,
    /// CGSO, CGDO, CGBO all 0); otherwise the cell is the memristor's and the MOSFET's own behaviours
    /// with an internal 0 V ammeter.
    /// </summary>
    public bool IsCondensed
    {
        get
        {
            var m = TransistorModel;
            return m["rd"] == 0 && m["rs"] == 0 && m["rsh"] == 0 && m["tox"] == 0 && m["cgso"] == 0 && m["cgdo"] == 0 && m["cgbo"] == 0;
        }
    }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => IsCondensed ? new CondensedCellBehavior(this) : new OneTransistorOneResistorBehavior(this);

    /// <inheritdoc/>
    public string ToNetlistCard()
    {
        var g = Geometry;
        var c = CultureInfo.InvariantCulture;
        string n(double v) => v.ToString("R", c);
        var text = $"Y1T1R {Name} {string.Join(' ', Nodes)} {Model.Name} {TransistorModel.Name} W={n(g.W)} L={n(g.L)}";
        if (g.AD != 0) text += $" AD={n(g.AD)}";
        if (g.AS != 0) text += $" AS={n(g.AS)}";
        if (g.NRD != 1) text += $" NRD={n(g.NRD)}";
        if (g.NRS != 1) text += $" NRS={n(g.NRS)}";
        if (g.Multiplier != 1) text += $" M={n(g.Multiplier)}";
        return text + $" X0={n(InitialState)}";
    }

    // ------------------------------------------------------------------ fast programming mode

    /// <summary>Largest change of x in one fast-mode integration step (backward Euler is first order: the error in the final x is about 0.15·MaxStateStep on the SET pulses of the tests).</summary>
    public double MaxStateStep { get; init; } = 1e-3;

    /// <summary>
    /// Cell current (A, into TE) at the present state for TE at <paramref name="topElectrode"/> V and
    /// gate at <paramref name="gate"/> V, source and bulk at <paramref name="source"/> V: the series
    /// operating point, without changing the state (a read).
    /// </summary>
    public double Read(double topElectrode, double gate, double source = 0)
    {
        var s = new Series(this, topElectrode, gate, source);
        double x = States.X[0], vm = s.Guess();
        if (!s.Solve(x, 0, ref vm, ref x)) throw new CircuitException(Name, "the cell's operating point did not converge");
        return s.Current(vm, x, out _);
    }

    /// <summary>
    /// Applies one rectangular programming pulse in the fast mode: TE at <paramref name="amplitude"/> V,
    /// gate at <paramref name="gate"/> V, source and bulk at <paramref name="source"/> V, for
    /// <paramref name="width"/> s. The transistor–memristor series is a differential-algebraic system,
    /// <code>
    ///   i_mem(v_te − v_mid, x) = i_d(v_mid)          (KCL at mid, A)
    ///   dx/dt = f(v_te − v_mid, x)                    (the memristor model's rate, 1/s)
    /// </code>
    /// integrated with backward Euler (L-stable, so the stiff onset of a SET does not overshoot the
    /// compliance point) on steps that change x by at most <see cref="MaxStateStep"/>; each step solves
    /// both equations together with a 2×2 Newton iteration on (v_mid, x), using the memristor kernel's
    /// current and rate and the MOSFET's own square law. The pulse is counted, its energy
    /// ∫(v_te − v_s)·i dt (trapezoidal rule on the steps) is added to <see cref="States"/>, and the
    /// model's cycle-to-cycle noise is applied if the state moved. The bulk junction leakage (≤ IS) is
    /// neglected; a transistor with RD/RS is not supported in this mode.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative width or a non-finite voltage.</exception>
    /// <exception cref="CircuitException">The series did not converge, or the transistor has series resistances.</exception>
    public CellPulseResult ApplyPulse(double amplitude, double gate, double width, double source = 0)
    {
        if (!(width >= 0) || !double.IsFinite(amplitude) || !double.IsFinite(gate) || !double.IsFinite(source))
            throw new ArgumentOutOfRangeException(nameof(width), "pulse width must be >= 0 and voltages finite");
        var s = new Series(this, amplitude, gate, source);
        double x = States.X[0], before = x, vm = s.Guess();
        if (!s.Solve(x, 0, ref vm, ref x)) throw new CircuitException(Name, "the cell's operating point did not converge");
        double i = s.Current(vm, x, out double vmem);
        double cell = amplitude - source;
        double p = cell * i, pm = vmem * i, energy = 0, memEnergy = 0, peak = Math.Abs(i);
        double t = 0, h = width * 1e-6;
        int steps = 0;
        while (t < width)
        {
            h = Math.Min(h, width - t);
            double x1 = x, vm1 = vm;
            bool ok = s.Solve(x, h, ref vm1, ref x1);
            if (!ok || Math.Abs(x1 - x) > MaxStateStep)
            {
                if (h < width * 1e-15) throw new CircuitException(Name, $"the fast-mode pulse did not converge at t = {t:G6} s");
                h *= 0.25;
                continue;
            }
            double i1 = s.Current(vm1, x1, out double vmem1);
            energy += 0.5 * h * (p + cell * i1);
            memEnergy += 0.5 * h * (pm + vmem1 * i1);
            p = cell * i1;
            pm = vmem1 * i1;
            peak = Math.Max(peak, Math.Abs(i1));
            double moved = Math.Abs(x1 - x);
            x = x1; vm = vm1; i = i1; vmem = vmem1;
            t += h;
            steps++;
            if (moved < 0.25 * MaxStateStep) h *= 2;
        }
        if (width > 0) States.RecordPulse(0, x, before, energy);
        return new CellPulseResult(before, x, i, peak, energy, memEnergy, vmem, steps);
    }

    /// <summary>The transistor–memristor series at fixed terminal voltages, for the fast mode. Does not allocate per step.</summary>
    private readonly struct Series
    {
        private readonly MemristorKernel _kernel;
        private readonly MosfetBehavior _mos;
        private readonly double _va, _vg, _vs, _up, _down;

        public Series(OneTransistorOneResistor cell, double va, double vg, double vs)
        {
            _kernel = cell.States.Kernel;
            _mos = new MosfetBehavior(cell.Transistor);
            if (_mos.HasSeriesResistance)
                throw new CircuitException(cell.Name, "the fast programming mode does not support RD/RS on the access transistor");
            _va = va; _vg = vg; _vs = vs;
            _up = cell.States.Up[0];
            _down = cell.States.Down[0];
        }

        /// <summary>Starting guess of v_mid: halfway between TE and source.</summary>
        public double Guess() => 0.5 * (_va + _vs);

        /// <summary>Memristor current (A) at v_mid = <paramref name="vm"/>, and the memristor voltage.</summary>
        public double Current(double vm, double x, out double vmem)
        {
            vmem = _va - vm;
            return _kernel.Current(vmem, Math.Clamp(x, 0, 1), out _, out _);
        }

        /// <summary>
        /// One backward-Euler step of <paramref name="h"/> s from state <paramref name="xn"/> (h = 0: the
        /// operating point at fixed x): Newton on F₁ = i_mem(v_a − v_m, x) − i_d(v_m) (A) and
        /// F₂ = x − x_n − h·f(v_a − v_m, x). <paramref name="vm"/> and <paramref name="x"/> hold the guess
        /// on entry and the solution on return. The drain-voltage update is limited to 0.5 V per iteration.
        /// </summary>
        public bool Solve(double xn, double h, ref double vm, ref double x)
        {
            for (int it = 0; it < 100; it++)
            {
                double xc = Math.Clamp(x, 0, 1);
                double v = _va - vm;
                double im = _kernel.Current(v, xc, out double gv, out double gx);
                double id = _mos.ChannelCurrent(vm, _vg, _vs, _vs, out double gd);
                double f1 = im - id, a11 = -gv - gd, a12 = gx;
                double f2, a21, a22;
                bool pinned = false;
                if (h == 0) { f2 = x - xn; a21 = 0; a22 = 1; }
                else
                {
                    double r = _kernel.Rate(v, xc, _up, _down, out double fv, out double fx);
                    if ((x >= 1 && r > 0) || (x <= 0 && r < 0))
                    {
                        // at a bound with the rate pushing outward: x = bound (as the MNA stamp does)
                        pinned = true;
                        f2 = x - (x >= 1 ? 1 : 0); a21 = 0; a22 = 1;
                    }
                    else { f2 = x - xn - h * r; a21 = h * fv; a22 = 1 - h * fx; }
                }
                double det = a11 * a22 - a12 * a21;
                if (det == 0 || !double.IsFinite(det)) return false;
                double dvm = (-f1 * a22 + f2 * a12) / det;
                double dx = (-f2 * a11 + f1 * a21) / det;
                dvm = Math.Clamp(dvm, -0.5, 0.5);
                vm += dvm;
                double xNew = Math.Clamp(x + dx, 0, 1);
                double moved = xNew - x;
                x = xNew;
                if (Math.Abs(dvm) <= 1e-12 * Math.Max(1, Math.Abs(vm)) && (Math.Abs(moved) <= 1e-13 || pinned)) return true;
            }
            return false;
        }
    }
}

/// <summary>
/// Fast-mode programmer of a 1T1R cell behind the common <see cref="IPulseProgrammer"/> interface: the
/// gate voltage is a setting of the programmer (<see cref="GateVoltage"/>), the amplitude goes to TE.
/// </summary>
public sealed class CellPulseProgrammer(OneTransistorOneResistor cell) : IPulseProgrammer
{
    /// <summary>Gate voltage during the pulse, V.</summary>
    public double GateVoltage { get; set; } = 1;

    /// <summary>Result of the last pulse.</summary>
    public CellPulseResult Last { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="array"/> is not the cell's state.</exception>
    public void Apply(MemristorArray array, PulseTarget target, double amplitude, double width)
    {
        if (!ReferenceEquals(array, cell.States)) throw new ArgumentException($"the programmer of {cell.Name} programs only that cell's state", nameof(array));
        if (!target.Contains(0, 0)) return;
        Last = cell.ApplyPulse(amplitude, GateVoltage, width);
    }
}

/// <summary>
/// The cell's stamp: an internal 0 V ammeter TE → TE' (branch current <c>i(name)</c>), the memristor's
/// behaviour TE' → mid and the MOSFET's behaviour mid → src, each unchanged. The internal TE' node is
/// created unsaved (it equals v(te)); the mid node is the ordinary node <c>name.mid</c>.
/// </summary>
internal sealed class OneTransistorOneResistorBehavior(OneTransistorOneResistor cell) : IBehavior, IAcceptBehavior, IConvergenceBehavior
{
    private readonly VoltageSource _ammeter = new(cell.Name, cell.Nodes[0], cell.Name + ".te", 0);
    private IBehavior? _meter;
    private readonly IBehavior _memristor = cell.Memristor.CreateBehavior();
    private readonly IBehavior _transistor = cell.Transistor.CreateBehavior();

    public void CreateUnknowns(ISetupContext setup)
    {
        int te = setup.CreateInternal(cell.Name + ".te", UnknownKind.Voltage);
        var inner = new InternalNodeSetup(setup, cell.Name + ".te", te);
        _meter = _ammeter.CreateBehavior();
        _meter.CreateUnknowns(inner);
        _memristor.CreateUnknowns(inner);
        _transistor.CreateUnknowns(setup);
        _inner = inner;
    }

    private InternalNodeSetup? _inner;

    public void Bind(ISetupContext setup)
    {
        _meter!.Bind(_inner!);
        _memristor.Bind(_inner!);
        _transistor.Bind(setup);
    }

    public void Load(LoadContext context)
    {
        _meter!.Load(context);
        _memristor.Load(context);
        _transistor.Load(context);
    }

    public void Accept(LoadContext context) => ((IAcceptBehavior)_memristor).Accept(context);

    public bool IsConverged(LoadContext context) => ((IConvergenceBehavior)_transistor).IsConverged(context);

    /// <summary>Set-up context that maps one internal node name to an already created unknown and forwards the rest.</summary>
    private sealed class InternalNodeSetup(ISetupContext inner, string node, int index) : ISetupContext
    {
        public SimulationOptions Options => inner.Options;
        public double TimeStep => inner.TimeStep;
        public double StopTime => inner.StopTime;
        public int MapNode(string name) => name.Equals(node, StringComparison.OrdinalIgnoreCase) ? index : inner.MapNode(name);
        public int CreateBranch(string owner) => inner.CreateBranch(owner);
        public int CreateInternal(string name, UnknownKind kind, bool saved = false) => inner.CreateInternal(name, kind, saved);
        public int FindBranch(string owner, string requester) => inner.FindBranch(owner, requester);
        public int MatrixSlot(int row, int column) => inner.MatrixSlot(row, column);
        public int CreateStates(int count) => inner.CreateStates(count);
        public void RegisterCharge(int charge) => inner.RegisterCharge(charge);
    }
}
