using System.Globalization;
using System.Text;
using AnalogNN.Learning.Synapses;
using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Learning.Networks;

/// <summary>Which neuron ODE a <see cref="HopfieldCircuit"/> realises (time in units of τ = C/GREF).</summary>
public enum CircuitDynamics
{
    /// <summary>
    /// Zoppo et al. Eq. 13 (Equilibrium Propagation), the gradient flow of the energy Eq. 12:
    /// dv_i/dt = −v_i + g′(v_i)(Σ_j w_ij g(v_j) + I_i) + β(T_i − v_i) on the output units.
    /// </summary>
    Gradient,
    /// <summary>
    /// Zoppo et al. Eq. 3 (recurrent backpropagation), the additive network
    /// dv_i/dt = −v_i + g(Σ_j w_ij v_j + I_i [+ β(T_i − v_i)]); with the hard sigmoid its fixed points
    /// are those of the projected EP dynamics Eq. 21 (docs/ep-circuit.md).
    /// </summary>
    Additive,
    /// <summary>
    /// The side network of Eq. 9: dy_k/dt = −y_k + g′_k(Σ_i w_ik y_i + J_k), gains g′_k fixed
    /// (<see cref="HopfieldCircuitSpec.Gains"/>), error currents J_k = T_k − v_k on the outputs.
    /// </summary>
    SideNetwork,
}

/// <summary>
/// Electrical parameters of a Hopfield circuit (SI units). Weight scale: w = (G⁺ − G⁻)/GREF, and the
/// leak conductance of every neuron is GREF, so τ = C/GREF and currents are GREF times the
/// dimensionless quantities of the paper's equations.
/// </summary>
public sealed record HopfieldCircuitParameters
{
    /// <summary>Conductance per unit weight, S (also the neuron leak).</summary>
    public double Gref { get; init; } = 1e-5;
    /// <summary>Neuron capacitance, F (τ = C/GREF = 100 µs with the defaults).</summary>
    public double Capacitance { get; init; } = 1e-9;
    /// <summary>Memristor <c>LEVEL=PULSE</c> minimum conductance, S.</summary>
    public double Gmin { get; init; } = 1e-6;
    /// <summary>Maximum conductance, S (with GREF = 10 µS the pair spans |w| ≤ (GMAX − GMIN)/GREF = 9.9).</summary>
    public double Gmax { get; init; } = 1e-4;
    /// <summary>Pulse non-linearity β of the device (both directions).</summary>
    public double Beta { get; init; } = 3;
    /// <summary>Pulse width that takes GMIN to GMAX, s.</summary>
    public double Tmax { get; init; } = 1e-3;
    /// <summary>Programming threshold (both polarities), V: above every read level (|g| ≤ 1 V), so relaxation never programs.</summary>
    public double Vthreshold { get; init; } = 1.5;
    /// <summary>Steady-state tolerance in units of the state per τ: |dv/dt| ≤ this/τ ends a phase.</summary>
    public double SteadyStatePerTau { get; init; } = 1e-6;
    /// <summary>Newton relative tolerance of the circuit (reltol), tighter than SPICE's 1e-3 so fixed points are accurate to 1e-5.</summary>
    public double RelTol { get; init; } = 1e-6;
    /// <summary>Newton voltage tolerance (vntol), V.</summary>
    public double VnTol { get; init; } = 1e-9;
    /// <summary>Largest time step in units of τ.</summary>
    public double MaxStepPerTau { get; init; } = 2;
    /// <summary>Smoothing width of the hard sigmoid's kinks (YACT WIDTH), dimensionless.</summary>
    public double HardSigmoidWidth { get; init; } = 1e-5;

    /// <summary>
    /// The same parameters with the device and scale of <paramref name="synapses"/>: GREF, GMIN, GMAX,
    /// the pulse non-linearity, TMAX and the programming threshold of its model (the circuit's devices
    /// are the synapse array's devices).
    /// </summary>
    public HopfieldCircuitParameters WithDevices(SynapseArray synapses)
    {
        var p = synapses.Parameters;
        var model = synapses.Devices.Model;
        return this with
        {
            Gref = synapses.Gref,
            Gmin = p.Gmin,
            Gmax = p.Gmax,
            Beta = p.DeviceBeta,
            Tmax = p.FullSwingTime,
            Vthreshold = Math.Min(model["vset"], model["vreset"]),
        };
    }

    /// <summary>
    /// Side network only: the synapses are driven with k·y_i (and the error currents are k·GREF·J_k,
    /// the gain stages g′_k/k), so that |y| up to 1/k V stays below the programming threshold:
    /// unlike g(v), the side network's state is not bounded by 1.
    /// </summary>
    public double SideDriveScale { get; init; } = 0.1;

    /// <summary>
    /// Read scale k of the main networks, V per unit of g: the synapses see ±k·g(v_j), and the summing
    /// stages divide by k again. k = 0.5 keeps every device at half its programming threshold or less
    /// (with k = 1, |g| → 1 V touches VSET = 1 V and an integration overshoot programs the device).
    /// </summary>
    public double DriveScale { get; init; } = 0.5;

    /// <summary>Read scale of a circuit: <see cref="SideDriveScale"/> for the side network, <see cref="DriveScale"/> otherwise.</summary>
    public double ReadScale(CircuitDynamics dynamics) => dynamics == CircuitDynamics.SideNetwork ? SideDriveScale : DriveScale;

    /// <summary>τ = C/GREF, s.</summary>
    public double Tau => Capacitance / Gref;

    /// <summary>Conductance of state x, S: GMIN + (GMAX − GMIN)·x (the PULSE level's read conductance).</summary>
    public double Conductance(double x) => Gmin + (Gmax - Gmin) * x;

    /// <summary>Weight of a pair of states, (G(x⁺) − G(x⁻))/GREF.</summary>
    public double Weight(double xPlus, double xMinus) => (Gmax - Gmin) * (xPlus - xMinus) / Gref;
}

/// <summary>
/// One Hopfield circuit to build: N neurons, the allowed connections (unordered pairs {i, j}, one
/// memristor pair each, shared by both directions), their device states, the inputs, clamped
/// neurons, output units and the initial state.
/// </summary>
public sealed record HopfieldCircuitSpec
{
    /// <summary>Number of neurons N.</summary>
    public required int Neurons { get; init; }
    /// <summary>Neuron nonlinearity g.</summary>
    public required Nonlinearity Function { get; init; }
    /// <summary>Which ODE.</summary>
    public CircuitDynamics Dynamics { get; init; } = CircuitDynamics.Gradient;
    /// <summary>Connections (i, j), i ≠ j, in the synapse-pair order of the network (<see cref="HopfieldTopology.PairI"/>, <see cref="HopfieldTopology.PairJ"/>).</summary>
    public required IReadOnlyList<(int I, int J)> Connections { get; init; }
    /// <summary>State x of the G⁺ device of each connection.</summary>
    public required IReadOnlyList<double> StatePlus { get; init; }
    /// <summary>State x of the G⁻ device of each connection.</summary>
    public required IReadOnlyList<double> StateMinus { get; init; }
    /// <summary>External inputs I_i (dimensionless; the circuit injects GREF·I_i A); null = none. For the side network: J_k.</summary>
    public IReadOnlyList<double>? Input { get; init; }
    /// <summary>Clamped neurons: NaN = free, otherwise the neuron's source holds g(x) for this value x (its drive); null = none clamped.</summary>
    public IReadOnlyList<double>? Clamp { get; init; }
    /// <summary>Output units: each gets a nudging source β(T_i − v_i) (not in the side network).</summary>
    public IReadOnlyList<int> Outputs { get; init; } = Array.Empty<int>();
    /// <summary>Initial state v(0) of every neuron (<c>.ic</c>); null = 0.</summary>
    public IReadOnlyList<double>? InitialState { get; init; }
    /// <summary>Side network only: the gains g′_k.</summary>
    public IReadOnlyList<double>? Gains { get; init; }
    /// <summary>Electrical parameters.</summary>
    public HopfieldCircuitParameters Parameters { get; init; } = new();
    /// <summary>Transient stop time in units of τ (a controller normally ends the run earlier).</summary>
    public double StopPerTau { get; init; } = 2000;

    /// <summary>True if neuron <paramref name="i"/> is clamped.</summary>
    public bool IsClamped(int i) => Clamp is not null && !double.IsNaN(Clamp[i]);
}

/// <summary>
/// Writes a continuous Hopfield network as a readable netlist (docs/ep-circuit.md has the
/// schematic and the derivation). Per free neuron i (node <c>v{i}</c>), k the read scale:
/// <code>
/// Gradient (Eq. 13)                         Additive (Eq. 3)                      Side network (Eq. 9)
/// C v_i 0 C, R v_i 0 1/GREF (leak)           H u_i 0 VS_i 1/(k·GREF) (u = Σwv + I)  C, R as Gradient
/// YACT a_i = k·g(v_i); E na_i = −a_i         YINTEG u_i → v_i (τ dv/dt=−v+g(u))     drive a_i = k·y_i, na_i = −a_i
/// VS_i s_i 0 DC 0   (virtual ground, i_syn)  a_i = k·v_i, na_i = −a_i               F into y_i: gain (g′_i/k)·I(VS_i)
/// B 0 v_i I = g′(v_i)·I(VS_i)/k (multiplier)
/// synapse (i, j): YMEMRISTOR MP a_j → s_i, MN na_j → s_i: I(VS_i) = Σ_j (G⁺ − G⁻)·k·g(v_j) = k·GREF Σ_j w_ij g(v_j)
/// input: I 0 s_i k·GREF·I_i; nudge (outputs): B 0 v_i I = GREF·V(beta)·(V(t_i) − V(v_i)) (Additive: k·GREF·…, into s_i)
/// </code>
/// so that C dv_i/dt = −GREF v_i + g′(v_i)·GREF(Σ_j w_ij g(v_j) + I_i) + GREF·β(T_i − v_i), which is
/// Eq. 13 (plus the nudge of Eq. 16) with t in units of τ = C/GREF. A clamped neuron is a voltage
/// source holding g(x_i) on v_i (drive k·g(x_i)) and has no summing node. Each connection has two
/// physical pairs (one per direction: MP{i}_{j} feeds neuron i, MP{j}_{i} feeds neuron j) at the same
/// state, because one two-terminal device cannot carry g(v_j) into i and g(v_i) into j at once; they
/// are programmed together, so W stays symmetric.
/// </summary>
public static class HopfieldCircuit
{
    /// <summary>Node of neuron i.</summary>
    public static string Node(int i) => $"v{i}";
    /// <summary>Synaptic summing node (virtual ground) of neuron i.</summary>
    public static string SumNode(int i) => $"s{i}";
    /// <summary>Additive network: the net input node u_i = Σ_j w_ij v_j + I_i.</summary>
    public static string NetInputNode(int i) => $"u{i}";
    /// <summary>Zero-volt source whose current is the synaptic current into neuron i.</summary>
    public static string Ammeter(int i) => $"VS{i}";
    /// <summary>Input current source of neuron i (value GREF·I_i, A).</summary>
    public static string InputSource(int i) => $"II{i}";
    /// <summary>Target voltage source of output i (value T_i, V).</summary>
    public static string TargetSource(int i) => $"VT{i}";
    /// <summary>The β source (value β, V; 0 in the free phase).</summary>
    public const string BetaSource = "VBETA";
    /// <summary>Clamp source of neuron i.</summary>
    public static string ClampSource(int i) => $"VC{i}";
    /// <summary>G⁺ device carrying the drive of neuron <paramref name="from"/> into neuron <paramref name="into"/>.</summary>
    public static string PlusDevice(int into, int from) => $"MP{into}_{from}";
    /// <summary>G⁻ device carrying the drive of neuron <paramref name="from"/> into neuron <paramref name="into"/>.</summary>
    public static string MinusDevice(int into, int from) => $"MN{into}_{from}";

    /// <summary>
    /// The circuit of a network: <paramref name="topology"/>'s connections in pair order with the
    /// present device states of <paramref name="synapses"/>, its output units, its input neurons
    /// clamped (at 0 until a sample sets them), no input currents and v(0) = 0.
    /// </summary>
    public static HopfieldCircuitSpec FromNetwork(HopfieldTopology topology, SynapseArray synapses, Nonlinearity g,
        CircuitDynamics dynamics, HopfieldCircuitParameters? electrical = null)
    {
        int pairs = topology.PairCount;
        var x = synapses.Devices.X;
        var clamp = new double[topology.N];
        for (int i = 0; i < clamp.Length; i++) clamp[i] = topology.Roles[i] == NeuronRole.Input ? 0 : double.NaN;
        return new HopfieldCircuitSpec
        {
            Neurons = topology.N,
            Function = g,
            Dynamics = dynamics,
            Connections = Enumerable.Range(0, pairs).Select(p => (topology.PairI[p], topology.PairJ[p])).ToArray(),
            StatePlus = Enumerable.Range(0, pairs).Select(p => x[2 * p]).ToArray(),
            StateMinus = Enumerable.Range(0, pairs).Select(p => x[2 * p + 1]).ToArray(),
            Clamp = topology.Inputs.Any(i => topology.Roles[i] == NeuronRole.Input) ? clamp : null,
            Outputs = topology.Outputs,
            Parameters = (electrical ?? new HopfieldCircuitParameters()).WithDevices(synapses),
        };
    }

    /// <summary>Builds the netlist text.</summary>
    /// <exception cref="ArgumentException">Inconsistent sizes, a connection that is not i &lt; j inside the network, or an unsupported nonlinearity.</exception>
    public static string Build(HopfieldCircuitSpec spec)
    {
        Validate(spec);
        var p = spec.Parameters;
        var inv = CultureInfo.InvariantCulture;
        string F(double v) => v.ToString("R", inv);
        int n = spec.Neurons;
        double tau = p.Tau;
        var sb = new StringBuilder();
        string kind = spec.Dynamics switch
        {
            CircuitDynamics.Gradient => "Eq. 13 (gradient dynamics, EP)",
            CircuitDynamics.Additive => "Eq. 3 (additive network, RBP)",
            _ => "Eq. 9 (RBP side network)",
        };
        sb.AppendLine($"* Hopfield network, {n} neurons, {spec.Connections.Count} synapse pairs, {kind}, g = {spec.Function.Kind}");
        sb.AppendLine($"* GREF = {F(p.Gref)} S per unit weight, C = {F(p.Capacitance)} F, tau = C/GREF = {F(tau)} s; w = (G+ - G-)/GREF");
        sb.AppendLine($".model syn MEMRISTOR(LEVEL=PULSE GMIN={F(p.Gmin)} GMAX={F(p.Gmax)} BETA={F(p.Beta)} TMAX={F(p.Tmax)} VSET={F(p.Vthreshold)} VRESET={F(p.Vthreshold)})");
        string gModel = spec.Function.Kind == NonlinearityKind.Tanh ? "TANH()" : $"HSIGMOID(WIDTH={F(p.HardSigmoidWidth)})";
        double k = p.ReadScale(spec.Dynamics);
        sb.AppendLine($".model g {gModel}");
        if (spec.Dynamics == CircuitDynamics.Gradient) sb.AppendLine($".model gd {gModel.Replace(")", $" AMP={F(k)})").Replace("( ", "(")}");
        if (spec.Dynamics == CircuitDynamics.Additive) sb.AppendLine(".model lin LINEAR()");
        sb.AppendLine($".options reltol={F(p.RelTol)} vntol={F(p.VnTol)} abstol=1e-15 sstol={F(p.SteadyStatePerTau / tau)} sspoints=3");
        bool nudged = spec.Dynamics != CircuitDynamics.SideNetwork && spec.Outputs.Count > 0;
        if (nudged) sb.AppendLine($"{BetaSource} beta 0 DC 0");
        for (int i = 0; i < n; i++)
        {
            string v = Node(i);
            sb.AppendLine($"* neuron {i}");
            if (spec.IsClamped(i))
            {
                sb.AppendLine($"{ClampSource(i)} {v} 0 DC {F(spec.Function.G(spec.Clamp![i]))}");
                WriteDrive(sb, spec, i);
                continue;
            }
            double input = spec.Input?[i] ?? 0;
            string s = SumNode(i);
            sb.AppendLine($"{Ammeter(i)} {s} 0 DC 0");
            sb.AppendLine($"{InputSource(i)} 0 {s} DC {F(k * p.Gref * input)}");
            switch (spec.Dynamics)
            {
                case CircuitDynamics.Gradient:
                    sb.AppendLine($"C{i} {v} 0 {F(p.Capacitance)}");
                    sb.AppendLine($"RL{i} {v} 0 {F(1 / p.Gref)}");
                    sb.AppendLine($"BM{i} 0 {v} I={Derivative(spec.Function, v, p.HardSigmoidWidth)}*I({Ammeter(i)})*{F(1 / k)}");
                    break;
                case CircuitDynamics.Additive:
                    sb.AppendLine($"H{i} {NetInputNode(i)} 0 {Ammeter(i)} {F(1 / (k * p.Gref))}");
                    sb.AppendLine($"YINTEG N{i} {NetInputNode(i)} {v} g TAU={F(tau)} C={F(p.Capacitance)}");
                    break;
                default:
                    sb.AppendLine($"C{i} {v} 0 {F(p.Capacitance)}");
                    sb.AppendLine($"RL{i} {v} 0 {F(1 / p.Gref)}");
                    sb.AppendLine($"FG{i} 0 {v} {Ammeter(i)} {F(spec.Gains![i] / k)}");
                    break;
            }
            WriteDrive(sb, spec, i);
            if (nudged && spec.Outputs.Contains(i))
            {
                sb.AppendLine($"{TargetSource(i)} t{i} 0 DC 0");
                // Gradient: into the capacitor node (outside g′); Additive: into the summing node, read-scaled like the synapses
                string into = spec.Dynamics == CircuitDynamics.Gradient ? v : s;
                double gn = spec.Dynamics == CircuitDynamics.Gradient ? p.Gref : k * p.Gref;
                sb.AppendLine($"BN{i} 0 {into} I={F(gn)}*V(beta)*(V(t{i})-V({v}))");
            }
        }
        sb.AppendLine("* synapses: one G+/G- pair per direction, both directions at the same states");
        for (int c = 0; c < spec.Connections.Count; c++)
        {
            var (i, j) = spec.Connections[c];
            string xp = F(spec.StatePlus[c]), xm = F(spec.StateMinus[c]);
            if (!spec.IsClamped(i))
            {
                sb.AppendLine($"YMEMRISTOR {PlusDevice(i, j)} a{j} {SumNode(i)} syn X0={xp}");
                sb.AppendLine($"YMEMRISTOR {MinusDevice(i, j)} na{j} {SumNode(i)} syn X0={xm}");
            }
            if (!spec.IsClamped(j))
            {
                sb.AppendLine($"YMEMRISTOR {PlusDevice(j, i)} a{i} {SumNode(j)} syn X0={xp}");
                sb.AppendLine($"YMEMRISTOR {MinusDevice(j, i)} na{i} {SumNode(j)} syn X0={xm}");
            }
        }
        var ic = Enumerable.Range(0, n).Where(i => !spec.IsClamped(i)).Select(i => $"v({Node(i)})={F(spec.InitialState?[i] ?? 0)}");
        sb.AppendLine(".ic " + string.Join(' ', ic));
        var tran = TransientOf(spec);
        sb.AppendLine($".tran {F(tran.Step)} {F(tran.Stop)} 0 {F(tran.MaxStep!.Value)} uic");
        sb.AppendLine(".end");
        return sb.ToString();
    }

    /// <summary>The transient of the circuit: TSTEP = τ/10, TSTOP = StopPerTau·τ, TMAX = MaxStepPerTau·τ, from the initial conditions (UIC).</summary>
    public static TransientSpec TransientOf(HopfieldCircuitSpec spec)
    {
        double tau = spec.Parameters.Tau;
        return new TransientSpec(tau / 10, spec.StopPerTau * tau, 0, spec.Parameters.MaxStepPerTau * tau, UseIc: true);
    }

    /// <summary>The devices of connection (i, j) in the circuit (two or four names: both directions, G⁺ and G⁻).</summary>
    public static IEnumerable<(string Name, bool Plus)> Devices(HopfieldCircuitSpec spec, int i, int j)
    {
        if (!spec.IsClamped(i)) { yield return (PlusDevice(i, j), true); yield return (MinusDevice(i, j), false); }
        if (!spec.IsClamped(j)) { yield return (PlusDevice(j, i), true); yield return (MinusDevice(j, i), false); }
    }

    /// <summary>g′(v) of a node as a B-source expression (the hard sigmoid's smoothed derivative written with tanh, which saturates without overflow).</summary>
    private static string Derivative(Nonlinearity f, string node, double width)
    {
        string w = (2 * width).ToString("R", CultureInfo.InvariantCulture);
        return f.Kind == NonlinearityKind.Tanh
            ? $"(1-tanh(V({node}))^2)"
            : $"(0.5*(tanh(V({node})/{w})-tanh((V({node})-1)/{w})))";
    }

    private static void WriteDrive(StringBuilder sb, HopfieldCircuitSpec spec, int i)
    {
        string v = Node(i);
        // a clamped neuron's source holds g(x) (the controller writes g of the clamp value) and drives its
        // synapses through a unity buffer: the input term W g(x) of Eq. 21, exact, with no smoothing of g
        string k = spec.Parameters.ReadScale(spec.Dynamics).ToString("R", CultureInfo.InvariantCulture);
        if (spec.Dynamics == CircuitDynamics.Gradient && !spec.IsClamped(i)) sb.AppendLine($"YACT A{i} {v} a{i} gd");
        else sb.AppendLine($"EA{i} a{i} 0 {v} 0 {k}");
        sb.AppendLine($"EN{i} na{i} 0 a{i} 0 -1");
    }

    private static void Validate(HopfieldCircuitSpec spec)
    {
        int n = spec.Neurons;
        if (n < 1) throw new ArgumentException("a Hopfield circuit needs at least one neuron");
        if (spec.StatePlus.Count != spec.Connections.Count || spec.StateMinus.Count != spec.Connections.Count)
            throw new ArgumentException("one G+ and one G- state per connection");
        foreach (var (i, j) in spec.Connections)
            if (i < 0 || j < 0 || i >= n || j >= n || i == j) throw new ArgumentException($"connection ({i}, {j}) must join two different neurons of 0..{n - 1}");
        if (spec.Input is { } input && input.Count != n) throw new ArgumentException($"{input.Count} inputs for {n} neurons");
        if (spec.Clamp is { } clamp && clamp.Count != n) throw new ArgumentException($"{clamp.Count} clamp values for {n} neurons");
        if (spec.InitialState is { } v0 && v0.Count != n) throw new ArgumentException($"{v0.Count} initial states for {n} neurons");
        if (spec.Dynamics == CircuitDynamics.SideNetwork && (spec.Gains is null || spec.Gains.Count != n))
            throw new ArgumentException("the side network needs one gain per neuron");
        foreach (int o in spec.Outputs)
            if (o < 0 || o >= n || spec.IsClamped(o)) throw new ArgumentException($"output {o} must be a free neuron of the network");
    }
}
