namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// Compares a candidate waveform with a reference the way <c>bench/wavecmp.py</c> does: the
/// candidate is linearly interpolated onto the reference's axis, and the error of a signal is
/// max |candidate − reference| divided by the reference's full scale (max − min, or max |x| for
/// a flat signal, or 1 for an all-zero one).
/// </summary>
public static class WaveformComparison
{
    /// <summary>Full-scale-relative maximum error of one signal.</summary>
    /// <param name="referenceAxis">Reference scale, ascending.</param>
    /// <param name="reference">Reference values on that scale.</param>
    /// <param name="candidateAxis">Candidate scale, ascending.</param>
    /// <param name="candidate">Candidate values.</param>
    public static double RelativeError(ReadOnlySpan<double> referenceAxis, ReadOnlySpan<double> reference,
        ReadOnlySpan<double> candidateAxis, ReadOnlySpan<double> candidate)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity, peak = 0;
        foreach (double v in reference) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); peak = Math.Max(peak, Math.Abs(v)); }
        double fullScale = hi - lo;
        if (fullScale == 0) fullScale = peak == 0 ? 1 : peak;
        double worst = 0;
        for (int k = 0; k < referenceAxis.Length; k++)
            worst = Math.Max(worst, Math.Abs(Interpolate(candidateAxis, candidate, referenceAxis[k]) - reference[k]));
        return worst / fullScale;
    }

    /// <summary>Piecewise-linear interpolation of (axis, values) at <paramref name="x"/>, constant beyond the ends.</summary>
    public static double Interpolate(ReadOnlySpan<double> axis, ReadOnlySpan<double> values, double x)
    {
        if (x <= axis[0]) return values[0];
        if (x >= axis[^1]) return values[^1];
        int lo = 0, hi = axis.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (axis[mid] <= x) lo = mid; else hi = mid;
        }
        double x0 = axis[lo], x1 = axis[hi];
        return x1 == x0 ? values[hi] : values[lo] + (x - x0) / (x1 - x0) * (values[hi] - values[lo]);
    }
}
