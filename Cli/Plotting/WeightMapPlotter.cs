using AnalogNN.Netlists.Waveforms;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace AnalogNN.Cli.Plotting;

/// <summary>A synaptic weight map (rows: pre-synaptic neuron, columns: post-synaptic neuron) as a heat map of x ∈ [0, 1].</summary>
public sealed class WeightMapPlotter
{
    /// <summary>Figure size, px.</summary>
    public int Size { get; init; } = 360;

    /// <summary>Writes the map to <paramref name="path"/> (svg, png or pdf by extension).</summary>
    public void Save(double[,] map, string title, string path, bool excitatory)
    {
        int n = map.GetLength(0);
        var model = new PlotModel { Title = title, DefaultFont = "DejaVu Sans", TitleFontSize = 13 };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "post-synaptic neuron", Minimum = 0.5, Maximum = n + 0.5, MajorStep = Math.Max(1, n / 8) });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "pre-synaptic neuron", Minimum = 0.5, Maximum = n + 0.5, MajorStep = Math.Max(1, n / 8), StartPosition = 1, EndPosition = 0 });
        var palette = excitatory ? OxyPalette.Interpolate(64, OxyColors.White, OxyColor.FromRgb(33, 102, 172))
                                 : OxyPalette.Interpolate(64, OxyColors.White, OxyColor.FromRgb(178, 24, 43));
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = palette, Minimum = 0, Maximum = 1, Title = "x", InvalidNumberColor = OxyColors.LightGray });
        // HeatMapSeries indexes Data[x, y]: x = post (column), y = pre (row)
        var data = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) data[j, i] = map[i, j];
        model.Series.Add(new HeatMapSeries { X0 = 1, X1 = n, Y0 = 1, Y1 = n, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles });
        PlotExport.Save(model, path, Size + 60, Size);
    }
}
