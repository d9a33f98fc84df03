using System.Globalization;
using System.Text;
using AnalogNN.Circuit;
using AnalogNN.Components;
using AnalogNN.Components.Controlled;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Semiconductors;
using AnalogNN.Components.Sources;

namespace AnalogNN.Netlists.Writing;

/// <summary>
/// Writes a circuit back as a SPICE netlist that parses to the same circuit: title, models,
/// elements in circuit order, <c>.ic</c>/<c>.nodeset</c>, then the given analysis cards. Numbers
/// are written in round-trip form, so write → parse → write is the identity. Network builders use
/// it to give users a readable netlist of what they generated.
/// </summary>
public sealed class NetlistWriter
{
    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _models = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Formats a number so that parsing it gives the same double (invariant culture, no SPICE suffix).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Netlist text of <paramref name="circuit"/> followed by <paramref name="analysisCards"/> (e.g. <c>.tran 1u 1m</c>) and <c>.end</c>.</summary>
    public static string Write(Circuit.Circuit circuit, params string[] analysisCards)
    {
        var w = new NetlistWriter();
        return w.Render(circuit, analysisCards);
    }

    private string Render(Circuit.Circuit circuit, string[] analysisCards)
    {
        _text.Append(string.IsNullOrEmpty(circuit.Title) ? "* AnalogNN netlist" : circuit.Title.Split('\n')[0]).Append('\n');
        foreach (var e in circuit.Elements)
            foreach (var m in ModelsOf(e))
                if (_models.Add(m.Name)) WriteModel(m); // one card per name: elements may hold copies of one model
        foreach (var e in circuit.Elements) _text.Append(Card(e)).Append('\n');
        WriteNodeValues(".ic", circuit.InitialConditions);
        WriteNodeValues(".nodeset", circuit.NodeSets);
        foreach (var card in analysisCards) _text.Append(card).Append('\n');
        _text.Append(".end\n");
        return _text.ToString();
    }

    private void WriteNodeValues(string card, Dictionary<string, double> values)
    {
        if (values.Count == 0) return;
        _text.Append(card);
        foreach (var (node, v) in values) _text.Append($" v({node})={Number(v)}");
        _text.Append('\n');
    }

    private void WriteModel(Model m)
    {
        _text.Append($".model {m.Name} {m.Type}(");
        _text.Append(string.Join(' ', m.GivenParameters().Select(p => $"{p.Name.ToUpperInvariant()}={ParameterValue(m, p.Name, p.Value)}")));
        _text.Append(")\n");
    }

    /// <summary>A model parameter's text: numbers in round-trip form, a memristor LEVEL by its family name.</summary>
    private static string ParameterValue(Model m, string name, double value) =>
        m is MemristorModel && name == "level" ? MemristorModel.LevelName((MemristorLevel)(int)value) : Number(value);

    /// <summary>The models an element refers to (written once each, before the elements).</summary>
    private static IEnumerable<Model> ModelsOf(Element e) =>
        e.GetType().GetProperties().Where(p => typeof(Model).IsAssignableFrom(p.PropertyType))
            .Select(p => (Model?)p.GetValue(e)).OfType<Model>();

    /// <summary>One element card. Elements whose type is not known here are reported, not skipped silently.</summary>
    public static string Card(Element e)
    {
        string nodes = string.Join(' ', e.Nodes);
        return e switch
        {
            Resistor r => $"{r.Name} {nodes} {Number(r.Resistance)}",
            Capacitor c => $"{c.Name} {nodes} {Number(c.Capacitance)}{Ic(c.InitialVoltage)}",
            Inductor l => $"{l.Name} {nodes} {Number(l.Inductance)}{Ic(l.InitialCurrent)}",
            IndependentSource s => $"{s.Name} {nodes}{Source(s)}",
            Vcvs x => $"{x.Name} {nodes} {Number(x.Gain)}",
            Vccs x => $"{x.Name} {nodes} {Number(x.Transconductance)}",
            Cccs x => $"{x.Name} {nodes} {x.ControlSource} {Number(x.Gain)}",
            Ccvs x => $"{x.Name} {nodes} {x.ControlSource} {Number(x.Transresistance)}",
            Diode d => $"{d.Name} {nodes} {d.Model.Name}{(d.Area != 1 ? $" AREA={Number(d.Area)}" : "")}{(d.Off ? " OFF" : "")}{Ic(d.InitialVoltage)}",
            Mosfet m => $"{m.Name} {nodes} {m.Model.Name}{Geometry(m.Geometry)}{(m.Off ? " OFF" : "")}",
            VoltageSwitch sw => $"{sw.Name} {nodes} {sw.Model.Name}{(sw.InitiallyOn ? " ON" : "")}",
            INetlistCard custom => custom.ToNetlistCard(),
            _ => throw new NotSupportedException($"{e.Name}: the netlist writer does not know elements of type {e.GetType().Name}"),
        };
    }

    private static string Geometry(MosfetGeometry g)
    {
        var b = new StringBuilder($" W={Number(g.W)} L={Number(g.L)}");
        if (g.AD != 0) b.Append($" AD={Number(g.AD)}");
        if (g.AS != 0) b.Append($" AS={Number(g.AS)}");
        if (g.NRD != 1) b.Append($" NRD={Number(g.NRD)}");
        if (g.NRS != 1) b.Append($" NRS={Number(g.NRS)}");
        if (g.Multiplier != 1) b.Append($" M={Number(g.Multiplier)}");
        return b.ToString();
    }

    private static string Ic(double? ic) => ic is double v ? $" IC={Number(v)}" : "";

    private static string Source(IndependentSource s)
    {
        var b = new StringBuilder();
        if (s.Dc is double dc) b.Append($" DC {Number(dc)}");
        if (s.AcMagnitude != 0 || s.AcPhase != 0) b.Append($" AC {Number(s.AcMagnitude)} {Number(s.AcPhase)}");
        if (s.Waveform is { } w) b.Append(' ').Append(Waveform(w));
        return b.ToString();
    }

    /// <summary>SPICE text of a waveform; unset optional values are written as 0, which SPICE reads as "default".</summary>
    public static string Waveform(Waveform w) => w switch
    {
        PulseWaveform p => $"PULSE({Join(p.V1, p.V2, p.Delay, p.Rise ?? 0, p.Fall ?? 0, p.Width ?? 0, p.Period ?? 0)}{(p.Count is double n ? " " + Number(n) : "")})",
        SineWaveform s => $"SIN({Join(s.Offset, s.Amplitude, s.Frequency ?? 0, s.Delay, s.Damping, s.PhaseDegrees)})",
        ExpWaveform e => $"EXP({Join(e.V1, e.V2, e.RiseDelay ?? 0, e.RiseTau ?? 0, e.FallDelay ?? 0, e.FallTau ?? 0)})",
        PwlWaveform p => $"PWL({string.Join(' ', p.Times.Zip(p.Values, (t, v) => $"{Number(t)} {Number(v)}"))}){(p.RepeatFrom is double r ? $" r={Number(r)}" : "")}{(p.Delay != 0 ? $" td={Number(p.Delay)}" : "")}",
        _ => throw new NotSupportedException($"waveform {w.GetType().Name}"),
    };

    private static string Join(params double[] values) => string.Join(' ', values.Select(Number));
}
