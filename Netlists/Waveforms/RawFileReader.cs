using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// Reads every plot of an ngspice rawfile (binary or ASCII body, real or complex) into memory.
/// </summary>
/// <remarks>
/// <para>Accepted header lines: <c>Title:</c>, <c>Date:</c>, <c>Plotname:</c>, <c>Flags:</c> (looks
/// for the word <c>complex</c>; other words such as <c>forward</c> or <c>log</c> are ignored),
/// <c>No. Variables:</c>, <c>No. Points:</c> (padded with spaces), <c>Variables:</c> and then
/// <c>Binary:</c> or <c>Values:</c>. Other lines (<c>Command:</c>, <c>Option:</c>,
/// <c>Dimensions:</c>, <c>Offset:</c>, ...) are skipped. Extra words on variable lines
/// (<c>grid=3</c>) are ignored; types map through <see cref="RawFileNames.ParseType"/>.</para>
/// <para>In complex plots the imaginary part of a frequency scale is replaced by 0 (ngspice 39
/// writes garbage there).</para>
/// <para>Not supported: LTspice's UTF-16 headers, <c>FastAccess</c> (column-major) bodies and
/// mixed float32/float64 transient bodies.</para>
/// </remarks>
public static class RawFileReader
{
    /// <summary>Reads all plots of the rawfile at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is malformed or truncated.</exception>
    public static IReadOnlyList<WaveformTable> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream);
    }

    /// <summary>Reads all plots from <paramref name="stream"/> (read to its end, not closed).</summary>
    /// <exception cref="InvalidDataException">The data is malformed or truncated.</exception>
    public static IReadOnlyList<WaveformTable> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = new ByteSource(stream);
        var plots = new List<WaveformTable>();
        while (ReadHeader(source, plots.Count + 1) is { } header)
            plots.Add(header.Binary ? ReadBinary(source, header) : ReadAscii(source, header));
        return plots;
    }

    private sealed class Header
    {
        public string Title = "";
        public string? Date;
        public string PlotName = "";
        public bool Complex;
        public int Variables = -1;
        public long Points = -1;
        public List<Signal> Signals = [];
        public bool Binary;
        public int Ordinal;
    }

    private static Header? ReadHeader(ByteSource source, int ordinal)
    {
        var h = new Header { Ordinal = ordinal };
        bool any = false;
        while (true)
        {
            string? line = source.ReadLine();
            if (line is null)
            {
                if (!any)
                    return null;
                throw Bad(h, "the file ends inside the header");
            }
            if (line.Trim().Length == 0)
                continue;
            any = true;
            if (TryValue(line, "Title:", out string v)) h.Title = v;
            else if (TryValue(line, "Date:", out v)) h.Date = v;
            else if (TryValue(line, "Plotname:", out v)) h.PlotName = v;
            else if (TryValue(line, "Flags:", out v))
            {
                string[] flags = v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                h.Complex = flags.Any(f => f.Equals("complex", StringComparison.OrdinalIgnoreCase));
                if (flags.Any(f => f.Equals("fastaccess", StringComparison.OrdinalIgnoreCase)))
                    throw Bad(h, "FastAccess (column-major) rawfiles are not supported");
            }
            else if (TryValue(line, "No. Variables:", out v)) h.Variables = ParseCount(h, v, "No. Variables");
            else if (TryValue(line, "No. Points:", out v)) h.Points = ParseCount(h, v, "No. Points");
            else if (TryValue(line, "Variables:", out v))
            {
                if (h.Variables < 0)
                    throw Bad(h, "'Variables:' comes before 'No. Variables:'");
                if (v.Length > 0)
                    h.Signals.Add(ParseVariable(h, v)); // first variable on the same line (old writers)
                while (h.Signals.Count < h.Variables)
                {
                    string? varLine = source.ReadLine() ?? throw Bad(h, "the file ends inside the variable list");
                    if (varLine.Trim().Length > 0)
                        h.Signals.Add(ParseVariable(h, varLine));
                }
            }
            else if (TryValue(line, "Binary:", out _) || TryValue(line, "Values:", out _))
            {
                h.Binary = line.TrimStart().StartsWith("Binary:", StringComparison.OrdinalIgnoreCase);
                if (h.Variables <= 0 || h.Signals.Count != h.Variables)
                    throw Bad(h, "missing or empty variable list");
                if (h.Points < 0)
                    throw Bad(h, "missing 'No. Points:'");
                return h;
            }
            // Command:, Option:, Dimensions:, Offset:, ... are not needed.
        }
    }

    private static WaveformTable ReadBinary(ByteSource source, Header h)
    {
        int n = h.Variables;
        int points = checked((int)h.Points);
        int width = h.Complex ? 16 : 8;
        var (re, im) = Allocate(n, points, h.Complex);
        var row = new byte[n * width];
        for (int p = 0; p < points; p++)
        {
            if (!source.TryReadExactly(row))
                throw Bad(h, $"the binary data ends after {p} of {points} points");
            for (int s = 0; s < n; s++)
            {
                re[s][p] = BinaryPrimitives.ReadDoubleLittleEndian(row.AsSpan(s * width));
                if (im is not null)
                    im[s][p] = BinaryPrimitives.ReadDoubleLittleEndian(row.AsSpan(s * width + 8));
            }
        }
        return Finish(h, re, im);
    }

    private static WaveformTable ReadAscii(ByteSource source, Header h)
    {
        int n = h.Variables;
        int points = checked((int)h.Points);
        var (re, im) = Allocate(n, points, h.Complex);
        for (int p = 0; p < points; p++)
        {
            if (source.ReadToken().IsEmpty)
                throw Bad(h, $"the values end after {p} of {points} points");
            for (int s = 0; s < n; s++)
            {
                ReadOnlySpan<byte> token = source.ReadToken();
                if (token.IsEmpty)
                    throw Bad(h, $"the values end inside point {p}");
                if (im is null)
                {
                    re[s][p] = ParseNumber(h, token);
                    continue;
                }
                int comma = token.IndexOf((byte)',');
                if (comma < 0)
                    throw Bad(h, $"complex value without 're,im' at point {p}");
                re[s][p] = ParseNumber(h, token[..comma]);
                ReadOnlySpan<byte> imaginary = token[(comma + 1)..];
                if (imaginary.IsEmpty)
                    imaginary = source.ReadToken(); // written as "re, im"
                im[s][p] = ParseNumber(h, imaginary);
            }
        }
        return Finish(h, re, im);
    }

    private static (double[][] Re, double[][]? Im) Allocate(int n, int points, bool complex)
    {
        var re = new double[n][];
        double[][]? im = complex ? new double[n][] : null;
        for (int s = 0; s < n; s++)
        {
            re[s] = new double[points];
            if (im is not null)
                im[s] = new double[points];
        }
        return (re, im);
    }

    private static WaveformTable Finish(Header h, double[][] re, double[][]? im)
    {
        if (im is not null && h.Signals[0].Type == SignalType.Frequency)
            Array.Clear(im[0]);
        return new WaveformTable(h.Title, h.PlotName, RawFileNames.AnalysisFromPlotName(h.PlotName),
            h.Signals, re, im, h.Date);
    }

    private static Signal ParseVariable(Header h, string line)
    {
        string[] words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3 || !int.TryParse(words[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            throw Bad(h, $"bad variable line '{line.Trim()}'");
        return new Signal(words[1], RawFileNames.ParseType(words[2]));
    }

    private static bool TryValue(string line, string key, out string value)
    {
        ReadOnlySpan<char> l = line.AsSpan().TrimStart();
        if (l.StartsWith(key, StringComparison.OrdinalIgnoreCase))
        {
            value = l[key.Length..].Trim().ToString();
            return true;
        }
        value = "";
        return false;
    }

    private static int ParseCount(Header h, string text, string what)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 0)
            throw Bad(h, $"bad '{what}' value '{text}'");
        return n;
    }

    private static double ParseNumber(Header h, ReadOnlySpan<byte> token)
    {
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return value;
        // C spellings of special values, as printf writes them
        Span<byte> lower = stackalloc byte[Math.Min(token.Length, 16)];
        if (token.Length <= 16)
        {
            for (int i = 0; i < token.Length; i++)
                lower[i] = (byte)char.ToLowerInvariant((char)token[i]);
            ReadOnlySpan<byte> t = lower.TrimStart("+"u8);
            bool negative = t.StartsWith("-"u8);
            if (negative)
                t = t[1..];
            if (t.SequenceEqual("nan"u8))
                return double.NaN;
            if (t.SequenceEqual("inf"u8) || t.SequenceEqual("infinity"u8))
                return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }
        throw Bad(h, $"bad number '{Encoding.UTF8.GetString(token)}'");
    }

    private static InvalidDataException Bad(Header h, string message) =>
        new($"Rawfile plot {h.Ordinal}{(h.PlotName.Length > 0 ? $" ('{h.PlotName}')" : "")}: {message}.");

    /// <summary>Buffered byte reader: text lines for the header, raw bytes and tokens for the body.</summary>
    private sealed class ByteSource(Stream stream)
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private byte[] _token = new byte[64];
        private int _start;
        private int _end;

        private bool Fill()
        {
            if (_start < _end)
                return true;
            _start = 0;
            _end = stream.Read(_buffer, 0, _buffer.Length);
            return _end > 0;
        }

        /// <summary>Reads a line up to '\n' (UTF-8, trailing '\r' removed); null at end of data.</summary>
        public string? ReadLine()
        {
            if (!Fill())
                return null;
            var bytes = new List<byte>(80);
            while (Fill())
            {
                int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    bytes.AddRange(_buffer.AsSpan(_start, nl));
                    _start += nl + 1;
                    break;
                }
                bytes.AddRange(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
            }
            int count = bytes.Count;
            if (count > 0 && bytes[count - 1] == (byte)'\r')
                count--;
            return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)[..count]);
        }

        public bool TryReadExactly(Span<byte> destination)
        {
            while (!destination.IsEmpty)
            {
                if (!Fill())
                    return false;
                int n = Math.Min(destination.Length, _end - _start);
                _buffer.AsSpan(_start, n).CopyTo(destination);
                _start += n;
                destination = destination[n..];
            }
            return true;
        }

        /// <summary>Next white-space-delimited token (valid until the next call); empty at end of data.</summary>
        public ReadOnlySpan<byte> ReadToken()
        {
            while (Fill() && IsSpace(_buffer[_start]))
                _start++;
            int length = 0;
            while (Fill() && !IsSpace(_buffer[_start]))
            {
                if (length == _token.Length)
                    Array.Resize(ref _token, 2 * length);
                _token[length++] = _buffer[_start++];
            }
            return _token.AsSpan(0, length);
        }

        private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }
}
