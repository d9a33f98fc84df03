using AnalogNN.Circuit;

namespace AnalogNN.Components.Neurons;

/// <summary>Neuron nonlinearity of a transfer block.</summary>
public enum TransferFunction
{
    /// <summary>f(u) = u.</summary>
    Linear,
    /// <summary>f(u) = tanh u.</summary>
    Tanh,
    /// <summary>f(u) = 1/(1 + e^(−u)).</summary>
    Logistic,
    /// <summary>f(u) = clip(u, 0, 1), smoothed: w·[sp(u/w) − sp((u − 1)/w)], sp(z) = ln(1 + eᶻ).</summary>
    HardSigmoid,
    /// <summary>f(u) = max(u, 0), smoothed: w·sp(u/w).</summary>
    Relu,
}

/// <summary>
/// <c>.model NAME TANH|LOGISTIC|HSIGMOID|RELU|LINEAR(GAIN= VIN= AMP= VOUT= WIDTH=)</c>: the output is
/// VOUT + AMP·f(GAIN·(v(in) − VIN)). The kinks of the hard sigmoid and ReLU are rounded with the
/// softplus over a width WIDTH (in units of u): the smoothed function differs from the exact one by at
/// most WIDTH·ln 2 (at the kinks) and by WIDTH·ln(1 + e^(−d/WIDTH)) at a distance d from a kink.
/// </summary>
public sealed class TransferModel : Model
{
    private static readonly ParameterSpec[] Specs =
    [
        new("gain", 1, "1/V", "input scale: u = GAIN·(v(in) − VIN)"),
        new("vin", 0, "V", "input offset"),
        new("amp", 1, "V", "output scale"),
        new("vout", 0, "V", "output offset"),
        new("width", 1e-3, "", "smoothing width of HSIGMOID and RELU kinks, in units of u", 0, true),
    ];

    /// <summary>Creates a model; <paramref name="type"/> is TANH, LOGISTIC, HSIGMOID, RELU or LINEAR.</summary>
    /// <exception cref="ArgumentException">Unknown type.</exception>
    public TransferModel(string name, string type) : base(name, type.ToUpperInvariant(), Specs)
    {
        Function = Type switch
        {
            "TANH" => TransferFunction.Tanh,
            "LOGISTIC" => TransferFunction.Logistic,
            "HSIGMOID" => TransferFunction.HardSigmoid,
            "RELU" => TransferFunction.Relu,
            "LINEAR" => TransferFunction.Linear,
            _ => throw new ArgumentException($"unknown transfer function '{type}'", nameof(type)),
        };
    }

    /// <summary>Model types accepted.</summary>
    public static readonly string[] Types = ["TANH", "LOGISTIC", "HSIGMOID", "RELU", "LINEAR"];

    /// <summary>Parameter table (for documentation).</summary>
    public static IReadOnlyList<ParameterSpec> Parameters => Specs;

    /// <summary>The function.</summary>
    public TransferFunction Function { get; }

    /// <summary>Output voltage for input <paramref name="vin"/> and its derivative d out/d vin.</summary>
    public double Evaluate(double vin, out double slope)
    {
        double gain = Value(0), amp = Value(2);
        double f = Apply(Function, gain * (vin - Value(1)), Value(4), out double df);
        slope = amp * gain * df;
        return Value(3) + amp * f;
    }

    /// <summary>f(u) and f′(u) for smoothing width <paramref name="w"/>.</summary>
    public static double Apply(TransferFunction function, double u, double w, out double df)
    {
        switch (function)
        {
            case TransferFunction.Tanh:
            {
                double t = Math.Tanh(u);
                df = 1 - t * t;
                return t;
            }
            case TransferFunction.Logistic:
            {
                double s = OpAmpModel.Logistic(u);
                df = s * (1 - s);
                return s;
            }
            case TransferFunction.HardSigmoid:
                df = OpAmpModel.Logistic(u / w) - OpAmpModel.Logistic((u - 1) / w);
                return w * (OpAmpModel.Softplus(u / w) - OpAmpModel.Softplus((u - 1) / w));
            case TransferFunction.Relu:
                df = OpAmpModel.Logistic(u / w);
                return w * OpAmpModel.Softplus(u / w);
            default:
                df = 1;
                return u;
        }
    }
}

/// <summary>
/// Transfer block <c>YACT name in out model</c>: an ideal voltage output v(out) = VOUT + AMP·f(GAIN·(v(in) − VIN)),
/// input draws no current. Branch row: v(out) − f′·v(in) = f(v⁰) − f′·v⁰ (Newton linearisation).
/// </summary>
public sealed class TransferBlock : Element, INetlistCard
{
    /// <summary>Creates a block.</summary>
    public TransferBlock(string name, string input, string output, TransferModel model) : base(name, input, output) => Model = model;

    /// <summary>The model.</summary>
    public TransferModel Model { get; }

    /// <inheritdoc/>
    public string ToNetlistCard() => $"YACT {Name} {Nodes[0]} {Nodes[1]} {Model.Name}";

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new TransferBehavior(this);
}

internal sealed class TransferBehavior(TransferBlock t) : IBehavior
{
    private int _in, _out, _b, _bin;
    private BranchSlots _incidence;

    public void CreateUnknowns(ISetupContext setup)
    {
        _in = setup.MapNode(t.Nodes[0]);
        _out = setup.MapNode(t.Nodes[1]);
        _b = setup.CreateBranch(t.Name);
    }

    public void Bind(ISetupContext setup)
    {
        _incidence = BranchSlots.Bind(setup, _out, 0, _b);
        _bin = setup.MatrixSlot(_b, _in);
    }

    public void Load(LoadContext context)
    {
        double v = context.Solution[_in];
        double f = t.Model.Evaluate(v, out double s);
        _incidence.Add(context.Matrix);
        context.Matrix[_bin] -= s;
        context.Rhs[_b] += f - s * v;
    }
}

/// <summary>
/// Integrator neuron <c>YINTEG name in out model TAU=τ [C=c]</c>: τ dv/dt = −v + g(v(in)) with
/// g = the transfer model's output (so dv/dt = −v/τ + g/τ, and v settles at g(v(in))). Built on a
/// capacitor: node out has C to ground, a leak C/τ to ground and a VCCS (C/τ)·g(v(in)) into it
/// (KCL at out: C dv/dt + (C/τ)v − (C/τ)g = 0). This realises the neuron ODE of Zoppo et al. Eq. 13
/// once the synaptic currents are summed into <c>in</c> by a transimpedance stage.
/// </summary>
public sealed class IntegratorNeuron : Element, INetlistCard
{
    /// <summary>Creates an integrator neuron.</summary>
    public IntegratorNeuron(string name, string input, string output, TransferModel model, double tau, double capacitance = 1e-9)
        : base(name, input, output)
    {
        Require(double.IsFinite(tau) && tau > 0, "TAU", "must be > 0");
        Require(double.IsFinite(capacitance) && capacitance > 0, "C", "must be > 0");
        Model = model;
        Tau = tau;
        Capacitance = capacitance;
    }

    /// <summary>The transfer model g.</summary>
    public TransferModel Model { get; }
    /// <summary>Time constant τ, s.</summary>
    public double Tau { get; }
    /// <summary>Capacitance, F.</summary>
    public double Capacitance { get; }

    /// <inheritdoc/>
    public string ToNetlistCard() =>
        $"YINTEG {Name} {Nodes[0]} {Nodes[1]} {Model.Name} TAU={Tau.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} C={Capacitance.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new IntegratorBehavior(this);
}

internal sealed class IntegratorBehavior(IntegratorNeuron n) : IBehavior
{
    private readonly double _c = n.Capacitance, _g = n.Capacitance / n.Tau;
    private int _in, _out, _q, _oo, _oi;

    public void CreateUnknowns(ISetupContext setup)
    {
        _in = setup.MapNode(n.Nodes[0]);
        _out = setup.MapNode(n.Nodes[1]);
        _q = setup.CreateStates(2);
        setup.RegisterCharge(_q);
    }

    public void Bind(ISetupContext setup)
    {
        _oo = setup.MatrixSlot(_out, _out);
        _oi = setup.MatrixSlot(_out, _in);
    }

    public void Load(LoadContext context)
    {
        var x = context.Solution;
        var a = context.Matrix;
        double v = x[_out], vin = x[_in];
        double g = n.Model.Evaluate(vin, out double s);
        // leak and source: KCL at out: +G·v − G·g(vin), linearised in vin
        a[_oo] += _g;
        a[_oi] -= _g * s;
        context.Rhs[_out] += _g * (g - s * vin);
        context.State0[_q] = _c * v;
        if (context.Analysis != AnalysisKind.Transient) return;
        double i = context.Integrate(_q);
        double geq = context.Ag0 * _c;
        a[_oo] += geq;
        context.Rhs[_out] -= i - geq * v;
    }
}
