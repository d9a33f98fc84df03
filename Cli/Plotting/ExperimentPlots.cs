using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace AnalogNN.Cli.Plotting;

/// <summary>One curve of a <see cref="ExperimentPlots.Lines"/> figure.</summary>
public sealed record Curve(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// Figures of the learning experiments: line plots (accuracy or error against a parameter), a
/// matrix heat map (a correlation matrix) and a grid of binary images. Written atomically; the
/// format follows the extension (svg, png, pdf).
/// </summary>
public static class ExperimentPlots
{
    /// <summary>A line plot with markers, one line per curve, legend at the right.</summary>
    public static void Lines(string title, string xTitle, string yTitle, IEnumerable<Curve> curves, string path, double? yMin = null, double? yMax = null)
    {
        var model = new PlotModel { Title = title, DefaultFont = "DejaVu Sans", TitleFontSize = 13 };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightMiddle, LegendPlacement = LegendPlacement.Outside });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = xTitle, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = yTitle, Minimum = yMin ?? double.NaN, Maximum = yMax ?? double.NaN, MajorGridlineStyle = LineStyle.Dot });
        var markers = new[] { MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle, MarkerType.Cross, MarkerType.Star };
        int k = 0;
        foreach (var c in curves)
        {
            var s = new LineSeries { Title = c.Name, MarkerType = markers[k++ % markers.Length], MarkerSize = 3 };
            for (int i = 0; i < c.X.Count; i++) s.Points.Add(new DataPoint(c.X[i], c.Y[i]));
            model.Series.Add(s);
        }
        PlotExport.Save(model, path, 760, 420);
    }

    /// <summary>A square matrix as a heat map (row 1 at the top) with a blue–white–red scale from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static void Matrix(double[,] m, IReadOnlyList<string> labels, string title, string path, double min = -1, double max = 1)
    {
        int n = m.GetLength(0);
        var model = new PlotModel { Title = title, DefaultFont = "DejaVu Sans", TitleFontSize = 13 };
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Bottom, ItemsSource = labels, Key = "x" });
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, ItemsSource = labels, Key = "y", StartPosition = 1, EndPosition = 0 });
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Minimum = min, Maximum = max, Title = "r",
            Palette = OxyPalette.Interpolate(64, OxyColor.FromRgb(33, 102, 172), OxyColors.White, OxyColor.FromRgb(178, 24, 43)) });
        var data = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) data[j, i] = m[i, j];
        model.Series.Add(new HeatMapSeries { X0 = 0, X1 = n - 1, Y0 = 0, Y1 = n - 1, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles, XAxisKey = "x", YAxisKey = "y" });
        PlotExport.Save(model, path, 480, 420);
    }

    /// <summary>
    /// Binary (±1, or any sign) images of <paramref name="side"/>×<paramref name="side"/> pixels in a
    /// grid of <paramref name="columns"/> per row, black for positive pixels; optional row labels.
    /// </summary>
    public static void Images(IReadOnlyList<double[]> images, int side, int columns, string title, string path, IReadOnlyList<string>? rowLabels = null)
    {
        int rows = (images.Count + columns - 1) / columns, gap = 1;
        int w = columns * (side + gap) - gap, h = rows * (side + gap) - gap;
        var data = new double[w, h];
        for (int x = 0; x < w; x++) for (int y = 0; y < h; y++) data[x, y] = double.NaN;
        for (int k = 0; k < images.Count; k++)
        {
            int ox = k % columns * (side + gap), oy = k / columns * (side + gap);
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++) data[ox + c, oy + r] = images[k][r * side + c] > 0 ? 1 : 0;
        }
        var model = new PlotModel { Title = title, DefaultFont = "DejaVu Sans", TitleFontSize = 13, PlotAreaBorderThickness = new OxyThickness(0) };
        // row labels sit left of the images, inside the plot area
        double labelSpace = rowLabels is null ? 0 : 1.5 * side;
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, IsAxisVisible = false, Minimum = -0.5 - labelSpace, Maximum = w - 0.5 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, IsAxisVisible = false, Minimum = -0.5, Maximum = h - 0.5, StartPosition = 1, EndPosition = 0 });
        if (rowLabels is not null)
            for (int r = 0; r < Math.Min(rows, rowLabels.Count); r++)
                model.Annotations.Add(new OxyPlot.Annotations.TextAnnotation
                {
                    Text = rowLabels[r], TextPosition = new DataPoint(-1.5, r * (side + gap) + (side - 1) / 2.0),
                    TextHorizontalAlignment = HorizontalAlignment.Right, TextVerticalAlignment = VerticalAlignment.Middle, Stroke = OxyColors.Transparent,
                });
        model.Axes.Add(new LinearColorAxis { Position = AxisPosition.None, Minimum = 0, Maximum = 1, Palette = OxyPalette.Interpolate(2, OxyColors.White, OxyColors.Black), InvalidNumberColor = OxyColor.FromRgb(200, 200, 200) });
        model.Series.Add(new HeatMapSeries { X0 = 0, X1 = w - 1, Y0 = 0, Y1 = h - 1, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles });
        int scale = Math.Max(4, 600 / Math.Max(w, 1));
        PlotExport.Save(model, path, (int)((w + labelSpace) * scale) + 40, h * scale + 60);
    }
}
