using System.Buffers.Binary;
using System.Text;
using AnalogNN.Cli.Plotting;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Output;
using OxyPlot.Axes;

namespace AnalogNN.Tests.Cli;

[TestFixture]
public sealed class PlotTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "analognn-plot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>RC step response (R = 1 MΩ, C = 200 pF) with a memristor-like state, recorded like a simulation would stream it.</summary>
    private static WaveformTable Transient()
    {
        var recorder = new WaveformRecorder();
        recorder.BeginPlot(new PlotHeader("* rc low-pass with pulse source", "Transient Analysis", "tran",
        [
            new("time", SignalType.Time), new("v(in)", SignalType.Voltage), new("v(out)", SignalType.Voltage),
            new("i(v1)", SignalType.Current), new("x(m1)", SignalType.State),
        ]));
        const double tau = 2e-4;
        for (int k = 0; k <= 200; k++)
        {
            double t = k * 1e-5;
            double vin = t < 1e-3 ? 1 : 0;
            double vout = t < 1e-3 ? 1 - Math.Exp(-t / tau) : (1 - Math.Exp(-1e-3 / tau)) * Math.Exp(-(t - 1e-3) / tau);
            recorder.WriteRow([t, vin, vout, -(vin - vout) / 1e6, 0.2 + 0.6 * vout]);
        }
        recorder.EndPlot();
        return recorder.Last;
    }

    private static WaveformTable Ac()
    {
        var recorder = new WaveformRecorder();
        recorder.BeginPlot(new PlotHeader("* rc", "AC Analysis", "ac",
            [new("frequency", SignalType.Frequency), new("v(out)", SignalType.Voltage)], Complex: true));
        for (int k = 0; k <= 30; k++)
        {
            double f = Math.Pow(10, 1 + k / 10.0), w = 2 * Math.PI * f * 2e-4, den = 1 + w * w;
            recorder.WriteRow([f, 1 / den], [0, -w / den]);
        }
        recorder.EndPlot();
        return recorder.Last;
    }

    [Test]
    public void When_svg_plotted_Expect_legend_names_title_and_prefixed_axis_titles()
    {
        string path = Path.Combine(_dir, "rc.svg");
        new WaveformPlotter().Save(Transient(), ["v(in)", "V(OUT)", "i(v1)", "x(m1)"], path);
        string svg = File.ReadAllText(path);
        Assert.That(svg, Does.Contain("<svg"));
        foreach (string text in new[] { "v(in)", "v(out)", "i(v1)", "x(m1)", "rc low-pass with pulse source", "time (ms)", "voltage (V)", "current (µA)", "state" })
            Assert.That(svg, Does.Contain(text), text);
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file left");
    }

    [Test]
    public void When_png_plotted_Expect_png_signature_and_size_growing_with_panels()
    {
        string one = Path.Combine(_dir, "one.png"), three = Path.Combine(_dir, "three.png");
        var plotter = new WaveformPlotter { Width = 640, PanelHeight = 200 };
        plotter.Save(Transient(), ["v(out)"], one, PlotFormat.Png);
        plotter.Save(Transient(), ["v(out)", "i(v1)", "x(m1)"], three, WaveformPlotter.FormatFromPath(three));

        byte[] a = File.ReadAllBytes(one), b = File.ReadAllBytes(three);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.That(a[..8], Is.EqualTo(signature));
        Assert.That(b[..8], Is.EqualTo(signature));
        // IHDR: width and height, big-endian, at bytes 16..23
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(a.AsSpan(16)), Is.EqualTo(640));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)), Is.GreaterThan(BinaryPrimitives.ReadInt32BigEndian(a.AsSpan(20)) + 300));
    }

    [Test]
    public void When_pdf_plotted_Expect_pdf_header_and_eof_marker()
    {
        string path = Path.Combine(_dir, "rc.pdf");
        new WaveformPlotter().Save(Transient(), ["v(out)", "i(v1)"], path, WaveformPlotter.FormatFromPath(path));
        byte[] pdf = File.ReadAllBytes(path);
        Assert.That(Encoding.ASCII.GetString(pdf, 0, 5), Is.EqualTo("%PDF-"));
        Assert.That(Encoding.ASCII.GetString(pdf[^64..]), Does.Contain("%%EOF"));
    }

    [Test]
    public void When_signals_of_three_units_Expect_three_stacked_panels_over_one_time_axis()
    {
        var model = new WaveformPlotter().BuildModel(Transient(), ["v(in)", "i(v1)", "v(out)", "x(m1)"]);
        var x = model.Axes.Single(a => a.Position == AxisPosition.Bottom);
        var ys = model.Axes.Where(a => a.Position == AxisPosition.Left).ToList();
        Assert.That(x.Title, Is.EqualTo("time (ms)"));
        Assert.That(ys.Select(a => a.Title), Is.EqualTo(new[] { "voltage (V)", "current (µA)", "state" }));
        Assert.That(ys.Select(a => a.EndPosition), Is.EqualTo(new[] { 1.0, 2 / 3.0, 1 / 3.0 }).Within(1e-12));
        Assert.That(model.Series.Select(s => s.Title), Is.EqualTo(new[] { "v(in)", "v(out)", "i(v1)", "x(m1)" }));
        Assert.That(model.Title, Is.EqualTo("rc low-pass with pulse source"));
    }

    [Test]
    public void When_nested_dc_sweep_plotted_Expect_line_broken_where_the_scale_restarts()
    {
        // .dc VDS 0 2 1 VGS 1 2 1: the inner scale runs 0,1,2 twice; no retrace line from (2, ...) back to (0, ...).
        var recorder = new WaveformRecorder();
        recorder.BeginPlot(new PlotHeader("* family", "DC transfer characteristic", "dc",
            [new("vds", SignalType.Voltage), new("i(vds)", SignalType.Current)]));
        foreach (double vgs in new[] { 1.0, 2.0 })
            foreach (double vds in new[] { 0.0, 1.0, 2.0 })
                recorder.WriteRow([vds, -1e-3 * vgs * vds]);
        recorder.EndPlot();
        var points = ((OxyPlot.Series.LineSeries)new WaveformPlotter().BuildModel(recorder.Last, ["i(vds)"]).Series[0]).Points;
        Assert.That(points, Has.Count.EqualTo(7));
        Assert.That(points[3].IsDefined(), Is.False, "break between the two curves");
        Assert.That(points.Where(p => p.IsDefined()).Select(p => p.X), Is.EqualTo(new[] { 0.0, 1, 2, 0, 1, 2 }));
    }

    [Test]
    public void When_no_signals_named_Expect_every_signal_but_the_scale()
    {
        var model = new WaveformPlotter().BuildModel(Transient(), []);
        Assert.That(model.Series, Has.Count.EqualTo(4));
    }

    [Test]
    public void When_ac_plot_drawn_Expect_log_frequency_axis_and_magnitude()
    {
        var model = new WaveformPlotter().BuildModel(Ac(), ["v(out)"]);
        Assert.That(model.Axes.Single(a => a.Position == AxisPosition.Bottom), Is.InstanceOf<LogarithmicAxis>());
        Assert.That(model.Axes.Single(a => a.Position == AxisPosition.Left).Title, Is.EqualTo("|voltage| (V)"));
        var points = ((OxyPlot.Series.LineSeries)model.Series[0]).Points;
        Assert.That(points[0].Y, Is.EqualTo(1 / Math.Sqrt(1 + Math.Pow(2 * Math.PI * 10 * 2e-4, 2))).Within(1e-12));
    }

    [Test]
    public void When_unknown_signal_requested_Expect_exception_listing_available_signals_and_old_file_kept()
    {
        string path = Path.Combine(_dir, "rc.svg");
        File.WriteAllText(path, "old");
        var ex = Assert.Throws<UnknownSignalException>(() => new WaveformPlotter().Save(Transient(), ["v(out)", "v(nowhere)"], path));
        Assert.That(ex!.Signal, Is.EqualTo("v(nowhere)"));
        Assert.That(ex.Message, Does.Contain("v(nowhere)").And.Contain("v(in), v(out), i(v1), x(m1)"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));
    }

    [TestCase("a.png", PlotFormat.Png)]
    [TestCase("a.PDF", PlotFormat.Pdf)]
    [TestCase("a.svg", PlotFormat.Svg)]
    [TestCase("a", PlotFormat.Svg)]
    public void When_format_taken_from_extension_Expect_matching_format(string path, PlotFormat expected) =>
        Assert.That(WaveformPlotter.FormatFromPath(path), Is.EqualTo(expected));
}
