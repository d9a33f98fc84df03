using AnalogNN.Solvers.Output;

namespace AnalogNN.Tests;

/// <summary>Collects simulation output in memory for assertions.</summary>
internal sealed class RecordingOutput : ISimulationOutput
{
    public List<(PlotHeader Header, List<double[]> Rows)> Plots { get; } = new();

    public void BeginPlot(PlotHeader header) => Plots.Add((header, new List<double[]>()));
    public void WriteRow(ReadOnlySpan<double> values) => Plots[^1].Rows.Add(values.ToArray());
    public void EndPlot() { }

    /// <summary>Column of a signal in the last plot.</summary>
    public double[] Column(string signal, int plot = -1)
    {
        var (h, rows) = Plots[plot < 0 ? Plots.Count + plot : plot];
        int k = h.Signals.ToList().FindIndex(s => s.Name.Equals(signal, StringComparison.OrdinalIgnoreCase));
        if (k < 0) throw new ArgumentException($"no signal {signal}: {string.Join(", ", h.Signals.Select(s => s.Name))}");
        return rows.Select(r => r[k]).ToArray();
    }
}

internal static class Check
{
    /// <summary>The simulator's own tolerance rule: |a − e| ≤ rel·max(|a|,|e|) + abs.</summary>
    public static void Close(double expected, double actual, double rel, double abs, string what = "")
    {
        double tol = rel * Math.Max(Math.Abs(expected), Math.Abs(actual)) + abs;
        Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo(tol), $"{what}: expected {expected:G9}, got {actual:G9}");
    }
}
