using AnalogNN.Circuit;

namespace AnalogNN.Components.Controlled;

/// <summary>Voltage-controlled voltage source <c>E name o+ o- c+ c- gain</c>: v(o+) − v(o−) = gain·(v(c+) − v(c−)); output current saved as <c>i(name)</c>.</summary>
public sealed class Vcvs : Element
{
    /// <summary>Creates a VCVS with dimensionless <paramref name="gain"/>.</summary>
    public Vcvs(string name, string outPositive, string outNegative, string controlPositive, string controlNegative, double gain)
        : base(name, outPositive, outNegative, controlPositive, controlNegative)
    {
        Require(double.IsFinite(gain), "gain", "must be finite");
        Gain = gain;
    }

    /// <summary>Voltage gain, V/V.</summary>
    public double Gain { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new VcvsBehavior(this);
}

/// <summary>Branch row: vo+ − vo− − A(vc+ − vc−) = 0; the branch current enters the KCL rows of o+ and o−.</summary>
internal sealed class VcvsBehavior(Vcvs e) : IBehavior
{
    private int _p, _n, _cp, _cn, _b, _bcp, _bcn;
    private BranchSlots _slots;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(e.Nodes[0]); _n = setup.MapNode(e.Nodes[1]);
        _cp = setup.MapNode(e.Nodes[2]); _cn = setup.MapNode(e.Nodes[3]);
        _b = setup.CreateBranch(e.Name);
    }

    public void Bind(ISetupContext setup)
    {
        _slots = BranchSlots.Bind(setup, _p, _n, _b);
        _bcp = setup.MatrixSlot(_b, _cp);
        _bcn = setup.MatrixSlot(_b, _cn);
    }

    public void Load(LoadContext context)
    {
        var m = context.Matrix;
        _slots.Add(m);
        m[_bcp] -= e.Gain;
        m[_bcn] += e.Gain;
    }
}

/// <summary>Voltage-controlled current source <c>G name o+ o- c+ c- gm</c>: a current gm·(v(c+) − v(c−)) flows from o+ through the source to o−.</summary>
public sealed class Vccs : Element
{
    /// <summary>Creates a VCCS with transconductance <paramref name="transconductance"/> S.</summary>
    public Vccs(string name, string outPositive, string outNegative, string controlPositive, string controlNegative, double transconductance)
        : base(name, outPositive, outNegative, controlPositive, controlNegative)
    {
        Require(double.IsFinite(transconductance), "gm", "must be finite");
        Transconductance = transconductance;
    }

    /// <summary>Transconductance, S.</summary>
    public double Transconductance { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new VccsBehavior(this);
}

/// <summary>KCL at o+: +gm(vc+ − vc−); at o−: −gm(vc+ − vc−).</summary>
internal sealed class VccsBehavior(Vccs g) : IBehavior
{
    private int _p, _n, _cp, _cn, _pcp, _pcn, _ncp, _ncn;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(g.Nodes[0]); _n = setup.MapNode(g.Nodes[1]);
        _cp = setup.MapNode(g.Nodes[2]); _cn = setup.MapNode(g.Nodes[3]);
    }

    public void Bind(ISetupContext setup)
    {
        _pcp = setup.MatrixSlot(_p, _cp); _pcn = setup.MatrixSlot(_p, _cn);
        _ncp = setup.MatrixSlot(_n, _cp); _ncn = setup.MatrixSlot(_n, _cn);
    }

    public void Load(LoadContext context)
    {
        var m = context.Matrix;
        double gm = g.Transconductance;
        m[_pcp] += gm; m[_pcn] -= gm; m[_ncp] -= gm; m[_ncn] += gm;
    }
}

/// <summary>Current-controlled current source <c>F name o+ o- vsense gain</c>: a current gain·i(vsense) flows from o+ through the source to o−.</summary>
public sealed class Cccs : Element
{
    /// <summary>Creates a CCCS controlled by the branch current of <paramref name="controlSource"/>.</summary>
    public Cccs(string name, string outPositive, string outNegative, string controlSource, double gain)
        : base(name, outPositive, outNegative)
    {
        Require(double.IsFinite(gain), "gain", "must be finite");
        ControlSource = controlSource;
        Gain = gain;
    }

    /// <summary>Name of the voltage source (or inductor) whose current controls this source.</summary>
    public string ControlSource { get; }

    /// <summary>Current gain, A/A.</summary>
    public double Gain { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new CccsBehavior(this);
}

/// <summary>KCL at o+: +β·i_c; at o−: −β·i_c, with i_c the controlling branch unknown.</summary>
internal sealed class CccsBehavior(Cccs f) : IBehavior
{
    private int _p, _n, _pc, _nc;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(f.Nodes[0]); _n = setup.MapNode(f.Nodes[1]);
    }

    public void Bind(ISetupContext setup)
    {
        int c = setup.FindBranch(f.ControlSource, f.Name);
        _pc = setup.MatrixSlot(_p, c); _nc = setup.MatrixSlot(_n, c);
    }

    public void Load(LoadContext context)
    {
        context.Matrix[_pc] += f.Gain;
        context.Matrix[_nc] -= f.Gain;
    }
}

/// <summary>Current-controlled voltage source <c>H name o+ o- vsense r</c>: v(o+) − v(o−) = r·i(vsense); output current saved as <c>i(name)</c>.</summary>
public sealed class Ccvs : Element
{
    /// <summary>Creates a CCVS with transresistance <paramref name="transresistance"/> Ω.</summary>
    public Ccvs(string name, string outPositive, string outNegative, string controlSource, double transresistance)
        : base(name, outPositive, outNegative)
    {
        Require(double.IsFinite(transresistance), "r", "must be finite");
        ControlSource = controlSource;
        Transresistance = transresistance;
    }

    /// <summary>Name of the voltage source (or inductor) whose current controls this source.</summary>
    public string ControlSource { get; }

    /// <summary>Transresistance, Ω.</summary>
    public double Transresistance { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new CcvsBehavior(this);
}

/// <summary>Branch row: vo+ − vo− − r·i_c = 0; the branch current enters the KCL rows of o+ and o−.</summary>
internal sealed class CcvsBehavior(Ccvs h) : IBehavior
{
    private int _p, _n, _b, _bc;
    private BranchSlots _slots;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(h.Nodes[0]); _n = setup.MapNode(h.Nodes[1]);
        _b = setup.CreateBranch(h.Name);
    }

    public void Bind(ISetupContext setup)
    {
        _slots = BranchSlots.Bind(setup, _p, _n, _b);
        _bc = setup.MatrixSlot(_b, setup.FindBranch(h.ControlSource, h.Name));
    }

    public void Load(LoadContext context)
    {
        _slots.Add(context.Matrix);
        context.Matrix[_bc] -= h.Transresistance;
    }
}
