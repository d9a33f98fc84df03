using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// Streams simulation results into an ngspice-compatible rawfile (binary or ASCII, real or complex,
/// any number of plots, each with its own header, in the order they are begun).
/// </summary>
/// <remarks>
/// <para>Header, as ngspice 39 writes it: <c>Title:</c>, <c>Date:</c>, <c>Plotname:</c>,
/// <c>Flags: real|complex</c>, <c>No. Variables:</c>, <c>No. Points:</c>, <c>Variables:</c> with
/// one <c>\t index \t name \t type</c> line per signal, then <c>Binary:</c> or <c>Values:</c>.
/// No <c>Command:</c> line is written: ngspice 39's <c>load</c> tries to execute its text.</para>
/// <para>Rows go to disk as they arrive. The point count is written as <c>0</c> padded with spaces
/// and patched in place at <see cref="EndPlot"/>.</para>
/// <para>Binary body: each point is every signal's value as a little-endian float64 (two, real then
/// imaginary, for complex plots). ASCII body: <c>index\t\tv0</c> then <c>\tvk</c> per line, 16
/// significant digits (<c>%.15e</c>), complex values as <c>re,im</c>. In complex plots the
/// imaginary part of a frequency scale is written as 0.</para>
/// <para>Atomicity: everything goes to a temporary file next to the target; <see cref="Commit"/>
/// renames it onto the target. <see cref="Dispose"/> without <see cref="Commit"/> (e.g. because
/// the simulation threw) deletes the temporary file and leaves the target untouched.</para>
/// <para><see cref="WriteRow(ReadOnlySpan{double})"/> does not allocate.</para>
/// </remarks>
public sealed class RawFileWriter : ICommittableOutput
{
    private const int PointsFieldWidth = 10;
    private const int MaxAsciiNumberBytes = 32;

    private readonly FileStream _stream;
    private readonly string _temporaryPath;
    private PlotHeader? _plot;
    private int _variables;
    private bool _scaleIsFrequency;
    private long _points;
    private long _pointsFieldOffset;
    private byte[] _row = [];
    private bool _committed;
    private bool _disposed;

    /// <summary>Opens a rawfile writer; the target is written only at <see cref="Commit"/>.</summary>
    /// <param name="path">Final path of the rawfile.</param>
    /// <param name="encoding">Binary (default, as ngspice) or ASCII.</param>
    public RawFileWriter(string path, RawFileEncoding encoding = RawFileEncoding.Binary)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        Encoding = encoding;
        _stream = AtomicFile.CreateTemporary(Path, out _temporaryPath);
    }

    /// <summary>Final path of the rawfile.</summary>
    public string Path { get; }

    /// <summary>Body encoding.</summary>
    public RawFileEncoding Encoding { get; }

    /// <summary>Value of the <c>Date:</c> line; the local time at <see cref="BeginPlot"/> when null.</summary>
    public DateTime? Date { get; init; }

    /// <summary>Number of plots begun so far.</summary>
    public int PlotCount { get; private set; }

    /// <summary>Number of points written to the current (or last) plot.</summary>
    public long PointCount => _points;

    /// <inheritdoc/>
    public void BeginPlot(PlotHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        ThrowIfClosed();
        if (_plot is not null)
            throw new InvalidOperationException($"Plot '{_plot.PlotName}' is still open; call EndPlot first.");
        if (header.Signals.Count == 0)
            throw new ArgumentException("A plot needs at least one signal.", nameof(header));
        foreach (Signal s in header.Signals)
        {
            // checked before anything is written, so a refused plot leaves the file consistent
            if (string.IsNullOrWhiteSpace(s.Name) || s.Name.AsSpan().IndexOfAny(" \t\r\n") >= 0)
                throw new ArgumentException($"Signal name '{s.Name}' is empty or contains white space.", nameof(header));
            _ = RawFileNames.TypeName(s.Type);
        }

        var sb = new StringBuilder(256 + 48 * header.Signals.Count);
        sb.Append("Title: ").Append(OneLine(header.Title)).Append('\n');
        sb.Append("Date: ").Append(FormatDate(Date ?? DateTime.Now)).Append('\n');
        sb.Append("Plotname: ").Append(OneLine(header.PlotName)).Append('\n');
        sb.Append("Flags: ").Append(header.Complex ? "complex" : "real").Append('\n');
        sb.Append("No. Variables: ").Append(header.Signals.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("No. Points: ");
        WriteAscii(sb);
        _pointsFieldOffset = _stream.Position;
        sb.Append('0', 1).Append(' ', PointsFieldWidth - 1).Append('\n');
        sb.Append("Variables:\n");
        for (int i = 0; i < header.Signals.Count; i++)
        {
            Signal s = header.Signals[i];
            sb.Append('\t').Append(i.ToString(CultureInfo.InvariantCulture))
              .Append('\t').Append(s.Name)
              .Append('\t').Append(RawFileNames.TypeName(s.Type)).Append('\n');
        }
        sb.Append(Encoding == RawFileEncoding.Binary ? "Binary:\n" : "Values:\n");
        WriteAscii(sb);

        _plot = header;
        _variables = header.Signals.Count;
        _scaleIsFrequency = header.Signals[0].Type == SignalType.Frequency;
        _points = 0;
        int perValue = Encoding == RawFileEncoding.Binary ? 8 : MaxAsciiNumberBytes + 2;
        int size = _variables * perValue * (header.Complex ? 2 : 1) + 32;
        if (_row.Length < size)
            _row = new byte[size];
        PlotCount++;
    }

    /// <inheritdoc/>
    /// <remarks>In a complex plot the imaginary parts are written as 0.</remarks>
    public void WriteRow(ReadOnlySpan<double> values)
    {
        PlotHeader plot = CurrentPlot();
        CheckLength(values.Length);
        int n;
        if (Encoding == RawFileEncoding.Binary)
        {
            Span<byte> row = _row;
            int stride = plot.Complex ? 16 : 8;
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(row[(i * stride)..], values[i]);
                if (plot.Complex)
                    BinaryPrimitives.WriteDoubleLittleEndian(row[(i * stride + 8)..], 0.0);
            }
            n = values.Length * stride;
        }
        else
        {
            n = FormatAsciiRow(values, ReadOnlySpan<double>.Empty, plot.Complex);
        }
        _stream.Write(_row, 0, n);
        _points++;
    }

    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary)
    {
        PlotHeader plot = CurrentPlot();
        if (!plot.Complex)
            throw new InvalidOperationException($"Plot '{plot.PlotName}' is real; write real rows.");
        CheckLength(real.Length);
        CheckLength(imaginary.Length);
        int n;
        if (Encoding == RawFileEncoding.Binary)
        {
            Span<byte> row = _row;
            for (int i = 0; i < real.Length; i++)
            {
                double im = i == 0 && _scaleIsFrequency ? 0.0 : imaginary[i];
                BinaryPrimitives.WriteDoubleLittleEndian(row[(16 * i)..], real[i]);
                BinaryPrimitives.WriteDoubleLittleEndian(row[(16 * i + 8)..], im);
            }
            n = 16 * real.Length;
        }
        else
        {
            n = FormatAsciiRow(real, imaginary, complex: true);
        }
        _stream.Write(_row, 0, n);
        _points++;
    }

    /// <inheritdoc/>
    public void EndPlot()
    {
        CurrentPlot();
        long end = _stream.Position;
        _stream.Position = _pointsFieldOffset;
        Span<byte> field = stackalloc byte[PointsFieldWidth];
        field.Fill((byte)' ');
        if (!_points.TryFormat(field, out _, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"Too many points ({_points}) for the No. Points field.");
        _stream.Write(field);
        _stream.Position = end;
        _plot = null;
    }

    /// <summary>
    /// Ends an open plot (patching its point count, so partial results stay readable), flushes the
    /// temporary file to disk and renames it onto <see cref="Path"/>. Further writes are refused.
    /// </summary>
    public void Commit()
    {
        ThrowIfClosed();
        if (_plot is not null)
            EndPlot();
        AtomicFile.FlushAndClose(_stream);
        AtomicFile.Publish(_temporaryPath, Path);
        _committed = true;
    }

    /// <summary>
    /// Closes the writer. Without a prior <see cref="Commit"/> the output is abandoned: the temporary
    /// file is deleted and <see cref="Path"/> is not touched.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_committed)
        {
            _stream.Dispose();
            AtomicFile.TryDelete(_temporaryPath);
        }
    }

    /// <summary>Formats a date like C's <c>ctime</c> (<c>Mon Nov 23 19:45:04 2026</c>), as rawfiles carry it.</summary>
    public static string FormatDate(DateTime date) =>
        date.ToString("ddd MMM ", CultureInfo.InvariantCulture)
        + date.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
        + date.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);

    /// <summary>
    /// Formats <paramref name="value"/> as C's <c>%.15e</c> does (<c>-2.516618054361782e-04</c>;
    /// <c>nan</c>, <c>inf</c>, <c>-inf</c>) into UTF-8 bytes; returns the byte count.
    /// </summary>
    public static int FormatNumber(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            ReadOnlySpan<byte> text = double.IsNaN(value) ? "nan"u8 : value > 0 ? "inf"u8 : "-inf"u8;
            text.CopyTo(destination);
            return text.Length;
        }
        if (!value.TryFormat(destination, out int n, "E15", CultureInfo.InvariantCulture))
            throw new ArgumentException("Destination too small.", nameof(destination));
        // .NET writes at least three exponent digits (E+001); C writes at least two (e+01).
        int e = destination[..n].IndexOf((byte)'E');
        destination[e] = (byte)'e';
        int digits = n - (e + 2);
        if (digits > 2 && destination[e + 2] == (byte)'0')
        {
            destination.Slice(e + 3, digits - 1).CopyTo(destination[(e + 2)..]);
            n--;
        }
        return n;
    }

    private int FormatAsciiRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary, bool complex)
    {
        Span<byte> row = _row;
        int n = 0;
        if (!_points.TryFormat(row, out int w, default, CultureInfo.InvariantCulture))
            throw new InvalidOperationException("Row buffer too small.");
        n += w;
        row[n++] = (byte)'\t';
        for (int i = 0; i < real.Length; i++)
        {
            row[n++] = (byte)'\t';
            n += FormatNumber(real[i], row[n..]);
            if (complex)
            {
                row[n++] = (byte)',';
                double im = imaginary.IsEmpty || (i == 0 && _scaleIsFrequency) ? 0.0 : imaginary[i];
                n += FormatNumber(im, row[n..]);
            }
            row[n++] = (byte)'\n';
        }
        return n;
    }

    private PlotHeader CurrentPlot()
    {
        ThrowIfClosed();
        return _plot ?? throw new InvalidOperationException("No plot is open; call BeginPlot first.");
    }

    private void CheckLength(int length)
    {
        if (length != _variables)
            throw new ArgumentException($"Row has {length} values but the plot has {_variables} signals.");
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
            throw new InvalidOperationException("The rawfile has been committed.");
    }

    private void WriteAscii(StringBuilder sb)
    {
        if (sb.Length == 0)
            return;
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(sb.ToString());
        _stream.Write(bytes);
        sb.Clear();
    }

    private static string OneLine(string text) =>
        text.ReplaceLineEndings(" ").Trim();
}
