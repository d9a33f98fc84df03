using AnalogNN.Circuit;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Analyses;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Solvers;

public class ScheduledEventTests
{
    [Test]
    public void When_EventsScheduledBeforeAndDuringRun_Expect_TimePointsExactlyThereAndCallbacks()
    {
        var c = new CircuitModel().Add(new VoltageSource("V1", "in", "0", 1), new Resistor("R1", "in", "out", 1e3),
            new Capacitor("C1", "out", "0", 1e-6, 0));
        var tran = new Transient(c, new TransientSpec(50e-6, 2e-3, UseIc: true));
        var reached = new List<(double Time, double Vout)>();
        tran.Schedule(0.37e-3);
        tran.ScheduledEventReached = (t, ctx) =>
        {
            reached.Add((t, ctx.Solution[tran.System!.FindNode("out")]));
            // a controller reacting to its update schedules the next one 0.41 ms later
            if (reached.Count < 3) tran.Schedule(t + 0.41e-3);
        };
        var rec = new RecordingOutput();
        tran.Run(rec);
        var time = rec.Column("time");
        double[] expected = [0.37e-3, 0.78e-3, 1.19e-3];
        Assert.That(reached.Select(r => r.Time), Is.EqualTo(expected).Within(1e-15));
        foreach (double t in expected) Assert.That(time.Any(x => Math.Abs(x - t) <= 1e-15), Is.True, $"time point at {t}");
        // v(out) = 1 − e^{−t/RC} at the event points
        foreach (var (t, v) in reached) Assert.That(v, Is.EqualTo(1 - Math.Exp(-t / 1e-3)).Within(2e-4));
    }
}
