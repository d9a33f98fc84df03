using System.Diagnostics;
using System.Globalization;
using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Analyses;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Components.Memristors;

/// <summary>The YCROSSBAR array element against the same array built from single devices, a dense solve, and ngspice.</summary>
public class CrossbarTests
{
    private const int N = 3, M = 4;
    private const double Rrow = 2, Rcol = 3, Rsense = 100;

    private static MemristorModel Joglekar()
    {
        var m = new MemristorModel("mj");
        m.Set("ron", 100); m.Set("roff", 16e3); m.Set("k", 2e7);
        return m;
    }

    private static Crossbar Array(MemristorModel model) =>
        new("xb", "row", "col", model, N, M, Rrow, Rcol, new CrossbarInitialStates.Spread(0.5, 0.2, 5));

    /// <summary>Row i driven by a source, column j sensed through Rsense to ground.</summary>
    private static AnalogNN.Circuit.Circuit Drive(Func<int, Waveform?> waveform, params Element[] elements)
    {
        var c = new AnalogNN.Circuit.Circuit();
        for (int i = 0; i < N; i++) c.Add(new VoltageSource($"v{i}", $"row{i}", "0", 0.2 + 0.3 * i, waveform(i)));
        for (int j = 0; j < M; j++) c.Add(new Resistor($"rs{j}", $"col{j}", "0", Rsense));
        c.Add(elements);
        return c;
    }

    /// <summary>The crossbar's documented topology spelled out with one memristor and one resistor per segment.</summary>
    private static Element[] Discrete(Crossbar xb, MemristorModel model)
    {
        var list = new List<Element>();
        string R(int i, int j) => $"r_{i}_{j}";
        string C(int i, int j) => $"c_{i}_{j}";
        for (int i = 0; i < N; i++)
            for (int j = 0; j < M; j++)
            {
                list.Add(new Resistor($"rr{i}_{j}", j == 0 ? $"row{i}" : R(i, j - 1), R(i, j), Rrow));
                if (i > 0) list.Add(new Resistor($"rc{i}_{j}", C(i - 1, j), C(i, j), Rcol));
                list.Add(new Memristor($"xb_{i}_{j}", R(i, j), C(i, j), model, xb.States[i, j]));
            }
        for (int j = 0; j < M; j++) list.Add(new Resistor($"rt{j}", C(N - 1, j), $"col{j}", Rcol));
        return list.ToArray();
    }

    [Test]
    public void When_CrossbarOperatingPoint_Expect_DiscreteCircuitAndDenseSolve()
    {
        var model = Joglekar();
        var xb = Array(model);
        var ours = new OperatingPoint(Drive(_ => null, xb)).Run();
        var discrete = new OperatingPoint(Drive(_ => null, Discrete(xb, model))).Run();
        for (int j = 0; j < M; j++)
            Assert.That(ours[$"v(col{j})"], Is.EqualTo(discrete[$"v(col{j})"]).Within(1e-12), $"column {j}");

        // independent dense nodal analysis: in DC a linear-drift device is the resistor R(x) = RON x + ROFF (1 - x)
        int nodes = 2 * N * M + M; // row junctions, column junctions, column terminals
        int Rj(int i, int j) => i * M + j;
        int Cj(int i, int j) => N * M + i * M + j;
        int Ct(int j) => 2 * N * M + j;
        var g = Matrix<double>.Build.Dense(nodes, nodes);
        var b = Vector<double>.Build.Dense(nodes);
        void Between(int p, int q, double cond) { g[p, p] += cond; g[q, q] += cond; g[p, q] -= cond; g[q, p] -= cond; }
        void ToSource(int p, double cond, double v) { g[p, p] += cond; b[p] += cond * v; }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < M; j++)
            {
                if (j == 0) ToSource(Rj(i, 0), 1 / Rrow, 0.2 + 0.3 * i); else Between(Rj(i, j - 1), Rj(i, j), 1 / Rrow);
                if (i > 0) Between(Cj(i - 1, j), Cj(i, j), 1 / Rcol);
                double x = xb.States[i, j];
                Between(Rj(i, j), Cj(i, j), 1 / (100 * x + 16e3 * (1 - x)));
            }
        for (int j = 0; j < M; j++) { Between(Cj(N - 1, j), Ct(j), 1 / Rcol); g[Ct(j), Ct(j)] += 1 / Rsense; }
        var v = g.Solve(b);
        for (int j = 0; j < M; j++)
            Assert.That(ours[$"v(col{j})"], Is.EqualTo(v[Ct(j)]).Within(1e-12 + 1e-9 * Math.Abs(v[Ct(j)])), $"dense column {j}");
    }

    [Test]
    public void When_CrossbarTransient_Expect_DiscreteCircuitStatesAndCurrents()
    {
        var model = Joglekar();
        var xb = Array(model);
        Waveform Sine(int i) => new SineWaveform(0, 1.2 - 0.2 * i, 20e3 * (i + 1));
        var a = new RecordingOutput();
        var b = new RecordingOutput();
        new Transient(Drive(Sine, xb), new TransientSpec(0.5e-6, 100e-6)).Run(a);
        new Transient(Drive(Sine, Discrete(xb, model)), new TransientSpec(0.5e-6, 100e-6)).Run(b);
        Assert.That(a.Column("time"), Is.EqualTo(b.Column("time")).Within(1e-18));
        double moved = 0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < M; j++)
            {
                var xa = a.Column($"x(xb_{i}_{j})");
                var xd = b.Column($"x(xb_{i}_{j})");
                for (int k = 0; k < xa.Length; k++) Assert.That(xa[k], Is.EqualTo(xd[k]).Within(1e-10));
                moved = Math.Max(moved, xa.Max() - xa.Min());
            }
        for (int j = 0; j < M; j++)
        {
            var va = a.Column($"v(col{j})");
            var vd = b.Column($"v(col{j})");
            for (int k = 0; k < va.Length; k++) Assert.That(va[k], Is.EqualTo(vd[k]).Within(1e-10));
        }
        Assert.That(moved, Is.GreaterThan(0.01));
        Assert.That(xb.States.LastX[0], Is.EqualTo(a.Column("x(xb_0_0)")[^1]));
    }

    [Test]
    public void When_CrossbarCardWithFiles_Expect_StatesReadAndFinalStatesWritten()
    {
        string dir = Path.Combine(Path.GetTempPath(), "analognn-xb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "x0.csv"), "0.1,0.2\n0.3,0.4\n");
            string deck = Path.Combine(dir, "xb.cir");
            File.WriteAllText(deck, """
                * crossbar with state files
                .model mj MEMRISTOR(LEVEL=JOGLEKAR RON=100 ROFF=16k K=2e7)
                V0 in0 0 SIN(0 1 20k)
                V1 in1 0 SIN(0 -1 20k)
                YCROSSBAR xb in out mj ROWS=2 COLS=2 RROW=1 RCOL=1 X0FILE="x0.csv" XOUT="final.csv"
                R0 out0 0 100
                R1 out1 0 100
                .tran 1u 50u
                .end
                """);
            var job = NetlistJob.Load(deck);
            var rec = new WaveformRecorder();
            job.Run(rec);
            var t = rec.Find("tran")!;
            Assert.That(t.Columns[t.IndexOf("x(xb_1_0)")][0], Is.EqualTo(0.3));
            var final = File.ReadAllLines(Path.Combine(dir, "final.csv")).Select(l => l.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            Assert.That(final, Has.Length.EqualTo(2));
            Assert.That(final[1][1], Is.EqualTo(t.Columns[t.IndexOf("x(xb_1_1)")][^1]));
            Assert.That(final[0][0], Is.Not.EqualTo(0.1));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string RefFolder => Path.Combine(TestContext.CurrentContext.TestDirectory, "MemristorReference");

    /// <summary>
    /// gen_crossbar.py's N×N crossbar (Joglekar, 1 Ω wire segments, pulse-driven rows, 100 Ω column
    /// sense) as YMEMRISTOR elements against ngspice 39 running the B-source/1 F-capacitor idiom
    /// (make-crossbar-reference.sh): every column voltage and every state within 1e-3 of its full
    /// scale on the 1 µs grid.
    /// </summary>
    [TestCase(8)]
    [TestCase(16, Category = "Slow")]
    public void When_GenCrossbarThroughAnalogNN_Expect_NgspiceWithin1e3OfFullScale(int n)
    {
        var sw = Stopwatch.StartNew();
        var job = NetlistJob.Load(Path.Combine(RefFolder, $"crossbar{n}.cir"));
        var rec = new WaveformRecorder();
        job.Run(rec);
        double seconds = sw.Elapsed.TotalSeconds;
        var ours = rec.Find("tran")!;
        var lines = File.ReadAllLines(Path.Combine(RefFolder, $"crossbar{n}.tran.csv"));
        var names = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var time = ours.Columns[0];
        double worstColumn = 0, worstState = 0;
        for (int c = 1; c < names.Length; c++)
        {
            var col = ours.Columns[ours.IndexOf(names[c])];
            double lo = rows.Min(r => r[c]), hi = rows.Max(r => r[c]), fs = hi - lo > 0 ? hi - lo : Math.Max(Math.Abs(hi), 1e-30);
            double err = 0;
            // t = 0 is left out: ngspice writes its first solved point there (t ≈ 1 ns, where the column
            // voltages already move by ≈ 1.6e-4 V per ns), AnalogNN the consistent t = 0 point
            foreach (var r in rows.Where(r => r[0] > 0)) err = Math.Max(err, Math.Abs(Interpolate(time, col, r[0]) - r[c]) / fs);
            if (names[c].StartsWith("x(")) worstState = Math.Max(worstState, err); else worstColumn = Math.Max(worstColumn, err);
        }
        TestContext.Out.WriteLine($"{n}x{n}: worst column error {worstColumn:E2}, worst state error {worstState:E2} of full scale; AnalogNN {seconds:F2} s");
        Assert.That(worstColumn, Is.LessThan(1e-3));
        Assert.That(worstState, Is.LessThan(1e-3));
    }

    /// <summary>
    /// The same crossbar in ngspice's dialect (B sources and 1 F state capacitors in a subcircuit)
    /// runs unchanged through AnalogNN and agrees with the native YMEMRISTOR deck: column voltages and
    /// states (x(xi_j) against v(xi_j.x)) within 1e-3 of full scale.
    /// </summary>
    [Test]
    public void When_BehaviouralCrossbarRunsThroughAnalogNN_Expect_NativeCrossbarWaveforms()
    {
        var native = new WaveformRecorder();
        NetlistJob.Load(Path.Combine(RefFolder, "crossbar8.cir")).Run(native);
        var behavioural = new WaveformRecorder();
        NetlistJob.Load(Path.Combine(RefFolder, "crossbar8.ngspice.cir")).Run(behavioural);
        var a = native.Find("tran")!;
        var b = behavioural.Find("tran")!;
        double worst = 0;
        int compared = 0;
        for (int k = 1; k < a.Signals.Count; k++)
        {
            string name = a.Signals[k].Name;
            string other = name.StartsWith("x(m") ? $"v(x{name[3..^1]}.x)" : name; // YMEMRISTOR Mi_j is subcircuit Xi_j
            int j = b.IndexOf(other);
            if (j < 0 || !(name.StartsWith("x(") || name.StartsWith("v(c7_"))) continue;
            var ya = a.Columns[k];
            double lo = ya.Min(), hi = ya.Max(), fs = hi - lo > 0 ? hi - lo : Math.Max(Math.Abs(hi), 1e-30);
            for (int p = 0; p < a.Columns[0].Length; p++)
                worst = Math.Max(worst, Math.Abs(Interpolate(b.Columns[0], b.Columns[j], a.Columns[0][p]) - ya[p]) / fs);
            compared++;
        }
        Assert.That(compared, Is.EqualTo(8 * 8 + 8), "every state and every column's sense node");
        Assert.That(worst, Is.LessThan(1e-3));
    }

    private static double Interpolate(double[] t, double[] y, double at)
    {
        int k = System.Array.BinarySearch(t, at);
        if (k >= 0) return y[k];
        k = ~k;
        if (k == 0) return y[0];
        if (k >= t.Length) return y[^1];
        double a = (at - t[k - 1]) / (t[k] - t[k - 1]);
        return y[k - 1] + a * (y[k] - y[k - 1]);
    }
}

/// <summary>The stamp and the fast-mode programming path do not allocate.</summary>
public class MemristorAllocationTests
{
    [Test]
    public void When_CrossbarLoadedAndProgrammed_Expect_NoAllocation()
    {
        var model = new MemristorModel("mj");
        var c = new AnalogNN.Circuit.Circuit();
        c.Add(new VoltageSource("v0", "in0", "0", 1));
        var xb = new Crossbar("xb", "in", "out", model, 8, 8, 1, 1);
        c.Add(xb);
        var system = new AnalogNN.Solvers.MnaSystem(c, new AnalogNN.Circuit.SimulationOptions());
        var behavior = system.FindBehavior("xb")!;
        behavior.Load(system.Context);
        xb.States.ApplyPulse(PulseTarget.All, 1, 1e-6);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) behavior.Load(system.Context);
        for (int k = 0; k < 10; k++) xb.States.ApplyPulse(PulseTarget.OfRow(k % 8), 1, 1e-6);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }
}

/// <summary>The network-level crossbar DC solver against the MNA operating point of the same YCROSSBAR.</summary>
public class CrossbarDcSolverTests
{
    [TestCase(MemristorLevel.Joglekar, 2.0, 3.0, 100.0)]
    [TestCase(MemristorLevel.Joglekar, 1.0, 1.0, 0.0)]
    [TestCase(MemristorLevel.Joglekar, 0.0, 2.0, 50.0)]
    [TestCase(MemristorLevel.Joglekar, 2.0, 0.0, 50.0)]
    [TestCase(MemristorLevel.Yakopcic, 1.0, 1.0, 10.0)]
    public void When_DcSolvedAtNetworkLevel_Expect_MnaOperatingPoint(MemristorLevel level, double rrow, double rcol, double rsense)
    {
        const int n = 7, m = 5;
        var model = new MemristorModel("mm", level);
        var xb = new Crossbar("xb", "in", "out", model, n, m, rrow, rcol, new CrossbarInitialStates.Spread(0.5, 0.25, 2));
        var c = new AnalogNN.Circuit.Circuit();
        double[] rows = Enumerable.Range(0, n).Select(i => 0.3 + 0.4 * i).ToArray();
        for (int i = 0; i < n; i++) c.Add(new VoltageSource($"v{i}", $"in{i}", "0", rows[i]));
        for (int j = 0; j < m; j++)
            if (rsense > 0) c.Add(new Resistor($"rs{j}", $"out{j}", "0", rsense));
            else c.Add(new VoltageSource($"vs{j}", $"out{j}", "0", 0));
        c.Add(xb);
        var op = new OperatingPoint(c, new AnalogNN.Circuit.SimulationOptions { RelTol = 1e-9, AbsTol = 1e-15, VnTol = 1e-12 }).Run();
        var solver = new CrossbarDcSolver(xb.States, rrow, rcol, rsense);
        var currents = new double[m];
        solver.Solve(rows, currents);
        for (int j = 0; j < m; j++)
        {
            double expected = rsense > 0 ? op[$"v(out{j})"] / rsense : op[$"i(vs{j})"];
            Assert.That(currents[j], Is.EqualTo(expected).Within(1e-9 * Math.Abs(expected) + 1e-15), $"column {j} ({solver.Sweeps} sweeps)");
        }
    }
}
