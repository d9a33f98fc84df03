using AnalogNN.Circuit;

namespace AnalogNN.Components.Passives;

/// <summary>Linear inductor <c>L name n+ n- value [IC=i0]</c>; its current is an MNA unknown, saved as <c>i(name)</c>.</summary>
public sealed class Inductor : Element
{
    /// <summary>Creates an inductor of <paramref name="inductance"/> H with an optional initial current (used with UIC).</summary>
    public Inductor(string name, string positive, string negative, double inductance, double? initialCurrent = null)
        : base(name, positive, negative)
    {
        Require(double.IsFinite(inductance) && inductance >= 0, "L", $"inductance must be finite and >= 0 (got {inductance:G6})");
        Require(initialCurrent is null || double.IsFinite(initialCurrent.Value), "IC", "initial current must be finite");
        Inductance = inductance;
        InitialCurrent = initialCurrent;
    }

    /// <summary>Inductance, H.</summary>
    public double Inductance { get; }

    /// <summary>Initial current n+ → n- at t = 0 under UIC, A; null if not given.</summary>
    public double? InitialCurrent { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new InductorBehavior(this);
}

/// <summary>
/// Inductor with branch current i as unknown. Branch row: vp − vn − dφ/dt = 0 with flux φ = L·i
/// integrated like a charge: vp − vn − α₀L·i = h, h = dφ/dt − α₀φ at the iterate. In DC the row
/// reduces to vp − vn = 0 (a short).
/// </summary>
internal sealed class InductorBehavior(Inductor l) : IBehavior
{
    private int _p, _n, _b, _flux, _bb;
    private BranchSlots _slots;
    private readonly double _ind = l.Inductance;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(l.Nodes[0]);
        _n = setup.MapNode(l.Nodes[1]);
        _b = setup.CreateBranch(l.Name);
        _flux = setup.CreateStates(2);
        setup.RegisterCharge(_flux);
    }

    public void Bind(ISetupContext setup)
    {
        _slots = BranchSlots.Bind(setup, _p, _n, _b);
        _bb = setup.MatrixSlot(_b, _b);
    }

    public void Load(LoadContext context)
    {
        double i = context.Solution[_b];
        if (context.InitTransient && context.UseInitialConditions && l.InitialCurrent is double ic)
        {
            // UIC start: the branch current is the given IC (written to the t = 0 point too).
            i = ic;
            context.Solution[_b] = ic;
        }
        context.State0[_flux] = _ind * i;
        _slots.Add(context.Matrix);
        if (context.Analysis != AnalysisKind.Transient) return;
        double v = context.Integrate(_flux);
        double req = context.Ag0 * _ind;
        context.Matrix[_bb] -= req;
        context.Rhs[_b] += v - req * i;
    }
}
