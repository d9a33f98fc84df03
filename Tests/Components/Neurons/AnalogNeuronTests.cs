using AnalogNN.Components.Neurons;
using AnalogNN.Netlists.Simulation;

namespace AnalogNN.Tests.Components.Neurons;

public class AnalogNeuronTests
{
    private static RecordingOutput Run(string netlist)
    {
        var rec = new RecordingOutput();
        NetlistJob.FromText(netlist).Run(rec);
        return rec;
    }

    [Test]
    public void When_InvertingAmplifier_Expect_GainMinusRfOverRinWithinLoopGainError()
    {
        // ideal −Rf/Rin = −4.7; with open-loop gain A the gain is −4.7/(1 + 5.7/A)
        var rec = Run("""
            * inverting
            .model oa OPAMP(A=1e5 VPOS=15 VNEG=-15 ROUT=50)
            V1 in 0 0.5
            R1 in n 10k
            R2 n out 47k
            YOPAMP u1 0 n out oa
            RL out 0 2k
            .op
            .end
            """);
        double expected = -4.7 * 0.5 / (1 + 5.7 / 1e5);
        // ROUT = 50 Ω into the 2 kΩ load lowers the effective loop gain by ~2.5%: a further ~1.5e-6 relative
        Check.Close(expected, rec.Column("v(out)")[0], 1e-5, 1e-9, "inverting");
    }

    [Test]
    public void When_NonInvertingAmplifier_Expect_GainOnePlusRfOverRg()
    {
        var rec = Run("""
            * non-inverting
            .model oa OPAMP(A=2e5)
            V1 in 0 0.3
            YOPAMP u1 in n out oa
            R1 out n 9k
            R2 n 0 1k
            .op
            .end
            """);
        double expected = 10 * 0.3 / (1 + 10 / 2e5);
        Check.Close(expected, rec.Column("v(out)")[0], 1e-6, 1e-9, "non-inverting");
    }

    [Test]
    public void When_GainDrivesOutputPastRails_Expect_SaturationAtRails()
    {
        var rec = Run("""
            * saturation
            .model oa OPAMP(A=1e5 VPOS=5 VNEG=-3 VSMOOTH=10m)
            V1 in 0 0
            YOPAMP u1 in n out oa
            R1 out n 9k
            R2 n 0 1k
            .dc V1 -1 1 0.25
            .end
            """);
        var vin = rec.Column("v(in)");
        var vout = rec.Column("v(out)");
        for (int k = 0; k < vin.Length; k++)
        {
            double ideal = Math.Clamp(10 * vin[k], -3, 5);
            // within w·ln2 of the rail at the kink, and the loop-gain error in the linear region
            Assert.That(vout[k], Is.EqualTo(ideal).Within(0.01 * Math.Log(2) + 1e-3), $"vin = {vin[k]}");
        }
        Assert.That(vout[^1], Is.EqualTo(5).Within(1e-6));
        Assert.That(vout[0], Is.EqualTo(-3).Within(1e-6));
    }

    [Test]
    public void When_SinglePoleFollower_Expect_ClosedLoopTimeConstant()
    {
        // follower with GBW: closed-loop pole at ≈ GBW ⇒ τ = 1/(2π·1 MHz) = 159 ns
        var rec = Run("""
            * follower step
            .model oa OPAMP(A=1e5 GBW=1meg)
            V1 in 0 PULSE(0 1 1u 1n 1n 100u)
            YOPAMP u1 in out out oa
            .tran 5n 3u
            .end
            """);
        var t = rec.Column("time");
        var v = rec.Column("v(out)");
        double tau = 1 / (2 * Math.PI * 1e6) * (1 + 1e-5);
        int k = Array.FindIndex(t, x => x >= 1.5e-6);
        double expected = 1 - Math.Exp(-(t[k] - 1e-6) / tau);
        Assert.That(v[k], Is.EqualTo(expected).Within(0.01));
    }

    [TestCase("TANH(GAIN=2 AMP=1.5)", "tanh")]
    [TestCase("HSIGMOID(GAIN=1 WIDTH=1e-3)", "hsig")]
    [TestCase("LOGISTIC(GAIN=3)", "logistic")]
    [TestCase("RELU(GAIN=0.5 WIDTH=1e-3)", "relu")]
    public void When_IntegratorNeuronSettles_Expect_SteadyStateTransferWithin1e3(string model, string name)
    {
        // YINTEG settles to g(v(in)) and YACT gives g(v(in)) directly; both are checked over a DC sweep
        var rec = Run($"""
            * transfer {name}
            .model f {model}
            V1 in 0 0
            YACT a1 in act f
            YINTEG n1 in mem f TAU=1m
            .dc V1 -2 2 0.05
            .end
            """);
        var vin = rec.Column("v(in)");
        var act = rec.Column("v(act)");
        var mem = rec.Column("v(mem)");
        Func<double, double> exact = name switch
        {
            "tanh" => x => 1.5 * Math.Tanh(2 * x),
            "hsig" => x => Math.Clamp(x, 0, 1),
            "logistic" => x => 1 / (1 + Math.Exp(-3 * x)),
            _ => x => Math.Max(0.5 * x, 0),
        };
        for (int k = 0; k < vin.Length; k++)
        {
            Assert.That(act[k], Is.EqualTo(exact(vin[k])).Within(1e-3), $"act at {vin[k]}");
            Assert.That(mem[k], Is.EqualTo(exact(vin[k])).Within(1e-3), $"mem at {vin[k]}");
        }
    }

    [Test]
    public void When_IntegratorStepped_Expect_ExponentialApproachWithTau()
    {
        // τ dv/dt = −v + tanh(v(in)): from 0 after a step to 1 V, v = tanh(1)(1 − e^(−t/τ)), τ = 1 ms
        var rec = Run("""
            * integrator step
            .model f TANH()
            V1 in 0 PULSE(0 1 0 1n 1n 1)
            YINTEG n1 in mem f TAU=1m C=10n
            .tran 10u 5m
            .end
            """);
        var t = rec.Column("time");
        var v = rec.Column("v(mem)");
        for (int k = 0; k < t.Length; k += 7)
            Assert.That(v[k], Is.EqualTo(Math.Tanh(1) * (1 - Math.Exp(-t[k] / 1e-3))).Within(2e-3), $"t = {t[k]}");
    }
}
