using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Neurons;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;
using AnalogNN.Learning.Controllers;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Analyses;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Learning;

public class ControllerTests
{
    /// <summary>A controller made of delegates, for tests.</summary>
    private sealed class Probe(string name) : IController
    {
        public string Name => name;
        public Action<ControllerContext>? Start;
        public Action<ControllerContext, int>? Event;
        public Action<ControllerContext, SpikeHandle, double>? Spike;
        public Action<ControllerContext, string>? PhaseEnd;
        public void OnRunStart(ControllerContext c) => Start?.Invoke(c);
        public void OnScheduledEvent(ControllerContext c, int tag) => Event?.Invoke(c, tag);
        public void OnSpike(ControllerContext c, SpikeHandle s, double t) => Spike?.Invoke(c, s, t);
        public void OnPhaseEnd(ControllerContext c, string phase) => PhaseEnd?.Invoke(c, phase);
    }

    [Test]
    public void When_PulseScheduledAtT_Expect_AppliedAtT()
    {
        var wave = new ScheduledPulseWaveform();
        var c = new CircuitModel().Add(new VoltageSource("VP", "a", "0", null, wave), new Resistor("R1", "a", "b", 1e3),
            new Capacitor("C1", "b", "0", 1e-9, 0));
        var tran = new Transient(c, new TransientSpec(1e-5, 1e-3, UseIc: true));
        var host = new ControllerHost(tran, seed: 7);
        const double t0 = 0.3137e-3, width = 0.2e-3, edge = 1e-6;
        // the pulse is decided during the run, at a scheduled event 0.1 ms before it starts
        host.Add(new Probe("pulser")
        {
            Start = ctx => ctx.Schedule(0.2e-3),
            Event = (ctx, _) => ctx.AddPulse("VP", t0, 1.5, width, edge),
        });
        var rec = new RecordingOutput();
        host.Run(rec);
        var time = rec.Column("time");
        var va = rec.Column("v(a)");
        foreach (double corner in new[] { t0, t0 + edge, t0 + width, t0 + width + edge })
            Assert.That(time.Any(t => Math.Abs(t - corner) < 1e-15), Is.True, $"time point at the corner {corner}");
        for (int k = 0; k < time.Length; k++)
        {
            double expected = time[k] <= t0 ? 0 : time[k] < t0 + edge ? 1.5 * (time[k] - t0) / edge
                : time[k] <= t0 + width ? 1.5 : time[k] < t0 + width + edge ? 1.5 * (1 - (time[k] - t0 - width) / edge) : 0;
            Assert.That(va[k], Is.EqualTo(expected).Within(1e-9), $"v(a) at {time[k]}");
        }
        Assert.That(host.Log.Records.Single().Kind, Is.EqualTo(ActionKind.SourcePulse));
    }

    [Test]
    public void When_DeviceProgrammedAtScheduledEvent_Expect_StateJumpsThereAndPulseLogged()
    {
        // an RRAM read at 0.1 V (below its thresholds): only the programming pulse moves its state
        var job = NetlistJob.FromText("""
            program
            .model rr MEMRISTOR(LEVEL=RRAM GON=1e-4 GOFF=1e-6 VSET=1 VRESET=1 V0=0.1 TAUSET=1e-6 TAURESET=1e-6)
            VR a 0 DC 0.1
            YMEMRISTOR m1 a 0 rr X0=0.1
            .tran 1u 100u uic
            .end
            """);
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-6, 100e-6, UseIc: true));
        var host = new ControllerHost(tran);
        double programmed = double.NaN;
        host.Add(new Probe("writer")
        {
            Start = ctx => ctx.Schedule(40e-6),
            Event = (ctx, _) => programmed = ctx.Program(ctx.Device("m1"), 1.2, 1e-6),
        });
        var rec = new RecordingOutput();
        host.Run(rec);
        var time = rec.Column("time");
        var x = rec.Column("x(m1)");
        // exact RRAM set response: x ← 1 − (1 − x)·exp(−sinh((V − VSET)/V0)·Δt/TAUSET)
        double expected = 1 - 0.9 * Math.Exp(-Math.Sinh(2) * 1e-6 / 1e-6);
        Assert.That(programmed, Is.EqualTo(expected).Within(1e-9));
        // the row written at the event point holds the values before the action (its left limit)
        for (int k = 0; k < time.Length; k++)
            Assert.That(x[k], Is.EqualTo(time[k] <= 40e-6 ? 0.1 : expected).Within(1e-9), $"x at {time[k]}");
        Assert.That(host.Log.PulsesOf("m1"), Is.EqualTo(1));
        Assert.That(host.Log.EnergyOf("m1"), Is.GreaterThan(0));
    }

    [Test]
    public void When_NeuronCrossesThreshold_Expect_SpikeEventOncePerCrossing()
    {
        var model = new LifModel("n");
        var c = new CircuitModel().Add(new CurrentSource("I1", "0", "m", 800e-12), new LifNeuron("N1", "m", ["o"], model));
        c.InitialConditions["m"] = model.El;
        var tran = new Transient(c, new TransientSpec(1e-4, 0.1, UseIc: true));
        int stateEvents = 0;
        tran.StateEventAccepted = _ => stateEvents++;
        var host = new ControllerHost(tran);
        var seen = new List<double>();
        host.Add(new Probe("listener") { Spike = (ctx, s, t) => { Assert.That(s.Name, Is.EqualTo("N1")); seen.Add(t); } });
        host.Run(new RecordingOutput());
        var spikes = host.Context.Spikes(host.Context.Emitter("N1"));
        // 120 Hz analytic rate: about 12 crossings in 0.1 s, each reported exactly once
        Assert.That(spikes.Count, Is.InRange(11, 13));
        Assert.That(seen, Is.EqualTo(spikes));
        Assert.That(seen, Is.Ordered.Ascending);
        Assert.That(stateEvents, Is.EqualTo(spikes.Count));
    }

    [Test]
    public void When_TwoControllersAttached_Expect_CalledInAdditionOrderAtEveryPoint()
    {
        var c = new CircuitModel().Add(new VoltageSource("V1", "a", "0", 1.0), new Resistor("R1", "a", "0", 1e3));
        var tran = new Transient(c, new TransientSpec(1e-5, 1e-3));
        var host = new ControllerHost(tran);
        var calls = new List<string>();
        double seenByB = double.NaN;
        var a = new Probe("A")
        {
            Start = ctx => { calls.Add("start A"); ctx.Schedule(0.5e-3, 1); },
            Event = (ctx, tag) => { calls.Add($"event A {tag}"); ctx.SetSource("V1", 2.0); },
            PhaseEnd = (ctx, p) => calls.Add($"end A {p}"),
        };
        var b = new Probe("B")
        {
            // B schedules first but for the same time: A still goes first (controller order)
            Start = ctx => { calls.Add("start B"); ctx.Schedule(0.5e-3, 2); },
            Event = (ctx, tag) => { calls.Add($"event B {tag}"); seenByB = ctx.Log.Records[^1].Amplitude; },
            PhaseEnd = (ctx, p) => calls.Add($"end B {p}"),
        };
        host.Add(a).Add(b).SwitchPhaseAt(0.25e-3, "second");
        var rec = new RecordingOutput();
        host.Run(rec);
        Assert.That(calls, Is.EqualTo(new[] { "start A", "start B", "end A run", "end B run", "event A 1", "event B 2", "end A second", "end B second" }));
        Assert.That(seenByB, Is.EqualTo(2.0), "B sees A's action at the same point");
        var time = rec.Column("time");
        var i = rec.Column("i(v1)");
        Assert.That(i[^1], Is.EqualTo(-2e-3).Within(1e-12), "the new source value holds after the event");
        Assert.That(i[Array.FindIndex(time, t => t > 0.4e-3)], Is.EqualTo(-1e-3).Within(1e-12));
    }

    [Test]
    public void When_SameSeedTwice_Expect_IdenticalActions()
    {
        string[] Once(ulong seed)
        {
            var c = new CircuitModel().Add(new VoltageSource("VP", "a", "0", null, new ScheduledPulseWaveform()), new Resistor("R1", "a", "0", 1e3));
            var tran = new Transient(c, new TransientSpec(1e-5, 1e-3));
            var host = new ControllerHost(tran, seed);
            host.Add(new Probe("random")
            {
                Start = ctx => ctx.Schedule(1e-5),
                Event = (ctx, _) =>
                {
                    double next = ctx.Time + 1e-4 * ctx.NextUniform();
                    ctx.AddPulse("VP", next, ctx.NextUniform(), 2e-5, 1e-6);
                    if (next + 1e-4 < 1e-3) ctx.Schedule(next + 3e-5);
                },
            });
            host.Run(new RecordingOutput());
            return host.Log.Records.Select(r => $"{r.Time:R} {r.Amplitude:R}").ToArray();
        }
        Assert.That(Once(3), Is.EqualTo(Once(3)));
        Assert.That(Once(3), Is.Not.EqualTo(Once(4)));
    }
}
