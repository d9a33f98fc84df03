using AnalogNN.Circuit;

namespace AnalogNN.Components.Semiconductors;

/// <summary>
/// Level-1 (Shichman–Hodges) MOSFET model <c>.model NAME NMOS|PMOS(LEVEL=1 VTO= KP= GAMMA= PHI= LAMBDA= ...)</c>,
/// at the nominal temperature. Bulk junctions are ideal diodes (IS or JS·area) without capacitance;
/// gate capacitances are Meyer's (when TOX is given) plus the constant overlaps CGSO/CGDO/CGBO.
/// </summary>
public sealed class MosfetModel : Model
{
    /// <summary>Permittivity of SiO₂, F/m (3.9·ε₀).</summary>
    public const double OxidePermittivity = 3.9 * 8.854214871e-12;

    /// <summary>The parameter table.</summary>
    public static readonly IReadOnlyList<ParameterSpec> Parameters =
    [
        new("level", 1, "", "model level (only 1)", 1),
        new("vto", 0, "V", "zero-bias threshold voltage (negative for enhancement PMOS)"),
        new("kp", 2e-5, "A/V²", "transconductance parameter μ·Cox", 0),
        new("gamma", 0, "√V", "body-effect coefficient", 0),
        new("phi", 0.6, "V", "surface potential 2φF", 0, true),
        new("lambda", 0, "1/V", "channel-length modulation", 0),
        new("rd", 0, "Ω", "drain ohmic resistance", 0),
        new("rs", 0, "Ω", "source ohmic resistance", 0),
        new("rsh", 0, "Ω/□", "drain/source diffusion sheet resistance (with NRD/NRS)", 0),
        new("is", 1e-14, "A", "bulk junction saturation current", 0),
        new("js", 0, "A/m²", "bulk junction saturation current density (with AD/AS)", 0),
        new("cgso", 0, "F/m", "gate-source overlap capacitance per channel width", 0),
        new("cgdo", 0, "F/m", "gate-drain overlap capacitance per channel width", 0),
        new("cgbo", 0, "F/m", "gate-bulk overlap capacitance per channel length", 0),
        new("tox", 0, "m", "oxide thickness (0: no Meyer capacitances)", 0),
        new("ld", 0, "m", "lateral diffusion", 0),
        new("u0", 600, "cm²/Vs", "surface mobility (gives KP from TOX when KP is not given)", 0, true),
        new("tnom", 27, "°C", "parameter measurement temperature (no effect)"),
        new("kf", 0, "", "flicker-noise coefficient (no effect: no noise analysis)", 0),
        new("af", 1, "", "flicker-noise exponent (no effect: no noise analysis)", 0),
    ];

    /// <summary>Parameters SPICE defines that this level-1 model does not implement (a warning names them).</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "cbd", "cbs", "cj", "mj", "cjsw", "mjsw", "pb", "fc", "nsub", "nss", "tpg",
    };

    /// <summary>Creates a model of type NMOS or PMOS with every parameter at its default.</summary>
    public MosfetModel(string name, bool pChannel) : base(name, pChannel ? "PMOS" : "NMOS", Parameters) => IsPChannel = pChannel;

    /// <summary>True for PMOS.</summary>
    public bool IsPChannel { get; }
    /// <summary>Polarity: +1 NMOS, −1 PMOS.</summary>
    public double Polarity => IsPChannel ? -1 : 1;
    /// <summary>Threshold voltage, V.</summary>
    public double Vto => this["vto"];
    /// <summary>Gate-oxide capacitance per area, F/m² (0 without TOX).</summary>
    public double Cox => this["tox"] > 0 ? OxidePermittivity / this["tox"] : 0;
    /// <summary>Transconductance parameter, A/V²: KP, or U0·Cox when only TOX is given.</summary>
    public double Kp => !IsGiven("kp") && this["tox"] > 0 ? this["u0"] * 1e-4 * Cox : this["kp"];
    /// <summary>Body effect, √V.</summary>
    public double Gamma => this["gamma"];
    /// <summary>Surface potential, V.</summary>
    public double Phi => this["phi"];
    /// <summary>Channel-length modulation, 1/V.</summary>
    public double Lambda => this["lambda"];

    /// <summary>Checks that LEVEL is 1.</summary>
    public void Validate()
    {
        if (this["level"] != 1) throw new CircuitException(Name, $"LEVEL={this["level"]:G6} is not supported (only LEVEL=1)");
    }
}

/// <summary>Instance geometry of a MOSFET, m and m² (ngspice defaults W = L = 100 µm).</summary>
public sealed record MosfetGeometry(double W = 100e-6, double L = 100e-6, double AD = 0, double AS = 0,
    double NRD = 1, double NRS = 1, double Multiplier = 1);

/// <summary>
/// MOSFET <c>M name d g s b model [W= L= AD= AS= NRD= NRS= M=] [OFF]</c>. Drain and source are
/// symmetric: when v(d) &lt; v(s) (NMOS) the device runs in reverse mode with the roles swapped.
/// </summary>
public sealed class Mosfet : Element
{
    /// <summary>Creates a MOSFET.</summary>
    public Mosfet(string name, string drain, string gate, string source, string bulk, MosfetModel model,
        MosfetGeometry? geometry = null, bool off = false)
        : base(name, drain, gate, source, bulk)
    {
        var g = geometry ?? new MosfetGeometry();
        Require(double.IsFinite(g.W) && g.W > 0, "W", $"must be > 0 (got {g.W:G6})");
        Require(double.IsFinite(g.L) && g.L > 0, "L", $"must be > 0 (got {g.L:G6})");
        Require(g.L - 2 * model["ld"] > 0, "L", $"L − 2·LD must be > 0 (L={g.L:G6}, LD={model["ld"]:G6})");
        Require(g.AD >= 0 && g.AS >= 0, "AD/AS", "must be >= 0");
        Require(g.NRD >= 0 && g.NRS >= 0, "NRD/NRS", "must be >= 0");
        Require(g.Multiplier > 0, "M", "must be > 0");
        model.Validate();
        Model = model;
        Geometry = g;
        Off = off;
    }

    /// <summary>The model.</summary>
    public MosfetModel Model { get; }
    /// <summary>Geometry.</summary>
    public MosfetGeometry Geometry { get; }
    /// <summary>OFF flag: the operating-point iteration starts with every terminal voltage at 0.</summary>
    public bool Off { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new MosfetBehavior(this);
}

/// <summary>
/// Level-1 MOSFET. All voltages are taken in the polarity frame (multiplied by p = +1 NMOS, −1
/// PMOS). With β = KP·W/L_eff (A/V²), L_eff = L − 2·LD, the threshold
/// V_th = p·VTO + γ·(√(φ − v_bs) − √φ) (V; for v_bs &gt; 0 the root is continued by its tangent,
/// √φ − v_bs/(2√φ), as SPICE does), and v_gst = v_gs − V_th:
/// <list type="bullet">
/// <item>cut-off (v_gst ≤ 0): i_ds = 0;</item>
/// <item>saturation (0 &lt; v_gst ≤ v_ds): i_ds = β/2·v_gst²·(1 + λv_ds);</item>
/// <item>triode (v_ds &lt; v_gst): i_ds = β·v_ds·(v_gst − v_ds/2)·(1 + λv_ds).</item>
/// </list>
/// g_m = ∂i/∂v_gs, g_ds = ∂i/∂v_ds, g_mbs = ∂i/∂v_bs = g_m·γ·(−∂√(φ−v_bs)/∂v_bs). In reverse mode
/// (v_ds &lt; 0) the same equations run on (v_gd, −v_ds, v_bd) and the current flows from source to
/// drain. Bulk–source and bulk–drain junctions are ideal diodes with gmin in parallel.
/// Gate charges use Meyer's capacitances (integrated as q₁ + C̄·Δv with C̄ the mean of the
/// capacitances at both ends, SPICE's scheme) plus overlaps.
/// </summary>
internal sealed class MosfetBehavior : IBehavior, IConvergenceBehavior
{
    // state layout
    private const int SVbs = 0, SVgs = 1, SVds = 2, SCd = 3, SGm = 4, SGds = 5, SGmbs = 6, SCbs = 7, SGbs = 8, SCbd = 9, SGbd = 10,
        SMode = 11, SVgsA = 12, SVgdA = 13, SVgbA = 14, SCgs = 15, SCgd = 16, SCgb = 17, SQgs = 18, SQgd = 20, SQgb = 22, StateCount = 24;

    private readonly Mosfet _m;
    private readonly Level1Channel _ch;
    private readonly double _p, _vto, _phi, _gd, _gs, _isD, _isS;
    private readonly double _coxTotal, _cgso, _cgdo, _cgbo;
    private readonly bool _reactive;
    private int _d, _g, _s, _b, _dp, _sp, _st;
    private double _vt, _vcritS, _vcritD;
    // slots among (g, s', d', b) × (g, s', d', b), index row·4 + column, for the gate-charge slopes
    private readonly int[] _gate = new int[16];
    private int _dd, _ddp, _dpd, _ss, _ssp, _sps, _gg, _ggb, _ggdp, _ggsp, _gbg, _gdpg, _gspg, _bb, _bdp, _bsp, _dpb, _spb,
        _dpdp, _spsp, _dpsp, _spdp;

    public MosfetBehavior(Mosfet m)
    {
        _m = m;
        var model = m.Model;
        var geo = m.Geometry;
        double mult = geo.Multiplier;
        double leff = geo.L - 2 * model["ld"];
        _ch = new Level1Channel(model, geo);
        _p = _ch.P;
        _vto = _ch.Vto;
        _phi = _ch.Phi;
        double rd = model["rd"] > 0 ? model["rd"] : model["rsh"] * geo.NRD;
        double rs = model["rs"] > 0 ? model["rs"] : model["rsh"] * geo.NRS;
        _gd = rd > 0 ? mult / rd : 0;
        _gs = rs > 0 ? mult / rs : 0;
        _isD = _ch.IsD;
        _isS = _ch.IsS;
        _coxTotal = model.Cox * geo.W * leff * mult;
        _cgso = model["cgso"] * geo.W * mult;
        _cgdo = model["cgdo"] * geo.W * mult;
        _cgbo = model["cgbo"] * leff * mult;
        _reactive = _coxTotal > 0 || _cgso > 0 || _cgdo > 0 || _cgbo > 0;
    }

    public void CreateUnknowns(ISetupContext setup)
    {
        _d = setup.MapNode(_m.Nodes[0]);
        _g = setup.MapNode(_m.Nodes[1]);
        _s = setup.MapNode(_m.Nodes[2]);
        _b = setup.MapNode(_m.Nodes[3]);
        _dp = _gd > 0 ? setup.CreateInternal($"{_m.Name}#drain", UnknownKind.Voltage) : _d;
        _sp = _gs > 0 ? setup.CreateInternal($"{_m.Name}#source", UnknownKind.Voltage) : _s;
        _st = setup.CreateStates(StateCount);
        if (_reactive)
        {
            setup.RegisterCharge(_st + SQgs);
            setup.RegisterCharge(_st + SQgd);
            setup.RegisterCharge(_st + SQgb);
        }
        _vt = setup.Options.ThermalVoltage;
        _vcritS = _isS > 0 ? Junction.CriticalVoltage(_vt, _isS) : double.PositiveInfinity;
        _vcritD = _isD > 0 ? Junction.CriticalVoltage(_vt, _isD) : double.PositiveInfinity;
    }

    public void Bind(ISetupContext setup)
    {
        _dd = setup.MatrixSlot(_d, _d); _ddp = setup.MatrixSlot(_d, _dp); _dpd = setup.MatrixSlot(_dp, _d);
        _ss = setup.MatrixSlot(_s, _s); _ssp = setup.MatrixSlot(_s, _sp); _sps = setup.MatrixSlot(_sp, _s);
        _gg = setup.MatrixSlot(_g, _g); _ggb = setup.MatrixSlot(_g, _b); _ggdp = setup.MatrixSlot(_g, _dp); _ggsp = setup.MatrixSlot(_g, _sp);
        _gbg = setup.MatrixSlot(_b, _g); _gdpg = setup.MatrixSlot(_dp, _g); _gspg = setup.MatrixSlot(_sp, _g);
        _bb = setup.MatrixSlot(_b, _b); _bdp = setup.MatrixSlot(_b, _dp); _bsp = setup.MatrixSlot(_b, _sp);
        _dpb = setup.MatrixSlot(_dp, _b); _spb = setup.MatrixSlot(_sp, _b);
        _dpdp = setup.MatrixSlot(_dp, _dp); _spsp = setup.MatrixSlot(_sp, _sp);
        _dpsp = setup.MatrixSlot(_dp, _sp); _spdp = setup.MatrixSlot(_sp, _dp);
        int[] nodes = [_g, _sp, _dp, _b];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) _gate[4 * r + c] = setup.MatrixSlot(nodes[r], nodes[c]);
    }

    /// <summary>
    /// Adds the part of a gate charge's Jacobian that comes from its capacitance changing with the
    /// bias: q = q₁ + (½(C(v) + C₁) + C_ov)·Δa gives ∂i/∂V = α₀·½Δa·∂C/∂V on top of α₀·C̄. The
    /// slopes are taken in the mode frame (v_gs, v_ds, v_bs of the terminal acting as source);
    /// <paramref name="e"/> = α₀·½Δa. Returns the Norton correction e·(C_g·v_gs + C_d·v_ds + C_b·v_bs).
    /// </summary>
    private double StampChargeSlope(double[] mtx, int other, int roleS, int roleD, double e,
        double cg, double cd, double cb, double vgsM, double vdsM, double vbsM)
    {
        double pg = e * _p * cg, pd = e * _p * cd, pb = e * _p * cb, ps = -(pg + pd + pb);
        // row g (index 0) and row of the other terminal
        mtx[_gate[0]] += pg; mtx[_gate[roleS]] += ps; mtx[_gate[roleD]] += pd; mtx[_gate[3]] += pb;
        int r = 4 * other;
        mtx[_gate[r]] -= pg; mtx[_gate[r + roleS]] -= ps; mtx[_gate[r + roleD]] -= pd; mtx[_gate[r + 3]] -= pb;
        return e * (cg * vgsM + cd * vdsM + cb * vbsM);
    }

    /// <summary>Threshold V_th(v_bs), V, in the polarity frame.</summary>
    private double Threshold(double vbs, out double dVth) => _ch.Threshold(vbs, out dVth);

    /// <summary>Square-law drain current and its derivatives for v_ds ≥ 0 (polarity frame).</summary>
    private void SquareLaw(double vgs, double vds, double vbs, out double ids, out double gm, out double gds, out double gmbs, out double vth) =>
        _ch.SquareLaw(vgs, vds, vbs, out ids, out gm, out gds, out gmbs, out vth);

    /// <summary>True when RD, RS or RSH give the device internal drain/source nodes.</summary>
    internal bool HasSeriesResistance => _gd > 0 || _gs > 0;

    /// <summary>
    /// The channel current into the drain terminal (A) at the actual terminal voltages (V), from the
    /// same square law the stamp uses (forward or reverse mode), and its derivative with respect to
    /// the drain voltage (S): g_ds in forward mode, g_m + g_ds + g_mbs in reverse mode (the drain is
    /// then the source of the equations). No series resistances, no bulk junctions. Used by the 1T1R
    /// cell's fast programming mode to solve the transistor–memristor series without the MNA engine.
    /// </summary>
    internal double ChannelCurrent(double vd, double vg, double vs, double vb, out double dIdVd)
    {
        double vds = _p * (vd - vs), vgs = _p * (vg - vs), vbs = _p * (vb - vs);
        double ids, gm, gds, gmbs;
        if (vds >= 0)
        {
            SquareLaw(vgs, vds, vbs, out ids, out _, out gds, out _, out _);
            dIdVd = gds;
            return _p * ids;
        }
        SquareLaw(vgs - vds, -vds, vbs - vds, out ids, out gm, out gds, out gmbs, out _);
        dIdVd = gm + gds + gmbs;
        return -_p * ids;
    }

    /// <summary>Ideal bulk junction i = IS(e^(v/Vt) − 1) + gmin·v; for v ≤ −3Vt the exponential is dropped (i = −IS + gmin·v).</summary>
    private double BulkDiode(double v, double isat, double gmin, out double g) => Level1Channel.BulkDiode(v, isat, gmin, _vt, out g);

    /// <summary>Smallest saturation voltage the Meyer split uses, V (keeps C_gs/C_gd continuous as v_ds → 0, as ngspice does).</summary>
    private const double MeyerMinVdsat = 0.025;

    /// <summary>
    /// Meyer gate capacitances (F) for v_gst = v_gs − V_th and v_ds ≥ 0, polarity frame, total oxide
    /// capacitance C_ox = εox/TOX·W·L_eff:
    /// accumulation (v_gst ≤ −φ): C_gb = C_ox; depletion (−φ &lt; v_gst ≤ 0): C_gb = −v_gst·C_ox/φ and,
    /// above −φ/2, a gate–channel part C_ch = 2/3·C_ox·(1 + 2v_gst/φ); inversion: C_ch = 2/3·C_ox.
    /// The channel part goes to the source alone in saturation (v_ds ≥ v_dsat) and is split in
    /// triode by Meyer's fractions, C_gs = C_ch·[1 − (v_dsat − v_ds)²/(2v_dsat − v_ds)²],
    /// C_gd = C_ch·[1 − v_dsat²/(2v_dsat − v_ds)²], with v_dsat = max(v_gst, 25 mV).
    /// </summary>
    private void Meyer(double vgst, double vds, out double cgs, out double cgd, out double cgb) =>
        Meyer(vgst, vds, out cgs, out cgd, out cgb, out _, out _, out _, out _, out _);

    /// <summary>
    /// Meyer capacitances as above and their slopes (F/V): ∂C_gs/∂v_gst, ∂C_gs/∂v_ds, ∂C_gd/∂v_gst,
    /// ∂C_gd/∂v_ds, ∂C_gb/∂v_gst. With u = 2v_dsat − v_ds, a = v_dsat − v_ds:
    /// ∂f_S/∂v_dsat = −2a·v_ds/u³, ∂f_S/∂v_ds = 2a·v_dsat/u³, ∂f_D/∂v_dsat = 2v_dsat·v_ds/u³,
    /// ∂f_D/∂v_ds = −2v_dsat²/u³ for the fractions f_S, f_D of the channel capacitance.
    /// </summary>
    private void Meyer(double vgst, double vds, out double cgs, out double cgd, out double cgb,
        out double dSg, out double dSd, out double dDg, out double dDd, out double dBg)
    {
        double cox = _coxTotal;
        cgs = cgd = cgb = dSg = dSd = dDg = dDd = dBg = 0;
        if (cox == 0) return;
        double channel, dChannel = 0;
        if (vgst <= -_phi) { cgb = cox; return; }
        if (vgst <= -0.5 * _phi) { cgb = -vgst * cox / _phi; dBg = -cox / _phi; return; }
        if (vgst <= 0)
        {
            cgb = -vgst * cox / _phi;
            dBg = -cox / _phi;
            channel = 2.0 / 3 * cox * (1 + 2 * vgst / _phi);
            dChannel = 4.0 / 3 * cox / _phi;
        }
        else channel = 2.0 / 3 * cox;
        double vdsat = Math.Max(vgst, MeyerMinVdsat);
        double dVdsat = vgst > MeyerMinVdsat ? 1 : 0;
        if (vds >= vdsat) { cgs = channel; dSg = dChannel; return; }
        double u = 2 * vdsat - vds;
        double a = vdsat - vds;
        double u3 = u * u * u;
        double fS = 1 - a * a / (u * u), fD = 1 - vdsat * vdsat / (u * u);
        cgs = channel * fS;
        cgd = channel * fD;
        dSg = dChannel * fS + channel * (-2 * a * vds / u3) * dVdsat;
        dSd = channel * 2 * a * vdsat / u3;
        dDg = dChannel * fD + channel * (2 * vdsat * vds / u3) * dVdsat;
        dDd = channel * (-2 * vdsat * vdsat / u3);
    }

    public void Load(LoadContext context)
    {
        var x = context.Solution;
        var s0 = context.State0;
        int st = _st;
        double vbs, vgs, vds;
        if (context.InitJunction)
        {
            if (_m.Off) { vbs = vgs = vds = 0; }
            else { vbs = -1; vgs = _vto; vds = 0; }
        }
        else
        {
            var old = s0;
            if (context.InitPredict)
            {
                // extrapolate from the last two accepted points; limit against the last one
                double r = context.PredictionFactor;
                var s1 = context.State1;
                var s2 = context.State2;
                vbs = (1 + r) * s1[st + SVbs] - r * s2[st + SVbs];
                vgs = (1 + r) * s1[st + SVgs] - r * s2[st + SVgs];
                vds = (1 + r) * s1[st + SVds] - r * s2[st + SVds];
                old = s1;
            }
            else
            {
                vbs = _p * (x[_b] - x[_sp]);
                vgs = _p * (x[_g] - x[_sp]);
                vds = _p * (x[_dp] - x[_sp]);
            }
            if (!context.InitTransient)
            {
                double vbsOld = old[st + SVbs], vgsOld = old[st + SVgs], vdsOld = old[st + SVds];
                double vgdOld = vgsOld - vdsOld;
                double vgd = vgs - vds;
                double vth = Threshold(vbsOld, out _);
                if (vdsOld >= 0)
                {
                    vgs = Junction.LimitFet(vgs, vgsOld, vth);
                    vds = vgs - vgd;
                    vds = Junction.LimitVds(vds, vdsOld);
                }
                else
                {
                    vgd = Junction.LimitFet(vgd, vgdOld, vth);
                    vds = vgs - vgd;
                    vds = -Junction.LimitVds(-vds, -vdsOld);
                    vgs = vgd + vds;
                }
                bool limited = false;
                if (vds >= 0) vbs = Junction.LimitJunction(vbs, vbsOld, _vt, _vcritS, ref limited);
                else
                {
                    double vbd = Junction.LimitJunction(vbs - vds, vbsOld - vdsOld, _vt, _vcritD, ref limited);
                    vbs = vbd + vds;
                }
                if (limited && !_m.Off) context.ReportLimited();
            }
        }
        double vbd0 = vbs - vds, vgd0 = vgs - vds;

        // bulk junctions
        double gmin = context.Gmin;
        double cbs = BulkDiode(vbs, _isS, gmin, out double gbs);
        double cbd = BulkDiode(vbd0, _isD, gmin, out double gbd);

        // channel, in the mode where the drain is the higher terminal
        double mode, ids, gm, gds, gmbs, vth0;
        if (vds >= 0)
        {
            mode = 1;
            SquareLaw(vgs, vds, vbs, out ids, out gm, out gds, out gmbs, out vth0);
        }
        else
        {
            mode = -1;
            SquareLaw(vgd0, -vds, vbd0, out ids, out gm, out gds, out gmbs, out vth0);
        }
        // current into the drain terminal d' (polarity frame)
        double cd = mode * ids - cbd;

        s0[st + SVbs] = vbs; s0[st + SVgs] = vgs; s0[st + SVds] = vds;
        s0[st + SCd] = cd; s0[st + SGm] = gm; s0[st + SGds] = gds; s0[st + SGmbs] = gmbs;
        s0[st + SCbs] = cbs; s0[st + SGbs] = gbs; s0[st + SCbd] = cbd; s0[st + SGbd] = gbd;
        s0[st + SMode] = mode;

        var mtx = context.Matrix;
        var rhs = context.Rhs;

        // gate capacitances
        if (_reactive && context.Analysis == AnalysisKind.Transient)
        {
            double cgsM, cgdM, cgbM;
            double sSg, sSd, sDg, sDd, sBg;
            if (mode > 0) Meyer(vgs - vth0, vds, out cgsM, out cgdM, out cgbM, out sSg, out sSd, out sDg, out sDd, out sBg);
            else Meyer(vgd0 - vth0, -vds, out cgdM, out cgsM, out cgbM, out sSg, out sSd, out sDg, out sDd, out sBg);
            s0[st + SCgs] = cgsM; s0[st + SCgd] = cgdM; s0[st + SCgb] = cgbM;
            // actual-frame gate voltages (charge signs follow the real voltages)
            double ags = _p * vgs, agd = _p * vgd0, agb = _p * (vgs - vbs);
            s0[st + SVgsA] = ags; s0[st + SVgdA] = agd; s0[st + SVgbA] = agb;
            var s1 = context.State1;
            double gcgs, gcgd, gcgb, ieqgs, ieqgd, ieqgb;
            if (context.InitTransient)
            {
                s0[st + SQgs] = (cgsM + _cgso) * ags;
                s0[st + SQgd] = (cgdM + _cgdo) * agd;
                s0[st + SQgb] = (cgbM + _cgbo) * agb;
            }
            else
            {
                double cgs = 0.5 * (cgsM + s1[st + SCgs]) + _cgso;
                double cgd = 0.5 * (cgdM + s1[st + SCgd]) + _cgdo;
                double cgb = 0.5 * (cgbM + s1[st + SCgb]) + _cgbo;
                s0[st + SQgs] = s1[st + SQgs] + cgs * (ags - s1[st + SVgsA]);
                s0[st + SQgd] = s1[st + SQgd] + cgd * (agd - s1[st + SVgdA]);
                s0[st + SQgb] = s1[st + SQgb] + cgb * (agb - s1[st + SVgbA]);
                double igs = context.Integrate(st + SQgs);
                double igd = context.Integrate(st + SQgd);
                double igb = context.Integrate(st + SQgb);
                gcgs = context.Ag0 * cgs; gcgd = context.Ag0 * cgd; gcgb = context.Ag0 * cgb;
                ieqgs = igs - gcgs * ags; ieqgd = igd - gcgd * agd; ieqgb = igb - gcgb * agb;
                // the capacitances' own bias dependence (the mode frame's source is s' or d')
                double vgsM = mode > 0 ? vgs : vgd0, vdsM = mode > 0 ? vds : -vds, vbsM = mode > 0 ? vbs : vbd0;
                Threshold(vbsM, out double dVth);
                int roleS = mode > 0 ? 1 : 2, roleD = mode > 0 ? 2 : 1;
                double h = 0.5 * context.Ag0;
                double eS = h * (mode > 0 ? ags - s1[st + SVgsA] : agd - s1[st + SVgdA]);
                double eD = h * (mode > 0 ? agd - s1[st + SVgdA] : ags - s1[st + SVgsA]);
                double eB = h * (agb - s1[st + SVgbA]);
                double cS = StampChargeSlope(mtx, roleS, roleS, roleD, eS, sSg, sSd, -sSg * dVth, vgsM, vdsM, vbsM);
                double cD = StampChargeSlope(mtx, roleD, roleS, roleD, eD, sDg, sDd, -sDg * dVth, vgsM, vdsM, vbsM);
                double cB = StampChargeSlope(mtx, 3, roleS, roleD, eB, sBg, 0, -sBg * dVth, vgsM, vdsM, vbsM);
                if (mode > 0) { ieqgs -= cS; ieqgd -= cD; } else { ieqgd -= cS; ieqgs -= cD; }
                ieqgb -= cB;
                // KCL at g: the three gate currents; at s', d', b: their negatives
                mtx[_gg] += gcgs + gcgd + gcgb;
                mtx[_ggsp] -= gcgs; mtx[_gspg] -= gcgs; mtx[_spsp] += gcgs;
                mtx[_ggdp] -= gcgd; mtx[_gdpg] -= gcgd; mtx[_dpdp] += gcgd;
                mtx[_ggb] -= gcgb; mtx[_gbg] -= gcgb; mtx[_bb] += gcgb;
                rhs[_g] -= ieqgs + ieqgd + ieqgb;
                rhs[_sp] += ieqgs;
                rhs[_dp] += ieqgd;
                rhs[_b] += ieqgb;
            }
        }

        // series resistances
        mtx[_dd] += _gd; mtx[_ddp] -= _gd; mtx[_dpd] -= _gd; mtx[_dpdp] += _gd;
        mtx[_ss] += _gs; mtx[_ssp] -= _gs; mtx[_sps] -= _gs; mtx[_spsp] += _gs;

        // bulk junctions b–s' and b–d'
        mtx[_bb] += gbs + gbd;
        mtx[_bsp] -= gbs; mtx[_spb] -= gbs; mtx[_spsp] += gbs;
        mtx[_bdp] -= gbd; mtx[_dpb] -= gbd; mtx[_dpdp] += gbd;
        double ceqbs = _p * (cbs - gbs * vbs);
        double ceqbd = _p * (cbd - gbd * vbd0);
        rhs[_b] -= ceqbs + ceqbd;
        rhs[_sp] += ceqbs;
        rhs[_dp] += ceqbd;

        // channel: normal mode linearises in (v_gs, v_ds, v_bs), reverse in (v_gd, v_sd, v_bd)
        double xn = mode > 0 ? 1 : 0, xr = 1 - xn;
        mtx[_dpdp] += gds + xr * (gm + gmbs);
        mtx[_dpsp] -= gds + xn * (gm + gmbs);
        mtx[_gdpg] += (xn - xr) * gm;
        mtx[_dpb] += (xn - xr) * gmbs;
        mtx[_spsp] += gds + xn * (gm + gmbs);
        mtx[_spdp] -= gds + xr * (gm + gmbs);
        mtx[_gspg] -= (xn - xr) * gm;
        mtx[_spb] -= (xn - xr) * gmbs;
        double cdreq = mode > 0
            ? ids - gm * vgs - gds * vds - gmbs * vbs
            : -(ids - gm * vgd0 + gds * vds - gmbs * vbd0);
        rhs[_dp] -= _p * cdreq;
        rhs[_sp] += _p * cdreq;
    }

    /// <summary>
    /// SPICE's MOSFET convergence test: the drain and bulk currents predicted by the last
    /// linearisation at the new iterate must agree with the computed ones within
    /// reltol·max(|î|, |i|) + abstol.
    /// </summary>
    public bool IsConverged(LoadContext context)
    {
        var x = context.Solution;
        var s0 = context.State0;
        int st = _st;
        double vbs = _p * (x[_b] - x[_sp]);
        double vgs = _p * (x[_g] - x[_sp]);
        double vds = _p * (x[_dp] - x[_sp]);
        double dvbs = vbs - s0[st + SVbs];
        double dvgs = vgs - s0[st + SVgs];
        double dvds = vds - s0[st + SVds];
        double dvbd = dvbs - dvds;
        double dvgd = dvgs - dvds;
        double cd = s0[st + SCd], gm = s0[st + SGm], gds = s0[st + SGds], gmbs = s0[st + SGmbs], gbd = s0[st + SGbd], gbs = s0[st + SGbs];
        double cdhat = s0[st + SMode] > 0
            ? cd - gbd * dvbd + gmbs * dvbs + gm * dvgs + gds * dvds
            : cd - (gbd + gmbs) * dvbd - gm * dvgd + gds * dvds;
        double cb = s0[st + SCbs] + s0[st + SCbd];
        double cbhat = cb + gbd * dvbd + gbs * dvbs;
        var opt = context.Options;
        return Math.Abs(cdhat - cd) <= opt.RelTol * Math.Max(Math.Abs(cdhat), Math.Abs(cd)) + opt.AbsTol
            && Math.Abs(cbhat - cb) <= opt.RelTol * Math.Max(Math.Abs(cbhat), Math.Abs(cb)) + opt.AbsTol;
    }
}
