using AnalogNN.Circuit;

namespace AnalogNN.Components.Behavioral;

/// <summary>One input of a behavioural expression: a node-voltage difference v(Positive) − v(Negative), V, or the branch current of an element, A.</summary>
/// <param name="Positive">Node (voltage input) or element name (current input).</param>
/// <param name="Negative">Reference node of a voltage input (null = ground); unused for currents.</param>
/// <param name="IsCurrent">True for a branch current <c>i(element)</c>.</param>
public sealed record BehavioralInput(string Positive, string? Negative, bool IsCurrent)
{
    /// <summary>ngspice text of the input: <c>V(a)</c>, <c>V(a,b)</c>, <c>I(v1)</c>.</summary>
    public override string ToString() => IsCurrent ? $"I({Positive})" : Negative is null ? $"V({Positive})" : $"V({Positive},{Negative})";
}

/// <summary>Whether a B source sets a voltage or a current.</summary>
public enum BehavioralKind
{
    /// <summary><c>V=expr</c>: v(n+) − v(n−) = f.</summary>
    Voltage,
    /// <summary><c>I=expr</c>: a current f flows from n+ through the source to n−.</summary>
    Current,
}

/// <summary>
/// Behavioural source <c>B name n+ n- V=expr</c> or <c>I=expr</c> (ngspice syntax). The expression is
/// compiled once into a <see cref="BehavioralFunction"/> of node voltages, branch currents and time;
/// Newton linearises it with the exact gradient from reverse-mode differentiation.
/// </summary>
public sealed class BehavioralSource : Element, INetlistCard
{
    /// <summary>Creates a B source.</summary>
    /// <param name="name">Element name.</param>
    /// <param name="positive">n+.</param>
    /// <param name="negative">n−.</param>
    /// <param name="kind">Voltage or current.</param>
    /// <param name="function">Compiled expression; its inputs are <paramref name="inputs"/> in order.</param>
    /// <param name="inputs">What each input of the tape reads.</param>
    public BehavioralSource(string name, string positive, string negative, BehavioralKind kind, BehavioralFunction function, IReadOnlyList<BehavioralInput> inputs)
        : base(name, positive, negative)
    {
        Require(function.InputCount == inputs.Count, "inputs", $"the expression reads {function.InputCount} inputs, {inputs.Count} given");
        Kind = kind;
        Function = function;
        Inputs = inputs;
    }

    /// <summary>Voltage or current source.</summary>
    public BehavioralKind Kind { get; }

    /// <summary>The compiled expression.</summary>
    public BehavioralFunction Function { get; }

    /// <summary>Inputs of the expression.</summary>
    public IReadOnlyList<BehavioralInput> Inputs { get; }

    /// <inheritdoc/>
    public string ToNetlistCard() => $"{Name} {Nodes[0]} {Nodes[1]} {(Kind == BehavioralKind.Voltage ? "V" : "I")}={Function.Text}";

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new BehavioralSourceBehavior(this);
}

/// <summary>
/// Linearisation of a B source at the iterate x⁰: f(x) ≈ f⁰ + Σₖ gₖ(xₖ − xₖ⁰) with gₖ = ∂f/∂xₖ.
/// Current form, KCL at n+: +f (leaving), at n−: −f, so row n+ gets +gₖ in the columns of input k and
/// the right-hand side −(f⁰ − Σ gₖxₖ⁰). Voltage form, branch row b: v(n+) − v(n−) − Σ gₖxₖ = f⁰ − Σ gₖxₖ⁰.
/// </summary>
internal sealed class BehavioralSourceBehavior(BehavioralSource b) : IBehavior, IConvergenceBehavior
{
    private int _p, _n, _branch;
    private int[] _colA = [], _colB = [];
    private int[] _slotPA = [], _slotPB = [], _slotNA = [], _slotNB = [];
    private BranchSlots _incidence;
    private readonly double[] _x = new double[b.Inputs.Count];
    private readonly double[] _g = new double[b.Inputs.Count];
    private readonly TapeEvaluator _eval = b.Function.CreateEvaluator();
    private double _lastValue;
    private bool _loaded;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(b.Nodes[0]);
        _n = setup.MapNode(b.Nodes[1]);
        if (b.Kind == BehavioralKind.Voltage) _branch = setup.CreateBranch(b.Name);
        int m = b.Inputs.Count;
        _colA = new int[m];
        _colB = new int[m];
        for (int k = 0; k < m; k++)
        {
            var input = b.Inputs[k];
            if (input.IsCurrent) continue;
            _colA[k] = setup.MapNode(input.Positive);
            _colB[k] = input.Negative is null ? 0 : setup.MapNode(input.Negative);
        }
    }

    public void Bind(ISetupContext setup)
    {
        int m = b.Inputs.Count;
        for (int k = 0; k < m; k++)
            if (b.Inputs[k].IsCurrent) { _colA[k] = setup.FindBranch(b.Inputs[k].Positive, b.Name); _colB[k] = 0; }
        int rowP = b.Kind == BehavioralKind.Voltage ? _branch : _p;
        int rowN = b.Kind == BehavioralKind.Voltage ? 0 : _n;
        _slotPA = new int[m]; _slotPB = new int[m]; _slotNA = new int[m]; _slotNB = new int[m];
        for (int k = 0; k < m; k++)
        {
            _slotPA[k] = setup.MatrixSlot(rowP, _colA[k]);
            _slotPB[k] = setup.MatrixSlot(rowP, _colB[k]);
            _slotNA[k] = setup.MatrixSlot(rowN, _colA[k]);
            _slotNB[k] = setup.MatrixSlot(rowN, _colB[k]);
        }
        if (b.Kind == BehavioralKind.Voltage) _incidence = BranchSlots.Bind(setup, _p, _n, _branch);
    }

    public void Load(LoadContext context)
    {
        var sol = context.Solution;
        for (int k = 0; k < _x.Length; k++) _x[k] = sol[_colA[k]] - sol[_colB[k]];
        double time = context.Analysis == AnalysisKind.Transient ? context.Time : 0;
        double f = _eval.Evaluate(_x, time, _g);
        _lastValue = f;
        _loaded = true;
        double linear = f;
        var a = context.Matrix;
        for (int k = 0; k < _x.Length; k++)
        {
            double g = _g[k];
            if (!double.IsFinite(g)) g = 0;
            linear -= g * _x[k];
            if (b.Kind == BehavioralKind.Voltage)
            {
                a[_slotPA[k]] -= g;
                a[_slotPB[k]] += g;
            }
            else
            {
                a[_slotPA[k]] += g; a[_slotPB[k]] -= g;
                a[_slotNA[k]] -= g; a[_slotNB[k]] += g;
            }
        }
        if (b.Kind == BehavioralKind.Voltage)
        {
            _incidence.Add(a);
            context.Rhs[_branch] += linear;
        }
        else
        {
            context.Rhs[_p] -= linear;
            context.Rhs[_n] += linear;
        }
    }

    /// <summary>Device convergence (SPICE's DEVconvTest): the expression at the new iterate agrees with the linearised value.</summary>
    public bool IsConverged(LoadContext context)
    {
        if (!_loaded) return true;
        var sol = context.Solution;
        double predicted = _lastValue;
        for (int k = 0; k < _x.Length; k++)
        {
            double g = double.IsFinite(_g[k]) ? _g[k] : 0;
            predicted += g * (sol[_colA[k]] - sol[_colB[k]] - _x[k]);
        }
        Span<double> x = _x.Length <= 32 ? stackalloc double[_x.Length] : new double[_x.Length];
        for (int k = 0; k < x.Length; k++) x[k] = sol[_colA[k]] - sol[_colB[k]];
        double actual = _eval.Value(x, context.Analysis == AnalysisKind.Transient ? context.Time : 0);
        // the gradient array is rewritten by Value; the next Load recomputes it anyway
        double tol = context.Options.RelTol * Math.Max(Math.Abs(predicted), Math.Abs(actual))
            + (b.Kind == BehavioralKind.Voltage ? context.Options.VnTol : context.Options.AbsTol);
        return Math.Abs(predicted - actual) <= tol;
    }
}
