using System.Globalization;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Output;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace AnalogNN.Cli.Plotting;

/// <summary>Output format of a figure.</summary>
public enum PlotFormat
{
    /// <summary>SVG 1.1 (OxyPlot.Core, no native dependency). The default.</summary>
    Svg,
    /// <summary>PNG raster (OxyPlot.SkiaSharp, needs the Skia/HarfBuzz natives).</summary>
    Png,
    /// <summary>PDF (OxyPlot.Core).</summary>
    Pdf,
}

/// <summary>A requested signal name does not exist in the plot.</summary>
public sealed class UnknownSignalException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="signal"/>, listing <paramref name="available"/>.</summary>
    public UnknownSignalException(string signal, string plotName, IReadOnlyList<string> available)
        : base($"No signal '{signal}' in plot '{plotName}'. Available signals: {string.Join(", ", available)}.")
    {
        Signal = signal;
        Available = available;
    }

    /// <summary>The name that was asked for.</summary>
    public string Signal { get; }

    /// <summary>Names of the signals the plot has.</summary>
    public IReadOnlyList<string> Available { get; }
}

/// <summary>
/// Draws signals of a <see cref="WaveformTable"/> as a figure: one panel per unit (volts, amperes,
/// dimensionless state), stacked vertically over one shared x axis (the plot's scale: time,
/// frequency or the swept source). Values are scaled by an engineering prefix chosen per axis, and
/// the axis titles carry it: <c>time (ms)</c>, <c>voltage (mV)</c>, <c>current (µA)</c>. The legend
/// (signal names, as ngspice spells them) sits right of the panels; the title is the circuit title.
/// Complex (AC) plots show magnitudes over a logarithmic frequency axis.
/// </summary>
public sealed class WaveformPlotter
{
    private static readonly (int Exponent, string Prefix)[] Prefixes =
    [
        (-15, "f"), (-12, "p"), (-9, "n"), (-6, "µ"), (-3, "m"), (0, ""), (3, "k"), (6, "M"), (9, "G"), (12, "T"),
    ];

    /// <summary>Figure width: pixels for SVG and PNG, points for PDF.</summary>
    public int Width { get; init; } = 900;

    /// <summary>Height per panel (the figure adds room for title and x axis).</summary>
    public int PanelHeight { get; init; } = 260;

    /// <summary>Font family used for all text.</summary>
    public string Font { get; init; } = "DejaVu Sans";

    /// <summary>Picks the format from a file extension (<c>.png</c>, <c>.pdf</c>; anything else is SVG).</summary>
    public static PlotFormat FormatFromPath(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => PlotFormat.Png,
            ".pdf" => PlotFormat.Pdf,
            _ => PlotFormat.Svg,
        };

    /// <summary>
    /// Writes a figure of <paramref name="signals"/> (case-insensitive ngspice names such as
    /// <c>v(out)</c>, <c>i(v1)</c>, <c>x(m1)</c>; empty means every signal but the scale) to
    /// <paramref name="path"/>, atomically (temporary file, then rename).
    /// </summary>
    /// <exception cref="UnknownSignalException">A name is not in the table.</exception>
    public void Save(WaveformTable table, IReadOnlyList<string> signals, string path, PlotFormat format = PlotFormat.Svg)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        PlotModel model = BuildModel(table, signals);
        AtomicFile.Write(path, stream => Export(model, stream, format));
    }

    /// <summary>Writes the figure to <paramref name="stream"/> in <paramref name="format"/>.</summary>
    /// <exception cref="UnknownSignalException">A name is not in the table.</exception>
    public void Write(WaveformTable table, IReadOnlyList<string> signals, Stream stream, PlotFormat format = PlotFormat.Svg)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Export(BuildModel(table, signals), stream, format);
    }

    /// <summary>Builds the OxyPlot model (exposed for callers that render it themselves).</summary>
    /// <exception cref="UnknownSignalException">A name is not in the table.</exception>
    public PlotModel BuildModel(WaveformTable table, IReadOnlyList<string> signals)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(signals);
        List<int> indices = Resolve(table, signals);
        if (indices.Count == 0)
            throw new ArgumentException($"Plot '{table.PlotName}' has no signal to draw besides its scale.", nameof(signals));

        // group by unit, panels in order of first appearance
        var panels = new List<(SignalType Type, List<int> Signals)>();
        foreach (int i in indices)
        {
            SignalType type = table.Signals[i].Type;
            int p = panels.FindIndex(g => g.Type == type);
            if (p < 0)
                panels.Add((type, [i]));
            else
                panels[p].Signals.Add(i);
        }

        var model = new PlotModel
        {
            Title = DisplayTitle(table.Title),
            Subtitle = table.PlotName,
            DefaultFont = Font,
            DefaultFontSize = 13,
            TitleFontSize = 16,
            SubtitleFontSize = 12,
            PlotAreaBorderThickness = new OxyThickness(1),
            PlotAreaBorderColor = OxyColors.Gray,
            Background = OxyColors.White,
            Padding = new OxyThickness(8, 8, 16, 8),
        };
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside,
            LegendPosition = LegendPosition.RightTop,
            LegendOrientation = LegendOrientation.Vertical,
            LegendBorderThickness = 0,
            LegendFontSize = 13,
            LegendSymbolLength = 24,
        });

        bool complex = table.IsComplex;
        bool logX = complex && table.Scale.Type == SignalType.Frequency && table.ScaleValues.All(f => f > 0);
        double[] x = table.ScaleValues;
        Axis xAxis;
        if (logX)
        {
            xAxis = new LogarithmicAxis { Title = $"{Quantity(table.Scale)} (Hz)", LabelFormatter = EngineeringLabel };
        }
        else
        {
            var (xScale, xPrefix) = ChoosePrefix(x);
            x = x.Select(v => v / xScale).ToArray();
            xAxis = new LinearAxis { Title = AxisTitle(Quantity(table.Scale), xPrefix, Unit(table.Scale.Type)) };
        }
        xAxis.Position = AxisPosition.Bottom;
        xAxis.Key = "x";
        StyleGrid(xAxis);
        if (x.Length > 0)
        {
            xAxis.Minimum = x.Min();
            xAxis.Maximum = x.Max();
            if (xAxis.Minimum == xAxis.Maximum)
            {
                xAxis.Minimum -= 1;
                xAxis.Maximum += 1;
            }
        }
        model.Axes.Add(xAxis);

        for (int p = 0; p < panels.Count; p++)
        {
            var (type, members) = panels[p];
            double[][] ys = members.Select(i => complex ? Magnitude(table, i) : table.Columns[i]).ToArray();
            var (scale, prefix) = type == SignalType.State ? (1.0, "") : ChoosePrefix(ys.SelectMany(c => c));
            string quantity = type switch
            {
                SignalType.Voltage => "voltage",
                SignalType.Current => "current",
                SignalType.State => "state",
                _ => type.ToString().ToLowerInvariant(),
            };
            if (complex)
                quantity = $"|{quantity}|";

            // Panels touch (x grid lines cross the whole plot area, so gaps would look broken);
            // a line separates them, and the padded range keeps tick labels off the boundaries.
            var (yMin, yMax) = PaddedRange(ys.SelectMany(c => c), scale);
            var yAxis = new LinearAxis
            {
                Position = AxisPosition.Left,
                Key = $"y{p}",
                Title = type == SignalType.State ? quantity : AxisTitle(quantity, prefix, Unit(type)),
                StartPosition = 1.0 - (double)(p + 1) / panels.Count,
                EndPosition = 1.0 - (double)p / panels.Count,
                Minimum = yMin,
                Maximum = yMax,
            };
            StyleGrid(yAxis);
            model.Axes.Add(yAxis);
            if (p < panels.Count - 1)
            {
                model.Annotations.Add(new LineAnnotation
                {
                    Type = LineAnnotationType.Horizontal,
                    Y = yMin,
                    XAxisKey = "x",
                    YAxisKey = yAxis.Key,
                    Color = OxyColors.Gray,
                    StrokeThickness = 1,
                    LineStyle = LineStyle.Solid,
                    Layer = AnnotationLayer.AboveSeries,
                    ClipByYAxis = false, // it sits exactly on the panel's lower edge
                });
            }

            for (int k = 0; k < members.Count; k++)
            {
                var series = new LineSeries
                {
                    Title = table.Signals[members[k]].Name,
                    XAxisKey = "x",
                    YAxisKey = yAxis.Key,
                    StrokeThickness = 1.6,
                    MarkerType = table.PointCount <= 1 ? MarkerType.Circle : MarkerType.None,
                    MarkerSize = 4,
                };
                double[] y = ys[k];
                for (int n = 0; n < y.Length; n++)
                {
                    // A nested .dc sweep restarts the scale for every outer value: break the line there
                    // instead of drawing a retrace from the end of one curve to the start of the next.
                    if (n > 0 && x[n] < x[n - 1]) series.Points.Add(DataPoint.Undefined);
                    series.Points.Add(double.IsFinite(y[n]) ? new DataPoint(x[n], y[n] / scale) : DataPoint.Undefined);
                }
                model.Series.Add(series);
            }
        }
        return model;
    }

    private void Export(PlotModel model, Stream stream, PlotFormat format)
    {
        int height = PanelHeight * Math.Max(1, model.Axes.Count - 1) + 150;
        switch (format)
        {
            case PlotFormat.Svg:
                new SvgExporter { Width = Width, Height = height }.Export(model, stream);
                break;
            case PlotFormat.Pdf:
                // OxyPlot.Core's exporter is marked obsolete in favour of the Skia one, but it writes
                // ~40 kB with the standard PDF fonts where the Skia one embeds whole font files (~1.3 MB).
#pragma warning disable CS0618
                new PdfExporter { Width = Width, Height = height }.Export(model, stream);
#pragma warning restore CS0618
                break;
            case PlotFormat.Png:
                new OxyPlot.SkiaSharp.PngExporter { Width = Width, Height = height }.Export(model, stream);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private static List<int> Resolve(WaveformTable table, IReadOnlyList<string> signals)
    {
        var result = new List<int>();
        if (signals.Count == 0)
        {
            for (int i = 1; i < table.Signals.Count; i++)
                result.Add(i);
            return result;
        }
        foreach (string name in signals)
        {
            int i = table.IndexOf(name);
            if (i < 0)
                throw new UnknownSignalException(name, table.PlotName, table.Signals.Select(s => s.Name).ToArray());
            if (!result.Contains(i))
                result.Add(i);
        }
        return result;
    }

    private static double[] Magnitude(WaveformTable table, int i)
    {
        double[] re = table.Columns[i], im = table.ImaginaryColumns![i];
        var m = new double[re.Length];
        for (int n = 0; n < m.Length; n++)
            m[n] = Math.Sqrt(re[n] * re[n] + im[n] * im[n]);
        return m;
    }

    /// <summary>Engineering prefix for data whose largest magnitude is that of <paramref name="values"/>.</summary>
    private static (double Scale, string Prefix) ChoosePrefix(IEnumerable<double> values)
    {
        double max = 0;
        foreach (double v in values)
            if (double.IsFinite(v))
                max = Math.Max(max, Math.Abs(v));
        if (max == 0)
            return (1, "");
        // 1.2: the axis is padded beyond the data, so 0.95 V reads better as 0..1 V than 0..1000 mV
        int exponent = Exponent3(max * 1.2);
        foreach (var (e, prefix) in Prefixes)
            if (e == exponent)
                return (Math.Pow(10, e), prefix);
        return (1, "");
    }

    private static string EngineeringLabel(double value)
    {
        if (value == 0 || !double.IsFinite(value))
            return value.ToString(CultureInfo.InvariantCulture);
        int exponent = Exponent3(Math.Abs(value));
        foreach (var (e, prefix) in Prefixes)
            if (e == exponent)
                return (value / Math.Pow(10, e)).ToString("0.###", CultureInfo.InvariantCulture) + prefix;
        return value.ToString("G4", CultureInfo.InvariantCulture);
    }

    /// <summary>Largest multiple of 3 not above log10(<paramref name="value"/>), robust to log10(1000) = 2.9999….</summary>
    private static int Exponent3(double value) => (int)Math.Floor(Math.Log10(value) / 3 + 1e-9) * 3;

    /// <summary>Axis range of the scaled data, padded by 8 % on both sides (±1 around a constant).</summary>
    private static (double Min, double Max) PaddedRange(IEnumerable<double> values, double scale)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
                continue;
            min = Math.Min(min, v / scale);
            max = Math.Max(max, v / scale);
        }
        if (min > max)
            return (-1, 1);
        double span = max - min;
        if (span <= 1e-12 * Math.Max(Math.Abs(min), Math.Abs(max)))
        {
            double half = min == 0 ? 1 : Math.Abs(min) * 0.1;
            return (min - half, max + half);
        }
        return (min - 0.08 * span, max + 0.08 * span);
    }

    private static string AxisTitle(string quantity, string prefix, string unit) =>
        unit.Length == 0 && prefix.Length == 0 ? quantity : $"{quantity} ({prefix}{unit})";

    private static string Quantity(Signal scale) => scale.Type switch
    {
        SignalType.Time => "time",
        SignalType.Frequency => "frequency",
        _ => scale.Name,
    };

    private static string Unit(SignalType type) => type switch
    {
        SignalType.Time => "s",
        SignalType.Frequency => "Hz",
        SignalType.Voltage => "V",
        SignalType.Current => "A",
        _ => "",
    };

    private static void StyleGrid(Axis axis)
    {
        axis.MajorGridlineStyle = LineStyle.Solid;
        axis.MajorGridlineColor = OxyColor.FromRgb(0xDD, 0xDD, 0xDD);
        axis.MinorGridlineStyle = LineStyle.Dot;
        axis.MinorGridlineColor = OxyColor.FromRgb(0xEE, 0xEE, 0xEE);
        axis.AxislineStyle = LineStyle.Solid;
        axis.AxislineColor = OxyColors.Gray;
        axis.TicklineColor = OxyColors.Gray;
    }

    private static string DisplayTitle(string title)
    {
        string t = title.Trim();
        while (t.StartsWith('*'))
            t = t[1..].TrimStart();
        return t;
    }
}
