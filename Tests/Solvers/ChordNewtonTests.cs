using AnalogNN.Circuit;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Tests.Solvers;

/// <summary>
/// Chord Newton and the condensation of memristor states on gen_crossbar.py's 8×8 crossbar
/// (Tests/Components/Memristors/Reference/crossbar8.cir): the same waveforms as plain full Newton on
/// the whole matrix, far fewer factorizations, and counters that say what was skipped.
/// </summary>
public class ChordNewtonTests
{
    private static string Deck => Path.Combine(TestContext.CurrentContext.TestDirectory, "MemristorReference", "crossbar8.cir");

    private static (WaveformTable Table, AnalogNN.Solvers.Newton.EngineStatistics Stats) Run(SimulationOptions options)
    {
        var circuit = NetlistJob.Load(Deck).CircuitOf();
        var tran = new Transient(circuit, new TransientSpec(0.1e-6, 200e-6, UseIc: true), options);
        var rec = new WaveformRecorder();
        tran.Run(rec);
        return (rec.Find("tran")!, tran.Statistics!);
    }

    private static double WorstDifference(WaveformTable reference, WaveformTable candidate, out string where)
    {
        double worst = 0;
        where = "";
        var rt = reference.Columns[0];
        for (int c = 1; c < reference.Columns.Count; c++)
        {
            var r = reference.Columns[c];
            var y = candidate.Columns[candidate.IndexOf(reference.Signals[c].Name)];
            double fs = Math.Max(r.Max() - r.Min(), 1e-30);
            var t = candidate.Columns[0];
            for (int k = 0; k < rt.Length; k++)
            {
                int j = Array.BinarySearch(t, rt[k]);
                double v = j >= 0 ? y[j] : Interpolate(t, y, ~j, rt[k]);
                double e = Math.Abs(v - r[k]) / fs;
                if (e > worst) { worst = e; where = $"{reference.Signals[c].Name} at {rt[k]:G4} s"; }
            }
        }
        return worst;
    }

    private static double Interpolate(double[] t, double[] y, int hi, double at)
    {
        if (hi <= 0) return y[0];
        if (hi >= t.Length) return y[^1];
        double w = (at - t[hi - 1]) / (t[hi] - t[hi - 1]);
        return y[hi - 1] + w * (y[hi] - y[hi - 1]);
    }

    [Test]
    public void When_ChordNewtonOnCondensedCrossbar_Expect_FullNewtonWaveformsWithFewFactorizations()
    {
        var (full, fullStats) = Run(new SimulationOptions { ChordNewton = false, CondenseStates = false });
        var (chord, chordStats) = Run(new SimulationOptions());
        double worst = WorstDifference(full, chord, out string where);
        TestContext.Out.WriteLine($"full Newton: {fullStats.Iterations} iterations, {fullStats.Factorizations} factorizations; chord: {chordStats.Iterations} iterations, "
            + $"{chordStats.Factorizations} factorizations, {chordStats.ChordIterations} chord iterations; worst difference {worst:E2} of full scale ({where})");
        // both agree with ngspice within 3e-4 of full scale (CrossbarTests); they must agree with each other far better than the 1e-3 goal
        Assert.That(worst, Is.LessThan(2e-4));
        Assert.That(chordStats.CondensedUnknowns, Is.EqualTo(64));
        Assert.That(fullStats.CondensedUnknowns, Is.EqualTo(0));
        Assert.That(fullStats.ChordIterations, Is.EqualTo(0));
        Assert.That(fullStats.Factorizations + fullStats.FactorizationsSkipped, Is.EqualTo(fullStats.Iterations));
        Assert.That(chordStats.ChordIterations + chordStats.Factorizations + chordStats.FactorizationsSkipped, Is.EqualTo(chordStats.Iterations),
            "every iteration either factors, reuses an identical factorization or is a chord iteration");
        Assert.That(chordStats.Factorizations, Is.LessThan(chordStats.Iterations / 20));
        Assert.That(chordStats.Iterations, Is.LessThan(1.3 * fullStats.Iterations), "chord iterations must converge nearly as fast");
    }

    [Test]
    public void When_StatesCondensedWithFullNewton_Expect_SameWaveformsAsWholeMatrix()
    {
        // condensation alone is the same linear solve: the Newton iterates agree to rounding
        var (whole, wholeStats) = Run(new SimulationOptions { ChordNewton = false, CondenseStates = false });
        var (condensed, stats) = Run(new SimulationOptions { ChordNewton = false });
        Assert.That(stats.CondensedUnknowns, Is.EqualTo(64));
        // the statistics describe the factorization that ran: the smaller condensed system's
        TestContext.Out.WriteLine($"operations per factorization: whole {wholeStats.FactorOperations}, condensed {stats.FactorOperations}; L+U {wholeStats.FactorNonZeros}, {stats.FactorNonZeros}");
        Assert.That(stats.FactorOperations, Is.GreaterThan(0).And.LessThan(wholeStats.FactorOperations));
        Assert.That(stats.FactorNonZeros, Is.GreaterThan(0).And.LessThan(wholeStats.FactorNonZeros));
        Assert.That(stats.ChordIterations, Is.EqualTo(0));
        Assert.That(WorstDifference(whole, condensed, out string where), Is.LessThan(1e-9), where);
    }

    [Test]
    public void When_ChordIterationsStartFromExtrapolation_Expect_SameWaveformsInFewerIterations()
    {
        // on the PULSE ramps every node moves about as much as in the last step: the extrapolated start
        // leaves chord Newton a small first update, and its linear convergence then passes the test at
        // the second iteration; the equations and the acceptance rules are unchanged
        var (plain, plainStats) = Run(new SimulationOptions { ChordPredict = false });
        var (predicted, stats) = Run(new SimulationOptions());
        double worst = WorstDifference(plain, predicted, out string where);
        TestContext.Out.WriteLine($"last point: {plainStats.Iterations} iterations, {plainStats.Factorizations} factorizations; "
            + $"extrapolated: {stats.Iterations} iterations, {stats.Factorizations} factorizations; worst difference {worst:E2} of full scale ({where})");
        Assert.That(worst, Is.LessThan(1e-4), where);
        Assert.That(stats.TimePoints, Is.EqualTo(plainStats.TimePoints));
        Assert.That(stats.Iterations, Is.LessThan(0.9 * plainStats.Iterations));
        Assert.That(stats.Iterations, Is.LessThan(2.2 * stats.TimePoints));
    }

    [TestCase("chord", 0.0)]
    [TestCase("condense", 0.0)]
    [TestCase("chordchange", 0.01)]
    [TestCase("chordrate", 0.5)]
    [TestCase("chordaccept", 0.2)]
    [TestCase("chorditl", 5.0)]
    [TestCase("chordpredict", 0.0)]
    public void When_ChordOptionSet_Expect_OptionsChange(string name, double value)
    {
        var o = new SimulationOptions();
        Assert.That(o.TrySet(name, value), Is.True);
        double read = name switch
        {
            "chord" => o.ChordNewton ? 1 : 0,
            "condense" => o.CondenseStates ? 1 : 0,
            "chordchange" => o.ChordChange,
            "chordrate" => o.ChordContraction,
            "chordaccept" => o.ChordAccept,
            "chordpredict" => o.ChordPredict ? 1 : 0,
            _ => o.ChordIterations,
        };
        Assert.That(read, Is.EqualTo(value));
        Assert.That(o.TrySet("ordering", "nd") && o.NestedDissection, Is.True);
        Assert.That(o.TrySet("ordering", "markowitz") && !o.NestedDissection, Is.True);
    }
}
