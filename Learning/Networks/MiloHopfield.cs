using System.Globalization;
using System.Text;

namespace AnalogNN.Learning.Networks;

/// <summary>
/// Device, neuron and drive parameters of the Milo et al. Hopfield network (SI units). The
/// defaults are our choice (the paper gives no values); docs/learning.md explains each.
/// </summary>
public sealed record MiloParameters
{
    /// <summary>Membrane capacitance, F (large because the synapse currents are those of real RRAM: µA).</summary>
    public double Cm { get; init; } = 2.5e-6;
    /// <summary>Membrane time constant τ, s.</summary>
    public double Tau { get; init; } = 20e-3;
    /// <summary>Firing threshold above rest (rest = reset = 0 V), V.</summary>
    public double Vth { get; init; } = 20e-3;
    /// <summary>Refractory period, s (≥ the top-electrode pulse, so the post-synaptic membrane is clamped while its TE pulse programs).</summary>
    public double Tref { get; init; } = 5e-3;
    /// <summary>Gate pulse height and width (the row is biased at <see cref="GateOff"/>), V and s.</summary>
    public double Vg { get; init; } = 4.5;
    /// <summary>Gate pulse width, s.</summary>
    public double Tg { get; init; } = 10e-3;
    /// <summary>Gate level between spikes, V (negative so the access NMOS stays off when an inhibitory TE swings negative).</summary>
    public double GateOff { get; init; } = -2;
    /// <summary>Excitatory TE pulse above the read level, V (positive: set).</summary>
    public double Vexc { get; init; } = 1.7;
    /// <summary>Inhibitory TE pulse below the read level, V (negative: reset).</summary>
    public double Vinh { get; init; } = -2;
    /// <summary>TE pulse width, s.</summary>
    public double Tte { get; init; } = 4e-3;
    /// <summary>Read voltage of the excitatory columns (the inhibitory ones sit at −VREAD), V.</summary>
    public double Vread { get; init; } = 0.1;
    /// <summary>Body bias of the access transistors, V (keeps their drain–body junctions reverse biased).</summary>
    public double Vbody { get; init; } = -3;
    /// <summary>RRAM conductances at x = 1 (LRS) and x = 0 (HRS), S.</summary>
    public double Gon { get; init; } = 1e-4;
    /// <summary>HRS conductance, S.</summary>
    public double Goff { get; init; } = 1e-6;
    /// <summary>RRAM set and reset thresholds, V.</summary>
    public double Vset { get; init; } = 1;
    /// <summary>Reset threshold (magnitude), V.</summary>
    public double Vreset { get; init; } = 1;
    /// <summary>RRAM switching time constants, s (one overlap moves x by a few per cent).</summary>
    public double TauSwitch { get; init; } = 16;
    /// <summary>External Poisson spike: current pulse height (A) and width (s).</summary>
    public double StimAmplitude { get; init; } = 300e-6;
    /// <summary>Width of an external spike's current pulse, s.</summary>
    public double StimWidth { get; init; } = 1e-3;
}

/// <summary>
/// Generates the circuit of Milo et al. (Fig. 2a) for N neurons as a readable netlist: LIF neurons
/// (<c>YLIF1T1R</c>); for every ordered pair i ≠ j an excitatory and an inhibitory 1T1R synapse
/// (an access NMOS in series with a <c>YMEMRISTOR LEVEL=RRAM</c>) whose gate is row i (driven by
/// neuron i, pre-synaptic) and whose top electrode is column j (driven by neuron j,
/// post-synaptic); the transistor's source feeds neuron j's membrane. Excitatory synapses start in
/// HRS (x = 0), inhibitory in LRS (x = 1). Learning happens in the circuit: only when a gate pulse
/// and a TE pulse overlap does the RRAM see more than its set (reset) threshold.
/// </summary>
public static class MiloHopfield
{
    /// <summary>Name of the excitatory memristor of synapse i → j (1-based neuron numbers).</summary>
    public static string Excitatory(int i, int j) => $"we{i}_{j}";

    /// <summary>Name of the inhibitory memristor of synapse i → j.</summary>
    public static string Inhibitory(int i, int j) => $"wi{i}_{j}";

    /// <summary>
    /// The memristor of synapse i → j with its two terminal nodes (TE, bottom) and its programming
    /// threshold (VSET for excitatory, VRESET for inhibitory devices), for a <c>ProgrammingMonitor</c>.
    /// </summary>
    public static (string Device, string Positive, string Negative, double Threshold) Terminals(int i, int j, bool excitatory, MiloParameters? p = null, bool cells = true)
    {
        p ??= new MiloParameters();
        string device = excitatory ? Excitatory(i, j) : Inhibitory(i, j);
        string bottom = cells ? device + ".mid" : excitatory ? $"be{i}_{j}" : $"bi{i}_{j}";
        return excitatory ? (device, $"c{j}", bottom, p.Vset) : (device, $"k{j}", bottom, p.Vreset);
    }

    /// <summary>
    /// The input spike times of neuron <paramref name="neuron"/> (1-based) as the netlist's
    /// <c>YPOISSON</c> source of that neuron generates them: rate <paramref name="rate"/>, seed
    /// <paramref name="seed"/>·1000 + neuron, active from <paramref name="start"/> to <paramref name="stop"/>,
    /// up to <paramref name="until"/> (the transient's TSTOP).
    /// </summary>
    public static double[] PoissonTimes(int neuron, double rate, ulong seed, double start, double stop, double until)
    {
        var model = new AnalogNN.Components.Neurons.SpikeSourceModel("stim", "POISSON");
        model.Set("start", start);
        if (double.IsFinite(stop)) model.Set("stop", stop);
        return new AnalogNN.Components.Neurons.SpikeSource(Stimulus(neuron), "0", $"m{neuron}", model, rate: rate, seed: seed * 1000 + (ulong)neuron).PoissonTimes(until);
    }

    /// <summary>Name of neuron i.</summary>
    public static string Neuron(int i) => $"n{i}";

    /// <summary>Name of neuron i's Poisson source.</summary>
    public static string Stimulus(int i) => $"x{i}";

    /// <summary>
    /// The netlist. <paramref name="rates"/>[i − 1] is neuron i's external Poisson rate (Hz, 0 = no
    /// stimulation), active from <paramref name="stimStart"/> to <paramref name="stimStop"/>;
    /// <paramref name="recall"/> holds every TE at its read voltage (no learning); <paramref name="x0"/>
    /// optionally gives initial states (name → x). <paramref name="windows"/>, if given, is each neuron's
    /// own (start, stop) of stimulation instead. <paramref name="extra"/> is added before <c>.end</c>.
    /// </summary>
    /// <exception cref="ArgumentException">N below 2 or a rate list of the wrong length.</exception>
    public static string Build(int n, IReadOnlyList<double> rates, double tstop, ulong seed = 1, MiloParameters? p = null,
        bool recall = false, double stimStart = 0, double stimStop = double.PositiveInfinity,
        IReadOnlyDictionary<string, double>? x0 = null, string extra = "", double maxStep = 1e-4, bool cells = true,
        IReadOnlyList<(double Start, double Stop)>? windows = null)
    {
        if (n < 2) throw new ArgumentException("the network needs at least 2 neurons");
        if (rates.Count != n) throw new ArgumentException($"{rates.Count} rates for {n} neurons");
        p ??= new MiloParameters();
        var inv = CultureInfo.InvariantCulture;
        string F(double v) => v.ToString("R", inv);
        var s = new StringBuilder();
        s.AppendLine(inv, $"Milo et al. Hopfield network, {n} LIF neurons, {n * (n - 1)} excitatory and {n * (n - 1)} inhibitory 1T1R RRAM synapses{(recall ? " (recall)" : "")}");
        s.AppendLine("* Generated by AnalogNN.Learning.Networks.MiloHopfield. Neuron i drives its gate row ri (at VGOFF");
        s.AppendLine("* between spikes), its excitatory column ci (TE at +VREAD between spikes) and its inhibitory column ki");
        s.AppendLine("* (TE at -VREAD). Synapse i->j: the gate is row i (pre), the TE is column j (post), the NMOS source");
        s.AppendLine("* feeds membrane mj.");
        double ve = recall ? 0 : p.Vexc, vi = recall ? 0 : p.Vinh;
        s.AppendLine(inv, $".model lif LIF(CM={F(p.Cm)} GL={F(p.Cm / p.Tau)} EL=0 VTH={F(p.Vth)} VRESET=0 TREF={F(p.Tref)} VREST=0");
        s.AppendLine(inv, $"+ VG={F(p.Vg)} TG={F(p.Tg)} VEXC={F(ve)} VINH={F(vi)} TTE={F(p.Tte)} TEDGE=10u VSPK=1 TSPK={F(p.Tte)}");
        s.AppendLine(inv, $"+ VGOFF={F(p.GateOff)} VEREAD={F(p.Vread)} VIREAD={F(-p.Vread)})");
        s.AppendLine(inv, $".model rram MEMRISTOR(LEVEL=RRAM GON={F(p.Gon)} GOFF={F(p.Goff)} VSET={F(p.Vset)} VRESET={F(p.Vreset)} V0=0.1 TAUSET={F(p.TauSwitch)} TAURESET={F(p.TauSwitch)})");
        s.AppendLine(".model nacc NMOS(LEVEL=1 VTO=0.6 KP=120u)");
        if (windows is not null && windows.Count != n) throw new ArgumentException($"{windows.Count} stimulus windows for {n} neurons");
        // one input model per distinct stimulation window: "stim" for the common one
        var window = Enumerable.Range(0, n).Select(i => windows?[i] ?? (stimStart, stimStop)).ToArray();
        var models = new Dictionary<(double, double), string>();
        foreach (var w in window.Where((w, i) => rates[i] > 0).Distinct())
        {
            string name = models.Count == 0 ? "stim" : $"stim{models.Count + 1}";
            models[w] = name;
            string stop = double.IsFinite(w.Item2) ? $" STOP={F(w.Item2)}" : "";
            s.AppendLine(inv, $".model {name} POISSON(RATE=200 AMP={F(p.StimAmplitude)} WIDTH={F(p.StimWidth)} EDGE=10u CURRENT=1 START={F(w.Item1)}{stop})");
        }
        s.AppendLine(inv, $"VBB vbb 0 DC {F(p.Vbody)}");
        s.AppendLine();
        for (int i = 1; i <= n; i++)
        {
            s.AppendLine(inv, $"* neuron {i}: membrane m{i}, row r{i} (gate), columns c{i} (excitatory TE) and k{i} (inhibitory TE)");
            s.AppendLine(inv, $"YLIF1T1R {Neuron(i)} m{i} o{i} r{i} c{i} k{i} lif");
            if (rates[i - 1] > 0) s.AppendLine(inv, $"YPOISSON {Stimulus(i)} 0 m{i} {models[window[i - 1]]} RATE={F(rates[i - 1])} SEED={seed * 1000 + (ulong)i}");
        }
        s.AppendLine();
        if (cells)
        {
            s.AppendLine("* synapse i->j: Y1T1R name TE gate source bulk: the excitatory cell wei_j (TE on column cj) and the");
            s.AppendLine("* inhibitory cell wii_j (TE on ki), both gated by row ri and feeding membrane mj");
        }
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= n; j++)
            {
                if (i == j) continue;
                double xe = x0?.GetValueOrDefault(Excitatory(i, j), 0) ?? 0, xi = x0?.GetValueOrDefault(Inhibitory(i, j), 1) ?? 1;
                if (cells)
                {
                    s.AppendLine(inv, $"Y1T1R {Excitatory(i, j)} c{j} r{i} m{j} vbb rram nacc W=1u L=1u X0={F(xe)}");
                    s.AppendLine(inv, $"Y1T1R {Inhibitory(i, j)} k{j} r{i} m{j} vbb rram nacc W=1u L=1u X0={F(xi)}");
                    continue;
                }
                s.AppendLine(inv, $"* synapse {i}->{j}");
                s.AppendLine(inv, $"YMEMRISTOR {Excitatory(i, j)} c{j} be{i}_{j} rram X0={F(xe)}");
                s.AppendLine(inv, $"MSE{i}_{j} be{i}_{j} r{i} m{j} vbb nacc W=1u L=1u");
                s.AppendLine(inv, $"YMEMRISTOR {Inhibitory(i, j)} k{j} bi{i}_{j} rram X0={F(xi)}");
                s.AppendLine(inv, $"MSI{i}_{j} bi{i}_{j} r{i} m{j} vbb nacc W=1u L=1u");
            }
        s.AppendLine();
        var saves = new List<string>();
        for (int i = 1; i <= n; i++) saves.Add($"v(m{i})");
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= n; j++)
                if (i != j) { saves.Add($"x({Excitatory(i, j)})"); saves.Add($"x({Inhibitory(i, j)})"); }
        s.AppendLine(".save " + string.Join(' ', saves));
        if (extra.Length > 0) s.AppendLine(extra);
        s.AppendLine(inv, $".tran 1e-4 {F(tstop)} 0 {F(maxStep)} uic");
        s.AppendLine(".end");
        return s.ToString();
    }
}
