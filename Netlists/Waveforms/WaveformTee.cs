using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// Fans every call out to several outputs, in order (e.g. a rawfile, CSV files and a recorder).
/// The tee owns its outputs: <see cref="Commit"/> commits every <see cref="ICommittableOutput"/>
/// and <see cref="Dispose"/> disposes every <see cref="IDisposable"/> one.
/// </summary>
public sealed class WaveformTee : ICommittableOutput
{
    private readonly ISimulationOutput[] _outputs;

    /// <summary>Creates a tee over <paramref name="outputs"/>.</summary>
    public WaveformTee(params ISimulationOutput[] outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (ISimulationOutput o in outputs)
            ArgumentNullException.ThrowIfNull(o, nameof(outputs));
        _outputs = (ISimulationOutput[])outputs.Clone();
    }

    /// <summary>The outputs, in call order.</summary>
    public IReadOnlyList<ISimulationOutput> Outputs => _outputs;

    /// <inheritdoc/>
    public void BeginPlot(PlotHeader header)
    {
        foreach (ISimulationOutput o in _outputs)
            o.BeginPlot(header);
    }

    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> values)
    {
        foreach (ISimulationOutput o in _outputs)
            o.WriteRow(values);
    }

    /// <inheritdoc/>
    public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary)
    {
        foreach (ISimulationOutput o in _outputs)
            o.WriteRow(real, imaginary);
    }

    /// <inheritdoc/>
    public void EndPlot()
    {
        foreach (ISimulationOutput o in _outputs)
            o.EndPlot();
    }

    /// <summary>Commits every committable output, in order.</summary>
    public void Commit()
    {
        foreach (ISimulationOutput o in _outputs)
            if (o is ICommittableOutput c)
                c.Commit();
    }

    /// <summary>Disposes every disposable output (abandoning uncommitted files); the first exception is rethrown after all were tried.</summary>
    public void Dispose()
    {
        List<Exception>? errors = null;
        foreach (ISimulationOutput o in _outputs)
        {
            try
            {
                (o as IDisposable)?.Dispose();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }
        if (errors is { Count: 1 })
            throw errors[0];
        if (errors is not null)
            throw new AggregateException(errors);
    }
}
