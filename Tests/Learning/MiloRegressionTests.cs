using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Tests.Learning;

public class MiloRegressionTests
{
    /// <summary>
    /// This 4-neuron deck used to hang at t ≈ 1.3801 s: a step a few ns short of a pulse corner was
    /// rejected, cut, and snapped back onto the corner by the breakpoint logic, forever (100 000
    /// rejections at one time point). The guard turns a relapse into a failure instead of a hang.
    /// </summary>
    [Test]
    public void When_StepRejectedNearCorner_Expect_RunFinishesWithoutEndlessRetries()
    {
        var p = new MiloParameters { StimAmplitude = 40e-6, TauSwitch = 2 };
        string deck = MiloHopfield.Build(4, [200, 200, 200, 0], 1.5, seed: 1, p);
        var job = NetlistJob.FromText(deck, "milo-hang.cir");
        var tran = new Transient(job.CircuitOf(0), new TransientSpec(1e-4, 1.5, 0, 1e-4, UseIc: true)) { Saves = ["v(m1)"] };
        double last = -1;
        int same = 0, worst = 0;
        tran.StepStarting = t =>
        {
            if (t == last) same++;
            else { same = 0; last = t; }
            worst = Math.Max(worst, same);
            if (same > 10000) throw new InvalidOperationException($"endless retries at t = {t:R}");
        };
        tran.Run(new RecordingOutput());
        TestContext.Out.WriteLine($"most retries at one point: {worst}, points {tran.Statistics!.TimePoints}");
        Assert.That(worst, Is.LessThan(100));
    }
}
