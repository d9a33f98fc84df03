using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Parsing.Expressions;
using static AnalogNN.Tests.Netlists.NetlistTestHelpers;

namespace AnalogNN.Tests.Netlists;

/// <summary>Subcircuits, scoping, hierarchical names, models and control cards.</summary>
public class StructureTests
{
    [Test]
    public void When_SubcircuitInstantiated_Expect_NgspiceHierarchicalNames()
    {
        // ngspice-39 rawfile for this deck: v(in), v(x1.m), i(v2), i(v.x1.v1).
        var flat = Flatten("""
            test naming
            .subckt sub a b
            R1 a m 1k
            V1 m b 1
            .ends
            X1 in 0 sub
            V2 in 0 2
            """);
        Assert.That(flat.Elements.Select(e => e.Name), Is.EqualTo(new[] { "r.x1.r1", "v.x1.v1", "v2" }));
        Assert.That(flat.Elements[0].Nodes, Is.EqualTo(new[] { "in", "x1.m" }));
        Assert.That(flat.Elements[1].Nodes, Is.EqualTo(new[] { "x1.m", "0" }));
        Assert.That(flat.Elements[0].InstancePath, Is.EqualTo("x1"));
    }

    [Test]
    public void When_NestedInstances_Expect_PathOfInstanceNames()
    {
        // ngspice-39: v(x2.x1.m), v(x2.k), i(v.x2.x1.v1).
        var flat = Flatten("""
            test nested
            .subckt inner a b
            R1 a m 1k
            V1 m b 1
            .ends
            .subckt outer a b
            X1 a k inner
            R2 k b 1k
            .ends
            X2 in 0 outer
            V2 in 0 2
            """);
        Assert.That(flat.Elements.Select(e => e.Name), Is.EqualTo(new[] { "r.x2.x1.r1", "v.x2.x1.v1", "r.x2.r2", "v2" }));
        Assert.That(flat.Elements[0].Nodes, Is.EqualTo(new[] { "in", "x2.x1.m" }));
        Assert.That(flat.Elements[1].Nodes, Is.EqualTo(new[] { "x2.x1.m", "x2.k" }));
    }

    [Test]
    public void When_NestedDefinition_Expect_LocalToEnclosingSubcircuit()
    {
        var text = """
            title
            .subckt outer a b
            .subckt leaf p q
            R1 p q 1k
            .ends leaf
            X1 a b leaf
            .ends outer
            X2 1 0 outer
            """;
        Assert.That(Flatten(text).Elements.Single().Name, Is.EqualTo("r.x2.x1.r1"));
        Assert.That(Errors(text + "\nX3 1 0 leaf\n")[0].Message, Is.EqualTo("unknown subcircuit 'leaf'"));
    }

    [Test]
    public void When_SubcircuitParameters_Expect_DefaultsAndPerInstanceOverrides()
    {
        var flat = Flatten("""
            title
            .param rload=5k
            .subckt divider in out PARAMS: r1=1k r2={r1*2}
            Ra in out {r1}
            Rb out 0 {r2}
            .ends
            X1 a b divider
            X2 a c divider r1=3k
            X3 a d divider r2={rload}
            X4 a e divider params: r1=10 r2=20
            """);
        double[] values = flat.Elements.Select(e => Number(e, 0)).ToArray();
        Assert.That(values, Is.EqualTo(new[] { 1e3, 2e3, 3e3, 6e3, 1e3, 5e3, 10, 20 }));
    }

    [Test]
    public void When_SubcircuitParametersWithoutParamsKeyword_Expect_Accepted()
    {
        // The gen_crossbar.py ngspice dialect writes ".subckt memr pl mn x0=0.5 ron=100 ...".
        var flat = Flatten("title\n.subckt memr pl mn x0=0.5 ron=100\nC1 pl mn {x0}\nR1 pl mn {ron}\n.ends\nX1 a 0 memr ron=200\n");
        Assert.That(Number(flat.Elements[0], 0), Is.EqualTo(0.5));
        Assert.That(Number(flat.Elements[1], 0), Is.EqualTo(200));
    }

    [Test]
    public void When_InnerSubcircuitUsesCallersParameter_Expect_DynamicScopingAsNgspice()
    {
        // Checked with ngspice-39: inner sees k=4 of the outer instance (v1#branch = -0.25 mA).
        var flat = Flatten("""
            t scoping
            .subckt inner a b
            R1 a b {k*1k}
            .ends
            .subckt outer a b params: k=2
            X1 a b inner
            .ends
            V1 1 0 1
            X2 1 0 outer k=4
            """);
        Assert.That(Number(flat.FindElement("r.x2.x1.r1")!, 0), Is.EqualTo(4000));
    }

    [Test]
    public void When_OuterParameterShadowsGlobal_Expect_InnerSeesOuter()
    {
        // Checked with ngspice-39: r = 4 (outer's k) and k = 4 (not the global 3): 16k, v1#branch = -62.5 uA.
        var flat = Flatten("""
            t scoping2
            .param k=3
            .subckt inner a b params: r=1
            R1 a b {r*k*1k}
            .ends
            .subckt outer a b params: k=2
            X1 a b inner r={k}
            .ends
            V1 1 0 1
            X2 1 0 outer k=4
            """);
        Assert.That(Number(flat.FindElement("r.x2.x1.r1")!, 0), Is.EqualTo(16000));
    }

    [Test]
    public void When_LocalParamAndModel_Expect_ScopedToInstance()
    {
        var flat = Flatten("""
            title
            .model dm D(IS=1e-14)
            .subckt sub a b params: n=1
            .param is2={n*1e-15}
            .model dm D(IS={is2})
            D1 a b dm
            .ends
            X1 1 0 sub n=2
            X2 1 0 sub n=3
            D3 1 0 dm
            """);
        Assert.That(flat.Models.Select(m => m.Name), Is.EqualTo(new[] { "dm", "x1:dm", "x2:dm" }));
        Assert.That(flat.Elements.Select(e => e.Model!.Name), Is.EqualTo(new[] { "x1:dm", "x2:dm", "dm" }));
        var is2 = (KeyValueField)flat.Elements[1].Model!.Parameters[0];
        Assert.That(((NumberField)is2.Value).Value, Is.EqualTo(3e-15).Within(1e-27));
        Assert.That(flat.Parameters.ContainsKey("is2"), Is.False);
    }

    [Test]
    public void When_ModelWithoutParentheses_Expect_SameParameters()
    {
        var flat = Flatten("title\n.model d1 D IS=1e-14 N=1.05\n.model m1 NMOS (LEVEL=1 VTO=0.7 KP=110u)\n");
        Assert.That(flat.Models[0].Type, Is.EqualTo("D"));
        Assert.That(flat.Models[0].Parameters, Has.Count.EqualTo(2));
        Assert.That(flat.Models[1].Type, Is.EqualTo("NMOS"));
        Assert.That(((NumberField)((KeyValueField)flat.Models[1].Parameters[2]).Value).Value, Is.EqualTo(110e-6).Within(1e-18));
    }

    [Test]
    public void When_ControllingSourceInsideSubcircuit_Expect_RenamedLikeTheSource()
    {
        var flat = Flatten("title\n.subckt s a b\nVs a m 0\nF1 m b Vs 2\nH1 m b vs 3\n.ends\nX1 1 0 s\n");
        Assert.That(((IdentifierField)flat.Elements[1].Fields[0]).Text, Is.EqualTo("v.x1.vs"));
        Assert.That(((IdentifierField)flat.Elements[2].Fields[0]).Text, Is.EqualTo("v.x1.vs"));
    }

    [Test]
    public void When_GlobalNode_Expect_NotRenamedInsideSubcircuits()
    {
        var flat = Flatten("title\n.global vdd\n.subckt s a\nR1 a vdd 1k\n.ends\nX1 1 s\n");
        Assert.That(flat.Elements[0].Nodes, Is.EqualTo(new[] { "1", "vdd" }));
    }

    [Test]
    public void When_BehaviouralSource_Expect_ExpressionTreeWithBoundNames()
    {
        var flat = Flatten("""
            title
            .param g=2
            .func sq(x) = {x*x}
            .subckt memr pl mn ron=100 roff=16k
            Bm pl mn I=V(pl,mn)/({ron}*V(x)+{roff}*(1-V(x)))
            Bx 0 x I = g*sq(V(pl, mn)) + I(vs) * time
            Vs x 0 0
            .ends
            X1 a 0 memr
            """);
        var bm = flat.Elements[0];
        Assert.That(bm.Kind, Is.EqualTo("B"));
        var current = (KeyValueField)bm.Fields[0];
        var tree = ((ExpressionField)current.Value).Expression;
        Assert.That(tree.Any(e => e is NodeVoltageExpression { Positive: "a", Negative: "0" }), Is.True);
        Assert.That(tree.Any(e => e is NodeVoltageExpression { Positive: "x1.x", Negative: null }), Is.True);
        Assert.That(tree.Any(e => e is ParameterExpression), Is.False, "parameters are substituted");
        Assert.That(tree.Any(e => e is ConstantExpression { Value: 16000 }), Is.True);
        var bx = ((ExpressionField)((KeyValueField)flat.Elements[1].Fields[0]).Value).Expression;
        Assert.That(bx.Any(e => e is UserFunctionCallExpression), Is.False, "functions are inlined");
        Assert.That(bx.Any(e => e is BranchCurrentExpression { Element: "v.x1.vs" }), Is.True);
        Assert.That(bx.Any(e => e is TimeExpression), Is.True);
    }

    [Test]
    public void When_BehaviouralSourceUsesUndefinedName_Expect_LocatedError()
    {
        var errors = Errors("title\nB1 a 0 V=V(a)*gain\n");
        Assert.That(errors.Single().Message, Is.EqualTo("undefined parameter 'gain'"));
        Assert.That(errors[0].Column, Is.EqualTo(15));
    }

    [Test]
    public void When_BehaviouralSourceReferencesUnknownCurrent_Expect_Error()
    {
        Assert.That(Errors("title\nB1 a 0 I=I(vnone)\n").Single().Message, Does.Contain("unknown element 'vnone'"));
    }

    [Test]
    public void When_Analyses_Expect_TypedRecords()
    {
        var flat = Flatten("""
            title
            .param tstop=2m
            V1 a 0 1
            I1 a 0 1m
            R1 a 0 1k
            .op
            .dc V1 0 5 0.1 I1 0 1m 0.5m
            .tran 1u {tstop} 0 10u uic
            .tran 1n 10n
            .ac dec 10 1 1meg
            """);
        Assert.That(flat.Analyses[0], Is.TypeOf<OpAnalysis>());
        var dc = (DcAnalysis)flat.Analyses[1];
        Assert.That(dc.Sweeps.Select(s => s.Source), Is.EqualTo(new[] { "v1", "i1" }));
        Assert.That(dc.Sweeps[0].PointCount, Is.EqualTo(51));
        var tran = (TranAnalysis)flat.Analyses[2];
        Assert.That((tran.Step, tran.Stop, tran.Start, tran.MaxStep, tran.UseInitialConditions), Is.EqualTo((1e-6, 2e-3, 0.0, (double?)10e-6, true)));
        var tran2 = (TranAnalysis)flat.Analyses[3];
        Assert.That((tran2.Start, tran2.MaxStep, tran2.UseInitialConditions), Is.EqualTo((0.0, (double?)null, false)));
        Assert.That(flat.Analyses[4], Is.EqualTo(new AcAnalysis(AcSweepType.Decade, 10, 1, 1e6, flat.Analyses[4].Location)));
    }

    [Test]
    public void When_OptionsTempIcNodesetSave_Expect_Collected()
    {
        var flat = Flatten("""
            title
            .subckt s a
            R1 a m 1k
            .ic v(m)=0.5
            .ends
            R1 a 0 1k
            X1 a s
            .options reltol=1e-4 method=gear noacct
            .temp 50
            .ic v(a)=1 V(b)={2*0.5}
            .nodeset v(a)=0.9
            .save v(a) i(v1) v(a,0) all x(m1) a
            """);
        var o = flat.CreateOptions();
        Assert.That(o.RelTol, Is.EqualTo(1e-4));
        Assert.That(o.Method, Is.EqualTo(AnalogNN.Circuit.IntegrationMethod.Gear));
        Assert.That(o.Temp, Is.EqualTo(50));
        Assert.That(flat.InitialConditions.Select(v => (v.Node, v.Value)), Is.EqualTo(new[] { ("x1.m", 0.5), ("a", 1.0), ("b", 1.0) }));
        Assert.That(flat.NodeSets.Single(), Is.EqualTo(new NodeValue("a", 0.9, flat.NodeSets[0].Location)));
        Assert.That(flat.Saves.Select(s => s.Text), Is.EqualTo(new[] { "v(a)", "i(v1)", "v(a,0)", "all", "x(m1)", "v(a)" }));
        Assert.That(flat.Saves.Select(s => s.Kind), Is.EqualTo(new[] { SaveKind.Voltage, SaveKind.Current, SaveKind.Voltage, SaveKind.All, SaveKind.Other, SaveKind.Voltage }));
        var warnings = flat.Diagnostics.Select(d => d.Message).ToList();
        Assert.That(warnings, Has.Some.Contains("option 'noacct' is ignored"));
        Assert.That(warnings, Has.Some.Contains("node 'b' is not connected"));
        Assert.That(warnings, Has.Some.Contains("'.save i(v1)': no such element"));
    }

    [Test]
    public void When_ElementKinds_Expect_NodeCountsFromCardShape()
    {
        var flat = Flatten("""
            title
            .model nm NMOS(LEVEL=1)
            .model qn NPN()
            .model sw SW(VT=1)
            .model mj MEMRISTOR(LEVEL=JOGLEKAR RON=100 ROFF=16k K=2e7 P=1)
            Vs c 0 0
            E1 o 0 c 0 2
            E2 o2 0 VALUE={2*3}
            G1 o 0 c 0 1m
            F1 o 0 Vs 2
            H1 o 0 Vs 1k
            M1 d g s b nm W=1u L=1u
            Q1 c b e qn
            Q2 c b e sub qn 2
            S1 a b c 0 sw
            W1 a b Vs sw
            L1 a b 1u
            L2 c d 1u
            K1 L1 L2 0.99
            YMEMRISTOR mr1 a b mj X0=0.5
            """);
        int Nodes(string name) => flat.FindElement(name)!.Nodes.Count;
        Assert.That(Nodes("e1"), Is.EqualTo(4));
        Assert.That(Nodes("e2"), Is.EqualTo(2));
        Assert.That(Nodes("m1"), Is.EqualTo(4));
        Assert.That(Nodes("q1"), Is.EqualTo(3));
        Assert.That(Nodes("q2"), Is.EqualTo(4));
        Assert.That(Nodes("s1"), Is.EqualTo(4));
        Assert.That(Nodes("w1"), Is.EqualTo(2));
        Assert.That(Nodes("k1"), Is.EqualTo(0));
        var mem = flat.Elements.Single(e => e.Kind == "YMEMRISTOR");
        Assert.That(mem.Name, Is.EqualTo("mr1"));
        Assert.That(mem.Letter, Is.EqualTo('Y'));
        Assert.That(mem.Model!.Type, Is.EqualTo("MEMRISTOR"));
        Assert.That(((IdentifierField)((KeyValueField)mem.Model.Parameters[0]).Value).Text, Is.EqualTo("JOGLEKAR"));
        Assert.That(flat.FindElement("k1")!.Fields.Take(2).Select(f => ((IdentifierField)f).Text), Is.EqualTo(new[] { "l1", "l2" }));
    }

    [Test]
    public void When_MemristorAndMosfetShareAName_Expect_DuplicateError()
    {
        // Y devices are named by their instance name (the state signal is x(m1)), so they share the name space.
        var errors = Errors("title\n.model nm NMOS(LEVEL=1)\n.model mj MEMRISTOR(RON=1)\nM1 d g s b nm\nYMEMRISTOR m1 a b mj\n");
        Assert.That(errors.Single().Message, Does.StartWith("duplicate element name 'm1'"));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((5, 12)));
    }

    [Test]
    public void When_SourceWithWaveforms_Expect_GroupFieldsWithNumbers()
    {
        var flat = Flatten("title\n.param amp=2\nV1 in 0 DC 0.5 AC 1 SIN(0 {amp} 1k)\nV2 a 0 PWL(0 0 1m 1 2m 0) r=0\n");
        var v1 = flat.Elements[0].Fields;
        Assert.That(((IdentifierField)v1[0]).Is("dc"), Is.True);
        Assert.That(((NumberField)v1[1]).Value, Is.EqualTo(0.5));
        var sin = (GroupField)v1[4];
        Assert.That(sin.Is("sin"), Is.True);
        Assert.That(sin.Items.Select(i => ((NumberField)i).Value), Is.EqualTo(new[] { 0, 2, 1000.0 }));
        Assert.That(((KeyValueField)flat.Elements[1].Fields[1]).Key, Is.EqualTo("r"));
    }
}
