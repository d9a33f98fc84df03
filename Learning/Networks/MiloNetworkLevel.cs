using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Neurons;
using AnalogNN.Components.Sources;

namespace AnalogNN.Learning.Networks;

/// <summary>Spike times and programming of one network-level run.</summary>
public sealed class MiloNetworkResult
{
    internal MiloNetworkResult(int n) => Spikes = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();

    /// <summary>Spike times of neuron i (0-based), s.</summary>
    public List<double>[] Spikes { get; }

    /// <summary>(time, excitatory x[i, j], inhibitory x[i, j]) at each snapshot time (NaN on the diagonal).</summary>
    public List<(double Time, double[,] Excitatory, double[,] Inhibitory)> Snapshots { get; } = new();

    /// <summary>Accepted steps, cell evaluations, state integrations.</summary>
    public long Steps, CellSolves, Programmings;

    /// <summary>Programming events (|v_mem| rising above the device's threshold) and their energy, J, summed over every device.</summary>
    public long ProgrammingEvents;

    /// <summary>Energy dissipated in the memristors while above their thresholds, J.</summary>
    public double ProgrammingEnergy;

    /// <summary>Why the run ended before its stop time (the stop condition's time), or NaN.</summary>
    public double StoppedAt = double.NaN;
}

/// <summary>
/// The Milo et al. network at network level (SPEC section 5): the same LIF neurons (model, reset,
/// refractory clamp, output pulses), the same 1T1R cells (memristor kernel and level-1 transistor
/// solved by <see cref="CellSeries"/>, with each device's variability factors), the same Poisson
/// inputs (the sources' own generator and seeds) and the same programming accounting, taken from the
/// very circuit the netlist describes (<see cref="FromCircuit"/>), but simulated without the MNA
/// engine: the drives (gate rows, top-electrode columns, inputs) are known piecewise-linear functions
/// of the spike times, so every membrane is a scalar ODE between corners,
/// <code>
///   C_m dv_j/dt = −g_L (v_j − E_L) − [refractory] g_ref (v_j − V_reset) + i_stim,j(t) + Σ_cells i_s(v_j, t)
/// </code>
/// integrated with the trapezoidal rule (backward Euler after a discontinuity: reset, refractory end)
/// on steps that land on every corner and are at most <see cref="MaxStep"/> long; each cell's source
/// current is linearised at the predicted membrane voltage and the step re-solved until the membrane
/// moves by less than 1 µV. Cells whose transistor is in cut-off only leak (linear). A cell whose gate
/// is open while its TE is pulsed integrates its state over the step (<see cref="CellSeries.Program"/>);
/// otherwise its state is at rest (the memristor sees less than its threshold). Threshold crossings are
/// located like the transient does it: the step is redone so it ends within <see cref="EventTolerance"/>
/// after the earliest crossing. In recall mode (TEs at their read voltages), the source currents of
/// cells whose gate sits on its flat top are summed per membrane as Chebyshev series fitted to the
/// exact solution over the membrane range (<see cref="UseReadTables"/>), so a step costs one series per
/// membrane instead of two cell solves per open row.
/// </summary>
public sealed class MiloNetworkLevel
{
    private readonly int _n;
    private readonly double _cm, _gl, _el, _vth, _vreset, _tref, _gref;
    private readonly SpikePulse _gate, _exc, _inh;
    private readonly double _gateOff, _excRead, _inhRead;
    private readonly double _vbb;
    // cells: pre i, post j, excitatory?, series model, state, internal node
    private readonly int[] _pre, _post;
    private readonly bool[] _isExc;
    private readonly string[] _names;
    private readonly CellSeries[] _series;
    private readonly int[] _seriesOf;
    private readonly double[] _x, _vm, _up, _down, _threshold;
    private readonly int[][] _outgoing;   // cells whose gate is neuron i's row
    private readonly int[] _incomingCount; // cells feeding neuron j's membrane
    private readonly int[] _cellIndex;    // [2·(i·n + j) + (exc ? 0 : 1)] → cell, −1 if none
    // stimuli
    private readonly SpikePulse[] _stimPulse;
    private double[][] _stimTimes;

    private MiloNetworkLevel(int n, LifModel lif, double vbb, List<(int Pre, int Post, bool Exc, OneTransistorOneResistor Cell)> cells,
        SpikePulse[] stimPulse, double[][] stimTimes, SimulationOptions options)
    {
        _n = n;
        _cm = lif.Cm; _gl = lif.Gl; _el = lif.El; _vth = lif.Vth; _vreset = lif.Vreset; _tref = lif.Tref; _gref = lif.Gref;
        _gate = lif.Gate; _exc = lif.Excitatory; _inh = lif.Inhibitory;
        _gateOff = lif.Vrest + lif.GateOff; _excRead = lif.Vrest + lif.ExcitatoryRead; _inhRead = lif.Vrest + lif.InhibitoryRead;
        _vbb = vbb;
        int m = cells.Count;
        _pre = new int[m]; _post = new int[m]; _isExc = new bool[m]; _names = new string[m];
        _x = new double[m]; _vm = new double[m]; _up = new double[m]; _down = new double[m]; _threshold = new double[m];
        _seriesOf = new int[m];
        var series = new List<CellSeries>();
        var seriesKey = new Dictionary<(object, object, MosfetKey), int>();
        _cellIndex = Enumerable.Repeat(-1, 2 * n * n).ToArray();
        for (int k = 0; k < m; k++)
        {
            var (pre, post, exc, cell) = cells[k];
            _pre[k] = pre; _post[k] = post; _isExc[k] = exc; _names[k] = cell.Name;
            _x[k] = cell.States.X[0];
            _up[k] = cell.States.Up[0];
            _down[k] = cell.States.Down[0];
            _threshold[k] = exc ? cell.Model["vset"] : cell.Model["vreset"];
            var key = ((object)cell.Model.Name, (object)cell.TransistorModel.Name, new MosfetKey(cell.Geometry.W, cell.Geometry.L, cell.Geometry.Multiplier));
            if (!seriesKey.TryGetValue(key, out int s)) { s = series.Count; seriesKey[key] = s; series.Add(new CellSeries(cell, options)); }
            _seriesOf[k] = s;
            _vm[k] = exc ? _excRead : _inhRead;
            _cellIndex[2 * (pre * n + post) + (exc ? 0 : 1)] = k;
        }
        _series = series.ToArray();
        _outgoing = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, m).Where(k => _pre[k] == i).ToArray()).ToArray();
        _incomingCount = Enumerable.Range(0, n).Select(j => _post.Count(p => p == j)).ToArray();
        _stimPulse = stimPulse;
        _stimTimes = stimTimes;
    }

    private readonly record struct MosfetKey(double W, double L, double M);

    /// <summary>
    /// The network of a circuit built from a <see cref="MiloHopfield"/> netlist: LIF neurons (1T1R
    /// variant), Y1T1R cells whose gate is a neuron's gate output, whose source is a neuron's membrane and
    /// whose TE is that neuron's excitatory or inhibitory output, the body bias (a DC source to ground
    /// on the cells' bulk) and the spike sources into the membranes with their spike times up to
    /// <paramref name="stop"/>. Neuron order is circuit order.
    /// </summary>
    /// <exception cref="ArgumentException">The circuit is not of that shape.</exception>
    public static MiloNetworkLevel FromCircuit(AnalogNN.Circuit.Circuit circuit, double stop, SimulationOptions? options = null)
    {
        var neurons = circuit.Elements.OfType<LifNeuron>().Where(l => l.HasSynapseOutputs).ToList();
        if (neurons.Count < 2) throw new ArgumentException("the circuit has fewer than two 1T1R LIF neurons");
        var lif = neurons[0].Model;
        if (neurons.Any(l => l.Model.Name != lif.Name)) throw new ArgumentException("the neurons must share one LIF model");
        var byMembrane = neurons.Select((l, i) => (l.Nodes[0], i)).ToDictionary(p => p.Item1, p => p.i, StringComparer.OrdinalIgnoreCase);
        var byGate = neurons.Select((l, i) => (l.Nodes[2], i)).ToDictionary(p => p.Item1, p => p.i, StringComparer.OrdinalIgnoreCase);
        var cells = new List<(int, int, bool, OneTransistorOneResistor)>();
        string? bulk = null;
        foreach (var c in circuit.Elements.OfType<OneTransistorOneResistor>())
        {
            if (!byGate.TryGetValue(c.Nodes[1], out int pre) || !byMembrane.TryGetValue(c.Nodes[2], out int post))
                throw new ArgumentException($"cell {c.Name}: its gate must be a neuron's gate output and its source a membrane");
            var target = neurons[post];
            bool exc = c.Nodes[0].Equals(target.Nodes[3], StringComparison.OrdinalIgnoreCase);
            if (!exc && !c.Nodes[0].Equals(target.Nodes[4], StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"cell {c.Name}: its TE must be the post-synaptic neuron's excitatory or inhibitory output");
            if (bulk is not null && !bulk.Equals(c.Nodes[3], StringComparison.OrdinalIgnoreCase)) throw new ArgumentException("the cells must share one bulk node");
            bulk = c.Nodes[3];
            cells.Add((pre, post, exc, c));
        }
        double vbb = 0;
        if (bulk is not null && !AnalogNN.Circuit.Circuit.IsGround(bulk))
        {
            var source = circuit.Elements.OfType<VoltageSource>().FirstOrDefault(v =>
                v.Nodes[0].Equals(bulk, StringComparison.OrdinalIgnoreCase) && AnalogNN.Circuit.Circuit.IsGround(v.Nodes[1]))
                ?? throw new ArgumentException($"the bulk node {bulk} must be driven by a DC source to ground");
            if (source.Waveform is not null) throw new ArgumentException($"the bulk node {bulk} must be driven by a DC source");
            vbb = source.Dc ?? 0;
        }
        var pulses = new SpikePulse[neurons.Count];
        var times = new double[neurons.Count][];
        for (int i = 0; i < neurons.Count; i++) times[i] = [];
        foreach (var s in circuit.Elements.OfType<SpikeSource>())
        {
            if (!s.Model.IsCurrent || !AnalogNN.Circuit.Circuit.IsGround(s.Nodes[0]) || !byMembrane.TryGetValue(s.Nodes[1], out int j))
                throw new ArgumentException($"spike source {s.Name} must be a current source from ground into a membrane");
            pulses[j] = s.Model.Pulse;
            times[j] = s.Times?.Where(t => t <= stop).ToArray() ?? s.PoissonTimes(stop);
        }
        for (int i = 0; i < pulses.Length; i++)
            if (pulses[i] == default) pulses[i] = new SpikePulse(0, 1e-3, 10e-6);
        return new MiloNetworkLevel(neurons.Count, lif, vbb, cells, pulses, times, options ?? new SimulationOptions());
    }

    /// <summary>Number of neurons.</summary>
    public int Neurons => _n;

    /// <summary>Longest step, s (the transient's TMAX of the netlist: 100 µs).</summary>
    public double MaxStep { get; set; } = 1e-4;

    /// <summary>How far past a threshold crossing a step may end, s (the transient's eventtol).</summary>
    public double EventTolerance { get; set; } = 1e-9;

    /// <summary>Largest change of a device state in one sub-step of its integration (<see cref="CellSeries.MaxStateStep"/>).</summary>
    public double MaxStateStep
    {
        get => _series[0].MaxStateStep;
        set { foreach (var s in _series) s.MaxStateStep = value; }
    }

    /// <summary>In recall mode, read open cells' source currents from series fitted to the exact solution.</summary>
    public bool UseReadTables { get; set; } = true;

    /// <summary>State x of the excitatory (or inhibitory) device of synapse i → j (0-based neurons).</summary>
    public double State(int i, int j, bool excitatory)
    {
        int k = _cellIndex[2 * (i * _n + j) + (excitatory ? 0 : 1)];
        return k < 0 ? double.NaN : _x[k];
    }

    /// <summary>Sets the state of the excitatory (or inhibitory) device of synapse i → j (0-based).</summary>
    public void SetState(int i, int j, bool excitatory, double x)
    {
        int k = _cellIndex[2 * (i * _n + j) + (excitatory ? 0 : 1)];
        if (k < 0) throw new ArgumentException($"no synapse {i + 1} -> {j + 1}");
        _x[k] = Math.Clamp(x, 0, 1);
        _read = null;
    }

    /// <summary>Replaces the input spike times of neuron <paramref name="neuron"/> (0-based); the pulse shape stays.</summary>
    public void SetStimulus(int neuron, double[] times)
    {
        _stimTimes[neuron] = times;
    }

    /// <summary>Sets the input pulse of neuron <paramref name="neuron"/> (for neurons without a source in the netlist).</summary>
    public void SetStimulusPulse(int neuron, SpikePulse pulse) => _stimPulse[neuron] = pulse;

    /// <summary>The input pulse of neuron <paramref name="neuron"/>.</summary>
    public SpikePulse StimulusPulse(int neuron) => _stimPulse[neuron];

    /// <summary>Names of the devices in cell order, and their (pre, post, excitatory) roles.</summary>
    public IEnumerable<(string Name, int Pre, int Post, bool Excitatory)> Devices =>
        Enumerable.Range(0, _x.Length).Select(k => (_names[k], _pre[k], _post[k], _isExc[k]));

    /// <summary>State of the device named <paramref name="name"/>.</summary>
    public double this[string name] => _x[Array.FindIndex(_names, s => s.Equals(name, StringComparison.OrdinalIgnoreCase))];

    // ------------------------------------------------------------------ read tables (recall)

    /// <summary>Membrane range of the read polynomials, V, and their degree.</summary>
    private const double ReadLow = -0.35, ReadHigh = 0.15;
    private const int ReadDegree = 12;
    private double[]? _read;     // per ordered pair (i, j): Chebyshev coefficients of both cells' source current at the open gate
    private double[]? _readSlope; // and of its derivative
    private double _readGate = double.NaN;

    /// <summary>
    /// Fits, for every ordered pair (i, j), the sum of the source currents of its excitatory and inhibitory
    /// cells into membrane j, with the gate on its flat top and the TEs at their read voltages, as a
    /// Chebyshev series in v_j over [ReadLow, ReadHigh] (interpolation at the Chebyshev nodes of the exact
    /// solution). The function is analytic there (the transistor stays in triode), so degree 12 reproduces
    /// it to rounding (checked by a test).
    /// </summary>
    private void BuildReadModel(double gateOn)
    {
        int n = _n, d = ReadDegree, points = d + 1;
        var coef = new double[n * n * points];
        var slope = new double[n * n * points];
        double mid = 0.5 * (ReadHigh + ReadLow), half = 0.5 * (ReadHigh - ReadLow);
        Parallel.For(0, n, i =>
        {
            var f = new double[points];
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                Array.Clear(f);
                for (int e = 0; e < 2; e++)
                {
                    int k = _cellIndex[2 * (i * n + j) + e];
                    if (k < 0) continue;
                    var cs = _series[_seriesOf[k]];
                    double vte = _isExc[k] ? _excRead : _inhRead, vm = vte;
                    for (int q = 0; q < points; q++)
                    {
                        double v = mid + half * Math.Cos(Math.PI * (q + 0.5) / points);
                        f[q] += cs.Solve(vte, gateOn, v, _vbb, _x[k], ref vm).SourceCurrent;
                    }
                }
                int o = (i * n + j) * points;
                for (int m = 0; m < points; m++)
                {
                    double sum = 0;
                    for (int q = 0; q < points; q++) sum += f[q] * Math.Cos(Math.PI * m * (q + 0.5) / points);
                    coef[o + m] = 2.0 / points * sum;
                }
                coef[o] *= 0.5;
                // derivative series (d/dv = d/du / half): c'_{m−1} = c'_{m+1} + 2m·c_m
                var dc = new double[points + 1];
                for (int m = d; m >= 1; m--) dc[m - 1] = dc[m + 1] + 2 * m * coef[o + m];
                dc[0] *= 0.5;
                for (int m = 0; m < points; m++) slope[o + m] = dc[m] / half;
            }
        });
        _read = coef;
        _readSlope = slope;
        _readGate = gateOn;
    }

    /// <summary>Σ c_m T_m(u) by Clenshaw's recurrence, u ∈ [−1, 1].</summary>
    private static double Clenshaw(ReadOnlySpan<double> c, double u)
    {
        double b1 = 0, b2 = 0, u2 = 2 * u;
        for (int m = c.Length - 1; m >= 1; m--)
        {
            double b0 = c[m] + u2 * b1 - b2;
            b2 = b1;
            b1 = b0;
        }
        return c[0] + u * b1 - b2;
    }

    /// <summary>The read model's current of pair i → j at membrane voltage v (for tests).</summary>
    public double ReadModelCurrent(int i, int j, double v)
    {
        double gateOn = _gateOff + _gate.Amplitude;
        if (_read is null || _readGate != gateOn) BuildReadModel(gateOn);
        int points = ReadDegree + 1;
        double u = (v - 0.5 * (ReadHigh + ReadLow)) / (0.5 * (ReadHigh - ReadLow));
        return Clenshaw(_read.AsSpan((i * _n + j) * points, points), u);
    }

    /// <summary>The exact current of pair i → j at membrane voltage v with the gate on and the TEs at read (for tests).</summary>
    public double ExactReadCurrent(int i, int j, double v)
    {
        double gateOn = _gateOff + _gate.Amplitude, sum = 0;
        for (int e = 0; e < 2; e++)
        {
            int k = _cellIndex[2 * (i * _n + j) + e];
            if (k < 0) continue;
            double vte = _isExc[k] ? _excRead : _inhRead, vm = vte;
            sum += _series[_seriesOf[k]].Solve(vte, gateOn, v, _vbb, _x[k], ref vm).SourceCurrent;
        }
        return sum;
    }

    // ------------------------------------------------------------------ run

    /// <summary>
    /// Simulates from t = 0 (membranes at rest, no spikes) to <paramref name="stop"/>. In
    /// <paramref name="recall"/> mode the TEs stay at their read voltages (no programming). States are
    /// snapshotted at <paramref name="snapshots"/> (and persist in this object after the run).
    /// <paramref name="until"/>, if given, is asked after every accepted point with a spike and ends the
    /// run when true.
    /// </summary>
    public MiloNetworkResult Run(double stop, bool recall = false, IReadOnlyList<double>? snapshots = null,
        Func<MiloNetworkResult, double, bool>? until = null)
    {
        int n = _n, m = _x.Length;
        var result = new MiloNetworkResult(n);
        var r = new RunState(this, n, m, recall, result);
        double gateOn = _gateOff + _gate.Amplitude;
        if (recall && UseReadTables && (_read is null || _readGate != gateOn)) BuildReadModel(gateOn);
        r.UseTables = recall && UseReadTables;
        r.GateOn = gateOn;
        var snaps = (snapshots ?? []).Order().ToList();
        int nextSnap = 0;
        if (snaps.Count > 0 && snaps[0] <= 0) { Snapshot(result, 0); nextSnap++; }
        r.Begin();
        while (r.Time < stop * (1 - 1e-12))
        {
            double next = Math.Min(stop, r.NextCorner(r.Time + MaxStep));
            if (nextSnap < snaps.Count) next = Math.Min(next, snaps[nextSnap]);
            double h = Math.Max(next - r.Time, 1e-15);
            // a step, cut back to the earliest threshold crossing
            while (true)
            {
                double theta = r.Step(h);
                if (theta < 1 && h * (1 - theta) > EventTolerance)
                {
                    h = Math.Max(theta * h + 0.5 * EventTolerance, 1e-15);
                    continue;
                }
                break;
            }
            bool fired = r.Accept(h);
            result.Steps++;
            if (nextSnap < snaps.Count && Math.Abs(r.Time - snaps[nextSnap]) <= 1e-12 * Math.Max(1, r.Time)) { Snapshot(result, r.Time); nextSnap++; }
            if (fired && until is not null && until(result, r.Time)) { result.StoppedAt = r.Time; break; }
        }
        if (nextSnap < snaps.Count && Math.Abs(r.Time - snaps[^1]) <= 1e-9 * Math.Max(1, r.Time)) Snapshot(result, r.Time);
        return result;
    }

    /// <summary>The per-run state and the step of the network-level simulation.</summary>
    private sealed class RunState
    {
        private readonly MiloNetworkLevel _net;
        private readonly int _n, _m;
        private readonly bool _recall;
        private readonly MiloNetworkResult _result;
        public double Time;
        public bool UseTables;
        public double GateOn;
        private readonly double[] _v, _last, _refEnd, _f0, _v1, _lin, _g1;
        private readonly bool[] _restart;
        private readonly int[] _stim;
        // open rows of the present step
        private readonly int[] _open;
        private int _openCount;
        // recall: rows on their flat top for the whole step, and per membrane the sum of their read polynomials
        private readonly bool[] _flat;
        private int _flatCount;
        private readonly double[] _sum, _sumSlope;
        private const int Points = ReadDegree + 1;
        // tentative programming of the present step
        private readonly double[] _xTry, _energy;
        private readonly bool[] _hasTry, _aboveTry, _above;
        private readonly int[] _eventsTry;
        private readonly List<int> _programmed = new(), _aboveList = new();

        public RunState(MiloNetworkLevel net, int n, int m, bool recall, MiloNetworkResult result)
        {
            _net = net; _n = n; _m = m; _recall = recall; _result = result;
            _v = new double[n]; _last = new double[n]; _refEnd = new double[n]; _f0 = new double[n]; _v1 = new double[n];
            _lin = new double[n]; _g1 = new double[n];
            Array.Fill(_last, double.NegativeInfinity);
            Array.Fill(_refEnd, double.NegativeInfinity);
            _restart = new bool[n];
            Array.Fill(_restart, true);
            _stim = new int[n];
            Array.Fill(_stim, -1);
            _open = new int[n];
            _flat = new bool[n];
            _sum = new double[n * Points];
            _sumSlope = new double[n * Points];
            _xTry = new double[m]; _energy = new double[m];
            _hasTry = new bool[m]; _aboveTry = new bool[m]; _above = new bool[m];
            _eventsTry = new int[m];
        }

        private double Gate(int i, double t) => _net._gateOff + _net._gate.Value(t - _last[i]);

        private double Te(int j, bool exc, double t) =>
            _recall ? (exc ? _net._excRead : _net._inhRead)
            : exc ? _net._excRead + _net._exc.Value(t - _last[j]) : _net._inhRead + _net._inh.Value(t - _last[j]);

        private bool Refractory(int j, double t) => double.IsFinite(_refEnd[j]) && t - _refEnd[j] <= 1e-12 * Math.Max(Math.Abs(_refEnd[j]), 1e-6);

        /// <summary>Index of neuron j's newest input spike not after t (the source uses only the newest pulse).</summary>
        private int Newest(int j, double t)
        {
            var times = _net._stimTimes[j];
            int q = _stim[j];
            while (q + 1 < times.Length && times[q + 1] <= t) q++;
            return q;
        }

        private double Stim(int j, double t)
        {
            int q = Newest(j, t);
            return q >= 0 ? _net._stimPulse[j].Value(t - _net._stimTimes[j][q]) : 0;
        }

        /// <summary>The first corner of any drive after the present time, or <paramref name="limit"/>.</summary>
        public double NextCorner(double limit)
        {
            double next = limit, t = Time;
            for (int j = 0; j < _n; j++)
            {
                if (double.IsFinite(_last[j]))
                {
                    next = Math.Min(next, _net._gate.NextCorner(_last[j], t));
                    if (!_recall) next = Math.Min(next, _net._exc.NextCorner(_last[j], t));
                }
                if (_refEnd[j] > t + 1e-15) next = Math.Min(next, _refEnd[j]);
                var times = _net._stimTimes[j];
                int q = _stim[j];
                if (q >= 0) next = Math.Min(next, _net._stimPulse[j].NextCorner(times[q], t));
                // an input spike within 1e-15 s of the present point is taken as reached (its pulse starts with the next step)
                if (q + 1 < times.Length && times[q + 1] > t + 1e-15) next = Math.Min(next, times[q + 1]);
            }
            return next;
        }

        /// <summary>
        /// Rows whose gate is not at its off level at t0 or t1 (all others are in cut-off); in recall with
        /// the read model, rows on their flat top at both ends enter the membranes' polynomial sums.
        /// </summary>
        private void OpenRows(double t0, double t1)
        {
            _openCount = 0;
            for (int i = 0; i < _n; i++)
            {
                double g0 = Gate(i, t0), g1 = Gate(i, t1);
                if (g0 != _net._gateOff || g1 != _net._gateOff) _open[_openCount++] = i;
                if (!UseTables) continue;
                bool flat = g0 == GateOn && g1 == GateOn;
                if (flat != _flat[i]) SetFlat(i, flat);
            }
        }

        private void SetFlat(int i, bool flat)
        {
            _flat[i] = flat;
            _flatCount += flat ? 1 : -1;
            double sign = flat ? 1 : -1;
            var coef = _net._read!;
            var slope = _net._readSlope!;
            for (int j = 0; j < _n; j++)
            {
                if (j == i) continue;
                int o = (i * _n + j) * Points, so = j * Points;
                for (int q = 0; q < Points; q++)
                {
                    _sum[so + q] += sign * coef[o + q];
                    _sumSlope[so + q] += sign * slope[o + q];
                }
            }
        }

        /// <summary>
        /// C·dv/dt of neuron j at (t, v) with the open cells linearised there; <paramref name="conductance"/>
        /// is −∂/∂v of it.
        /// </summary>
        private double Rhs(int j, double t, double vj, out double conductance)
        {
            var net = _net;
            double g = net._gl;
            double f = -net._gl * (vj - net._el) + Stim(j, t);
            if (Refractory(j, t)) { f -= net._gref * (vj - net._vreset); g += net._gref; }
            int evaluated = 0, total = 0;
            double u = (vj - 0.5 * (ReadHigh + ReadLow)) / (0.5 * (ReadHigh - ReadLow));
            bool polynomial = UseTables && _flatCount > 0 && u >= -1 && u <= 1;
            if (polynomial)
            {
                f += Clenshaw(_sum.AsSpan(j * Points, Points), u);
                g -= Clenshaw(_sumSlope.AsSpan(j * Points, Points), u);
                evaluated += 2 * (_flatCount - (_flat[j] ? 1 : 0));
            }
            for (int o = 0; o < _openCount; o++)
            {
                int i = _open[o];
                if (i == j || (polynomial && _flat[i])) continue;
                double vg = Gate(i, t);
                for (int e = 0; e < 2; e++)
                {
                    int k = net._cellIndex[2 * (i * _n + j) + e];
                    if (k < 0) continue;
                    var cs = net._series[net._seriesOf[k]];
                    double vte = Te(j, e == 0, t);
                    if (cs.IsOff(vte, vg, vj, net._vbb)) continue;
                    evaluated++;
                    double cur, cond;
                    {
                        double vm = net._vm[k];
                        var op = cs.Solve(vte, vg, vj, net._vbb, _hasTry[k] ? _xTry[k] : net._x[k], ref vm);
                        net._vm[k] = vm;
                        _result.CellSolves++;
                        cur = op.SourceCurrent;
                        cond = op.SourceConductance;
                    }
                    f += cur;
                    g += cond;
                }
            }
            total = net._incomingCount[j];
            if (total > evaluated)
            {
                double leak = net._series[0].Leakage(vj, net._vbb, out double gl);
                f += (total - evaluated) * leak;
                g += (total - evaluated) * gl;
            }
            conductance = g;
            return f;
        }

        public void Begin()
        {
            Time = 0;
            OpenRows(0, 0);
            for (int j = 0; j < _n; j++) _f0[j] = Rhs(j, 0, _v[j], out _);
        }

        /// <summary>One step of length h from the present point (not accepted); returns the fraction of it at the earliest threshold crossing, or +∞.</summary>
        public double Step(double h)
        {
            var net = _net;
            double t0 = Time, t1 = t0 + h;
            foreach (int k in _programmed) _hasTry[k] = false;
            _programmed.Clear();
            OpenRows(t0, t1);
            // programming: cells whose gate is open while their TE is pulsed integrate their state over the step
            if (!_recall)
                for (int o = 0; o < _openCount; o++)
                {
                    int i = _open[o];
                    double g0 = Gate(i, t0), g1 = Gate(i, t1);
                    foreach (int k in net._outgoing[i])
                    {
                        int j = net._post[k];
                        bool exc = net._isExc[k];
                        var pulse = exc ? net._exc : net._inh;
                        if (!(t1 - _last[j] > 0 && t0 - _last[j] < pulse.Width + pulse.Edge)) continue;
                        var cs = net._series[net._seriesOf[k]];
                        double te0 = Te(j, exc, t0), te1 = Te(j, exc, t1);
                        if (cs.IsOff(te0, g0, _v[j], net._vbb) && cs.IsOff(te1, g1, _v[j], net._vbb)) continue;
                        double x = net._x[k], vm = net._vm[k];
                        bool above = _above[k];
                        cs.Program(te0, te1, g0, g1, _v[j], _v[j], net._vbb, h, ref x, ref vm, net._threshold[k], ref above,
                            out int events, out double energy, net._up[k], net._down[k]);
                        _xTry[k] = x;
                        net._vm[k] = vm;
                        _hasTry[k] = true;
                        _aboveTry[k] = above;
                        _eventsTry[k] = events;
                        _energy[k] = energy;
                        _programmed.Add(k);
                        _result.Programmings++;
                    }
                }
            // membranes: trapezoidal (backward Euler after a discontinuity), the cells linearised at the prediction
            double theta = double.PositiveInfinity;
            for (int j = 0; j < _n; j++)
            {
                bool ref1 = Refractory(j, t1);
                bool be = _restart[j] || ref1 != Refractory(j, t0);
                double w = be ? 1 : 0.5;
                double vj = ref1 ? net._vreset : _v[j] + (be ? 0 : h * _f0[j] / net._cm);
                double f = 0, g = 0;
                for (int it = 0; it < 10; it++)
                {
                    f = Rhs(j, t1, vj, out g);
                    // C(v − v0)/h = w·f(v) + (1 − w)·f0 with f(v) ≈ f(vj) − g·(v − vj)
                    double vn = (net._cm / h * _v[j] + w * (f + g * vj) + (1 - w) * _f0[j]) / (net._cm / h + w * g);
                    double dv = vn - vj;
                    f -= g * dv;
                    vj = vn;
                    // the cells' currents are smooth: after a move this small the linearisation error is < 1e-12 A
                    if (Math.Abs(dv) <= 1e-4) break;
                }
                _v1[j] = vj;
                _lin[j] = f;
                if (!ref1 && _v[j] < net._vth && vj >= net._vth) theta = Math.Min(theta, (net._vth - _v[j]) / (vj - _v[j]));
            }
            return theta;
        }

        /// <summary>Accepts the last step of length h; returns true if a neuron fired.</summary>
        public bool Accept(double h)
        {
            var net = _net;
            double t1 = Time + h;
            // programming of the step
            // a device that was above its threshold and is not programmed in this step is at rest again
            for (int a = _aboveList.Count - 1; a >= 0; a--)
            {
                int k = _aboveList[a];
                if (_hasTry[k]) continue;
                _above[k] = false;
                _aboveList.RemoveAt(a);
            }
            foreach (int k in _programmed)
            {
                net._x[k] = _xTry[k];
                _hasTry[k] = false;
                _result.ProgrammingEvents += _eventsTry[k];
                _result.ProgrammingEnergy += _energy[k];
                if (_aboveTry[k] && !_above[k]) _aboveList.Add(k);
                else if (!_aboveTry[k] && _above[k]) _aboveList.Remove(k);
                _above[k] = _aboveTry[k];
            }
            _programmed.Clear();
            bool fired = false;
            for (int j = 0; j < _n; j++)
            {
                double v0 = _v[j], v1 = _v1[j];
                _restart[j] = false;
                _v[j] = v1;
                _f0[j] = _lin[j];
                _stim[j] = Newest(j, t1);
                if (!Refractory(j, t1) && v0 < net._vth && v1 >= net._vth)
                {
                    // the recorded time is the crossing interpolated inside the step, as the LIF neuron records it
                    _result.Spikes[j].Add(v1 > v0 ? t1 - (v1 - net._vth) / (v1 - v0) * h : t1);
                    _last[j] = t1;
                    _refEnd[j] = t1 + net._tref;
                    _v[j] = net._vreset;
                    fired = true;
                }
            }
            Time = t1;
            if (fired)
            {
                // a reset and new pulses: every membrane restarts (the transient restarts its method at an event)
                Array.Fill(_restart, true);
                OpenRows(t1, t1);
                for (int j = 0; j < _n; j++) _f0[j] = Rhs(j, t1, _v[j], out _);
            }
            return fired;
        }
    }

    private void Snapshot(MiloNetworkResult result, double time)
    {
        var e = new double[_n, _n];
        var h = new double[_n, _n];
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < _n; j++)
            {
                e[i, j] = State(i, j, true);
                h[i, j] = State(i, j, false);
            }
        result.Snapshots.Add((time, e, h));
    }
}
