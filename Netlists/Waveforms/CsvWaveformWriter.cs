using System.Globalization;
using System.Text;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// Writes one CSV file per plot: <c>OUTDIR/STEM.ANALYSIS.csv</c>, where ANALYSIS is
/// <see cref="PlotHeader.Analysis"/> (<c>op</c>, <c>dc</c>, <c>ac</c>, <c>tran</c>).
/// </summary>
/// <remarks>
/// <para>When an analysis occurs again in the same run (e.g. one plot per <c>.step</c> value) the
/// later files get a counter: <c>STEM.tran.csv</c>, <c>STEM.tran.2.csv</c>, <c>STEM.tran.3.csv</c>, ...
/// Files left over from an earlier run with more repetitions are not deleted.</para>
/// <para>Content: a header row with the signal names, then one row per point; the first column is
/// the scale (time, frequency, swept source; in an operating point simply the first signal).
/// Numbers use the invariant culture and the shortest round-trippable form (the .NET default, same
/// digits as <c>"R"</c>; <c>double.Parse</c> gets the identical value back), UTF-8, lines end with
/// <c>\n</c>, names containing <c>,</c> or <c>"</c> are quoted. In a complex plot the scale
/// has one column (its real part) and every other signal two, <c>real(NAME)</c> and
/// <c>imag(NAME)</c>.</para>
/// <para>Atomicity: each plot is written to a temporary file; <see cref="Commit"/> renames all of
/// them onto their final names, and <see cref="Dispose"/> without a commit deletes them.</para>
/// <para><see cref="WriteRow(ReadOnlySpan{double})"/> does not allocate.</para>
/// </remarks>
public sealed class CsvWaveformWriter : ICommittableOutput
{
    private readonly Dictionary<string, int> _analysisCounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Temporary, string Final)> _done = [];
    private readonly List<string> _files = [];
    private FileStream? _stream;
    private string? _temporary;
    private string? _final;
    private PlotHeader? _plot;
    private bool _scaleIsReal;
    private byte[] _line = [];
    private bool _committed;
    private bool _disposed;

    /// <summary>Creates a writer; files are named <c>DIRECTORY/STEM.ANALYSIS.csv</c>.</summary>
    /// <param name="directory">Output directory (created if missing).</param>
    /// <param name="stem">File-name stem, usually the netlist name without extension.</param>
    public CsvWaveformWriter(string directory, string stem)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(stem);
        Directory = Path.GetFullPath(directory);
        Stem = stem;
    }

    /// <summary>Output directory.</summary>
    public string Directory { get; }

    /// <summary>File-name stem.</summary>
    public string Stem { get; }

    /// <summary>Final paths of the plots begun so far, in order (they exist only after <see cref="Commit"/>).</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The file name a plot of <paramref name="analysis"/> gets on its <paramref name="occurrence"/>-th appearance (1-based).</summary>
    public static string FileName(string stem, string analysis, int occurrence)
    {
        var a = new StringBuilder(analysis.Length);
        foreach (char c in analysis.Trim().ToLowerInvariant())
            a.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        if (a.Length == 0)
            a.Append("plot");
        return occurrence <= 1
            ? $"{stem}.{a}.csv"
            : $"{stem}.{a}.{occurrence.ToString(CultureInfo.InvariantCulture)}.csv";
    }

    /// <inheritdoc/>
    public void BeginPlot(PlotHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        ThrowIfClosed();
        if (_plot is not null)
            throw new InvalidOperationException($"Plot '{_plot.PlotName}' is still open; call EndPlot first.");
        if (header.Signals.Count == 0)
            throw new ArgumentException("A plot needs at least one signal.", nameof(header));

        int occurrence = _analysisCounts.TryGetValue(header.Analysis, out int seen) ? seen + 1 : 1;
        _analysisCounts[header.Analysis] = occurrence;
        string final = Path.Combine(Directory, FileName(Stem, header.Analysis, occurrence));
        FileStream stream = AtomicFile.CreateTemporary(final, out string temporary);
        _stream = stream;
        _temporary = temporary;
        _final = final;
        _files.Add(final);
        _plot = header;
        _scaleIsReal = header.Complex && header.Signals[0].Type is SignalType.Frequency or SignalType.Time;

        var names = new StringBuilder();
        for (int i = 0; i < header.Signals.Count; i++)
        {
            if (i > 0)
                names.Append(',');
            string name = header.Signals[i].Name;
            if (!header.Complex || (i == 0 && _scaleIsReal))
                AppendName(names, name);
            else
                AppendName(AppendName(names, $"real({name})").Append(','), $"imag({name})");
        }
        names.Append('\n');
        stream.Write(Encoding.UTF8.GetBytes(names.ToString()));
        int size = header.Signals.Count * 2 * 32 + 8;
        if (_line.Length < size)
            _line = new byte[size];
    }

    /// <inheritdoc/>
    /// <remarks>In a complex plot the imaginary parts are written as 0.</remarks>
    public void WriteRow(ReadOnlySpan<double> values) => Write(values, ReadOnlySpan<double>.Empty);

    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary)
    {
        if (_plot is { Complex: false })
            throw new InvalidOperationException($"Plot '{_plot.PlotName}' is real; write real rows.");
        if (imaginary.Length != real.Length)
            throw new ArgumentException("Real and imaginary parts differ in length.", nameof(imaginary));
        Write(real, imaginary);
    }

    /// <inheritdoc/>
    public void EndPlot()
    {
        CurrentPlot();
        AtomicFile.FlushAndClose(_stream!);
        _stream = null;
        _done.Add((_temporary!, _final!));
        _temporary = _final = null;
        _plot = null;
    }

    /// <summary>Ends an open plot, then renames every temporary file onto its final name.</summary>
    public void Commit()
    {
        ThrowIfClosed();
        if (_plot is not null)
            EndPlot();
        foreach (var (temporary, final) in _done)
            AtomicFile.Publish(temporary, final);
        _done.Clear();
        _committed = true;
    }

    /// <summary>Closes the writer; without a prior <see cref="Commit"/> every temporary file is deleted.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_committed)
            return;
        _stream?.Dispose();
        if (_temporary is not null)
            AtomicFile.TryDelete(_temporary);
        foreach (var (temporary, _) in _done)
            AtomicFile.TryDelete(temporary);
        _done.Clear();
    }

    private void Write(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary)
    {
        PlotHeader plot = CurrentPlot();
        if (real.Length != plot.Signals.Count)
            throw new ArgumentException($"Row has {real.Length} values but the plot has {plot.Signals.Count} signals.");
        Span<byte> line = _line;
        int n = 0;
        for (int i = 0; i < real.Length; i++)
        {
            if (i > 0)
                line[n++] = (byte)',';
            n += Format(real[i], line[n..]);
            if (plot.Complex && !(i == 0 && _scaleIsReal))
            {
                line[n++] = (byte)',';
                n += Format(imaginary.IsEmpty ? 0.0 : imaginary[i], line[n..]);
            }
        }
        line[n++] = (byte)'\n';
        _stream!.Write(line[..n]);
    }

    private static int Format(double value, Span<byte> destination)
    {
        // The default format is the shortest round-trippable one; "R" gives the same digits but
        // allocates for some values on .NET 10.
        if (!value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException("CSV line buffer too small.");
        return written;
    }

    private static StringBuilder AppendName(StringBuilder sb, string name) =>
        name.AsSpan().IndexOfAny(",\"\r\n") < 0
            ? sb.Append(name)
            : sb.Append('"').Append(name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');

    private PlotHeader CurrentPlot()
    {
        ThrowIfClosed();
        return _plot ?? throw new InvalidOperationException("No plot is open; call BeginPlot first.");
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
            throw new InvalidOperationException("The CSV output has been committed.");
    }
}
