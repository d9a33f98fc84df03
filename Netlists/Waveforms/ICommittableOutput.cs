using AnalogNN.Solvers.Output;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// A file-backed <see cref="ISimulationOutput"/> with transactional semantics: nothing appears under
/// the final file names until <see cref="Commit"/>; disposing without a commit abandons the output
/// and deletes the temporary files.
/// </summary>
/// <remarks>
/// Typical use: <c>using var w = new RawFileWriter(path); simulate(w); w.Commit();</c>. If the
/// simulation throws, <c>Commit</c> is skipped and <c>Dispose</c> removes the temporary file, so an
/// older file under the final name is left untouched. To keep the partial results of a failed run (as
/// ngspice does), call <c>Commit</c> in the failure path too: it ends an open plot first.
/// </remarks>
public interface ICommittableOutput : ISimulationOutput, IDisposable
{
    /// <summary>Ends an open plot, flushes, and publishes the files under their final names.</summary>
    void Commit();
}
