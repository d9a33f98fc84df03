using AnalogNN.Circuit;

namespace AnalogNN.Components.Semiconductors;

/// <summary>
/// Diode model <c>.model NAME D(IS= N= RS= CJO= VJ= M= FC= TT= BV= IBV= ...)</c>. Parameters are
/// taken at the nominal temperature (TEMP = TNOM); the temperature parameters are accepted for
/// compatibility and have no effect.
/// </summary>
public sealed class DiodeModel : Model
{
    /// <summary>The parameter table.</summary>
    public static readonly IReadOnlyList<ParameterSpec> Parameters =
    [
        new("is", 1e-14, "A", "saturation current", 0, true),
        new("n", 1, "", "emission coefficient", 0, true),
        new("rs", 0, "Ω", "ohmic series resistance", 0),
        new("cjo", 0, "F", "zero-bias junction capacitance", 0),
        new("vj", 1, "V", "junction built-in potential", 0, true),
        new("m", 0.5, "", "junction grading coefficient", 0),
        new("fc", 0.5, "", "forward-bias depletion capacitance coefficient", 0),
        new("tt", 0, "s", "transit time", 0),
        new("bv", double.PositiveInfinity, "V", "reverse breakdown voltage (magnitude)", 0, true),
        new("ibv", 1e-3, "A", "current at breakdown voltage", 0, true),
        new("eg", 1.11, "eV", "activation energy (no effect at TEMP = TNOM)", 0, true),
        new("xti", 3, "", "saturation-current temperature exponent (no effect at TEMP = TNOM)"),
        new("kf", 0, "", "flicker-noise coefficient (no effect: no noise analysis)", 0),
        new("af", 1, "", "flicker-noise exponent (no effect: no noise analysis)", 0),
        new("tnom", 27, "°C", "parameter measurement temperature (no effect)"),
    ];

    /// <summary>Aliases SPICE accepts for some names.</summary>
    public static string Canonical(string name) => name.ToLowerInvariant() switch
    {
        "cj" or "cj0" => "cjo",
        "vb" => "bv",
        "pb" => "vj",
        "mj" => "m",
        _ => name.ToLowerInvariant(),
    };

    /// <summary>Creates a model with every parameter at its default.</summary>
    public DiodeModel(string name) : base(name, "D", Parameters) { }

    /// <summary>Saturation current, A.</summary>
    public double Is => this["is"];
    /// <summary>Emission coefficient.</summary>
    public double N => this["n"];
    /// <summary>Series resistance, Ω.</summary>
    public double Rs => this["rs"];
    /// <summary>Zero-bias junction capacitance, F.</summary>
    public double Cjo => this["cjo"];
    /// <summary>Built-in potential, V.</summary>
    public double Vj => this["vj"];
    /// <summary>Grading coefficient.</summary>
    public double M => this["m"];
    /// <summary>Forward-bias depletion coefficient.</summary>
    public double Fc => this["fc"];
    /// <summary>Transit time, s.</summary>
    public double Tt => this["tt"];
    /// <summary>Breakdown voltage, V (+∞ = no breakdown).</summary>
    public double Bv => this["bv"];
    /// <summary>Current at the breakdown voltage, A.</summary>
    public double Ibv => this["ibv"];

    /// <summary>Checks relations between parameters (M &lt; 1, FC &lt; 1).</summary>
    /// <exception cref="CircuitException">A combination is invalid.</exception>
    public void Validate()
    {
        if (!(M < 1)) throw new CircuitException(Name, $"M={M:G6} must be < 1 (the depletion charge has a 1/(1−M) factor)");
        if (!(Fc < 1)) throw new CircuitException(Name, $"FC={Fc:G6} must be < 1");
        if (M > 0.9) throw new CircuitException(Name, $"M={M:G6} must be <= 0.9 (SPICE's limit)");
        if (Fc > 0.95) throw new CircuitException(Name, $"FC={Fc:G6} must be <= 0.95 (SPICE's limit)");
    }
}

/// <summary>
/// Junction diode <c>D name anode cathode model [AREA] [OFF] [IC=vd]</c>, current from anode to cathode.
/// With RS &gt; 0 the junction sits between an internal node and the cathode.
/// </summary>
public sealed class Diode : Element
{
    /// <summary>Creates a diode.</summary>
    /// <param name="name">Element name.</param>
    /// <param name="anode">Anode node.</param>
    /// <param name="cathode">Cathode node.</param>
    /// <param name="model">Diode model.</param>
    /// <param name="area">Area factor: multiplies IS, CJO and IBV, divides RS.</param>
    /// <param name="off">Start the operating-point iteration with the junction at 0 V instead of v_crit.</param>
    /// <param name="initialVoltage">Junction voltage at t = 0 under UIC, V.</param>
    public Diode(string name, string anode, string cathode, DiodeModel model, double area = 1, bool off = false, double? initialVoltage = null)
        : base(name, anode, cathode)
    {
        Require(double.IsFinite(area) && area > 0, "AREA", $"must be finite and > 0 (got {area:G6})");
        Require(initialVoltage is null || double.IsFinite(initialVoltage.Value), "IC", "must be finite");
        model.Validate();
        Model = model;
        Area = area;
        Off = off;
        InitialVoltage = initialVoltage;
    }

    /// <summary>The model.</summary>
    public DiodeModel Model { get; }
    /// <summary>Area factor.</summary>
    public double Area { get; }
    /// <summary>OFF flag.</summary>
    public bool Off { get; }
    /// <summary>Initial junction voltage under UIC, V.</summary>
    public double? InitialVoltage { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new DiodeBehavior(this);
}

/// <summary>
/// Diode biasing and charge. With Vt = kT/q and the junction voltage v (V):
/// <list type="bullet">
/// <item>forward and small reverse (v ≥ −3nVt): i = IS·(e^(v/nVt) − 1), g = IS/(nVt)·e^(v/nVt);</item>
/// <item>reverse (−BV' ≤ v &lt; −3nVt): i = −IS·(1 + a³), a = 3nVt/(v·e) (SPICE's smooth cubic
/// continuation, which reaches −IS with matching slope at v = −3nVt);</item>
/// <item>breakdown (v &lt; −BV'): i = −IS·e^(−(BV' + v)/nVt), where BV' = BV − nVt·ln(IBV/IS)
/// makes i(−BV) = −IBV;</item>
/// <item>plus gmin·v in parallel with the junction (A, S) as SPICE does;</item>
/// <item>charge q = q_depletion(v) + TT·i (C), capacitance C = C_depletion(v) + TT·g (F).</item>
/// </list>
/// States: v, i, g (with the charge current, for the convergence test), q, dq/dt.
/// </summary>
internal sealed class DiodeBehavior(Diode d) : IBehavior, IConvergenceBehavior
{
    private const int SV = 0, SI = 1, SG = 2, SQ = 3;
    private int _a, _ai, _c, _s;
    private int _aa, _aai, _aia, _aiai, _aic, _cai, _cc;
    private readonly double _is = d.Model.Is * d.Area;
    private readonly double _gs = d.Model.Rs > 0 ? d.Area / d.Model.Rs : 0;
    private readonly double _cjo = d.Model.Cjo * d.Area;
    private readonly double _ibv = d.Model.Ibv * d.Area;
    private double _nvt, _vcrit, _bvEff;
    private bool _breakdown;

    public void CreateUnknowns(ISetupContext setup)
    {
        _a = setup.MapNode(d.Nodes[0]);
        _c = setup.MapNode(d.Nodes[1]);
        _ai = _gs > 0 ? setup.CreateInternal($"{d.Name}#anode", UnknownKind.Voltage) : _a;
        _s = setup.CreateStates(5);
        setup.RegisterCharge(_s + SQ);
        _nvt = d.Model.N * setup.Options.ThermalVoltage;
        _vcrit = Junction.CriticalVoltage(_nvt, _is);
        _breakdown = double.IsFinite(d.Model.Bv);
        if (_breakdown)
        {
            // Match i(−BV) = −IBV on the breakdown exponential; when IBV is below the leakage the
            // exponential cannot reach it, and the knee stays at BV (SPICE's guard).
            double bv = d.Model.Bv;
            _bvEff = _ibv < _is * bv / _nvt ? bv : bv - _nvt * Math.Log(_ibv / _is);
        }
    }

    public void Bind(ISetupContext setup)
    {
        _aa = setup.MatrixSlot(_a, _a);
        _aai = setup.MatrixSlot(_a, _ai);
        _aia = setup.MatrixSlot(_ai, _a);
        _aiai = setup.MatrixSlot(_ai, _ai);
        _aic = setup.MatrixSlot(_ai, _c);
        _cai = setup.MatrixSlot(_c, _ai);
        _cc = setup.MatrixSlot(_c, _c);
    }

    public void Load(LoadContext context)
    {
        var x = context.Solution;
        var s0 = context.State0;
        double v;
        if (context.InitJunction)
            v = d.Off ? 0 : _vcrit;
        else if (context.InitTransient && context.UseInitialConditions && d.InitialVoltage is double ic)
            v = ic;
        else
        {
            double vold = s0[_s + SV];
            if (context.InitPredict)
            {
                // extrapolate from the last two accepted points; limit against the last one
                double r = context.PredictionFactor;
                vold = context.State1[_s + SV];
                v = (1 + r) * vold - r * context.State2[_s + SV];
            }
            else v = x[_ai] - x[_c];
            if (!context.InitTransient)
            {
                bool limited = false;
                if (_breakdown && v < Math.Min(0, -_bvEff + 10 * _nvt))
                {
                    // limit the breakdown exponential in the mirrored variable −(v + BV')
                    double u = Junction.LimitJunction(-(v + _bvEff), -(vold + _bvEff), _nvt, _vcrit, ref limited);
                    v = -(u + _bvEff);
                }
                else v = Junction.LimitJunction(v, vold, _nvt, _vcrit, ref limited);
                if (limited) context.ReportLimited();
            }
        }

        double id, gd;
        if (v >= -3 * _nvt)
        {
            double e = Junction.SafeExp(v / _nvt, out double de);
            id = _is * (e - 1);
            gd = _is * de / _nvt;
        }
        else if (!_breakdown || v >= -_bvEff)
        {
            double a = 3 * _nvt / (v * Math.E);
            double a3 = a * a * a;
            id = -_is * (1 + a3);
            gd = _is * 3 * a3 / v;
        }
        else
        {
            double e = Junction.SafeExp(-(_bvEff + v) / _nvt, out double de);
            id = -_is * e;
            gd = _is * de / _nvt;
        }
        double gmin = context.Gmin;
        double iTotal = id + gmin * v;
        double gTotal = gd + gmin;

        if (context.Analysis == AnalysisKind.Transient)
        {
            double q = Junction.DepletionCharge(v, _cjo, d.Model.Vj, d.Model.M, d.Model.Fc, out double cap);
            q += d.Model.Tt * id;
            cap += d.Model.Tt * gd;
            s0[_s + SQ] = q;
            double iq = context.Integrate(_s + SQ);
            iTotal += iq;
            gTotal += context.Ag0 * cap;
        }
        s0[_s + SV] = v;
        s0[_s + SI] = iTotal;
        s0[_s + SG] = gTotal;

        var m = context.Matrix;
        // series resistance a–a' (absent when RS = 0: a' is a and these slots carry 0)
        m[_aa] += _gs; m[_aai] -= _gs; m[_aia] -= _gs; m[_aiai] += _gs;
        // junction a'–c: KCL at a': i(v) ≈ g·(va' − vc) + (i − g·v)
        m[_aiai] += gTotal; m[_aic] -= gTotal; m[_cai] -= gTotal; m[_cc] += gTotal;
        double ieq = iTotal - gTotal * v;
        context.Rhs[_ai] -= ieq;
        context.Rhs[_c] += ieq;
    }

    /// <summary>
    /// SPICE's device convergence test: the current predicted by the last linearisation at the new
    /// iterate, î = i + g·(v_new − v), must agree with i within reltol·max(|î|, |i|) + abstol.
    /// </summary>
    public bool IsConverged(LoadContext context)
    {
        var s0 = context.State0;
        double v = context.Solution[_ai] - context.Solution[_c];
        double i = s0[_s + SI];
        double ihat = i + s0[_s + SG] * (v - s0[_s + SV]);
        double tol = context.Options.RelTol * Math.Max(Math.Abs(ihat), Math.Abs(i)) + context.Options.AbsTol;
        return Math.Abs(ihat - i) <= tol;
    }
}
