using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>Body encoding of an ngspice rawfile.</summary>
public enum RawFileEncoding
{
    /// <summary><c>Binary:</c> section of little-endian float64, point-major (the ngspice default).</summary>
    Binary,
    /// <summary><c>Values:</c> section of text numbers, as with <c>SPICE_ASCIIRAWFILE=1</c>.</summary>
    Ascii,
}

/// <summary>Names used in ngspice rawfiles: variable types and plot names.</summary>
public static class RawFileNames
{
    /// <summary>
    /// The rawfile type of a signal: <c>time</c>, <c>frequency</c>, <c>voltage</c>, <c>current</c>,
    /// and <c>notype</c> for <see cref="SignalType.State"/> (ngspice's name for a dimensionless
    /// vector; ngspice 39 loads it as such, and would silently map an unknown word to it anyway).
    /// </summary>
    public static string TypeName(SignalType type) => type switch
    {
        SignalType.Time => "time",
        SignalType.Frequency => "frequency",
        SignalType.Voltage => "voltage",
        SignalType.Current => "current",
        SignalType.State => "notype",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Maps a rawfile type word back to a <see cref="SignalType"/>. Every word other than
    /// time/frequency/voltage/current (<c>notype</c>, <c>temperature</c>, noise densities, ...)
    /// becomes <see cref="SignalType.State"/>.
    /// </summary>
    public static SignalType ParseType(string typeName) => typeName.ToLowerInvariant() switch
    {
        "time" => SignalType.Time,
        "frequency" => SignalType.Frequency,
        "voltage" => SignalType.Voltage,
        "current" => SignalType.Current,
        _ => SignalType.State,
    };

    /// <summary>
    /// Short analysis id (<c>op</c>, <c>dc</c>, <c>ac</c>, <c>tran</c>, <c>noise</c>, ...) for an
    /// ngspice plot name such as <c>Transient Analysis</c>; otherwise the first word, lower-cased.
    /// </summary>
    public static string AnalysisFromPlotName(string plotName)
    {
        string p = plotName.Trim().ToLowerInvariant();
        if (p.StartsWith("operating point", StringComparison.Ordinal)) return "op";
        if (p.StartsWith("dc transfer", StringComparison.Ordinal)) return "dc";
        if (p.StartsWith("ac analysis", StringComparison.Ordinal)) return "ac";
        if (p.StartsWith("transient", StringComparison.Ordinal)) return "tran";
        if (p.StartsWith("noise", StringComparison.Ordinal)) return "noise";
        if (p.Length == 0) return "plot";
        int space = p.IndexOf(' ');
        return space < 0 ? p : p[..space];
    }
}
