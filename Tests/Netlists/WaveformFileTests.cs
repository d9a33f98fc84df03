using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Tests.Netlists;

[TestFixture]
public sealed class WaveformFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "analognn-wave-" + Guid.NewGuid().ToString("N"));
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

    // ---------------------------------------------------------------- sample data

    private static readonly Signal[] TranSignals =
    [
        new("time", SignalType.Time), new("v(in)", SignalType.Voltage), new("v(out)", SignalType.Voltage),
        new("i(v1)", SignalType.Current), new("x(m1)", SignalType.State),
    ];

    private static PlotHeader Tran(string title = "* rc test") =>
        new(title, "Transient Analysis", "tran", TranSignals);

    private static PlotHeader Ac() =>
        new("* rc test", "AC Analysis", "ac",
            [new("frequency", SignalType.Frequency), new("v(out)", SignalType.Voltage), new("i(v1)", SignalType.Current)],
            Complex: true);

    private static PlotHeader Op() =>
        new("* rc test", "Operating Point", "op", [new("v(in)", SignalType.Voltage), new("v(out)", SignalType.Voltage), new("i(v1)", SignalType.Current)]);

    /// <summary>Awkward but finite values: tiny, huge, negative, subnormal, many digits.</summary>
    private static double[] TranRow(int k)
    {
        double t = k * 1e-6 / 3.0;
        return [t, Math.Sin(k * 0.7) * 1e3 / 7.0, -Math.Exp(-k / 3.0) * 1e-300, (k % 2 == 0 ? 1 : -1) * double.Epsilon * (k + 1), 1.0 / (k + 3)];
    }

    private static void WriteTran(ISimulationOutput output, int points, string title = "* rc test")
    {
        output.BeginPlot(Tran(title));
        for (int k = 0; k < points; k++)
            output.WriteRow(TranRow(k));
        output.EndPlot();
    }

    private static void WriteAc(ISimulationOutput output)
    {
        output.BeginPlot(Ac());
        for (int k = 0; k < 7; k++)
        {
            double f = Math.Pow(10, k * 0.5);
            double w = 2 * Math.PI * f * 1e-3;
            double den = 1 + w * w;
            output.WriteRow([f, 1 / den, -1e-3 * w / den], [123.0 /* must come out as 0 */, -w / den, 1e-3 / den]);
        }
        output.EndPlot();
    }

    private static void WriteOp(ISimulationOutput output)
    {
        output.BeginPlot(Op());
        output.WriteRow([10.0, 7.5, -2.5e-3]);
        output.EndPlot();
    }

    private string WriteRaw(RawFileEncoding encoding, Action<ISimulationOutput> fill, string name = "out.raw")
    {
        string path = Path.Combine(_dir, name);
        using var writer = new RawFileWriter(path, encoding) { Date = new DateTime(2026, 1, 5, 9, 3, 7) };
        fill(writer);
        writer.Commit();
        return path;
    }

    private static void AssertColumnsEqual(WaveformTable actual, WaveformTable expected, double relative)
    {
        Assert.That(actual.Signals, Is.EqualTo(expected.Signals));
        Assert.That(actual.PointCount, Is.EqualTo(expected.PointCount));
        Assert.That(actual.IsComplex, Is.EqualTo(expected.IsComplex));
        for (int s = 0; s < expected.Signals.Count; s++)
        {
            AssertClose(actual.Columns[s], expected.Columns[s], relative);
            if (expected.IsComplex)
                AssertClose(actual.ImaginaryColumns![s], expected.ImaginaryColumns![s], relative);
        }
    }

    private static void AssertClose(double[] actual, double[] expected, double relative)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
        {
            if (relative == 0)
                Assert.That(BitConverter.DoubleToInt64Bits(actual[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[i])), $"point {i}");
            else
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(relative * Math.Abs(expected[i])), $"point {i}");
        }
    }

    private static WaveformRecorder Record(Action<ISimulationOutput> fill)
    {
        var recorder = new WaveformRecorder();
        fill(recorder);
        return recorder;
    }

    // ---------------------------------------------------------------- round trips

    [Test]
    public void When_binary_real_plot_written_and_read_Expect_bit_exact_values()
    {
        string path = WriteRaw(RawFileEncoding.Binary, w => WriteTran(w, 100));
        var plots = RawFileReader.Read(path);
        Assert.That(plots, Has.Count.EqualTo(1));
        Assert.That(plots[0].Title, Is.EqualTo("* rc test"));
        Assert.That(plots[0].PlotName, Is.EqualTo("Transient Analysis"));
        Assert.That(plots[0].Analysis, Is.EqualTo("tran"));
        Assert.That(plots[0].Date, Is.EqualTo("Mon Jan  5 09:03:07 2026"));
        AssertColumnsEqual(plots[0], Record(w => WriteTran(w, 100)).Last, relative: 0);
    }

    [Test]
    public void When_ascii_real_plot_written_and_read_Expect_values_within_1e15_relative()
    {
        string path = WriteRaw(RawFileEncoding.Ascii, w => WriteTran(w, 100));
        var plots = RawFileReader.Read(path);
        Assert.That(plots, Has.Count.EqualTo(1));
        AssertColumnsEqual(plots[0], Record(w => WriteTran(w, 100)).Last, relative: 1e-15);
    }

    [TestCase(RawFileEncoding.Binary, 0.0)]
    [TestCase(RawFileEncoding.Ascii, 1e-15)]
    public void When_complex_plot_written_and_read_Expect_same_values_and_zero_scale_imaginary(RawFileEncoding encoding, double relative)
    {
        string path = WriteRaw(encoding, WriteAc);
        var plot = RawFileReader.Read(path).Single();
        Assert.That(plot.IsComplex, Is.True);
        var expected = Record(WriteAc).Last;
        Assert.That(expected.ImaginaryColumns![0], Is.All.EqualTo(123.0), "the recorder keeps what it is given");
        for (int s = 1; s < 3; s++)
        {
            AssertClose(plot.Columns[s], expected.Columns[s], relative);
            AssertClose(plot.ImaginaryColumns![s], expected.ImaginaryColumns![s], relative);
        }
        AssertClose(plot.ScaleValues, expected.ScaleValues, relative);
        Assert.That(plot.ImaginaryColumns![0], Is.All.EqualTo(0.0));
        Assert.That(plot.Imaginary("v(out)")[0], Is.LessThan(0));
    }

    [Test]
    public void When_complex_binary_file_inspected_Expect_frequency_imaginary_written_as_zero()
    {
        string path = WriteRaw(RawFileEncoding.Binary, WriteAc);
        byte[] bytes = File.ReadAllBytes(path);
        int body = IndexOf(bytes, "Binary:\n"u8) + "Binary:\n".Length;
        Assert.That(bytes.Length - body, Is.EqualTo(7 * 3 * 16));
        for (int p = 0; p < 7; p++)
            Assert.That(BitConverter.ToDouble(bytes, body + p * 48 + 8), Is.EqualTo(0.0));
    }

    [TestCase(RawFileEncoding.Binary)]
    [TestCase(RawFileEncoding.Ascii)]
    public void When_several_plots_in_one_file_Expect_all_read_in_order(RawFileEncoding encoding)
    {
        string path = WriteRaw(encoding, w =>
        {
            WriteAc(w);
            WriteOp(w);
            WriteTran(w, 5, "* second title");
            WriteTran(w, 0);
        });
        var plots = RawFileReader.Read(path);
        Assert.That(plots.Select(p => p.Analysis), Is.EqualTo(new[] { "ac", "op", "tran", "tran" }));
        Assert.That(plots.Select(p => p.PointCount), Is.EqualTo(new[] { 7, 1, 5, 0 }));
        Assert.That(plots[2].Title, Is.EqualTo("* second title"));
        Assert.That(plots[1]["v(out)"], Is.EqualTo(new[] { 7.5 }));
        Assert.That(plots[0].IsComplex, Is.True);
        Assert.That(plots[2].IsComplex, Is.False);
    }

    [Test]
    public void When_header_written_Expect_ngspice_layout_padded_point_count_and_notype_state()
    {
        string path = WriteRaw(RawFileEncoding.Ascii, w => WriteTran(w, 2));
        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.That(lines[..12], Is.EqualTo(new[]
        {
            "Title: * rc test",
            "Date: Mon Jan  5 09:03:07 2026",
            "Plotname: Transient Analysis",
            "Flags: real",
            "No. Variables: 5",
            "No. Points: 2         ",
            "Variables:",
            "\t0\ttime\ttime",
            "\t1\tv(in)\tvoltage",
            "\t2\tv(out)\tvoltage",
            "\t3\ti(v1)\tcurrent",
            "\t4\tx(m1)\tnotype",
        }));
        Assert.That(lines[12], Is.EqualTo("Values:"));
        Assert.That(lines[13], Is.EqualTo("0\t\t0.000000000000000e+00"));
        Assert.That(lines[14], Is.EqualTo("\t0.000000000000000e+00"));
        Assert.That(lines[15], Is.EqualTo("\t-1.000000000000000e-300"));
    }

    [TestCase(0.0, "0.000000000000000e+00")]
    [TestCase(-2.516618054361782e-04, "-2.516618054361782e-04")]
    [TestCase(1e100, "1.000000000000000e+100")]
    [TestCase(6.02214076e23, "6.022140760000000e+23")]
    [TestCase(double.NaN, "nan")]
    [TestCase(double.NegativeInfinity, "-inf")]
    public void When_number_formatted_for_ascii_Expect_c_printf_e15_text(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[40];
        int n = RawFileWriter.FormatNumber(value, buffer);
        Assert.That(Encoding.ASCII.GetString(buffer[..n]), Is.EqualTo(expected));
    }

    [Test]
    public void When_file_has_command_option_dimensions_lines_and_crlf_Expect_them_ignored()
    {
        string text =
            "Title: * hand\r\nDate: today\r\nCommand: ngspice-47, Build Mon\r\nPlotname: DC transfer characteristic\r\n" +
            "Flags: real forward\r\nNo. Variables: 2\r\nNo. Points: 2       \r\nDimensions: 2\r\nOption: foo=1\r\nVariables:\r\n" +
            "\t0\tv(v-sweep)\tvoltage\tgrid=0\r\n\t1\tv(out)\tvoltage\r\nValues:\r\n0\t\t0.0e+00\r\n\t0.0e+00\r\n1\t\t1.0e+00\r\n\t7.5e-01\r\n";
        var plot = RawFileReader.Read(new MemoryStream(Encoding.ASCII.GetBytes(text))).Single();
        Assert.That(plot.Analysis, Is.EqualTo("dc"));
        Assert.That(plot["v(v-sweep)"], Is.EqualTo(new[] { 0.0, 1.0 }));
        Assert.That(plot["V(OUT)"], Is.EqualTo(new[] { 0.0, 0.75 }));
    }

    [Test]
    public void When_binary_file_truncated_Expect_InvalidDataException_naming_the_plot()
    {
        string path = WriteRaw(RawFileEncoding.Binary, w => WriteTran(w, 10));
        byte[] bytes = File.ReadAllBytes(path);
        var ex = Assert.Throws<InvalidDataException>(() => RawFileReader.Read(new MemoryStream(bytes[..^20])));
        Assert.That(ex!.Message, Does.Contain("Transient Analysis").And.Contain("9 of 10"));
    }

    [Test]
    public void When_signal_looked_up_by_alias_Expect_case_insensitive_and_branch_aliases()
    {
        var plot = Record(w => WriteTran(w, 3)).Last;
        Assert.That(plot.IndexOf("V(OUT)"), Is.EqualTo(2));
        Assert.That(plot.IndexOf("out"), Is.EqualTo(2));
        Assert.That(plot.IndexOf("v1#branch"), Is.EqualTo(3));
        Assert.That(plot.IndexOf("v(nowhere)"), Is.EqualTo(-1));
        var ex = Assert.Throws<KeyNotFoundException>(() => _ = plot["v(nowhere)"]);
        Assert.That(ex!.Message, Does.Contain("v(out)").And.Contain("x(m1)"));
    }

    // ---------------------------------------------------------------- atomicity

    [Test]
    public void When_raw_writer_disposed_without_commit_Expect_no_final_file_and_no_temp_left()
    {
        string path = Path.Combine(_dir, "abandoned.raw");
        using (var writer = new RawFileWriter(path))
        {
            writer.BeginPlot(Tran());
            writer.WriteRow(TranRow(0));
            Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "temporary file exists while writing");
            Assert.That(File.Exists(path), Is.False);
        }
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    [Test]
    public void When_raw_writer_abandoned_over_existing_file_Expect_old_file_untouched()
    {
        string path = WriteRaw(RawFileEncoding.Binary, WriteOp, "keep.raw");
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var writer = new RawFileWriter(path);
            WriteTran(writer, 4);
            throw new InvalidOperationException("simulation failed");
        });
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));
    }

    [Test]
    public void When_raw_writer_committed_with_open_plot_Expect_partial_plot_readable()
    {
        string path = Path.Combine(_dir, "partial.raw");
        using (var writer = new RawFileWriter(path))
        {
            writer.BeginPlot(Tran());
            for (int k = 0; k < 3; k++)
                writer.WriteRow(TranRow(k));
            writer.Commit();
            Assert.Throws<InvalidOperationException>(() => writer.BeginPlot(Tran()));
        }
        Assert.That(RawFileReader.Read(path).Single().PointCount, Is.EqualTo(3));
    }

    [Test]
    public void When_csv_writer_disposed_without_commit_Expect_no_files()
    {
        using (var csv = new CsvWaveformWriter(_dir, "rc"))
        {
            WriteOp(csv);
            csv.BeginPlot(Tran());
            csv.WriteRow(TranRow(0));
        }
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    // ---------------------------------------------------------------- CSV

    [Test]
    public void When_csv_written_Expect_one_file_per_plot_with_header_and_round_trip_numbers()
    {
        using (var csv = new CsvWaveformWriter(_dir, "rc"))
        {
            WriteOp(csv);
            WriteTran(csv, 4);
            WriteTran(csv, 2);
            WriteTran(csv, 1);
            csv.Commit();
            Assert.That(csv.Files.Select(Path.GetFileName),
                Is.EqualTo(new[] { "rc.op.csv", "rc.tran.csv", "rc.tran.2.csv", "rc.tran.3.csv" }));
        }
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "rc.op.csv", "rc.tran.2.csv", "rc.tran.3.csv", "rc.tran.csv" }));

        Assert.That(File.ReadAllText(Path.Combine(_dir, "rc.op.csv")), Is.EqualTo("v(in),v(out),i(v1)\n10,7.5,-0.0025\n"));

        string[] lines = File.ReadAllLines(Path.Combine(_dir, "rc.tran.csv"));
        Assert.That(lines, Has.Length.EqualTo(5));
        Assert.That(lines[0], Is.EqualTo("time,v(in),v(out),i(v1),x(m1)"));
        for (int k = 0; k < 4; k++)
        {
            double[] parsed = lines[k + 1].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.That(parsed, Is.EqualTo(TranRow(k)), $"row {k}");
        }
    }

    [Test]
    public void When_complex_plot_written_to_csv_Expect_real_and_imag_columns()
    {
        using (var csv = new CsvWaveformWriter(_dir, "rc"))
        {
            WriteAc(csv);
            csv.Commit();
        }
        string[] lines = File.ReadAllLines(Path.Combine(_dir, "rc.ac.csv"));
        Assert.That(lines[0], Is.EqualTo("frequency,real(v(out)),imag(v(out)),real(i(v1)),imag(i(v1))"));
        Assert.That(lines, Has.Length.EqualTo(8));
        double w = 2 * Math.PI * 1e-3, den = 1 + w * w;
        Assert.That(lines[1].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)),
            Is.EqualTo(new[] { 1, 1 / den, -w / den, -1e-3 * w / den, 1e-3 / den }));
    }

    // ---------------------------------------------------------------- recorder, tee, allocations

    [Test]
    public void When_tee_fans_out_Expect_recorder_raw_and_csv_agree()
    {
        string raw = Path.Combine(_dir, "tee.raw");
        var recorder = new WaveformRecorder();
        using (var tee = new WaveformTee(recorder, new RawFileWriter(raw), new CsvWaveformWriter(_dir, "tee")))
        {
            WriteTran(tee, 300);
            WriteAc(tee);
            tee.Commit();
        }
        var plots = RawFileReader.Read(raw);
        Assert.That(recorder.Plots, Has.Count.EqualTo(2));
        AssertColumnsEqual(plots[0], recorder.Plots[0], relative: 0);
        Assert.That(recorder.Find("ac")!.PointCount, Is.EqualTo(7));
        Assert.That(File.ReadAllLines(Path.Combine(_dir, "tee.tran.csv")), Has.Length.EqualTo(301));
    }

    [Test]
    public void When_table_replayed_into_writer_Expect_identical_table()
    {
        var original = Record(w => WriteTran(w, 50)).Last;
        var copy = Record(original.WriteTo).Last;
        AssertColumnsEqual(copy, original, relative: 0);
    }

    [TestCase("binary")]
    [TestCase("ascii")]
    [TestCase("csv")]
    [TestCase("tee")]
    public void When_rows_streamed_Expect_no_allocation_per_row(string kind)
    {
        double[] row = TranRow(7);
        double[] re = [1e3, 0.5, 1e-3], im = [0, -0.5, 2e-3];
        using ICommittableOutput output = kind switch
        {
            "binary" => new RawFileWriter(Path.Combine(_dir, "alloc.raw")),
            "ascii" => new RawFileWriter(Path.Combine(_dir, "alloc.raw"), RawFileEncoding.Ascii),
            "csv" => new CsvWaveformWriter(_dir, "alloc"),
            _ => new WaveformTee(new RawFileWriter(Path.Combine(_dir, "alloc.raw")), new CsvWaveformWriter(_dir, "alloc")),
        };
        output.BeginPlot(Tran());
        for (int k = 0; k < 100; k++)
            output.WriteRow(row);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 20_000; k++)
            output.WriteRow(row);
        long realBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        output.EndPlot();

        output.BeginPlot(Ac());
        for (int k = 0; k < 100; k++)
            output.WriteRow(re, im);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 20_000; k++)
            output.WriteRow(re, im);
        long complexBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        output.EndPlot();

        // a few bytes of one-off runtime allocations may land in the window; per-row ones would be >= 20,000
        Assert.That(realBytes, Is.LessThan(1024), "real rows");
        Assert.That(complexBytes, Is.LessThan(1024), "complex rows");
    }

    [Test]
    public void When_row_length_wrong_or_plot_not_open_Expect_clear_exceptions()
    {
        using var raw = new RawFileWriter(Path.Combine(_dir, "bad.raw"));
        Assert.Throws<InvalidOperationException>(() => raw.WriteRow([1.0]));
        raw.BeginPlot(Op());
        Assert.Throws<ArgumentException>(() => raw.WriteRow([1.0]));
        Assert.Throws<InvalidOperationException>(() => raw.WriteRow([1.0, 2, 3], [0.0, 0, 0]));
        Assert.Throws<InvalidOperationException>(() => raw.BeginPlot(Op()));
    }

    [Test]
    public void When_plot_refused_for_bad_signal_name_Expect_file_still_readable()
    {
        string path = Path.Combine(_dir, "refused.raw");
        using (var raw = new RawFileWriter(path))
        {
            Assert.Throws<ArgumentException>(() => raw.BeginPlot(new PlotHeader("t", "Operating Point", "op", [new("v(a b)", SignalType.Voltage)])));
            WriteOp(raw);
            raw.Commit();
        }
        Assert.That(RawFileReader.Read(path).Single()["v(out)"], Is.EqualTo(new[] { 7.5 }));
    }

    // ---------------------------------------------------------------- ngspice interop

    private const string DividerDeck = """
        * divider
        V1 in 0 DC 10 AC 1
        R1 in out 1k
        R2 out 0 3k
        C1 out 0 1u
        .op
        .dc V1 0 2 0.5
        .ac dec 2 10 10k
        .end
        """;

    [TestCase(false)]
    [TestCase(true)]
    public void When_ngspice_writes_rawfile_Expect_reader_gets_analytic_divider_values(bool ascii)
    {
        string deck = Path.Combine(_dir, "divider.cir");
        File.WriteAllText(deck, DividerDeck + "\n");
        Ngspice.Run(_dir, ascii, "-b", "-r", "divider.raw", "divider.cir");

        var plots = RawFileReader.Read(Path.Combine(_dir, "divider.raw"));
        Assert.That(plots.Select(p => p.Analysis).Order(), Is.EqualTo(new[] { "ac", "dc", "op" }));

        var op = plots.Single(p => p.Analysis == "op");
        Assert.That(op.Title, Is.EqualTo("* divider"));
        Assert.That(op["v(out)"][0], Is.EqualTo(7.5).Within(1e-9));
        Assert.That(op["i(v1)"][0], Is.EqualTo(-2.5e-3).Within(1e-12));

        var dc = plots.Single(p => p.Analysis == "dc");
        Assert.That(dc.Scale.Name, Is.EqualTo("v(v-sweep)"));
        Assert.That(dc.ScaleValues, Is.EqualTo(new[] { 0, 0.5, 1, 1.5, 2 }).Within(1e-12));
        for (int k = 0; k < dc.PointCount; k++)
            Assert.That(dc["v(out)"][k], Is.EqualTo(0.75 * dc.ScaleValues[k]).Within(1e-9));

        var ac = plots.Single(p => p.Analysis == "ac");
        Assert.That(ac.IsComplex, Is.True);
        Assert.That(ac.Scale.Type, Is.EqualTo(SignalType.Frequency));
        Assert.That(ac.PointCount, Is.EqualTo(7));
        Assert.That(ac.ImaginaryColumns![0], Is.All.EqualTo(0.0), "garbage imaginary part of the frequency is dropped");
        for (int k = 0; k < ac.PointCount; k++)
        {
            // v(out) = 0.75 / (1 + j w 750 1e-6): Thevenin 750 ohm driving 1 uF
            double w = 2 * Math.PI * ac.ScaleValues[k] * 750e-6;
            double den = 1 + w * w;
            Assert.That(ac["v(out)"][k], Is.EqualTo(0.75 / den).Within(1e-9));
            Assert.That(ac.Imaginary("v(out)")[k], Is.EqualTo(-0.75 * w / den).Within(1e-9));
        }
    }

    [TestCase(RawFileEncoding.Binary)]
    [TestCase(RawFileEncoding.Ascii)]
    public void When_ngspice_loads_our_rawfile_Expect_it_prints_our_values(RawFileEncoding encoding)
    {
        WriteRaw(encoding, w =>
        {
            WriteTran(w, 6);
            WriteAc(w);
        }, "ours.raw");
        File.WriteAllText(Path.Combine(_dir, "load.cir"), """
            * load test
            .control
            load ours.raw
            setplot tran1
            print x(m1) v(out) i(v1)
            setplot ac1
            print v(out)
            quit
            .endc
            .end

            """);
        string stdout = Ngspice.Run(_dir, ascii: false, "-b", "load.cir");

        var rows = Regex.Matches(stdout, @"^\d+\t(.*)$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value.Split(['\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        Assert.That(rows, Has.Length.EqualTo(6 + 7), stdout);
        var expectedAc = Record(WriteAc).Last;
        for (int k = 0; k < 6; k++)
        {
            double[] e = TranRow(k);
            // ngspice prints 7 significant digits, 6 for negative numbers
            Assert.That(rows[k][0], Is.EqualTo(e[4]).Within(1e-5 * Math.Abs(e[4])), "x(m1)");
            Assert.That(rows[k][1], Is.EqualTo(e[2]).Within(1e-5 * Math.Abs(e[2])), "v(out)");
            Assert.That(rows[k][2], Is.EqualTo(e[3]).Within(1e-5 * Math.Abs(e[3]) + 1e-320), "i(v1)");
        }
        for (int k = 0; k < 7; k++)
        {
            Assert.That(rows[6 + k][0], Is.EqualTo(expectedAc.Columns[1][k]).Within(1e-5 * Math.Abs(expectedAc.Columns[1][k])));
            Assert.That(rows[6 + k][1], Is.EqualTo(expectedAc.ImaginaryColumns![1][k]).Within(1e-5 * Math.Abs(expectedAc.ImaginaryColumns[1][k])));
        }
        Assert.That(stdout, Does.Contain("x(m1)"));
        Assert.That(stdout, Does.Not.Contain("Error"));
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    /// <summary>Runs the ngspice on PATH in a directory; ignores the test when there is none.</summary>
    private static class Ngspice
    {
        private static readonly Lazy<string?> Executable = new(() =>
            (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "ngspice.exe" : "ngspice"))
                .FirstOrDefault(File.Exists));

        public static string Run(string directory, bool ascii, params string[] args)
        {
            string exe = Executable.Value ?? IgnoreMissing();
            var info = new ProcessStartInfo(exe)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in args)
                info.ArgumentList.Add(a);
            info.Environment.Remove("SPICE_ASCIIRAWFILE");
            if (ascii)
                info.Environment["SPICE_ASCIIRAWFILE"] = "1";
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(20_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("ngspice timed out");
            }
            Assert.That(process.ExitCode, Is.EqualTo(0), $"ngspice failed:\n{stdout}\n{stderr.Result}");
            return stdout + stderr.Result;
        }

        private static string IgnoreMissing()
        {
            Assert.Ignore("ngspice is not on PATH");
            return "";
        }
    }
}
