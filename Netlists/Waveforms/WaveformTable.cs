using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// One plot held in memory: its header and one column per signal (the first is the scale — time,
/// frequency or swept source — except in an operating point). Read from a rawfile by
/// <see cref="RawFileReader"/> or recorded from a simulation by <see cref="WaveformRecorder"/>.
/// </summary>
public sealed class WaveformTable
{
    private readonly double[][] _real;
    private readonly double[][]? _imaginary;

    /// <summary>Creates a table; the columns are taken over, not copied.</summary>
    /// <param name="title">Circuit title.</param>
    /// <param name="plotName">ngspice plot name, e.g. <c>Transient Analysis</c>.</param>
    /// <param name="analysis">Short analysis id, e.g. <c>tran</c>.</param>
    /// <param name="signals">Signals, scale first.</param>
    /// <param name="real">One column per signal (real parts).</param>
    /// <param name="imaginary">Imaginary parts for complex plots, otherwise null.</param>
    /// <param name="date">The rawfile's <c>Date:</c> text, if any.</param>
    public WaveformTable(string title, string plotName, string analysis, IReadOnlyList<Signal> signals,
        double[][] real, double[][]? imaginary = null, string? date = null)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(real);
        if (real.Length != signals.Count)
            throw new ArgumentException($"{real.Length} columns for {signals.Count} signals.", nameof(real));
        int points = real.Length == 0 ? 0 : real[0].Length;
        foreach (double[] column in real)
            if (column.Length != points)
                throw new ArgumentException("Columns differ in length.", nameof(real));
        if (imaginary is not null)
        {
            if (imaginary.Length != signals.Count)
                throw new ArgumentException($"{imaginary.Length} imaginary columns for {signals.Count} signals.", nameof(imaginary));
            foreach (double[] column in imaginary)
                if (column.Length != points)
                    throw new ArgumentException("Imaginary columns differ in length from the real ones.", nameof(imaginary));
        }
        Title = title ?? "";
        PlotName = plotName ?? "";
        Analysis = analysis ?? "";
        Signals = signals.ToArray();
        Date = date;
        PointCount = points;
        _real = real;
        _imaginary = imaginary;
    }

    /// <summary>Circuit title.</summary>
    public string Title { get; }

    /// <summary>ngspice plot name (<c>Operating Point</c>, <c>DC transfer characteristic</c>, <c>AC Analysis</c>, <c>Transient Analysis</c>).</summary>
    public string PlotName { get; }

    /// <summary>Short analysis id (<c>op</c>, <c>dc</c>, <c>ac</c>, <c>tran</c>).</summary>
    public string Analysis { get; }

    /// <summary>Text of the rawfile's <c>Date:</c> line, if the table came from a file.</summary>
    public string? Date { get; }

    /// <summary>Signals in column order.</summary>
    public IReadOnlyList<Signal> Signals { get; }

    /// <summary>True when the plot holds complex values (AC).</summary>
    public bool IsComplex => _imaginary is not null;

    /// <summary>Number of points (rows).</summary>
    public int PointCount { get; }

    /// <summary>Real parts, one column per signal.</summary>
    public IReadOnlyList<double[]> Columns => _real;

    /// <summary>Imaginary parts, one column per signal; null for real plots.</summary>
    public IReadOnlyList<double[]>? ImaginaryColumns => _imaginary;

    /// <summary>The scale signal (first signal).</summary>
    public Signal Scale => Signals[0];

    /// <summary>Values of the scale (real part).</summary>
    public double[] ScaleValues => _real[0];

    /// <summary>Real column of the signal named <paramref name="name"/> (see <see cref="IndexOf"/>).</summary>
    /// <exception cref="KeyNotFoundException">No such signal; the message lists the available ones.</exception>
    public double[] this[string name] => _real[RequireIndex(name)];

    /// <summary>Imaginary column of a signal; throws for real plots or unknown names.</summary>
    public double[] Imaginary(string name) =>
        (_imaginary ?? throw new InvalidOperationException($"Plot '{PlotName}' is real."))[RequireIndex(name)];

    /// <summary>
    /// Column index of a signal, or -1. Names compare case-insensitively; as fallbacks a bare node
    /// name <c>out</c> finds <c>v(out)</c>, and <c>v1#branch</c> and <c>i(v1)</c> find each other.
    /// </summary>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string wanted = name.Trim();
        int i = Find(wanted);
        if (i >= 0)
            return i;
        if (wanted.EndsWith("#branch", StringComparison.OrdinalIgnoreCase))
            return Find($"i({wanted[..^"#branch".Length]})");
        if (wanted.Length > 3 && wanted.StartsWith("i(", StringComparison.OrdinalIgnoreCase) && wanted.EndsWith(')'))
            return Find($"{wanted[2..^1]}#branch");
        if (!wanted.Contains('('))
            return Find($"v({wanted})");
        return -1;
    }

    /// <summary>Like <see cref="IndexOf"/> but throws a <see cref="KeyNotFoundException"/> that lists the available signals.</summary>
    public int RequireIndex(string name)
    {
        int i = IndexOf(name);
        if (i < 0)
            throw new KeyNotFoundException(
                $"No signal '{name}' in plot '{PlotName}'. Available: {string.Join(", ", Signals.Select(s => s.Name))}.");
        return i;
    }

    /// <summary>A <see cref="PlotHeader"/> describing this table.</summary>
    public PlotHeader ToHeader() => new(Title, PlotName, Analysis, Signals, IsComplex);

    /// <summary>Replays the table into an output (e.g. rawfile → CSV conversion).</summary>
    public void WriteTo(ISimulationOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.BeginPlot(ToHeader());
        var re = new double[Signals.Count];
        var im = new double[Signals.Count];
        for (int p = 0; p < PointCount; p++)
        {
            for (int s = 0; s < re.Length; s++)
                re[s] = _real[s][p];
            if (_imaginary is null)
            {
                output.WriteRow(re);
            }
            else
            {
                for (int s = 0; s < im.Length; s++)
                    im[s] = _imaginary[s][p];
                output.WriteRow(re, im);
            }
        }
        output.EndPlot();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{PlotName} ({Analysis}): {Signals.Count} signals × {PointCount} points";

    private int Find(string name)
    {
        for (int i = 0; i < Signals.Count; i++)
            if (string.Equals(Signals[i].Name, name, StringComparison.OrdinalIgnoreCase))
                return i;
        return -1;
    }
}
