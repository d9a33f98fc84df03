using AnalogNN.Circuit;

namespace AnalogNN.Components.Passives;

/// <summary>Linear capacitor <c>C name n+ n- value [IC=v0]</c>.</summary>
public sealed class Capacitor : Element
{
    /// <summary>Creates a capacitor of <paramref name="capacitance"/> F with an optional initial voltage (used with UIC).</summary>
    public Capacitor(string name, string positive, string negative, double capacitance, double? initialVoltage = null)
        : base(name, positive, negative)
    {
        Require(double.IsFinite(capacitance) && capacitance >= 0, "C", $"capacitance must be finite and >= 0 (got {capacitance:G6})");
        Require(initialVoltage is null || double.IsFinite(initialVoltage.Value), "IC", "initial voltage must be finite");
        Capacitance = capacitance;
        InitialVoltage = initialVoltage;
    }

    /// <summary>Capacitance, F.</summary>
    public double Capacitance { get; }

    /// <summary>Initial voltage vp − vn at t = 0 under UIC, V; null if not given.</summary>
    public double? InitialVoltage { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new CapacitorBehavior(this);
}

/// <summary>
/// Capacitor companion model. Charge q = C·v is state q, its current dq/dt state q+1; with the
/// integration formula i = α₀q + h(past) the stamp is G = α₀C and a Norton current
/// I = i − α₀·q leaving node p. Open circuit in DC.
/// </summary>
internal sealed class CapacitorBehavior(Capacitor c) : IBehavior
{
    private int _p, _n, _q;
    private ConductanceSlots _slots;
    private readonly double _cap = c.Capacitance;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(c.Nodes[0]);
        _n = setup.MapNode(c.Nodes[1]);
        _q = setup.CreateStates(2);
        setup.RegisterCharge(_q);
    }

    public void Bind(ISetupContext setup) => _slots = ConductanceSlots.Bind(setup, _p, _n);

    public void Load(LoadContext context)
    {
        var x = context.Solution;
        double v = context.InitTransient && context.UseInitialConditions && c.InitialVoltage is double ic
            ? ic
            : x[_p] - x[_n];
        context.State0[_q] = _cap * v;
        if (context.Analysis != AnalysisKind.Transient) return;
        double i = context.Integrate(_q);
        double geq = context.Ag0 * _cap;
        double ieq = i - geq * v;
        _slots.Add(context.Matrix, geq);
        context.Rhs[_p] -= ieq;
        context.Rhs[_n] += ieq;
    }
}
