using AnalogNN.Circuit;

namespace AnalogNN.Components.Sources;

/// <summary>Independent voltage source <c>V name n+ n- [DC v] [waveform]</c>; its current (n+ → n- through the source) is saved as <c>i(name)</c>.</summary>
public sealed class VoltageSource(string name, string positive, string negative, double? dc = null, Waveform? waveform = null,
    double acMagnitude = 0, double acPhase = 0) : IndependentSource(name, positive, negative, dc, waveform, acMagnitude, acPhase)
{
    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new VoltageSourceBehavior(this);
}

/// <summary>Branch row: vp − vn = V(t); KCL: the branch current i enters p's row +i and n's row −i.</summary>
internal sealed class VoltageSourceBehavior(VoltageSource v) : IBehavior, IBreakpointBehavior, ISweepable
{
    private int _p, _n, _b;
    private BranchSlots _slots;
    private SourceValue _value = new(v);

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(v.Nodes[0]);
        _n = setup.MapNode(v.Nodes[1]);
        _b = setup.CreateBranch(v.Name);
    }

    public void Bind(ISetupContext setup)
    {
        _slots = BranchSlots.Bind(setup, _p, _n, _b);
        _value.Bind(setup);
    }

    public void Load(LoadContext context)
    {
        _slots.Add(context.Matrix);
        context.Rhs[_b] += _value.At(context);
    }

    public double NextBreakpoint(double time) => _value.NextBreakpoint(time);

    public void SetSweepValue(double? value) => _value.SweepValue = value;
}
