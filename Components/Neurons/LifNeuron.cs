using System.Globalization;
using AnalogNN.Circuit;

namespace AnalogNN.Components.Neurons;

/// <summary>
/// <c>.model NAME LIF(...)</c>: leaky integrate-and-fire neuron (NEST/Brian2 names; NEST
/// <c>iaf_psc_alpha</c> defaults for the membrane). Membrane: C_m dv/dt = −g_L (v − E_L) + i_in,
/// τ_m = C_m/g_L; a spike when v crosses V_th upwards, then v = V_reset, held for t_ref.
/// </summary>
public sealed class LifModel : Model
{
    private static readonly ParameterSpec[] Specs =
    [
        new("cm", 250e-12, "F", "membrane capacitance C_m", 0, true),
        new("gl", 25e-9, "S", "leak conductance g_L (τ_m = C_m/g_L = 10 ms)", 0, true),
        new("el", -70e-3, "V", "leak reversal (resting) potential E_L"),
        new("vth", -55e-3, "V", "threshold V_th"),
        new("vreset", -70e-3, "V", "reset potential V_reset"),
        new("tref", 2e-3, "s", "refractory period t_ref (membrane clamped to V_reset)", 0),
        new("gref", 1, "S", "clamp conductance to V_reset during t_ref", 0, true),
        new("vrest", 0, "V", "baseline of every output"),
        new("vspk", 1, "V", "spike amplitude on out"),
        new("tspk", 1e-3, "s", "spike width on out (rise start to fall start)", 0, true),
        new("tedge", 10e-6, "s", "rise/fall time of every output pulse", 0, true),
        new("vg", 1, "V", "gate pulse amplitude (1T1R variant)"),
        new("tg", 1e-3, "s", "gate pulse width", 0, true),
        new("vexc", 1, "V", "top-electrode pulse to excitatory synapses (1T1R variant)"),
        new("vinh", -1, "V", "top-electrode pulse to inhibitory synapses (1T1R variant)"),
        new("tte", 1e-3, "s", "top-electrode pulse width", 0, true),
        new("vgoff", 0, "V", "gate output level between spikes, added to VREST (1T1R variant)"),
        new("veread", 0, "V", "excitatory top-electrode level between spikes (read voltage), added to VREST (1T1R variant)"),
        new("viread", 0, "V", "inhibitory top-electrode level between spikes (read voltage), added to VREST (1T1R variant)"),
    ];

    /// <summary>Creates a LIF model with the defaults.</summary>
    public LifModel(string name) : base(name, "LIF", Specs) { }

    /// <summary>Parameter table (for documentation).</summary>
    public static IReadOnlyList<ParameterSpec> Parameters => Specs;

    /// <summary>C_m, F.</summary>
    public double Cm => Value(0);
    /// <summary>g_L, S.</summary>
    public double Gl => Value(1);
    /// <summary>E_L, V.</summary>
    public double El => Value(2);
    /// <summary>V_th, V.</summary>
    public double Vth => Value(3);
    /// <summary>V_reset, V.</summary>
    public double Vreset => Value(4);
    /// <summary>t_ref, s.</summary>
    public double Tref => Value(5);
    /// <summary>Refractory clamp conductance, S.</summary>
    public double Gref => Value(6);
    /// <summary>Output baseline, V.</summary>
    public double Vrest => Value(7);
    /// <summary>Spike on out.</summary>
    public SpikePulse Spike => new(Value(8), Math.Max(Value(9), Value(10)), Value(10));
    /// <summary>Gate pulse.</summary>
    public SpikePulse Gate => new(Value(11), Math.Max(Value(12), Value(10)), Value(10));
    /// <summary>Excitatory TE pulse.</summary>
    public SpikePulse Excitatory => new(Value(13), Math.Max(Value(15), Value(10)), Value(10));
    /// <summary>Inhibitory TE pulse.</summary>
    public SpikePulse Inhibitory => new(Value(14), Math.Max(Value(15), Value(10)), Value(10));
    /// <summary>Levels between spikes of the gate, excitatory and inhibitory outputs relative to VREST, V.</summary>
    public double GateOff => Value(16);
    /// <summary>Excitatory top-electrode level between spikes relative to VREST, V.</summary>
    public double ExcitatoryRead => Value(17);
    /// <summary>Inhibitory top-electrode level between spikes relative to VREST, V.</summary>
    public double InhibitoryRead => Value(18);
    /// <summary>τ_m = C_m/g_L, s.</summary>
    public double TauM => Cm / Gl;
}

/// <summary>
/// Leaky integrate-and-fire neuron. <c>YLIF name in out model</c>: the membrane is node <c>in</c>
/// (C_m and g_L to E_L from <c>in</c> to ground), so every current flowing into <c>in</c> is integrated;
/// <c>out</c> carries the spike pulse. <c>YLIF1T1R name in out gate exc inh model</c> also drives the
/// 1T1R synapse waveforms of Milo et al. (Fig. 2): a gate pulse V_G on <c>gate</c> for the synapses
/// of its row, and top-electrode pulses V_exc on <c>exc</c> and V_inh on <c>inh</c> for the excitatory
/// and inhibitory synapses of its column.
/// </summary>
public sealed class LifNeuron : Element, INetlistCard
{
    /// <summary>Creates a neuron with outputs <paramref name="outputs"/> (out, or out gate exc inh).</summary>
    public LifNeuron(string name, string input, IReadOnlyList<string> outputs, LifModel model)
        : base(name, [input, .. outputs])
    {
        Require(outputs.Count is 1 or 4, "nodes", "a LIF neuron has 1 output (out) or 4 (out gate exc inh)");
        Require(model.Vreset < model.Vth, "VRESET", "must be below VTH");
        Model = model;
    }

    /// <summary>The model.</summary>
    public LifModel Model { get; }

    /// <summary>True for the 1T1R variant with gate and top-electrode outputs.</summary>
    public bool HasSynapseOutputs => Nodes.Count == 5;

    /// <inheritdoc/>
    public string ToNetlistCard() => $"{(HasSynapseOutputs ? "YLIF1T1R" : "YLIF")} {Name} {string.Join(' ', Nodes)} {Model.Name}";

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new LifBehavior(this);

    /// <summary>
    /// Analytic firing rate under a constant input current <paramref name="current"/> (A):
    /// 1/(t_ref + τ ln((V∞ − V_reset)/(V∞ − V_th))) with V∞ = E_L + I/g_L; 0 if V∞ ≤ V_th.
    /// </summary>
    public static double AnalyticRate(LifModel m, double current)
    {
        double vinf = m.El + current / m.Gl;
        if (vinf <= m.Vth) return 0;
        return 1 / (m.Tref + m.TauM * Math.Log((vinf - m.Vreset) / (vinf - m.Vth)));
    }
}

/// <summary>
/// Membrane stamp at node m: capacitor companion (G = α₀C_m, Norton i − α₀q), leak g_L to E_L
/// (KCL at m: +g_L(v − E_L)), and during the refractory period a clamp g_ref(v − V_reset).
/// The threshold crossing is located by the transient's event mechanism (the step is cut back
/// until it ends within eventtol past the crossing); Accept then records the crossing time
/// (linear interpolation inside the last step), starts the output pulses and resets the membrane
/// by rewriting the capacitor's charge history to C_m·V_reset, so the next step starts from the reset
/// value without a charge jump for the truncation-error control to trip on.
/// </summary>
internal sealed class LifBehavior(LifNeuron n) : IBehavior, IEventBehavior, IAcceptBehavior, IBreakpointBehavior, ISpikeEmitter
{
    private readonly LifModel _m = n.Model;
    private readonly double _cm = n.Model.Cm, _gl = n.Model.Gl, _el = n.Model.El, _vth = n.Model.Vth, _vreset = n.Model.Vreset;
    private readonly double _tref = n.Model.Tref, _gref = n.Model.Gref, _vrest = n.Model.Vrest;
    private readonly SpikePulse[] _pulses = n.HasSynapseOutputs
        ? [n.Model.Spike, n.Model.Gate, n.Model.Excitatory, n.Model.Inhibitory]
        : [n.Model.Spike];
    private readonly VoltageOutput[] _outputs = new VoltageOutput[n.Nodes.Count - 1];
    private readonly double[] _levels = n.HasSynapseOutputs
        ? [n.Model.Vrest, n.Model.Vrest + n.Model.GateOff, n.Model.Vrest + n.Model.ExcitatoryRead, n.Model.Vrest + n.Model.InhibitoryRead]
        : [n.Model.Vrest];
    private readonly List<double> _spikes = new(64);
    private int _m0, _q, _mm;
    private double _lastSpike = double.NegativeInfinity, _refEnd = double.NegativeInfinity;
    private double _prevV = double.NaN, _prevT;

    public string Source => n.Name;
    public IReadOnlyList<double> SpikeTimes => _spikes;

    public void CreateUnknowns(ISetupContext setup)
    {
        _m0 = setup.MapNode(n.Nodes[0]);
        _q = setup.CreateStates(2);
        setup.RegisterCharge(_q);
        for (int k = 0; k < _outputs.Length; k++) _outputs[k].CreateUnknowns(setup, n.Nodes[k + 1], $"{n.Name}#out{k}");
    }

    public void Bind(ISetupContext setup)
    {
        _mm = setup.MatrixSlot(_m0, _m0);
        for (int k = 0; k < _outputs.Length; k++) _outputs[k].Bind(setup);
    }

    private bool Refractory(double time) => double.IsFinite(_refEnd) && time - _refEnd <= 1e-12 * Math.Max(Math.Abs(_refEnd), 1e-6);

    public void Load(LoadContext context)
    {
        var a = context.Matrix;
        double v = context.Solution[_m0];
        a[_mm] += _gl;
        context.Rhs[_m0] += _gl * _el;
        bool transient = context.Analysis == AnalysisKind.Transient;
        double time = transient ? context.Time : 0;
        if (transient)
        {
            context.State0[_q] = _cm * v;
            double i = context.Integrate(_q);
            double geq = context.Ag0 * _cm;
            a[_mm] += geq;
            context.Rhs[_m0] -= i - geq * v;
            if (Refractory(time))
            {
                a[_mm] += _gref;
                context.Rhs[_m0] += _gref * _vreset;
            }
        }
        else context.State0[_q] = _cm * v;
        double since = time - _lastSpike;
        for (int k = 0; k < _outputs.Length; k++) _outputs[k].Load(context, _levels[k] + _pulses[k].Value(since));
    }

    public double EventFraction(LoadContext context, ReadOnlySpan<double> previousSolution)
    {
        if (Refractory(context.Time)) return double.PositiveInfinity;
        double v0 = previousSolution[_m0], v1 = context.Solution[_m0];
        return v0 < _vth && v1 >= _vth ? (_vth - v0) / (v1 - v0) : double.PositiveInfinity;
    }

    public void Accept(LoadContext context)
    {
        double v = context.Solution[_m0], t = context.Time;
        if (context.Analysis == AnalysisKind.Transient && !double.IsNaN(_prevV) && _prevV < _vth && v >= _vth && !Refractory(t))
        {
            double crossing = v > _prevV ? t - (v - _vth) / (v - _prevV) * (t - _prevT) : t;
            _spikes.Add(crossing);
            _lastSpike = t;
            _refEnd = t + _tref;
            for (int age = 0; age < LoadContext.StateHistory; age++)
            {
                var s = context.States(age);
                s[_q] = _cm * _vreset;
                s[_q + 1] = 0;
            }
            v = _vreset;
        }
        _prevV = v;
        _prevT = t;
    }

    public double NextBreakpoint(double time)
    {
        double next = double.PositiveInfinity;
        if (_refEnd > time + 1e-15) next = _refEnd;
        if (double.IsFinite(_lastSpike))
            foreach (var p in _pulses) next = Math.Min(next, p.NextCorner(_lastSpike, time));
        return next;
    }
}
