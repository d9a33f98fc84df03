using AnalogNN.Circuit;

namespace AnalogNN.Components.Passives;

/// <summary>Linear resistor <c>R name n+ n- value</c>.</summary>
public sealed class Resistor : Element
{
    /// <summary>Creates a resistor of <paramref name="resistance"/> Ω (must be non-zero and finite).</summary>
    public Resistor(string name, string positive, string negative, double resistance) : base(name, positive, negative)
    {
        Require(double.IsFinite(resistance) && resistance != 0, "R", $"resistance must be finite and non-zero (got {resistance:G6})");
        Resistance = resistance;
    }

    /// <summary>Resistance, Ω.</summary>
    public double Resistance { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new ResistorBehavior(this);
}

/// <summary>Stamps a resistor: KCL at p: +G(vp − vn); at n: −G(vp − vn), G = 1/R.</summary>
internal sealed class ResistorBehavior(Resistor r) : IBehavior
{
    private int _p, _n;
    private ConductanceSlots _slots;
    private readonly double _g = 1.0 / r.Resistance;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(r.Nodes[0]);
        _n = setup.MapNode(r.Nodes[1]);
    }

    public void Bind(ISetupContext setup) => _slots = ConductanceSlots.Bind(setup, _p, _n);

    public void Load(LoadContext context) => _slots.Add(context.Matrix, _g);
}
