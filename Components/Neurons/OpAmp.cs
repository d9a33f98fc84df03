using AnalogNN.Circuit;

namespace AnalogNN.Components.Neurons;

/// <summary>
/// <c>.model NAME OPAMP(A= VPOS= VNEG= ROUT= GBW= VSMOOTH=)</c>: a behavioural op-amp. With
/// u = A·(v+ − v−) (or, with GBW &gt; 0, u low-pass filtered with one pole at f_p = GBW/A), the
/// output is a Thévenin source sat(u) behind ROUT, where
/// sat(u) = u − w·sp((u − VPOS)/w) + w·sp((VNEG − u)/w), sp(z) = ln(1 + eᶻ), w = VSMOOTH:
/// linear with slope 1 between the rails (the deviation is below w·e^(−d/w) at a distance d from a
/// rail), smooth, and equal to VPOS/VNEG within w·ln 2 at the rails.
/// </summary>
public sealed class OpAmpModel : Model
{
    private static readonly ParameterSpec[] Specs =
    [
        new("a", 1e5, "V/V", "open-loop DC gain", 0, true),
        new("vpos", 15, "V", "positive rail"),
        new("vneg", -15, "V", "negative rail"),
        new("rout", 0, "Ω", "output resistance", 0),
        new("gbw", 0, "Hz", "gain-bandwidth product; 0 = no pole", 0),
        new("vsmooth", 0.05, "V", "width w of the smooth saturation", 0, true),
    ];

    /// <summary>Creates the model with defaults.</summary>
    public OpAmpModel(string name) : base(name, "OPAMP", Specs) { }

    /// <summary>Parameter table (for documentation).</summary>
    public static IReadOnlyList<ParameterSpec> Parameters => Specs;

    /// <summary>Open-loop gain.</summary>
    public double Gain => Value(0);
    /// <summary>Positive rail, V.</summary>
    public double Vpos => Value(1);
    /// <summary>Negative rail, V.</summary>
    public double Vneg => Value(2);
    /// <summary>Output resistance, Ω.</summary>
    public double Rout => Value(3);
    /// <summary>Gain-bandwidth product, Hz.</summary>
    public double Gbw => Value(4);
    /// <summary>Saturation smoothing width, V.</summary>
    public double Smooth => Value(5);

    /// <summary>sat(u) and its derivative.</summary>
    public static double Saturate(double u, double vpos, double vneg, double w, out double slope)
    {
        double zp = (u - vpos) / w, zn = (vneg - u) / w;
        slope = 1 - Logistic(zp) - Logistic(zn);
        return u - w * Softplus(zp) + w * Softplus(zn);
    }

    /// <summary>ln(1 + eᶻ) without overflow.</summary>
    public static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    /// <summary>1/(1 + e^(−z)) without overflow.</summary>
    public static double Logistic(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>Op-amp <c>YOPAMP name in+ in- out model</c>; the output current is saved as <c>i(name)</c> (into the op-amp at out).</summary>
public sealed class OpAmp : Element, INetlistCard
{
    /// <summary>Creates an op-amp.</summary>
    public OpAmp(string name, string inPlus, string inMinus, string output, OpAmpModel model) : base(name, inPlus, inMinus, output)
    {
        Require(model.Vpos > model.Vneg, "VPOS", "must be above VNEG");
        Model = model;
    }

    /// <summary>The model.</summary>
    public OpAmpModel Model { get; }

    /// <inheritdoc/>
    public string ToNetlistCard() => $"YOPAMP {Name} {string.Join(' ', Nodes)} {Model.Name}";

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new OpAmpBehavior(this);
}

/// <summary>
/// Without a pole the branch row is v(out) − ROUT·i − sat(A(v+ − v−)) = 0, linearised with
/// s = sat′: v(out) − ROUT·i − s·A·(v+ − v−) = sat(u⁰) − s·u⁰. With a pole an internal node y
/// (1 S to ground, C_p = A/(2π·GBW) F, VCCS A(v+ − v−) into y; KCL at y: y + C_p dy/dt − A(v+ − v−) = 0)
/// carries u, and the branch row reads sat(y).
/// </summary>
internal sealed class OpAmpBehavior(OpAmp o) : IBehavior
{
    private readonly double _a = o.Model.Gain, _vpos = o.Model.Vpos, _vneg = o.Model.Vneg, _w = o.Model.Smooth;
    private readonly double _rout = o.Model.Rout, _cp = o.Model.Gbw > 0 ? o.Model.Gain / (2 * Math.PI * o.Model.Gbw) : 0;
    private int _p, _n, _out, _b, _y, _q;
    private int _bp, _bn, _bb, _by, _yy, _yp, _yn;
    private BranchSlots _incidence;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(o.Nodes[0]);
        _n = setup.MapNode(o.Nodes[1]);
        _out = setup.MapNode(o.Nodes[2]);
        _b = setup.CreateBranch(o.Name);
        if (_cp > 0)
        {
            _y = setup.CreateInternal($"{o.Name}#pole", UnknownKind.Voltage);
            _q = setup.CreateStates(2);
            setup.RegisterCharge(_q);
        }
    }

    public void Bind(ISetupContext setup)
    {
        _incidence = BranchSlots.Bind(setup, _out, 0, _b);
        _bb = setup.MatrixSlot(_b, _b);
        if (_cp > 0)
        {
            _by = setup.MatrixSlot(_b, _y);
            _yy = setup.MatrixSlot(_y, _y);
            _yp = setup.MatrixSlot(_y, _p);
            _yn = setup.MatrixSlot(_y, _n);
        }
        else
        {
            _bp = setup.MatrixSlot(_b, _p);
            _bn = setup.MatrixSlot(_b, _n);
        }
    }

    public void Load(LoadContext context)
    {
        var x = context.Solution;
        var a = context.Matrix;
        _incidence.Add(a);
        a[_bb] -= _rout;
        if (_cp > 0)
        {
            double y = x[_y];
            a[_yy] += 1;
            a[_yp] -= _a;
            a[_yn] += _a;
            context.State0[_q] = _cp * y;
            if (context.Analysis == AnalysisKind.Transient)
            {
                double i = context.Integrate(_q);
                double geq = context.Ag0 * _cp;
                a[_yy] += geq;
                context.Rhs[_y] -= i - geq * y;
            }
            double sat = OpAmpModel.Saturate(y, _vpos, _vneg, _w, out double s);
            a[_by] -= s;
            context.Rhs[_b] += sat - s * y;
        }
        else
        {
            double u = _a * (x[_p] - x[_n]);
            double sat = OpAmpModel.Saturate(u, _vpos, _vneg, _w, out double s);
            a[_bp] -= s * _a;
            a[_bn] += s * _a;
            context.Rhs[_b] += sat - s * u;
        }
    }
}
