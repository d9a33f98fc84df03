using AnalogNN.Circuit;
using AnalogNN.Components.Neurons;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Analyses;
using CircuitModel = AnalogNN.Circuit.Circuit;

namespace AnalogNN.Tests.Components.Neurons;

public class LifNeuronTests
{
    /// <summary>A LIF neuron (NEST iaf defaults: τ = 10 ms, t_ref = 2 ms, E_L = V_reset = −70 mV, V_th = −55 mV) driven by a constant current from rest.</summary>
    private static (IReadOnlyList<double> Spikes, Transient Tran) Drive(double current, double stop, SimulationOptions? options = null, double? maxStep = null)
    {
        var model = new LifModel("n");
        var c = new CircuitModel().Add(new CurrentSource("I1", "0", "m", current), new LifNeuron("N1", "m", ["o"], model));
        c.InitialConditions["m"] = model.El;
        var tran = new Transient(c, new TransientSpec(1e-4, stop, MaxStep: maxStep, UseIc: true), options ?? new SimulationOptions());
        tran.Run(new RecordingOutput());
        var emitter = tran.System!.Behaviors.OfType<ISpikeEmitter>().Single();
        return (emitter.SpikeTimes, tran);
    }

    [TestCase(400e-12)]
    [TestCase(500e-12)]
    [TestCase(800e-12)]
    [TestCase(1.5e-9)]
    public void When_ConstantCurrent_Expect_AnalyticFiringRateWithinHalfPercent(double current)
    {
        // rate = 1/(t_ref + τ ln((V∞ − V_reset)/(V∞ − V_th))), V∞ = E_L + I/g_L
        double expected = LifNeuron.AnalyticRate(new LifModel("n"), current);
        var (spikes, _) = Drive(current, 0.25);
        Assert.That(spikes.Count, Is.GreaterThan(4));
        double measured = (spikes.Count - 1) / (spikes[^1] - spikes[0]);
        Check.Close(expected, measured, 5e-3, 0, $"rate at {current:G3} A");
    }

    [Test]
    public void When_CurrentBelowRheobase_Expect_NoSpikes()
    {
        // V∞ = −70 mV + 300 pA/25 nS = −58 mV < V_th
        var (spikes, _) = Drive(300e-12, 0.1);
        Assert.That(spikes, Is.Empty);
    }

    [Test]
    public void When_TolerancesTighten_Expect_FirstSpikeTimeConvergesToAnalytic()
    {
        // from V_reset = E_L at t = 0 the first crossing is at τ ln((V∞ − E_L)/(V∞ − V_th)) = 10 ms·ln 4
        double exact = 10e-3 * Math.Log(4);
        var loose = Drive(500e-12, 0.03, new SimulationOptions { RelTol = 1e-2, EventTolerance = 1e-6 });
        var tight = Drive(500e-12, 0.03, new SimulationOptions { RelTol = 1e-4, EventTolerance = 1e-10 }, 2e-5);
        double eLoose = Math.Abs(loose.Spikes[0] - exact), eTight = Math.Abs(tight.Spikes[0] - exact);
        Assert.That(eTight, Is.LessThan(eLoose));
        Assert.That(eTight, Is.LessThan(1e-7), "tight spike-time error, s");
        Assert.That(tight.Tran.Statistics!.EventRefinements, Is.GreaterThan(0));
    }

    [Test]
    public void When_NeuronFires_Expect_OutputPulsesWithModelAmplitudes()
    {
        var model = new LifModel("n");
        model.Set("vg", 2); model.Set("vexc", 1.5); model.Set("vinh", -0.8); model.Set("tspk", 0.5e-3);
        var c = new CircuitModel().Add(new CurrentSource("I1", "0", "m", 1e-9), new LifNeuron("N1", "m", ["o", "g", "te", "ti"], model));
        c.InitialConditions["m"] = model.El;
        var tran = new Transient(c, new TransientSpec(1e-5, 20e-3, UseIc: true));
        var rec = new RecordingOutput();
        tran.Run(rec);
        double t1 = tran.System!.Behaviors.OfType<ISpikeEmitter>().Single().SpikeTimes[0];
        var time = rec.Column("time");
        int k = Array.FindIndex(time, t => t > t1 + 0.3e-3);
        Assert.That(rec.Column("v(o)")[k], Is.EqualTo(1).Within(1e-9));
        Assert.That(rec.Column("v(g)")[k], Is.EqualTo(2).Within(1e-9));
        Assert.That(rec.Column("v(te)")[k], Is.EqualTo(1.5).Within(1e-9));
        Assert.That(rec.Column("v(ti)")[k], Is.EqualTo(-0.8).Within(1e-9));
        int after = Array.FindIndex(time, t => t > t1 + 0.7e-3);
        Assert.That(rec.Column("v(o)")[after], Is.EqualTo(0).Within(1e-9), "spike width 0.5 ms");
        Assert.That(rec.Column("v(g)")[after], Is.EqualTo(2).Within(1e-9), "gate width 1 ms");
        Assert.That(rec.Column("v(m)")[after], Is.EqualTo(model.Vreset).Within(1e-6), "refractory clamp");
    }
}
