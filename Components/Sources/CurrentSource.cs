using AnalogNN.Circuit;

namespace AnalogNN.Components.Sources;

/// <summary>Independent current source <c>I name n+ n- [DC i] [waveform]</c>: the current flows from n+ through the source to n-.</summary>
public sealed class CurrentSource(string name, string positive, string negative, double? dc = null, Waveform? waveform = null,
    double acMagnitude = 0, double acPhase = 0) : IndependentSource(name, positive, negative, dc, waveform, acMagnitude, acPhase)
{
    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new CurrentSourceBehavior(this);
}

/// <summary>KCL: I(t) leaves node p and enters node n (right-hand side −I at p, +I at n).</summary>
internal sealed class CurrentSourceBehavior(CurrentSource s) : IBehavior, IBreakpointBehavior, ISweepable
{
    private int _p, _n;
    private SourceValue _value = new(s);

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(s.Nodes[0]);
        _n = setup.MapNode(s.Nodes[1]);
    }

    public void Bind(ISetupContext setup) => _value.Bind(setup);

    public void Load(LoadContext context)
    {
        double i = _value.At(context);
        context.Rhs[_p] -= i;
        context.Rhs[_n] += i;
    }

    public double NextBreakpoint(double time) => _value.NextBreakpoint(time);

    public void SetSweepValue(double? value) => _value.SweepValue = value;
}
