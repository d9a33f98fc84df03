namespace AnalogNN.Solvers.Output;

/// <summary>Kind of a saved signal; matches the rawfile variable types.</summary>
public enum SignalType
{
    /// <summary>Time scale, s.</summary>
    Time,
    /// <summary>Frequency scale, Hz.</summary>
    Frequency,
    /// <summary>Voltage, V.</summary>
    Voltage,
    /// <summary>Current, A.</summary>
    Current,
    /// <summary>Dimensionless device state (e.g. memristor x).</summary>
    State,
}

/// <summary>One saved signal of a plot: its ngspice-style lower-case name (<c>v(out)</c>, <c>i(v1)</c>, <c>x(m1)</c>) and type.</summary>
public readonly record struct Signal(string Name, SignalType Type);

/// <summary>Header of one analysis' output (one rawfile plot).</summary>
/// <param name="Title">Circuit title.</param>
/// <param name="PlotName">ngspice plot name: <c>Operating Point</c>, <c>DC transfer characteristic</c>, <c>Transient Analysis</c>.</param>
/// <param name="Analysis">Short analysis id used in file names: <c>op</c>, <c>dc</c>, <c>tran</c>.</param>
/// <param name="Signals">Signals; the first is the scale (time, swept source) except for <c>op</c>.</param>
/// <param name="Complex">True when every value is complex (AC).</param>
public sealed record PlotHeader(string Title, string PlotName, string Analysis, IReadOnlyList<Signal> Signals, bool Complex = false);

/// <summary>
/// Receives simulation results as they are produced, one plot per analysis, one row per point,
/// so that long transients stream to disk. Implementations: rawfile and CSV writers, in-memory tables.
/// </summary>
public interface ISimulationOutput
{
    /// <summary>Starts a plot.</summary>
    void BeginPlot(PlotHeader header);

    /// <summary>Appends one point: values in the order of <see cref="PlotHeader.Signals"/>. The span is reused by the caller.</summary>
    void WriteRow(ReadOnlySpan<double> values);

    /// <summary>Appends one complex point (AC): real and imaginary parts.</summary>
    void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary) => throw new NotSupportedException("complex output");

    /// <summary>Ends the current plot.</summary>
    void EndPlot();
}

/// <summary>An output that drops every row, for runs whose callers read what they need themselves (controller-driven experiments).</summary>
public sealed class DiscardOutput : ISimulationOutput
{
    /// <inheritdoc/>
    public void BeginPlot(PlotHeader header) { }
    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> values) { }
    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary) { }
    /// <inheritdoc/>
    public void EndPlot() { }
}
