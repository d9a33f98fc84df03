using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Networks;

namespace AnalogNN.Learning.Synapses;

/// <summary>
/// Device choice and weight scale of a <see cref="SynapseArray"/>. The default device is the thesis
/// exponential pulse model (<c>LEVEL=PULSE</c>, Ernoult 2020 Part II Eq. 1.5) made near-linear
/// (BETA = 0.005) with 2000 pulses from GMIN to GMAX: a weight resolution of
/// <see cref="WeightMax"/>/2000 per pulse.
/// </summary>
public sealed record SynapseParameters
{
    /// <summary>Minimum conductance GMIN, S.</summary>
    public double Gmin { get; init; } = 1e-4 / 13;
    /// <summary>Maximum conductance GMAX, S.</summary>
    public double Gmax { get; init; } = 1e-4;
    /// <summary>Device non-linearity β_device for both directions (0.005 near-linear, 3 strongly non-linear).</summary>
    public double DeviceBeta { get; init; } = 0.005;
    /// <summary>Programming pulses that take a device from GMIN to GMAX at the linear limit (number of levels).</summary>
    public int Levels { get; init; } = 2000;
    /// <summary>Pulse width that takes a device from GMIN to GMAX (TMAX of the model), s.</summary>
    public double FullSwingTime { get; init; } = 1e-3;
    /// <summary>Programming pulse amplitude, V (above the model's VSET = 1 V; negative pulses of the same magnitude depress).</summary>
    public double PulseAmplitude { get; init; } = 1.5;
    /// <summary>
    /// Weight of a pair at full swing (G⁺ = GMAX, G⁻ = GMIN), WeightMax = (GMAX − GMIN)/Gref; sets the
    /// scale Gref (S per unit weight). Representable weights are [−WeightMax, WeightMax].
    /// </summary>
    public double WeightMax { get; init; } = 1;
    /// <summary>Device-to-device spread of the rates (DVAR of the model).</summary>
    public double DeviceVariability { get; init; }
    /// <summary>Cycle-to-cycle noise on x per pulse (CVAR of the model).</summary>
    public double CycleVariability { get; init; }
    /// <summary>Round pulse counts stochastically (probability = fractional part) instead of to the nearest integer.</summary>
    public bool StochasticRounding { get; init; }
    /// <summary>Seed of the device variability and of stochastic rounding.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The memristor model card these parameters describe.</summary>
    public MemristorModel CreateModel()
    {
        var m = new MemristorModel("synapse", MemristorLevel.Pulse);
        m.Set("gmin", Gmin);
        m.Set("gmax", Gmax);
        m.Set("beta", DeviceBeta);
        m.Set("tmax", FullSwingTime);
        m.Set("dvar", DeviceVariability);
        m.Set("cvar", CycleVariability);
        m.Set("seed", Seed);
        return m;
    }
}

/// <summary>
/// The synapses of a <see cref="HopfieldTopology"/>: one memristor conductance pair (G⁺, G⁻) per
/// connected unordered pair {i, j}, used for both directions so W stays symmetric, with
/// w = (G⁺ − G⁻)/Gref, Gref = (GMAX − GMIN)/<see cref="SynapseParameters.WeightMax"/>. The devices
/// are a <see cref="MemristorArray"/> of <see cref="HopfieldTopology.PairCount"/> rows and two
/// columns (column 0 G⁺, column 1 G⁻), so pulse counts, programming energy and variability are those
/// of the device layer. Both fidelity levels (network and circuit) read and program weights here.
/// <para>
/// Programming (push–pull). A weight change Δw becomes n = round(|Δw|/<see cref="WeightStep"/>)
/// pulses, WeightStep = WeightMax/Levels the weight change of one pulse on one device at the linear
/// limit. For Δw &gt; 0 the pulses are SET pulses on G⁺ and RESET pulses on G⁻, shared as evenly as
/// possible (the odd pulse goes to the device nearer mid range); for Δw &lt; 0 the other way round. Both
/// devices move, so the pair's common mode stays at mid range and neither device drifts into a bound
/// under long training (with symmetric non-linearity the SET step at x equals the RESET step at 1 − x).
/// The counts are proportional to |Δw|; what the devices actually do is their pulse response, so a
/// non-linear device (β_device &gt; 0) changes the weight by less than asked near the bounds and a
/// saturated device does not move. Initialisation (<see cref="SetWeights"/>) writes states directly
/// through the symmetric mapping and is not counted as programming.
/// </para>
/// </summary>
public sealed class SynapseArray
{
    private readonly MemristorKernel _kernel;
    private readonly double _width;
    private DeviceRandom _rounding;

    /// <summary>Creates the array for <paramref name="topology"/> with every weight 0 (both devices at mid range).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Levels &lt; 1, WeightMax ≤ 0 or GMAX ≤ GMIN.</exception>
    public SynapseArray(HopfieldTopology topology, SynapseParameters? parameters = null)
    {
        Parameters = parameters ?? new SynapseParameters();
        if (Parameters.Levels < 1) throw new ArgumentOutOfRangeException(nameof(parameters), "Levels must be at least 1");
        if (!(Parameters.WeightMax > 0)) throw new ArgumentOutOfRangeException(nameof(parameters), "WeightMax must be positive");
        if (!(Parameters.Gmax > Parameters.Gmin) || !(Parameters.Gmin >= 0)) throw new ArgumentOutOfRangeException(nameof(parameters), "need 0 <= GMIN < GMAX");
        Topology = topology;
        Devices = new MemristorArray("synapses", Parameters.CreateModel(), Math.Max(1, topology.PairCount), 2, 0.5);
        _kernel = Devices.Kernel;
        _width = Parameters.FullSwingTime / Parameters.Levels;
        Gref = (Parameters.Gmax - Parameters.Gmin) / Parameters.WeightMax;
        _rounding = new DeviceRandom(Parameters.Seed, "synapses/rounding");
    }

    /// <summary>The network these synapses belong to.</summary>
    public HopfieldTopology Topology { get; }
    /// <summary>Device and scale parameters.</summary>
    public SynapseParameters Parameters { get; }
    /// <summary>The devices: row p is pair p, column 0 G⁺, column 1 G⁻.</summary>
    public MemristorArray Devices { get; }
    /// <summary>Conductance per unit weight Gref, S.</summary>
    public double Gref { get; }
    /// <summary>Weight change of one pulse on one device at the linear limit, WeightMax/Levels.</summary>
    public double WeightStep => Parameters.WeightMax / Parameters.Levels;
    /// <summary>Width of one programming pulse, TMAX/Levels, s.</summary>
    public double PulseWidth => _width;
    /// <summary>Largest representable |w|, (GMAX − GMIN)/Gref = WeightMax.</summary>
    public double WeightLimit => Parameters.WeightMax;
    /// <summary>Programming pulses applied by <see cref="Program"/> since construction.</summary>
    public long TotalPulses { get; private set; }
    /// <summary>Programming energy delivered by <see cref="Program"/> since construction, J.</summary>
    public double TotalEnergy { get; private set; }

    /// <summary>Sets the programming totals (restoring a checkpoint together with the device states).</summary>
    public void RestoreTotals(long pulses, double energy)
    {
        TotalPulses = pulses;
        TotalEnergy = energy;
    }

    /// <summary>Conductance of G⁺ of pair <paramref name="p"/>, S.</summary>
    public double GPlus(int p) => Conductance(2 * p);
    /// <summary>Conductance of G⁻ of pair <paramref name="p"/>, S.</summary>
    public double GMinus(int p) => Conductance(2 * p + 1);
    /// <summary>Weight of pair <paramref name="p"/>, (G⁺ − G⁻)/Gref.</summary>
    public double Weight(int p) => (Conductance(2 * p) - Conductance(2 * p + 1)) / Gref;

    private double Conductance(int k)
    {
        _kernel.Current(0.1, Devices.X[k], out double g, out _);
        return g;
    }

    /// <summary>Copies every pair's weight into <paramref name="w"/> (length PairCount, pair order).</summary>
    public void CopyWeights(Span<double> w)
    {
        if (w.Length != Topology.PairCount) throw new ArgumentException($"need {Topology.PairCount} weights, got {w.Length}", nameof(w));
        // PULSE devices: G = GMIN + (GMAX − GMIN)·x, so w = (x⁺ − x⁻)·WeightMax exactly.
        var x = Devices.X;
        double s = Parameters.WeightMax;
        for (int p = 0; p < w.Length; p++) w[p] = (x[2 * p] - x[2 * p + 1]) * s;
    }

    /// <summary>Writes the dense symmetric N×N weight matrix (row-major, zero diagonal and zero where not connected).</summary>
    public void CopyDense(Span<double> matrix)
    {
        int n = Topology.N;
        if (matrix.Length != n * n) throw new ArgumentException($"need {n * n} entries, got {matrix.Length}", nameof(matrix));
        matrix.Clear();
        var pi = Topology.PairI;
        var pj = Topology.PairJ;
        var x = Devices.X;
        double s = Parameters.WeightMax;
        for (int p = 0; p < pi.Length; p++)
        {
            double w = (x[2 * p] - x[2 * p + 1]) * s;
            matrix[pi[p] * n + pj[p]] = w;
            matrix[pj[p] * n + pi[p]] = w;
        }
    }

    /// <summary>
    /// Sets the weights (pair order) through the symmetric mapping G± = (GMIN + GMAX)/2 ± w·Gref/2
    /// (<see cref="DifferentialSynapse.Symmetric"/>), clamped to the device range. Not counted as programming.
    /// </summary>
    public void SetWeights(ReadOnlySpan<double> w)
    {
        if (w.Length != Topology.PairCount) throw new ArgumentException($"need {Topology.PairCount} weights, got {w.Length}", nameof(w));
        double gmin = Parameters.Gmin, gmax = Parameters.Gmax, range = gmax - gmin;
        for (int p = 0; p < w.Length; p++)
        {
            var (gp, gm) = DifferentialSynapse.Symmetric(w[p], gmin, gmax, Gref);
            Devices.X[2 * p] = (gp - gmin) / range;
            Devices.X[2 * p + 1] = (gm - gmin) / range;
        }
    }

    /// <summary>Initial weights uniform in [−<paramref name="range"/>, <paramref name="range"/>] (Zoppo et al.: 0.1), one draw per pair (so W is symmetric), from <paramref name="seed"/>.</summary>
    public void InitializeUniform(double range, ulong seed)
    {
        var r = new DeviceRandom(seed, "synapses/init");
        var w = new double[Topology.PairCount];
        for (int p = 0; p < w.Length; p++) w[p] = range * (2 * r.NextUniform() - 1);
        SetWeights(w);
    }

    /// <summary>Initial weights uniform in ±sqrt(6/(n_in + n_out)) per layered block (Glorot), from <paramref name="seed"/>.</summary>
    public void InitializeGlorot(ulong seed)
    {
        var sizes = Topology.LayerSizes ?? throw new InvalidOperationException("Glorot initialisation needs a layered topology");
        var r = new DeviceRandom(seed, "synapses/init");
        var w = new double[Topology.PairCount];
        for (int l = 0; l + 1 < sizes.Count; l++)
        {
            double a = Math.Sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            for (int p = Topology.BlockOffsets[l]; p < Topology.BlockOffsets[l + 1]; p++) w[p] = a * (2 * r.NextUniform() - 1);
        }
        SetWeights(w);
    }

    /// <summary>
    /// Applies the desired weight changes <paramref name="dw"/> (pair order; zeros are skipped) by
    /// push–pull programming pulses (see the class summary), counting pulses and summing energy per
    /// device. Does not allocate. Returns the pulses applied by this call.
    /// </summary>
    public long Program(ReadOnlySpan<double> dw)
    {
        if (dw.Length != Topology.PairCount) throw new ArgumentException($"need {Topology.PairCount} weight changes, got {dw.Length}", nameof(dw));
        double inv = 1 / WeightStep;
        long before = TotalPulses;
        for (int p = 0; p < dw.Length; p++)
        {
            double d = dw[p];
            if (d == 0 || !double.IsFinite(d)) continue;
            double a = Math.Abs(d) * inv;
            long n = Parameters.StochasticRounding ? (long)Math.Floor(a) + (_rounding.NextUniform() < a - Math.Floor(a) ? 1 : 0) : (long)Math.Round(a);
            if (n == 0) continue;
            int kp = 2 * p, km = kp + 1;
            // the odd pulse goes to the device nearer mid range
            long half = n / 2, odd = n - 2 * half;
            bool plusTakesOdd = Math.Abs(Devices.X[kp] - 0.5) <= Math.Abs(Devices.X[km] - 0.5);
            long np = half + (plusTakesOdd ? odd : 0), nm = half + (plusTakesOdd ? 0 : odd);
            double v = Parameters.PulseAmplitude;
            Pulse(kp, d > 0 ? v : -v, np);
            Pulse(km, d > 0 ? -v : v, nm);
        }
        return TotalPulses - before;
    }

    /// <summary>
    /// <paramref name="count"/> pulses of <paramref name="amplitude"/> V on device k. With a closed-form
    /// pulse response and no cycle-to-cycle noise, n pulses of Δt are one pulse of n·Δt (exact); the
    /// energy ∫v·i dt is then the trapezoidal rule on the start and end current. Otherwise pulse by pulse.
    /// </summary>
    private void Pulse(int k, double amplitude, long count)
    {
        if (count == 0) return;
        var x = Devices.X;
        double e0 = Devices.Energy[k];
        if (_kernel.HasClosedForm && Parameters.CycleVariability == 0)
        {
            double start = x[k], width = count * _width;
            double end = _kernel.Pulse(start, amplitude, width, Devices.Up[k], Devices.Down[k]);
            double i0 = _kernel.Current(amplitude, start, out _, out _), i1 = _kernel.Current(amplitude, end, out _, out _);
            Devices.RecordPulse(k, end, start, 0.5 * amplitude * (i0 + i1) * width);
            Devices.PulseCount[k] += count - 1;
        }
        else
        {
            int row = k >> 1, col = k & 1;
            for (long c = 0; c < count; c++) Devices.ApplyPulse(PulseTarget.Device(row, col), amplitude, _width);
        }
        TotalPulses += count;
        TotalEnergy += Devices.Energy[k] - e0;
    }
}
