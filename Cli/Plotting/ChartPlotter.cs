using AnalogNN.Netlists.Waveforms;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace AnalogNN.Cli.Plotting;

/// <summary>One line of a <see cref="ChartPlotter"/> figure.</summary>
/// <param name="Label">Legend text (null: no legend entry).</param>
/// <param name="X">Abscissae.</param>
/// <param name="Y">Ordinates (NaN breaks the line).</param>
/// <param name="Color">Line colour.</param>
/// <param name="Dashed">Dashed line.</param>
/// <param name="Thickness">Line width, px.</param>
/// <param name="Markers">Draw circles at the points.</param>
public sealed record ChartLine(string? Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, OxyColor Color, bool Dashed = false, double Thickness = 1.5, bool Markers = false);

/// <summary>A panel of a <see cref="ChartPlotter"/> figure.</summary>
public sealed record ChartPanel(string Title, string XLabel, string YLabel, IReadOnlyList<ChartLine> Lines, double? YMin = null, double? YMax = null);

/// <summary>Line charts (panels stacked vertically) and labelled heat maps for the reproduction figures.</summary>
public static class ChartPlotter
{
    /// <summary>Writes the panels, stacked, to <paramref name="path"/> (svg, png or pdf by extension).</summary>
    public static void Save(IReadOnlyList<ChartPanel> panels, string path, int width = 900, int panelHeight = 300)
    {
        // one model with stacked vertical axes sharing the time axis
        var model = new PlotModel { DefaultFont = "DejaVu Sans", Title = panels.Count == 1 ? panels[0].Title : null };
        var legend = new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside, LegendFontSize = 10 };
        model.Legends.Add(legend);
        double gap = 0.06, h = (1 - gap * (panels.Count - 1)) / panels.Count;
        var x = new LinearAxis { Position = AxisPosition.Bottom, Title = panels[^1].XLabel };
        model.Axes.Add(x);
        for (int p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            double end = 1 - p * (h + gap), start = end - h;
            var y = new LinearAxis
            {
                Position = AxisPosition.Left, Key = $"y{p}", Title = panels.Count == 1 ? panel.YLabel : $"{panel.Title}\n{panel.YLabel}",
                StartPosition = start, EndPosition = end,
            };
            if (panel.YMin is { } lo) y.Minimum = lo;
            if (panel.YMax is { } hi) y.Maximum = hi;
            model.Axes.Add(y);
            foreach (var line in panel.Lines)
            {
                var s = new LineSeries
                {
                    Title = line.Label, Color = line.Color, StrokeThickness = line.Thickness, YAxisKey = y.Key,
                    LineStyle = line.Dashed ? LineStyle.Dash : LineStyle.Solid,
                    MarkerType = line.Markers ? MarkerType.Circle : MarkerType.None, MarkerSize = 2.5, MarkerFill = line.Color,
                    RenderInLegend = line.Label is not null,
                };
                for (int k = 0; k < line.X.Count; k++)
                    s.Points.Add(double.IsFinite(line.Y[k]) ? new DataPoint(line.X[k], line.Y[k]) : DataPoint.Undefined);
                model.Series.Add(s);
            }
        }
        Export(model, path, width, panelHeight * panels.Count + 60);
    }

    /// <summary>
    /// A heat map of <paramref name="values"/>[row, column] with the given axis values and labels, the
    /// number printed in each cell; NaN cells are grey.
    /// </summary>
    public static void HeatMap(double[,] values, IReadOnlyList<double> columns, IReadOnlyList<double> rows, string title,
        string columnLabel, string rowLabel, string valueLabel, string path, OxyPalette? palette = null, int size = 480)
    {
        int nr = rows.Count, nc = columns.Count;
        var model = new PlotModel { Title = title, DefaultFont = "DejaVu Sans", TitleFontSize = 13 };
        var cx = new CategoryAxis { Position = AxisPosition.Bottom, Title = columnLabel, GapWidth = 0 };
        cx.Labels.AddRange(columns.Select(c => c.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)));
        var cy = new CategoryAxis { Position = AxisPosition.Left, Title = rowLabel, GapWidth = 0 };
        cy.Labels.AddRange(rows.Select(r => r.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)));
        model.Axes.Add(cx);
        model.Axes.Add(cy);
        model.Axes.Add(new LinearColorAxis
        {
            Position = AxisPosition.Right, Palette = palette ?? OxyPalette.Interpolate(64, OxyColor.FromRgb(26, 150, 65), OxyColors.White, OxyColor.FromRgb(33, 102, 172)),
            Minimum = 0, Maximum = 1, Title = valueLabel, InvalidNumberColor = OxyColors.LightGray,
        });
        var data = new double[nc, nr];
        for (int r = 0; r < nr; r++)
            for (int c = 0; c < nc; c++) data[c, r] = values[r, c];
        model.Series.Add(new HeatMapSeries
        {
            X0 = 0, X1 = nc - 1, Y0 = 0, Y1 = nr - 1, Data = data, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles,
            LabelFormatString = "0.00", LabelFontSize = 0.22,
        });
        Export(model, path, size + 80, size);
    }

    private static void Export(PlotModel model, string path, int width, int height)
    {
        var format = WaveformPlotter.FormatFromPath(path);
        AtomicFile.Write(path, stream =>
        {
            switch (format)
            {
                case PlotFormat.Png: new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height }.Export(model, stream); break;
#pragma warning disable CS0618
                case PlotFormat.Pdf: new PdfExporter { Width = width, Height = height }.Export(model, stream); break;
#pragma warning restore CS0618
                default: new SvgExporter { Width = width, Height = height }.Export(model, stream); break;
            }
        });
    }
}
