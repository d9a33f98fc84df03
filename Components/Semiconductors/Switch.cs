using AnalogNN.Circuit;

namespace AnalogNN.Components.Semiconductors;

/// <summary>Voltage-controlled switch model <c>.model NAME SW(VT= VH= RON= ROFF=)</c>.</summary>
public sealed class SwitchModel : Model
{
    /// <summary>The parameter table (ngspice defaults: ROFF = 1/gmin).</summary>
    public static readonly IReadOnlyList<ParameterSpec> Parameters =
    [
        new("vt", 0, "V", "threshold voltage"),
        new("vh", 0, "V", "hysteresis half-width: on above VT+VH, off below VT−VH", 0),
        new("ron", 1, "Ω", "on resistance", 0, true),
        new("roff", 1e12, "Ω", "off resistance", 0, true),
    ];

    /// <summary>Creates a model with every parameter at its default.</summary>
    public SwitchModel(string name) : base(name, "SW", Parameters) { }

    /// <summary>Threshold, V.</summary>
    public double Vt => this["vt"];
    /// <summary>Hysteresis, V.</summary>
    public double Vh => this["vh"];
    /// <summary>On resistance, Ω.</summary>
    public double Ron => this["ron"];
    /// <summary>Off resistance, Ω.</summary>
    public double Roff => this["roff"];
}

/// <summary>
/// Voltage-controlled switch <c>S name n+ n- nc+ nc- model [ON|OFF]</c>: a resistance RON between
/// n+ and n− when closed, ROFF when open. It closes when v(nc+) − v(nc−) rises above VT + VH, opens
/// when it falls below VT − VH, and otherwise keeps its state.
/// </summary>
public sealed class VoltageSwitch : Element
{
    /// <summary>Creates a switch; <paramref name="initiallyOn"/> is its state before the first solve (default open).</summary>
    public VoltageSwitch(string name, string positive, string negative, string controlPositive, string controlNegative,
        SwitchModel model, bool initiallyOn = false)
        : base(name, positive, negative, controlPositive, controlNegative)
    {
        Model = model;
        InitiallyOn = initiallyOn;
    }

    /// <summary>The model.</summary>
    public SwitchModel Model { get; }
    /// <summary>State assumed before the first solve.</summary>
    public bool InitiallyOn { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new VoltageSwitchBehavior(this);
}

/// <summary>
/// The switch is a piecewise-constant conductance G = 1/RON or 1/ROFF (S) chosen by a hysteretic
/// comparator on the control voltage. Within a time point the comparator compares against the state
/// of the last accepted point; the new state becomes the accepted one only in
/// <see cref="Accept"/>, so a rejected step never flips it. A state different from the one the
/// previous iteration used counts as a limited iteration, so Newton re-solves with the new
/// resistance before it can converge (ngspice does the same).
/// </summary>
internal sealed class VoltageSwitchBehavior(VoltageSwitch s) : IBehavior, IAcceptBehavior
{
    private int _p, _n, _cp, _cn;
    private ConductanceSlots _slots;
    private readonly double _gon = 1 / s.Model.Ron, _goff = 1 / s.Model.Roff;
    private readonly double _on = s.Model.Vt + s.Model.Vh, _off = s.Model.Vt - s.Model.Vh;
    private bool _accepted = s.InitiallyOn, _present = s.InitiallyOn;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(s.Nodes[0]); _n = setup.MapNode(s.Nodes[1]);
        _cp = setup.MapNode(s.Nodes[2]); _cn = setup.MapNode(s.Nodes[3]);
    }

    public void Bind(ISetupContext setup) => _slots = ConductanceSlots.Bind(setup, _p, _n);

    public void Load(LoadContext context)
    {
        bool state = _present;
        if (!context.InitJunction)
        {
            double vc = context.Solution[_cp] - context.Solution[_cn];
            state = vc > _on || (vc >= _off && _accepted);
            // In the operating point there is no accepted history: the state follows the iterates.
            if (context.Analysis == AnalysisKind.Dc) state = vc > _on || (vc >= _off && _present);
        }
        if (state != _present) context.ReportLimited();
        _present = state;
        _slots.Add(context.Matrix, state ? _gon : _goff);
    }

    public void Accept(LoadContext context) => _accepted = _present;
}
