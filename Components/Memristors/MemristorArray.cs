namespace AnalogNN.Components.Memristors;

/// <summary>
/// A small deterministic random generator (SplitMix64, Steele et al. 2014) with Gaussian draws by
/// the Box–Muller transform. Explicitly seeded and owned by whoever draws from it: there is no
/// shared or global generator, so the same seed gives the same numbers on every run.
/// </summary>
public struct DeviceRandom
{
    private ulong _state;
    private double _spare;
    private bool _hasSpare;

    /// <summary>Creates a generator from a seed.</summary>
    public DeviceRandom(ulong seed) { _state = seed; _spare = 0; _hasSpare = false; }

    /// <summary>Creates a generator for a named stream of a seed (the name is hashed with FNV-1a, case-insensitive, so it is stable across runs and processes).</summary>
    public DeviceRandom(ulong seed, string stream) : this(seed ^ Hash(stream)) { }

    /// <summary>FNV-1a 64-bit hash of the lower-case text.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text) { h ^= char.ToLowerInvariant(c); h *= 1099511628211UL; }
        return h;
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextBits()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform draw in (0, 1).</summary>
    public double NextUniform() => ((NextBits() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Standard normal draw.</summary>
    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u = NextUniform(), v = NextUniform();
        double r = Math.Sqrt(-2 * Math.Log(u));
        _spare = r * Math.Sin(2 * Math.PI * v);
        _hasSpare = true;
        return r * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>
    /// Log-normal draw with mean 1 and standard deviation <paramref name="relativeStd"/> (thesis App. 1.1):
    /// σ² = ln(1 + ε²), μ = −σ²/2, factor = exp(μ + σz). Returns 1 for ε = 0.
    /// </summary>
    public double NextLogNormalFactor(double relativeStd)
    {
        if (relativeStd <= 0) return 1;
        double s2 = Math.Log(1 + relativeStd * relativeStd);
        return Math.Exp(-0.5 * s2 + Math.Sqrt(s2) * NextGaussian());
    }
}

/// <summary>Which devices of an array a programming pulse reaches.</summary>
public enum PulseScope
{
    /// <summary>One device (row, column).</summary>
    Device,
    /// <summary>Every device of a row.</summary>
    Row,
    /// <summary>Every device of a column.</summary>
    Column,
    /// <summary>Every device.</summary>
    All,
}

/// <summary>The devices a pulse reaches: one device, a row, a column or the whole array.</summary>
public readonly record struct PulseTarget(PulseScope Scope, int Row = 0, int Column = 0)
{
    /// <summary>Device (row, column).</summary>
    public static PulseTarget Device(int row, int column) => new(PulseScope.Device, row, column);
    /// <summary>A whole row.</summary>
    public static PulseTarget OfRow(int row) => new(PulseScope.Row, row, 0);
    /// <summary>A whole column.</summary>
    public static PulseTarget OfColumn(int column) => new(PulseScope.Column, 0, column);
    /// <summary>Every device.</summary>
    public static PulseTarget All => new(PulseScope.All);

    /// <summary>True if device (i, j) is reached.</summary>
    public bool Contains(int i, int j) => Scope switch
    {
        PulseScope.Device => i == Row && j == Column,
        PulseScope.Row => i == Row,
        PulseScope.Column => j == Column,
        _ => true,
    };
}

/// <summary>
/// The persistent states of N×M memristors of one model (a single device is a 1×1 array): the
/// present states x (used as the initial/held state by every analysis and changed by programming),
/// the device-to-device rate factors drawn once per device and per direction, the cycle-to-cycle
/// generator, and per-device pulse counts and programming energy. Flat row-major arrays, index
/// k = i·Columns + j, so a crossbar stamps and programs in tight loops.
/// </summary>
public sealed class MemristorArray
{
    private DeviceRandom _cycle;

    /// <summary>
    /// Creates the array with every state at <paramref name="x0"/>. Device-to-device factors are
    /// drawn from the model's SEED and DVAR on a stream named after <paramref name="name"/>, so a
    /// device's draws do not depend on its position in the netlist.
    /// </summary>
    public MemristorArray(string name, MemristorModel model, int rows, int columns, double x0 = 0.5)
    {
        if (rows < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(rows), "an array needs at least one row and one column");
        Name = name;
        Model = model;
        Kernel = model.CreateKernel();
        Rows = rows;
        Columns = columns;
        int n = rows * columns;
        X = new double[n];
        Array.Fill(X, Math.Clamp(x0, 0, 1));
        LastX = new double[n];
        Up = new double[n];
        Down = new double[n];
        PulseCount = new long[n];
        Energy = new double[n];
        var d2d = new DeviceRandom(model.Seed, name + "/d2d");
        for (int k = 0; k < n; k++)
        {
            Up[k] = d2d.NextLogNormalFactor(model.DeviceVariability);
            Down[k] = d2d.NextLogNormalFactor(model.DeviceVariability);
        }
        _cycle = new DeviceRandom(model.Seed, name + "/c2c");
    }

    /// <summary>Owner name (element name).</summary>
    public string Name { get; }
    /// <summary>The model.</summary>
    public MemristorModel Model { get; }
    /// <summary>The model's equations.</summary>
    public MemristorKernel Kernel { get; }
    /// <summary>Rows N.</summary>
    public int Rows { get; }
    /// <summary>Columns M.</summary>
    public int Columns { get; }
    /// <summary>Present states x ∈ [0, 1], row-major.</summary>
    public double[] X { get; }
    /// <summary>States at the last accepted point of the last analysis (x is not changed by simulating).</summary>
    public double[] LastX { get; }
    /// <summary>Device-to-device factor of the x-increasing rate, per device.</summary>
    public double[] Up { get; }
    /// <summary>Device-to-device factor of the x-decreasing rate, per device.</summary>
    public double[] Down { get; }
    /// <summary>Programming pulses applied to each device.</summary>
    public long[] PulseCount { get; }
    /// <summary>Programming energy ∫v·i dt delivered to each device, J.</summary>
    public double[] Energy { get; }

    /// <summary>State of device (i, j).</summary>
    public double this[int i, int j]
    {
        get => X[i * Columns + j];
        set => X[i * Columns + j] = Math.Clamp(value, 0, 1);
    }

    /// <summary>Small-signal conductance di/dv (S) of device (i, j) at a read voltage <paramref name="vread"/> (V).</summary>
    public double Conductance(int i, int j, double vread = 0.1)
    {
        Kernel.Current(vread, X[i * Columns + j], out double g, out _);
        return g;
    }

    /// <summary>
    /// Applies one rectangular pulse of <paramref name="amplitude"/> V and <paramref name="width"/> s
    /// across every targeted device through the model's pulse response (fast mode; exact for the
    /// PULSE and RRAM levels, RK4 otherwise), counts it, adds its energy ∫v·i dt (trapezoidal rule
    /// on 16 sub-intervals) and then the cycle-to-cycle noise N(0, CVAR²) to each device whose
    /// state the pulse changed. Does not allocate.
    /// </summary>
    public void ApplyPulse(PulseTarget target, double amplitude, double width)
    {
        if (!(width >= 0) || !double.IsFinite(amplitude)) throw new ArgumentOutOfRangeException(nameof(width), "pulse width must be >= 0 and amplitude finite");
        if (width == 0) return;
        int i0 = 0, i1 = Rows, j0 = 0, j1 = Columns;
        switch (target.Scope)
        {
            case PulseScope.Device: i0 = target.Row; i1 = i0 + 1; j0 = target.Column; j1 = j0 + 1; break;
            case PulseScope.Row: i0 = target.Row; i1 = i0 + 1; break;
            case PulseScope.Column: j0 = target.Column; j1 = j0 + 1; break;
        }
        if (i0 < 0 || i1 > Rows || j0 < 0 || j1 > Columns) throw new ArgumentOutOfRangeException(nameof(target), $"{target} is outside the {Rows}×{Columns} array {Name}");
        const int parts = 16;
        double h = width / parts;
        var kernel = Kernel;
        for (int i = i0; i < i1; i++)
            for (int j = j0; j < j1; j++)
            {
                int k = i * Columns + j;
                double x = X[k], start = x;
                double e = 0, p0 = amplitude * kernel.Current(amplitude, x, out _, out _);
                for (int s = 0; s < parts; s++)
                {
                    x = kernel.Pulse(x, amplitude, h, Up[k], Down[k], 8);
                    double p1 = amplitude * kernel.Current(amplitude, x, out _, out _);
                    e += 0.5 * h * (p0 + p1);
                    p0 = p1;
                }
                RecordPulse(k, x, start, e);
            }
    }

    /// <summary>
    /// Stores the result of one programming pulse on device <paramref name="k"/> (used by the fast
    /// mode and by transient-mode programmers): counts it, adds its energy (J) and, if the state
    /// moved, the cycle-to-cycle noise.
    /// </summary>
    public void RecordPulse(int k, double x, double before, double energy)
    {
        PulseCount[k]++;
        Energy[k] += energy;
        if (x != before && Model.CycleVariability > 0) x += Model.CycleVariability * _cycle.NextGaussian();
        X[k] = Math.Clamp(x, 0, 1);
    }

    /// <summary>Sets every state from a spread: x = clamp(mean + std·z), z standard normal from <paramref name="seed"/>.</summary>
    public void Randomize(double mean, double std, ulong seed)
    {
        var r = new DeviceRandom(seed, Name + "/x0");
        for (int k = 0; k < X.Length; k++) X[k] = Math.Clamp(mean + std * r.NextGaussian(), 0, 1);
    }

    /// <summary>Reads states from a CSV file of N lines of M comma-separated values.</summary>
    /// <exception cref="FormatException">Wrong shape or a value that is not a number in [0, 1].</exception>
    public void LoadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToArray();
        if (lines.Length != Rows) throw new FormatException($"{path}: {lines.Length} rows of states, {Name} has {Rows}");
        for (int i = 0; i < Rows; i++)
        {
            var cells = lines[i].Split(',', ';', ' ', '\t').Where(c => c.Length > 0).ToArray();
            if (cells.Length != Columns) throw new FormatException($"{path}:{i + 1}: {cells.Length} values, {Name} has {Columns} columns");
            for (int j = 0; j < Columns; j++)
            {
                if (!double.TryParse(cells[j], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) || v < 0 || v > 1)
                    throw new FormatException($"{path}:{i + 1}: '{cells[j]}' is not a state in [0, 1]");
                X[i * Columns + j] = v;
            }
        }
    }

    /// <summary>Writes <paramref name="states"/> (e.g. <see cref="X"/> or <see cref="LastX"/>) as N lines of M values.</summary>
    public void SaveCsv(string path, double[] states)
    {
        using var w = new StreamWriter(path);
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Columns; j++)
            {
                if (j > 0) w.Write(',');
                w.Write(states[i * Columns + j].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
            w.Write('\n');
        }
    }
}

/// <summary>
/// Programs the devices of a <see cref="MemristorArray"/> with voltage pulses. Learning controllers
/// depend on this interface only: the fast mode applies the closed-form pulse response, a
/// transient-mode implementation (in Solvers) drives each device with a real pulse in the MNA
/// engine. A 1T1R composite will implement the same interface with the gate voltage as an extra
/// setting of the programmer (the transistor then limits the set current).
/// </summary>
public interface IPulseProgrammer
{
    /// <summary>Applies one pulse of <paramref name="amplitude"/> V and <paramref name="width"/> s to the targeted devices.</summary>
    void Apply(MemristorArray array, PulseTarget target, double amplitude, double width);
}

/// <summary>Fast-mode programmer: the model's pulse response (<see cref="MemristorArray.ApplyPulse"/>).</summary>
public sealed class ClosedFormProgrammer : IPulseProgrammer
{
    /// <inheritdoc/>
    public void Apply(MemristorArray array, PulseTarget target, double amplitude, double width) => array.ApplyPulse(target, amplitude, width);
}

/// <summary>Differential synapse w = G⁺ − G⁻ and the signed-weight ↔ conductance-pair mapping.</summary>
public static class DifferentialSynapse
{
    /// <summary>Weight of a pair, w = (G⁺ − G⁻)/<paramref name="unit"/> (unit: siemens per unit weight).</summary>
    public static double Weight(double gPlus, double gMinus, double unit = 1) => (gPlus - gMinus) / unit;

    /// <summary>
    /// A conductance pair for weight <paramref name="w"/> between <paramref name="gmin"/> and
    /// <paramref name="gmax"/> (S): symmetric around the mid conductance, G± = (GMIN + GMAX)/2 ± w·unit/2,
    /// each clamped to [GMIN, GMAX], so |w·unit| ≤ GMAX − GMIN is represented exactly.
    /// </summary>
    public static (double GPlus, double GMinus) Symmetric(double w, double gmin, double gmax, double unit = 1)
    {
        double mid = 0.5 * (gmin + gmax), half = 0.5 * w * unit;
        return (Math.Clamp(mid + half, gmin, gmax), Math.Clamp(mid - half, gmin, gmax));
    }

    /// <summary>
    /// A pair that keeps one device at GMIN: w ≥ 0 gives (GMIN + w·unit, GMIN), w &lt; 0 gives
    /// (GMIN, GMIN − w·unit), clamped to GMAX. This is the potentiation-only mapping (thesis L1113).
    /// </summary>
    public static (double GPlus, double GMinus) OneSided(double w, double gmin, double gmax, double unit = 1)
    {
        double g = Math.Min(gmin + Math.Abs(w) * unit, gmax);
        return w >= 0 ? (g, gmin) : (gmin, g);
    }
}
