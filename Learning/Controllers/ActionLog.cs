using AnalogNN.Components.Memristors;

namespace AnalogNN.Learning.Controllers;

/// <summary>What a controller did.</summary>
public enum ActionKind
{
    /// <summary>A pulse added to a controlled source.</summary>
    SourcePulse,
    /// <summary>A source's value (or baseline) set.</summary>
    SourceValue,
    /// <summary>A device programmed through its programming interface.</summary>
    Program,
    /// <summary>A phase switch.</summary>
    Phase,
    /// <summary>Programming done by the circuit itself during a phase (totals per device: events and energy).</summary>
    InCircuit,
    /// <summary>
    /// A device state written from a programming model that keeps its own pulse accounting (e.g. a
    /// synapse array that programmed the pulses); amplitude holds the pulse count, energy the energy (J).
    /// </summary>
    StateSet,
}

/// <summary>One logged action: time (s), controller, kind, target, amplitude (V or A), width (s), energy (J, programming only), state before and after (programming only).</summary>
public readonly record struct ActionRecord(double Time, string Controller, ActionKind Kind, string Target,
    double Amplitude, double Width, double Energy, double Before, double After);

/// <summary>
/// Everything the controllers of one run did, in order, plus per-device totals: programming pulses
/// and energy (∫v·i dt of each pulse, from the device's programming interface).
/// </summary>
public sealed class ActionLog
{
    private readonly List<ActionRecord> _records = new();
    private readonly Dictionary<string, (long Pulses, double Energy)> _devices = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>All actions in the order they happened.</summary>
    public IReadOnlyList<ActionRecord> Records => _records;

    /// <summary>Programming pulses applied to <paramref name="device"/> by controllers.</summary>
    public long PulsesOf(string device) => _devices.TryGetValue(device, out var d) ? d.Pulses : 0;

    /// <summary>Programming energy spent on <paramref name="device"/> by controllers, J.</summary>
    public double EnergyOf(string device) => _devices.TryGetValue(device, out var d) ? d.Energy : 0;

    /// <summary>Total programming pulses.</summary>
    public long TotalPulses => _devices.Values.Sum(d => d.Pulses);

    /// <summary>Total programming energy, J.</summary>
    public double TotalEnergy => _devices.Values.Sum(d => d.Energy);

    internal void Add(ActionRecord record)
    {
        _records.Add(record);
        if (record.Kind is not (ActionKind.Program or ActionKind.StateSet)) return;
        var d = _devices.GetValueOrDefault(record.Target);
        long pulses = record.Kind == ActionKind.Program ? 1 : (long)record.Amplitude;
        _devices[record.Target] = (d.Pulses + pulses, d.Energy + record.Energy);
    }

    /// <summary>
    /// Adds the in-circuit programming of <paramref name="device"/> over a phase: <paramref name="events"/>
    /// programming events (threshold exceedances) and their energy (J); the record's amplitude
    /// holds the event count.
    /// </summary>
    public void AddTotals(string device, double time, string controller, long events, double energy)
    {
        _records.Add(new ActionRecord(time, controller, ActionKind.InCircuit, device, events, 0, energy, double.NaN, double.NaN));
        var d = _devices.GetValueOrDefault(device);
        _devices[device] = (d.Pulses + events, d.Energy + energy);
    }

    /// <summary>Writes the log as CSV (<c>time,controller,kind,target,amplitude,width,energy,before,after</c>).</summary>
    public void WriteCsv(TextWriter w)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        w.WriteLine("time,controller,kind,target,amplitude,width,energy,before,after");
        foreach (var r in _records)
            w.WriteLine(string.Create(inv, $"{r.Time:R},{r.Controller},{r.Kind},{r.Target},{r.Amplitude:R},{r.Width:R},{r.Energy:R},{r.Before:R},{r.After:R}"));
    }
}
