using System.Diagnostics;
using System.Globalization;
using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Semiconductors;
using AnalogNN.Components.Sources;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

// Memristor figures and benchmarks (outside the test run).
//   memristor-bench figures OUTDIR                       SVG figures of docs/memristors.md
//   memristor-bench tran GEN_CROSSBAR_PY N... [--ngspice] [OPTION=VALUE...]
//                                                        gen_crossbar.py crossbars through AnalogNN (and ngspice), with .options values (chord=0, ordering=nd)
//   memristor-bench dc N...                              DC solve of an N×N YCROSSBAR with wire resistance
//   memristor-bench cell OUTDIR                          1T1R compliance figures and fast-mode timing
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "figures": Figures.All(args.Length > 1 ? args[1] : "docs/figures"); Figures.Cell(args.Length > 1 ? args[1] : "docs/figures"); break;
    case "cell": Figures.Cell(args.Length > 1 ? args[1] : "docs/figures"); break;
    case "tran": Bench.Transient(args[1], args.Skip(2).Where(a => !a.StartsWith("--") && !a.Contains('=')).Select(int.Parse).ToArray(), args.Contains("--ngspice"),
        args.Where(a => a.Contains('=')).ToArray()); break;
    case "dc": Bench.Dc(args.Skip(1).Select(int.Parse).ToArray()); break;
    case "dcfast": Bench.DcFast(args.Skip(1).Select(int.Parse).ToArray()); break;
    default: Console.Error.WriteLine("usage: memristor-bench figures OUTDIR | tran GEN_CROSSBAR_PY N... [--ngspice] | dc N..."); return 2;
}
return 0;

internal static class Bench
{
    private static string Run(string file, string arguments, out double seconds)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["SPICE_ASCIIRAWFILE"] = "1";
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        seconds = sw.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed");
        return output;
    }

    public static void Transient(string generator, int[] sizes, bool ngspice, string[] settings)
    {
        var options = new SimulationOptions();
        foreach (string setting in settings)
        {
            var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            bool ok = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? options.TrySet(name, number) : options.TrySet(name, value);
            if (!ok) throw new ArgumentException($"unknown option {setting}");
        }
        string dir = Path.Combine(Path.GetTempPath(), "analognn-xbench");
        Directory.CreateDirectory(dir);
        Console.WriteLine("N\tunknowns\tLU_nnz\treorders\tpoints\titerations\tfactorizations\tchord_its\tAnalogNN_s\tms/step\tus/iter\tload%\tfactor%\tsolve%\tngspice_s\tspeedup\tworst_err");
        foreach (int n in sizes)
        {
            string deck = Path.Combine(dir, $"an{n}.cir");
            File.WriteAllText(deck, Run("python3", $"{generator} {n} {n} 200u --dialect analognn", out _));
            var job = NetlistJob.Load(deck);
            var circuit = job.CircuitOf();
            var sw = Stopwatch.StartNew();
            var tran = new Transient(circuit, new TransientSpec(0.1e-6, 200e-6, UseIc: true), options);
            var rec = new WaveformRecorder();
            tran.Run(rec);
            double ours = sw.Elapsed.TotalSeconds;
            var st = tran.Statistics!;
            double total = st.LoadTicks + st.FactorTicks + st.SolveTicks;
            string ng = "-", speed = "-", err = "-";
            if (ngspice)
            {
                string ngDeck = Path.Combine(dir, $"ng{n}.cir"), raw = Path.Combine(dir, $"ng{n}.raw");
                File.WriteAllText(ngDeck, Run("python3", $"{generator} {n} {n} 200u --dialect ngspice", out _));
                Run("ngspice", $"-b -r {raw} {ngDeck}", out double ngs);
                var reference = RawFileReader.Read(raw).First(t => t.PlotName.StartsWith("Transient", StringComparison.OrdinalIgnoreCase));
                var ourTable = rec.Find("tran")!;
                double worst = 0;
                foreach (var (a, b) in Enumerable.Range(0, n).Select(j => ($"v(c{n - 1}_{j})", $"v(c{n - 1}_{j})"))
                    .Concat(Enumerable.Range(0, n * n).Select(k => ($"v(x{k / n}_{k % n}.x)", $"x(m{k / n}_{k % n})"))))
                {
                    var rt = reference.Columns[0];
                    var ry = reference.Columns[reference.IndexOf(a)];
                    int first = Array.FindIndex(rt, t => t >= 1e-8);
                    worst = Math.Max(worst, WaveformComparison.RelativeError(rt.AsSpan(first), ry.AsSpan(first), ourTable.Columns[0], ourTable.Columns[ourTable.IndexOf(b)]));
                }
                ng = ngs.ToString("F2");
                speed = (ngs / ours).ToString("F1");
                err = worst.ToString("E2");
            }
            Console.WriteLine($"{n}\t{tran.System!.Size}\t{st.FactorNonZeros}\t{st.Reorders}\t{st.TimePoints}\t{st.Iterations}\t{st.Factorizations}\t{st.ChordIterations}\t{ours:F2}\t{1e3 * ours / st.TimePoints:F3}\t{1e6 * ours / st.Iterations:F1}\t"
                + $"{100 * st.LoadTicks / total:F0}\t{100 * st.FactorTicks / total:F0}\t{100 * st.SolveTicks / total:F0}\t{ng}\t{speed}\t{err}");
        }
    }

    /// <summary>
    /// Network-level DC solve (CrossbarDcSolver) of an N×N Joglekar crossbar, 1 Ω wire segments, 10 Ω sense, rows at 0.2 V.
    /// Each size is solved <c>repeat</c> times, every time by a new solver from a cold start (column lines at 0 V); the
    /// minimum, median and maximum solve times are printed.
    /// </summary>
    public static void DcFast(int[] sizes, int repeat = 5)
    {
        Console.WriteLine("N\tdevices\tCG_iterations\tsolve_s_min\tsolve_s_median\tsolve_s_max\tmin_col_A\tmax_col_A");
        var warm = new double[4];
        new CrossbarDcSolver(new MemristorArray("w", new MemristorModel("mj"), 4, 4), 1, 1, 10).Solve(Enumerable.Repeat(0.2, 4).ToArray(), warm); // JIT
        foreach (int n in sizes)
        {
            var a = new MemristorArray("xb", new MemristorModel("mj"), n, n);
            a.Randomize(0.5, 0.2, 1);
            var rows = Enumerable.Repeat(0.2, n).ToArray();
            var cols = new double[n];
            var times = new double[repeat];
            int sweeps = 0;
            for (int r = 0; r < repeat; r++)
            {
                var solver = new CrossbarDcSolver(a, 1, 1, 10);
                var sw = Stopwatch.StartNew();
                solver.Solve(rows, cols);
                times[r] = sw.Elapsed.TotalSeconds;
                sweeps = solver.Sweeps;
            }
            Array.Sort(times);
            Console.WriteLine($"{n}\t{n * n}\t{sweeps}\t{times[0]:F4}\t{times[repeat / 2]:F4}\t{times[^1]:F4}\t{cols.Min():G4}\t{cols.Max():G4}");
        }
    }

    public static void Dc(int[] sizes)
    {
        Console.WriteLine("N\tunknowns\tsetup_s\tsolve_s\tmin_col_V\tmax_col_V");
        foreach (int n in sizes)
        {
            var model = new MemristorModel("mj");
            var sw = Stopwatch.StartNew();
            var c = new AnalogNN.Circuit.Circuit();
            for (int i = 0; i < n; i++) c.Add(new VoltageSource($"v{i}", $"in{i}", "0", 0.2));
            for (int j = 0; j < n; j++) c.Add(new Resistor($"rs{j}", $"out{j}", "0", 10));
            c.Add(new Crossbar("xb", "in", "out", model, n, n, 1, 1, new CrossbarInitialStates.Spread(0.5, 0.2, 1)));
            var op = new OperatingPoint(c) { Saves = Enumerable.Range(0, n).Select(j => $"v(out{j})").ToArray() };
            double setup = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var r = op.Run();
            double solve = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"{n}\t{2 * n * n + n * n + 3 * n}\t{setup:F3}\t{solve:F3}\t{r.Values.Min():G4}\t{r.Values.Max():G4}");
        }
    }
}

internal static class Figures
{
    private static PlotModel Model(string title, string x, string y)
    {
        var m = new PlotModel { Title = title, Background = OxyColors.White, DefaultFont = "DejaVu Sans" };
        m.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = x, MajorGridlineStyle = LineStyle.Dot });
        m.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = y, MajorGridlineStyle = LineStyle.Dot });
        m.Legends.Add(new Legend { LegendPosition = LegendPosition.TopLeft, LegendBackground = OxyColor.FromAColor(200, OxyColors.White) });
        return m;
    }

    private static void Save(PlotModel m, string dir, string name)
    {
        using var s = File.Create(Path.Combine(dir, name));
        new SvgExporter { Width = 640, Height = 420 }.Export(m, s);
        if (Environment.GetEnvironmentVariable("MEMRISTOR_BENCH_PNG") == "1")
        {
            using var png = File.Create(Path.Combine(dir, Path.ChangeExtension(name, ".png")));
            new OxyPlot.SkiaSharp.PngExporter { Width = 640, Height = 420 }.Export(m, png);
        }
        Console.WriteLine(Path.Combine(dir, name));
    }

    private sealed class Recorder : ISimulationOutput
    {
        public List<string> Names = new();
        public List<double[]> Rows = new();
        public void BeginPlot(PlotHeader header) => Names = header.Signals.Select(s => s.Name).ToList();
        public void WriteRow(ReadOnlySpan<double> values) => Rows.Add(values.ToArray());
        public void EndPlot() { }
        public double[] Column(string name) { int k = Names.IndexOf(name); return Rows.Select(r => r[k]).ToArray(); }
    }

    private static MemristorModel Make(MemristorLevel level, params (string, double)[] p)
    {
        var m = new MemristorModel("m", level);
        foreach (var (k, v) in p) m.Set(k, v);
        return m;
    }

    public static void All(string dir)
    {
        Directory.CreateDirectory(dir);
        var hysteresis = new (string Name, MemristorModel Model, double A, double F, double X0)[]
        {
            ("Joglekar (RON=100, ROFF=16k, K=2e7, P=1)", Make(MemristorLevel.Joglekar, ("k", 2e7)), 1.2, 10e3, 0.5),
            ("Biolek (RON=100, ROFF=16k, K=2e7, P=1)", Make(MemristorLevel.Biolek, ("k", 2e7)), 1.2, 10e3, 0.5),
            ("Prodromakis (K=2e7, P=2, J=1)", Make(MemristorLevel.Prodromakis, ("k", 2e7), ("p", 2)), 1.2, 10e3, 0.5),
            ("TEAM (RON=100, ROFF=10k, KOFF=4e-9, IOFF=ION=20u, WT=0)", Make(MemristorLevel.Team, ("ron", 100), ("roff", 10e3), ("koff", 4e-9), ("kon", -4e-9), ("ioff", 2e-5), ("ion", 2e-5), ("wt", 0)), 1.0, 1e3, 0.5),
            ("Yakopcic (published set)", Make(MemristorLevel.Yakopcic), 1.0, 1e3, 0.1),
            ("PULSE (beta=3, TMAX=1ms, VSET=VRESET=1)", Make(MemristorLevel.Pulse, ("tmax", 1e-3)), 1.5, 1e3, 0.5),
            ("RRAM (TAUSET=TAURESET=1ms, V0=0.1)", Make(MemristorLevel.Rram, ("tauset", 1e-3), ("taureset", 1e-3)), 1.3, 1e3, 0.5),
        };
        foreach (var h in hysteresis)
        {
            var m = Model($"{h.Name.Split(" (")[0]}: sine {h.A} V", "v (V)", "i (mA)");
            m.Subtitle = h.Name.Contains(" (") ? h.Name[(h.Name.IndexOf(" (") + 1)..] : "";
            foreach (int k in new[] { 1, 4, 16 })
            {
                double f = h.F * k;
                var c = new AnalogNN.Circuit.Circuit();
                c.Add(new VoltageSource("v1", "a", "0", 0, new SineWaveform(0, h.A, f)));
                c.Add(new Memristor("m1", "a", "0", h.Model, h.X0));
                var r = new Recorder();
                new Transient(c, new TransientSpec(1 / (400 * f), 2 / f, MaxStep: 1 / (400 * f))).Run(r);
                var v = r.Column("v(a)");
                var i = r.Column("i(v1)");
                var s = new LineSeries { Title = $"f = {f / 1e3:G3} kHz" };
                for (int p = 0; p < v.Length; p++) s.Points.Add(new DataPoint(v[p], -1e3 * i[p]));
                m.Series.Add(s);
            }
            Save(m, dir, "hysteresis-" + h.Name.Split(' ')[0].ToLowerInvariant() + ".svg");
        }

        // Thesis Fig. 1.2: conductance vs pulse number, 100 potentiation then 100 depression pulses of Δt_max/100
        var fig = Model("PULSE model: G vs pulse number (Δt = Δt_max/100)", "pulse number", "G / GMAX");
        foreach (double beta in new[] { 0.005, 3.0 })
        {
            var a = new MemristorArray("d", Make(MemristorLevel.Pulse, ("beta", beta)), 1, 1, 0);
            fig.Series.Add(Train(a, 0, $"β = {beta}", 1e-4));
        }
        Save(fig, dir, "pulse-beta.svg");
        var c2c = Model("PULSE β = 0.005: cycle-to-cycle ε_intra = 0.006", "pulse number", "G / GMAX");
        var d2d = Model("PULSE β = 0.005: device-to-device ε_inter = 1", "pulse number", "G / GMAX");
        var spreadC = new MemristorArray("c2c", Make(MemristorLevel.Pulse, ("beta", 0.005), ("cvar", 0.006), ("seed", 1)), 1, 5, 0);
        var spreadD = new MemristorArray("d2d", Make(MemristorLevel.Pulse, ("beta", 0.005), ("dvar", 1), ("seed", 1)), 1, 5, 0);
        for (int k = 0; k < 5; k++)
        {
            c2c.Series.Add(Train(spreadC, k, $"run {k + 1}", 1e-4));
            d2d.Series.Add(Train(spreadD, k, $"device {k + 1}", 1e-4));
        }
        Save(c2c, dir, "pulse-c2c.svg");
        Save(d2d, dir, "pulse-d2d.svg");

        // RRAM: state after one pulse vs amplitude and width (no change below threshold)
        var rr = Model("RRAM: x after one set pulse from x = 0", "amplitude (V)", "x");
        rr.Subtitle = "VSET = 1 V, V0 = 0.1 V, TAUSET = 1 µs";
        var rk = Make(MemristorLevel.Rram).CreateKernel();
        foreach (double w in new[] { 1e-8, 1e-7, 1e-6, 1e-5 })
        {
            var s = new LineSeries { Title = $"width {w * 1e6:G3} µs" };
            for (double v = 0.8; v <= 1.6001; v += 0.01) s.Points.Add(new DataPoint(v, rk.Pulse(0, v, w, 1, 1)));
            rr.Series.Add(s);
        }
        Save(rr, dir, "rram-pulse.svg");
    }

    /// <summary>
    /// 1T1R compliance (docs/memristors.md §10): the same SET pulse (TE 1.6 V, 1 µs, from x = 0) at five gate
    /// voltages — final conductance vs gate (fast mode, transient, I_sat/VSET) and the transient cell current.
    /// Prints the fast-mode cost per pulse.
    /// </summary>
    public static void Cell(string dir)
    {
        Directory.CreateDirectory(dir);
        var rram = Make(MemristorLevel.Rram, ("gon", 2e-4), ("goff", 2e-6), ("vset", 0.6), ("vreset", 0.6), ("v0", 0.15), ("tauset", 1e-6), ("taureset", 1e-6));
        var nmos = new MosfetModel("nch", false);
        nmos.Set("vto", 0.5);
        nmos.Set("kp", 1e-4);
        var geo = new MosfetGeometry(W: 0.4e-6, L: 0.1e-6);
        const double vte = 1.6, width = 1e-6, beta = 4e-4;
        double[] gates = [0.8, 0.9, 1.0, 1.1, 1.2];
        var g = Model("1T1R SET compliance: TE 1.6 V, 1 µs, x0 = 0 (VTO 0.5 V, β 400 µA/V², VSET 0.6 V)", "gate voltage (V)", "final conductance (µS)");
        var fast = new ScatterSeries { Title = "fast mode", MarkerType = MarkerType.Circle, MarkerSize = 5 };
        var tran = new ScatterSeries { Title = "transient", MarkerType = MarkerType.Cross, MarkerSize = 7, MarkerStroke = OxyColors.Black };
        var ideal = new LineSeries { Title = "I_sat / VSET = β(VG − VTO)²/(2·VSET)", LineStyle = LineStyle.Dash };
        var cur = Model("1T1R SET: cell current i(c1) under the same pulse (dashed: β/2·(VG − VTO)²)", "time (µs)", "i (µA)");
        for (double vg = 0.75; vg <= 1.2501; vg += 0.01) ideal.Points.Add(new DataPoint(vg, 1e6 * beta / 2 * (vg - 0.5) * (vg - 0.5) / 0.6));
        foreach (double vg in gates)
        {
            var cf = new OneTransistorOneResistor("c1", "te", "g", "0", null, rram, nmos, geo, 0);
            cf.ApplyPulse(vte, vg, width);
            fast.Points.Add(new ScatterPoint(vg, 1e6 * cf.States.Conductance(0, 0)));
            var ct = new OneTransistorOneResistor("c1", "te", "g", "0", null, rram, nmos, geo, 0);
            var c = new AnalogNN.Circuit.Circuit();
            c.Add(new VoltageSource("vte", "te", "0", 0, new PwlWaveform([0, 1e-9, width - 1e-9, width], [0, vte, vte, 0])));
            c.Add(new VoltageSource("vg", "g", "0", vg));
            c.Add(ct);
            var r = new Recorder();
            new Transient(c, new TransientSpec(width / 400, width, MaxStep: width / 400)).Run(r);
            double gt = 2e-6 + (2e-4 - 2e-6) * ct.States.LastX[0]; // a transient leaves States.X alone; LastX is its final state
            tran.Points.Add(new ScatterPoint(vg, 1e6 * gt));
            var s = new LineSeries { Title = $"VG = {vg:F1} V" };
            var t = r.Column("time");
            var i = r.Column("i(c1)");
            for (int k = 0; k < t.Length; k++) s.Points.Add(new DataPoint(1e6 * t[k], 1e6 * i[k]));
            cur.Series.Add(s);
            double isat = 1e6 * beta / 2 * (vg - 0.5) * (vg - 0.5);
            cur.Series.Add(new LineSeries { LineStyle = LineStyle.Dash, Color = OxyColors.Gray, Points = { new DataPoint(0, isat), new DataPoint(1e6 * width, isat) } });
            Console.WriteLine($"VG={vg:F1}  Isat={isat:F3} uA  G_fast={1e6 * cf.States.Conductance(0, 0):F4} uS  G_tran={1e6 * gt:F4} uS  x_fast={cf.States.X[0]:F5} x_tran={ct.States.LastX[0]:F5}");
        }
        g.Series.Add(ideal);
        g.Series.Add(fast);
        g.Series.Add(tran);
        Save(g, dir, "1t1r-compliance.svg");
        Save(cur, dir, "1t1r-set-current.svg");

        foreach (double dx in new[] { 2e-4, 1e-3, 4e-3, 1e-2 })
            foreach (double vg in gates)
            {
                var cc = new OneTransistorOneResistor("c1", "te", "g", "0", null, rram, nmos, geo, 0) { MaxStateStep = dx };
                var res = cc.ApplyPulse(vte, vg, width);
                Console.WriteLine($"MaxStateStep={dx:G3} VG={vg:F1} x={res.StateAfter:F6} E={res.Energy:G6} steps={res.Steps}");
            }
        // fast-mode cost: 1000 SET pulses of 1 µs at VG = 1 V from x = 0 (each from a fresh state)
        var cell = new OneTransistorOneResistor("c1", "te", "g", "0", null, rram, nmos, geo, 0);
        var sw = Stopwatch.StartNew();
        int steps = 0;
        for (int k = 0; k < 1000; k++)
        {
            cell.States.X[0] = 0;
            steps += cell.ApplyPulse(vte, 1.0, width).Steps;
        }
        Console.WriteLine($"fast mode: {sw.Elapsed.TotalMilliseconds / 1000 * 1e3:F1} us per full SET pulse ({steps / 1000} steps each)");
        sw.Restart();
        for (int k = 0; k < 1000; k++) cell.ApplyPulse(0.2, 1.0, width);
        Console.WriteLine($"fast mode: {sw.Elapsed.TotalMilliseconds / 1000 * 1e3:F1} us per read-level pulse (no state change)");
    }

    private static LineSeries Train(MemristorArray a, int j, string title, double width)
    {
        var s = new LineSeries { Title = title };
        double gmin = a.Model["gmin"], gmax = a.Model["gmax"];
        double G() => (gmin + (gmax - gmin) * a.X[j]) / gmax;
        s.Points.Add(new DataPoint(0, G()));
        for (int p = 1; p <= 200; p++)
        {
            a.ApplyPulse(PulseTarget.Device(0, j), p <= 100 ? 2 : -2, 0.01 * a.Model["tmax"]);
            s.Points.Add(new DataPoint(p, G()));
        }
        return s;
    }
}
