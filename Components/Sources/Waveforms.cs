namespace AnalogNN.Components.Sources;

/// <summary>Transient time scale a waveform's SPICE defaults refer to: TSTEP and TSTOP of <c>.tran</c>, s.</summary>
public readonly record struct TimeScale(double Step, double Stop)
{
    /// <summary>Scale used when no transient analysis runs (only values at t = 0 matter).</summary>
    public static TimeScale None => new(1e-9, 1e-6);
}

/// <summary>
/// A time-dependent source value. Descriptions keep the parameters as given (null = SPICE default,
/// which may depend on TSTEP/TSTOP); <see cref="Value"/> resolves them against a <see cref="TimeScale"/>.
/// </summary>
public abstract record Waveform
{
    /// <summary>Value at time <paramref name="t"/> (s).</summary>
    public abstract double Value(double t, TimeScale scale);

    /// <summary>First corner of the waveform strictly after <paramref name="t"/>, or +∞.</summary>
    public abstract double NextBreakpoint(double t, TimeScale scale);

    /// <summary>Smallest element of <paramref name="corners"/> greater than <paramref name="t"/>.</summary>
    protected static double NextAfter(double t, ReadOnlySpan<double> corners)
    {
        double best = double.PositiveInfinity;
        foreach (double c in corners)
            if (c > t && c < best) best = c;
        return best;
    }
}

/// <summary><c>PULSE(V1 V2 TD TR TF PW PER [NP])</c>: trapezoidal pulse train. Defaults TR = TF = TSTEP, PW = PER = TSTOP.</summary>
public sealed record PulseWaveform(double V1, double V2, double Delay = 0, double? Rise = null, double? Fall = null,
    double? Width = null, double? Period = null, double? Count = null) : Waveform
{
    private (double tr, double tf, double pw, double per) Resolve(TimeScale s)
    {
        double tr = Rise is > 0 ? Rise.Value : s.Step;
        double tf = Fall is > 0 ? Fall.Value : s.Step;
        double pw = Width ?? s.Stop;
        double per = Period is > 0 ? Period.Value : s.Stop;
        if (per < tr + pw + tf) per = tr + pw + tf;
        return (tr, tf, pw, per);
    }

    /// <inheritdoc/>
    public override double Value(double t, TimeScale scale)
    {
        var (tr, tf, pw, per) = Resolve(scale);
        double u = t - Delay;
        if (u <= 0) return V1;
        double k = Math.Floor(u / per);
        if (Count is double n && n > 0 && k >= n) return V1;
        u -= k * per;
        if (u < tr) return V1 + (V2 - V1) * u / tr;
        if (u <= tr + pw) return V2;
        if (u < tr + pw + tf) return V2 + (V1 - V2) * (u - tr - pw) / tf;
        return V1;
    }

    /// <inheritdoc/>
    public override double NextBreakpoint(double t, TimeScale scale)
    {
        var (tr, tf, pw, per) = Resolve(scale);
        if (t < Delay) return Delay;
        double k = Math.Floor((t - Delay) / per);
        if (Count is double n && n > 0 && k >= n) return double.PositiveInfinity;
        Span<double> corners = stackalloc double[5];
        for (int rep = 0; rep < 2; rep++, k++)
        {
            double start = Delay + k * per;
            corners[0] = start; corners[1] = start + tr; corners[2] = start + tr + pw;
            corners[3] = start + tr + pw + tf; corners[4] = start + per;
            double next = NextAfter(t, corners);
            if (!double.IsPositiveInfinity(next)) return next;
        }
        return double.PositiveInfinity;
    }
}

/// <summary><c>SIN(VO VA FREQ TD THETA PHASE)</c>: VO + VA·e^{−θ(t−TD)}·sin(2πf(t−TD) + φ) for t ≥ TD, VO + VA·sin φ before. FREQ (0 or unset) defaults to 1/TSTOP; PHASE in degrees.</summary>
public sealed record SineWaveform(double Offset, double Amplitude, double? Frequency = null, double Delay = 0,
    double Damping = 0, double PhaseDegrees = 0) : Waveform
{
    /// <inheritdoc/>
    public override double Value(double t, TimeScale scale)
    {
        double f = Frequency is > 0 ? Frequency.Value : 1 / scale.Stop;
        double phi = PhaseDegrees * Math.PI / 180;
        if (t <= Delay) return Offset + Amplitude * Math.Sin(phi);
        double u = t - Delay;
        return Offset + Amplitude * Math.Exp(-Damping * u) * Math.Sin(2 * Math.PI * f * u + phi);
    }

    /// <inheritdoc/>
    public override double NextBreakpoint(double t, TimeScale scale) => t < Delay ? Delay : double.PositiveInfinity;
}

/// <summary><c>EXP(V1 V2 TD1 TAU1 TD2 TAU2)</c>: rises from V1 toward V2 with TAU1 after TD1, falls back with TAU2 after TD2. Defaults TD1 = 0, TAU1 = TSTEP, TD2 = TD1 + TSTEP, TAU2 = TSTEP.</summary>
public sealed record ExpWaveform(double V1, double V2, double? RiseDelay = null, double? RiseTau = null,
    double? FallDelay = null, double? FallTau = null) : Waveform
{
    private (double td1, double tau1, double td2, double tau2) Resolve(TimeScale s)
    {
        double td1 = RiseDelay ?? 0;
        double tau1 = RiseTau is > 0 ? RiseTau.Value : s.Step;
        double td2 = FallDelay is > 0 ? FallDelay.Value : td1 + s.Step;
        double tau2 = FallTau is > 0 ? FallTau.Value : s.Step;
        return (td1, tau1, td2, tau2);
    }

    /// <inheritdoc/>
    public override double Value(double t, TimeScale scale)
    {
        var (td1, tau1, td2, tau2) = Resolve(scale);
        double v = V1;
        if (t > td1) v += (V2 - V1) * (1 - Math.Exp(-(t - td1) / tau1));
        if (t > td2) v += (V1 - V2) * (1 - Math.Exp(-(t - td2) / tau2));
        return v;
    }

    /// <inheritdoc/>
    public override double NextBreakpoint(double t, TimeScale scale)
    {
        var (td1, _, td2, _) = Resolve(scale);
        return NextAfter(t, [td1, td2]);
    }
}

/// <summary>
/// <c>PWL(t1 v1 t2 v2 ... [r=tr] [td=delay])</c>: piecewise linear through the points, constant
/// before the first and after the last; with <c>r</c> the section from time tr to the end repeats.
/// </summary>
public sealed record PwlWaveform : Waveform
{
    /// <summary>Creates a PWL waveform; times must not decrease.</summary>
    public PwlWaveform(IReadOnlyList<double> times, IReadOnlyList<double> values, double? repeatFrom = null, double delay = 0)
    {
        if (times.Count == 0 || times.Count != values.Count) throw new ArgumentException("PWL needs pairs of time and value");
        for (int k = 1; k < times.Count; k++)
            if (times[k] < times[k - 1]) throw new ArgumentException($"PWL times must not decrease (t{k + 1}={times[k]:G6} < t{k}={times[k - 1]:G6})");
        Times = times.ToArray();
        Values = values.ToArray();
        RepeatFrom = repeatFrom;
        Delay = delay;
    }

    /// <summary>Corner times, s.</summary>
    public double[] Times { get; }
    /// <summary>Corner values.</summary>
    public double[] Values { get; }
    /// <summary>Repeat start time (r=), s, or null for no repetition.</summary>
    public double? RepeatFrom { get; }
    /// <summary>Delay of the whole waveform (td=), s.</summary>
    public double Delay { get; }

    private double Local(double t)
    {
        double u = t - Delay;
        double last = Times[^1];
        if (RepeatFrom is double r && u > last && last > r)
            u = r + (u - r) % (last - r);
        return u;
    }

    /// <inheritdoc/>
    public override double Value(double t, TimeScale scale)
    {
        double u = Local(t);
        if (u <= Times[0]) return Values[0];
        if (u >= Times[^1]) return Values[^1];
        int k = Array.BinarySearch(Times, u);
        if (k >= 0) return Values[k];
        k = ~k;
        double t0 = Times[k - 1], t1 = Times[k];
        return t1 > t0 ? Values[k - 1] + (Values[k] - Values[k - 1]) * (u - t0) / (t1 - t0) : Values[k];
    }

    /// <inheritdoc/>
    public override double NextBreakpoint(double t, TimeScale scale)
    {
        foreach (double c in Times)
            if (c + Delay > t) return c + Delay;
        if (RepeatFrom is not double r || Times[^1] <= r) return double.PositiveInfinity;
        double period = Times[^1] - r;
        double cycle = Math.Floor((t - Delay - r) / period);
        for (double k = cycle; k <= cycle + 1; k++)
            foreach (double c in Times)
                if (c >= r && c + Delay + k * period > t) return c + Delay + k * period;
        return double.PositiveInfinity;
    }
}
