using AnalogNN.Components.Sources;

namespace AnalogNN.Learning.Controllers;

/// <summary>
/// A source waveform that controllers write while the transient runs: a baseline plus trapezoidal
/// pulses (start t₀, rise over <c>edge</c>, flat until t₀ + width, fall over <c>edge</c>; the
/// newest pulse wins where pulses overlap, as the spike sources do). Pulse corners are breakpoints,
/// so a pulse scheduled at t₀ starts at exactly t₀. Use it as the waveform of a V or I source and
/// address it through <see cref="ControllerContext.AddPulse"/>.
/// </summary>
public sealed record ScheduledPulseWaveform : Waveform
{
    private readonly List<(double Start, double Amplitude, double Width, double Edge)> _pulses = new();
    private int _first;

    /// <summary>Creates the waveform with a baseline value (V or A).</summary>
    public ScheduledPulseWaveform(double baseline = 0) => Baseline = baseline;

    /// <summary>Value outside every pulse (V or A); controllers may change it at events.</summary>
    public double Baseline { get; set; }

    /// <summary>Number of pulses added so far.</summary>
    public int PulseCount => _pulses.Count;

    /// <summary>Adds a pulse (height above the baseline); pulses must be added in order of start time.</summary>
    /// <exception cref="ArgumentException">Width below the edge, edge not positive, or a start before the last pulse's.</exception>
    public void Add(double start, double amplitude, double width, double edge)
    {
        if (!(edge > 0) || !(width >= edge) || !double.IsFinite(start) || !double.IsFinite(amplitude))
            throw new ArgumentException($"pulse needs edge > 0, width >= edge and finite start and amplitude (got {start}, {amplitude}, {width}, {edge})");
        if (_pulses.Count > 0 && start < _pulses[^1].Start)
            throw new ArgumentException($"pulses must be added in time order ({start} s before {_pulses[^1].Start} s)");
        _pulses.Add((start, amplitude, width, edge));
    }

    /// <summary>Forgets pulses that ended before <paramref name="time"/> (called by the host at accepted points).</summary>
    public void Retire(double time)
    {
        while (_first < _pulses.Count && _pulses[_first].Start + _pulses[_first].Width + _pulses[_first].Edge < time) _first++;
    }

    /// <inheritdoc/>
    public override double Value(double t, TimeScale scale)
    {
        double v = Baseline;
        for (int k = _pulses.Count - 1; k >= _first; k--)
        {
            var (s, a, w, e) = _pulses[k];
            double since = t - s;
            if (!(since > 0) || since >= w + e) continue;
            double shape = since < e ? since / e : since <= w ? 1 : 1 - (since - w) / e;
            return v + a * shape;
        }
        return v;
    }

    /// <inheritdoc/>
    public override double NextBreakpoint(double t, TimeScale scale)
    {
        const double eps = 1e-15;
        double next = double.PositiveInfinity;
        for (int k = _first; k < _pulses.Count; k++)
        {
            var (s, _, w, e) = _pulses[k];
            if (s > t + eps) { next = Math.Min(next, s); break; }
            if (s + e > t + eps) next = Math.Min(next, s + e);
            else if (s + w > t + eps) next = Math.Min(next, s + w);
            else if (s + w + e > t + eps) next = Math.Min(next, s + w + e);
        }
        return next;
    }
}
