using AnalogNN.Circuit;

namespace AnalogNN.Components.Sources;

/// <summary>
/// Common description of independent sources: a DC value (used by DC analyses, scaled by source
/// stepping) and an optional transient waveform. Without an explicit DC value the operating point
/// uses the waveform's value at t = 0, as SPICE does.
/// </summary>
public abstract class IndependentSource : Element
{
    /// <summary>Creates a source between two nodes.</summary>
    protected IndependentSource(string name, string positive, string negative, double? dc, Waveform? waveform, double acMagnitude, double acPhase)
        : base(name, positive, negative)
    {
        Require(dc is null || double.IsFinite(dc.Value), "DC", "value must be finite");
        Dc = dc;
        Waveform = waveform;
        AcMagnitude = acMagnitude;
        AcPhase = acPhase;
    }

    /// <summary>DC value as given (V or A), or null.</summary>
    public double? Dc { get; }

    /// <summary>Transient waveform, or null for a constant source.</summary>
    public Waveform? Waveform { get; }

    /// <summary>AC magnitude for small-signal analysis.</summary>
    public double AcMagnitude { get; }

    /// <summary>AC phase, degrees.</summary>
    public double AcPhase { get; }

    /// <summary>The value a DC analysis uses: the DC value, else the waveform at t = 0, else 0.</summary>
    public double DcValue(TimeScale scale) => Dc ?? Waveform?.Value(0, scale) ?? 0;
}

/// <summary>
/// Value of an independent source at a load: DC value × source factor in DC analyses (a DC sweep
/// overrides the DC value), waveform value at the present time in transient. Shared by V and I.
/// </summary>
internal struct SourceValue(IndependentSource source)
{
    private TimeScale _scale = TimeScale.None;

    /// <summary>DC value set by a DC sweep, overriding the description.</summary>
    public double? SweepValue;

    public void Bind(ISetupContext setup)
    {
        if (setup.StopTime > 0) _scale = new TimeScale(setup.TimeStep, setup.StopTime);
    }

    public readonly double At(LoadContext context)
    {
        if (context.Analysis == AnalysisKind.Transient && source.Waveform is { } w)
            return w.Value(context.Time, _scale);
        return (SweepValue ?? source.DcValue(_scale)) * context.SourceFactor;
    }

    public readonly double NextBreakpoint(double time) =>
        source.Waveform?.NextBreakpoint(time, _scale) ?? double.PositiveInfinity;
}

/// <summary>A behaviour whose DC value a DC sweep can set.</summary>
public interface ISweepable
{
    /// <summary>Sets the DC value (V or A) used by subsequent DC loads; null restores the netlist value.</summary>
    void SetSweepValue(double? value);
}
