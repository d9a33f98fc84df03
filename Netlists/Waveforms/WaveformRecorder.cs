using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// An <see cref="ISimulationOutput"/> that keeps every plot in memory as a <see cref="WaveformTable"/>
/// (for tests, plotting and small runs). Columns grow by doubling, so rows cost no allocation
/// beyond the occasional growth.
/// </summary>
public sealed class WaveformRecorder : ISimulationOutput
{
    private readonly List<WaveformTable> _plots = [];
    private PlotHeader? _header;
    private double[][] _real = [];
    private double[][]? _imaginary;
    private int _count;

    /// <summary>Completed plots, in the order they ended.</summary>
    public IReadOnlyList<WaveformTable> Plots => _plots;

    /// <summary>The last completed plot.</summary>
    /// <exception cref="InvalidOperationException">No plot has ended yet.</exception>
    public WaveformTable Last => _plots.Count > 0 ? _plots[^1] : throw new InvalidOperationException("No plot recorded.");

    /// <summary>The first completed plot of analysis <paramref name="analysis"/> (e.g. <c>tran</c>), or null.</summary>
    public WaveformTable? Find(string analysis) =>
        _plots.FirstOrDefault(p => string.Equals(p.Analysis, analysis, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public void BeginPlot(PlotHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (_header is not null)
            throw new InvalidOperationException($"Plot '{_header.PlotName}' is still open; call EndPlot first.");
        if (header.Signals.Count == 0)
            throw new ArgumentException("A plot needs at least one signal.", nameof(header));
        _header = header;
        int n = header.Signals.Count;
        const int initial = 64;
        _real = new double[n][];
        for (int i = 0; i < n; i++)
            _real[i] = new double[initial];
        _imaginary = null;
        if (header.Complex)
        {
            _imaginary = new double[n][];
            for (int i = 0; i < n; i++)
                _imaginary[i] = new double[initial];
        }
        _count = 0;
    }

    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> values)
    {
        Prepare(values.Length);
        for (int i = 0; i < values.Length; i++)
            _real[i][_count] = values[i];
        if (_imaginary is not null)
            for (int i = 0; i < values.Length; i++)
                _imaginary[i][_count] = 0.0;
        _count++;
    }

    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary)
    {
        if (_header is { Complex: false })
            throw new InvalidOperationException($"Plot '{_header.PlotName}' is real; write real rows.");
        Prepare(real.Length);
        if (imaginary.Length != real.Length)
            throw new ArgumentException("Real and imaginary parts differ in length.", nameof(imaginary));
        for (int i = 0; i < real.Length; i++)
        {
            _real[i][_count] = real[i];
            _imaginary![i][_count] = imaginary[i];
        }
        _count++;
    }

    /// <inheritdoc/>
    public void EndPlot()
    {
        PlotHeader header = _header ?? throw new InvalidOperationException("No plot is open; call BeginPlot first.");
        for (int i = 0; i < _real.Length; i++)
        {
            Array.Resize(ref _real[i], _count);
            if (_imaginary is not null)
                Array.Resize(ref _imaginary[i], _count);
        }
        _plots.Add(new WaveformTable(header.Title, header.PlotName, header.Analysis, header.Signals, _real, _imaginary));
        _header = null;
        _real = [];
        _imaginary = null;
    }

    /// <summary>Forgets every recorded plot.</summary>
    public void Clear()
    {
        _plots.Clear();
        _header = null;
    }

    private void Prepare(int length)
    {
        if (_header is null)
            throw new InvalidOperationException("No plot is open; call BeginPlot first.");
        if (length != _real.Length)
            throw new ArgumentException($"Row has {length} values but the plot has {_real.Length} signals.");
        if (_count < _real[0].Length)
            return;
        int capacity = checked(_count * 2);
        for (int i = 0; i < _real.Length; i++)
        {
            Array.Resize(ref _real[i], capacity);
            if (_imaginary is not null)
                Array.Resize(ref _imaginary[i], capacity);
        }
    }
}
