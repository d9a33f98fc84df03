using AnalogNN.Circuit;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Analyses;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Solvers;

public class EventTests
{
    /// <summary>A probe that reports when v(node) crosses a threshold upwards and records the accepted time.</summary>
    private sealed class ThresholdProbe(string node, double threshold) : Element("P1", node)
    {
        public double Threshold { get; } = threshold;
        public List<double> Crossings { get; } = new();
        public override IBehavior CreateBehavior() => new Behavior(this);

        private sealed class Behavior(ThresholdProbe p) : IBehavior, IEventBehavior, IAcceptBehavior
        {
            private int _n;
            private double _last;
            public void CreateUnknowns(ISetupContext setup) => _n = setup.MapNode(p.Nodes[0]);
            public void Bind(ISetupContext setup) { }
            public void Load(LoadContext context) { }

            public double EventFraction(LoadContext context, ReadOnlySpan<double> previous)
            {
                double v0 = previous[_n], v1 = context.Solution[_n];
                return v0 < p.Threshold && v1 >= p.Threshold ? (p.Threshold - v0) / (v1 - v0) : double.PositiveInfinity;
            }

            public void Accept(LoadContext context)
            {
                double v = context.Solution[_n];
                if (context.Analysis == AnalysisKind.Transient && _last < p.Threshold && v >= p.Threshold) p.Crossings.Add(context.Time);
                _last = v;
            }
        }
    }

    private static (double Time, long Refinements) Crossing(double maxStep)
    {
        // v(out) = 1 − e^{−t/RC} crosses 0.5 at t* = RC·ln 2 = 693.147 µs
        var probe = new ThresholdProbe("out", 0.5);
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 1), new Resistor("R1", "in", "out", 1e3),
            new Capacitor("C1", "out", "0", 1e-6, 0), probe);
        var tran = new Transient(c, new TransientSpec(50e-6, 2e-3, MaxStep: maxStep, UseIc: true), new SimulationOptions { EventTolerance = 1e-9 });
        tran.Run(new RecordingOutput());
        Assert.That(probe.Crossings, Has.Count.EqualTo(1));
        return (probe.Crossings[0], tran.Statistics!.EventRefinements);
    }

    [Test]
    public void When_RcCrossesThreshold_Expect_CrossingTimeConvergesToAnalyticAsTolerancesTighten()
    {
        // The located time is exact up to eventtol plus the integration error of v(out), which for
        // the trapezoidal rule shrinks with the square of the step (TMAX 40 µs → 4 µs: 100×).
        double exact = 1e-3 * Math.Log(2);
        var loose = Crossing(40e-6);
        var tight = Crossing(4e-6);
        Assert.That(loose.Refinements, Is.GreaterThan(0), "the step was cut back to the crossing");
        Assert.That(Math.Abs(loose.Time - exact), Is.LessThan(2e-7));
        Assert.That(Math.Abs(tight.Time - exact), Is.LessThan(5e-9));
        Assert.That(Math.Abs(tight.Time - exact), Is.LessThan(Math.Abs(loose.Time - exact)));
    }
}

/// <summary>Step control at source corners.</summary>
public class BreakpointTests
{
    private static double[] TimePoints(double corner, double tmax)
    {
        // a settled RC held at 1 V until the corner, then ramped to 2 V: before the corner nothing
        // limits the step but TMAX, so the time grid is known from a run with a distant corner
        var c = new CircuitModel().Add(
            new VoltageSource("V1", "in", "0", null, new PwlWaveform([0, corner, corner + 1e-6], [1, 1, 2])),
            new Resistor("R1", "in", "out", 1e3), new Capacitor("C1", "out", "0", 1e-9));
        var rec = new RecordingOutput();
        new Transient(c, new TransientSpec(1e-6, 1e-3, MaxStep: tmax)).Run(rec);
        return rec.Column("time");
    }

    [Test]
    public void When_CornerLiesJustPastAGridPoint_Expect_SnappedInsteadOfSliverStep()
    {
        // A corner a few delmin (1e-11·TMAX) after the point a step would reach used to be
        // reached by a second step of a few 1e-17 s (5e-21 s was seen with TMAX = 0.1 ns). A step
        // that would stop less than 5e-5·TMAX short of a corner now goes to the corner.
        double tmax = 1e-6, delmin = 1e-11 * tmax;
        var grid = TimePoints(0.9e-3, tmax);
        double tk = grid.Last(t => t < 0.3e-3);
        double corner = tk + 3 * delmin;
        var t = TimePoints(corner, tmax);
        double smallest = t.Zip(t.Skip(1), (a, b) => b - a).Min();
        Assert.That(smallest, Is.GreaterThanOrEqualTo(Transient.MinimumBreakpointDistance(tmax)));
        Assert.That(t, Has.Member(corner), "a time point on the corner");
        Assert.That(t, Has.No.Member(tk), "the grid point just before the corner was skipped");
    }
}
