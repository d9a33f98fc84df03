namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// One LTspice-style <c>.step param NAME ...</c> line (an AnalogNN extension; ngspice-39 rejects
/// <c>.step</c>): the parameter and its list of values. Forms: <c>.step param X list 1 2 3</c>,
/// <c>.step [lin] param X start stop incr</c> (stop included when it is reached within rounding),
/// <c>.step dec|oct param X start stop points-per-decade|octave</c>.
/// </summary>
public sealed class StepSweep
{
    /// <summary>Largest number of values one <c>.step</c> may produce.</summary>
    public const int MaxValues = 100_000;

    internal StepSweep(string parameter, IReadOnlyList<double> values, SourceLocation location)
    {
        Parameter = parameter;
        Values = values;
        Location = location;
    }

    /// <summary>The stepped parameter, as written.</summary>
    public string Parameter { get; }
    /// <summary>Its values, in order.</summary>
    public IReadOnlyList<double> Values { get; }
    /// <summary>Location of the parameter name.</summary>
    public SourceLocation Location { get; }

    /// <summary>Linear values start, start+incr, ... up to stop (inclusive within 1e-9 of a step).</summary>
    internal static List<double> Linear(double start, double stop, double increment)
    {
        double n = Math.Floor((stop - start) / increment + 1e-9);
        if (double.IsNaN(n) || n < 0) throw new ArgumentException("the increment does not lead from start to stop");
        if (n + 1 > MaxValues) throw new ArgumentException($"more than {MaxValues} values");
        var values = new List<double>((int)n + 1);
        for (int k = 0; k <= n; k++) values.Add(start + k * increment);
        return values;
    }

    /// <summary>Logarithmic values with <paramref name="points"/> per <paramref name="ratio"/> (10 or 2) from start to stop.</summary>
    internal static List<double> Logarithmic(double start, double stop, double points, double ratio)
    {
        if (start <= 0 || stop <= 0) throw new ArgumentException("start and stop of a logarithmic sweep must be > 0");
        if (points < 1 || points != Math.Floor(points)) throw new ArgumentException("the number of points must be a whole number >= 1");
        double n = Math.Floor(points * Math.Log(stop / start) / Math.Log(ratio) + 1e-9);
        if (n < 0) throw new ArgumentException("stop must not be below start");
        if (n + 1 > MaxValues) throw new ArgumentException($"more than {MaxValues} values");
        var values = new List<double>((int)n + 1);
        for (int k = 0; k <= n; k++) values.Add(start * Math.Pow(ratio, k / points));
        return values;
    }
}
