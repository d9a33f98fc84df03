using AnalogNN.Netlists.Waveforms;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace AnalogNN.Cli.Plotting;

/// <summary>
/// Raster plot of recorded spikes: one row per neuron or spike source (in order of first spike), one
/// tick per spike at its time.
/// </summary>
public sealed class RasterPlotter
{
    /// <summary>Figure width, px.</summary>
    public int Width { get; init; } = 900;

    /// <summary>Builds the model; <paramref name="title"/> goes on top.</summary>
    public PlotModel BuildModel(SpikeRecorder spikes, string title)
    {
        var sources = spikes.Sources;
        var model = new PlotModel { Title = title.TrimStart('*', ' '), DefaultFont = "DejaVu Sans" };
        double tmax = spikes.Spikes.Count == 0 ? 1 : spikes.Spikes.Max(s => s.Time);
        var (scale, unit) = tmax >= 1 ? (1.0, "s") : tmax >= 1e-3 ? (1e3, "ms") : (1e6, "µs");
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = $"time ({unit})", Minimum = 0 });
        var labels = new CategoryAxis { Position = AxisPosition.Left, Title = "neuron", GapWidth = 0, IsTickCentered = true };
        labels.Labels.AddRange(sources);
        model.Axes.Add(labels);
        var ticks = new ScatterSeries { MarkerType = MarkerType.Custom, MarkerOutline = [new ScreenPoint(0, -4), new ScreenPoint(0, 4)], MarkerStrokeThickness = 1.2, MarkerStroke = OxyColors.Black };
        var row = sources.Select((s, k) => (s, k)).ToDictionary(p => p.s, p => p.k);
        foreach (var s in spikes.Spikes) ticks.Points.Add(new ScatterPoint(s.Time * scale, row[s.Source]));
        model.Series.Add(ticks);
        return model;
    }

    /// <summary>Writes the raster to <paramref name="path"/> (svg, png or pdf by extension), atomically.</summary>
    public void Save(SpikeRecorder spikes, string title, string path)
    {
        var model = BuildModel(spikes, title);
        int height = Math.Clamp(40 + 14 * spikes.Sources.Count, 120, 2000) + 80;
        PlotExport.Save(model, path, Width, height);
    }
}
