using System.Globalization;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;

namespace AnalogNN.Tests.Reference;

/// <summary>
/// Every deck in Tests/Reference runs unchanged through AnalogNN and agrees with the waveforms
/// ngspice 39 computed for it (stored as CSV by make-reference.sh) within 1e-3 of each signal's
/// full scale, the metric of bench/wavecmp.py.
/// </summary>
public class NgspiceReferenceTests
{
    private const double Tolerance = 1e-3;
    private static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference");

    private static IEnumerable<TestCaseData> Decks() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reference"), "*.cir").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName($"When_{Path.GetFileNameWithoutExtension(f)}_Expect_NgspiceWaveforms"));

    [TestCaseSource(nameof(Decks))]
    public void When_DeckRunsThroughAnalogNN_Expect_NgspiceWaveforms(string deck)
    {
        var job = NetlistJob.Load(Path.Combine(Folder, deck));
        var recorder = new WaveformRecorder();
        job.Run(recorder);
        string stem = Path.GetFileNameWithoutExtension(deck);
        var references = Directory.GetFiles(Folder, stem + ".*.csv");
        Assert.That(references, Is.Not.Empty, "no reference data");
        var report = new List<string>();
        foreach (var csv in references)
        {
            string analysis = Path.GetFileName(csv).Split('.')[^2];
            var ours = recorder.Find(analysis) ?? throw new AssertionException($"{deck}: no '{analysis}' plot");
            var (names, columns) = ReadCsv(csv);
            double[] refScale = columns[0];
            double[] ourScale = ours.Columns[0];
            bool restarts = refScale.Zip(refScale.Skip(1)).Any(p => p.Second < p.First);
            int first = names[1] == ours.Signals[0].Name || (analysis == "dc" && names.Length > 1 && !names[1].Contains('(')) ? 2 : 1;
            if (analysis == "op") first = 1;
            for (int k = first; k < names.Length; k++)
            {
                int j = ours.IndexOf(names[k]);
                if (j < 0) { report.Add($"{analysis} {names[k]}: missing"); continue; }
                double err = restarts || analysis == "op"
                    ? PointwiseError(columns[k], ours.Columns[j])
                    : WaveformComparison.RelativeError(refScale, columns[k], ourScale, ours.Columns[j]);
                if (!(err <= Tolerance)) report.Add($"{analysis} {names[k]}: {err:E2}");
            }
        }
        Assert.That(report, Is.Empty, $"{deck}: signals off by more than {Tolerance} of full scale");
    }

    /// <summary>Same metric on two series sampled at the same points (nested DC sweeps, operating points).</summary>
    private static double PointwiseError(double[] reference, double[] candidate)
    {
        if (reference.Length != candidate.Length) return double.PositiveInfinity;
        double lo = reference.Min(), hi = reference.Max(), fs = hi - lo;
        if (fs == 0) fs = reference.Max(Math.Abs) is var p && p > 0 ? p : 1;
        return reference.Zip(candidate, (r, c) => Math.Abs(r - c)).Max() / fs;
    }

    private static (string[] Names, double[][] Columns) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#').ToArray();
        var names = lines[0].Split(',');
        var columns = names.Select(_ => new double[lines.Length - 1]).ToArray();
        for (int r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            for (int c = 0; c < names.Length; c++) columns[c][r - 1] = double.Parse(cells[c], CultureInfo.InvariantCulture);
        }
        return (names, columns);
    }
}
