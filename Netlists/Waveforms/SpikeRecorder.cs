using System.Globalization;
using System.Text;
using AnalogNN.Circuit;

namespace AnalogNN.Netlists.Waveforms;

/// <summary>One spike: the emitting element (neuron or spike source), its time (s) and the <c>.step</c> point label.</summary>
/// <param name="Source">Element name (lower case, hierarchical).</param>
/// <param name="Time">Spike time, s.</param>
/// <param name="Run">Label of the <c>.step</c> point ("" without <c>.step</c>).</param>
public readonly record struct SpikeEvent(string Source, double Time, string Run);

/// <summary>
/// Spike times per neuron collected from the <see cref="ISpikeEmitter"/> behaviours after each transient
/// (LIF neurons record their threshold crossings, spike sources their spike times), exported as CSV
/// (<c>run,source,time</c>, one row per spike, in time order within a run).
/// </summary>
public sealed class SpikeRecorder
{
    private readonly List<SpikeEvent> _spikes = new();

    /// <summary>Every recorded spike, in recording order.</summary>
    public IReadOnlyList<SpikeEvent> Spikes => _spikes;

    /// <summary>Adds the spikes of every emitter among <paramref name="behaviors"/> for run <paramref name="run"/>.</summary>
    public void Collect(IEnumerable<IBehavior> behaviors, string run)
    {
        var batch = new List<SpikeEvent>();
        foreach (var e in behaviors.OfType<ISpikeEmitter>())
            foreach (double t in e.SpikeTimes) batch.Add(new SpikeEvent(e.Source.ToLowerInvariant(), t, run));
        batch.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.Source, b.Source));
        _spikes.AddRange(batch);
    }

    /// <summary>Adds spikes from elsewhere (a network-level run): <paramref name="times"/> of <paramref name="source"/>, kept in time order.</summary>
    public void Add(string source, IEnumerable<double> times, string run = "")
    {
        foreach (double t in times) _spikes.Add(new SpikeEvent(source.ToLowerInvariant(), t, run));
        _spikes.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.Source, b.Source));
    }

    /// <summary>Distinct sources in order of first appearance.</summary>
    public IReadOnlyList<string> Sources => _spikes.Select(s => s.Source).Distinct().ToArray();

    /// <summary>Spike times of one source (all runs).</summary>
    public double[] TimesOf(string source) => _spikes.Where(s => s.Source == source).Select(s => s.Time).ToArray();

    /// <summary>CSV text: header <c>run,source,time</c>, times in round-trip form.</summary>
    public string ToCsv()
    {
        var b = new StringBuilder("run,source,time\n");
        foreach (var s in _spikes)
            b.Append(s.Run.Contains(',') ? $"\"{s.Run}\"" : s.Run).Append(',').Append(s.Source).Append(',')
                .Append(s.Time.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return b.ToString();
    }
}
