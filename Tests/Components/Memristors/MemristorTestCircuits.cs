using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Analyses;

namespace AnalogNN.Tests.Components.Memristors;

/// <summary>A memristor test case: the model, a sine drive that shows its hysteresis, and its equations written out independently of the kernels.</summary>
public sealed record MemristorCase(string Name, Func<MemristorModel> Model, double Amplitude, double Frequency, double X0,
    Func<double, double, double> Current, Func<double, double, double> Rate)
{
    public override string ToString() => Name;
}

internal static class MemristorTestCircuits
{
    /// <summary>One case per level. The rate/current lambdas restate each model's published equations (see the kernels' doc comments) for the independent RK4 reference.</summary>
    public static IEnumerable<MemristorCase> Cases()
    {
        const double ron = 100, roff = 16e3, k = 2e7;
        static double Rlin(double x) => ron * x + roff * (1 - x);
        yield return new("Joglekar", () => Linear("JOGLEKAR"), 1.2, 10e3, 0.5,
            (v, x) => v / Rlin(x), (v, x) => k * v / Rlin(x) * (1 - Math.Pow(2 * x - 1, 2)));
        yield return new("Biolek", () => Linear("BIOLEK"), 1.2, 10e3, 0.5,
            (v, x) => v / Rlin(x), (v, x) => { double i = v / Rlin(x); return k * i * (1 - Math.Pow(x - (i < 0 ? 1 : 0), 2)); });
        yield return new("Prodromakis", () => { var m = Linear("PRODROMAKIS"); m.Set("p", 2); return m; }, 1.2, 10e3, 0.5,
            (v, x) => v / Rlin(x), (v, x) => k * v / Rlin(x) * (1 - Math.Pow((x - 0.5) * (x - 0.5) + 0.75, 2)));
        // TEAM, linear I-V, no window: dw/dt = koff (i/ioff - 1)^3 above ioff, kon (|i|/ion - 1)^3 below -ion; x = w/D
        const double tRon = 100, tRoff = 10e3, kOff = 4e-9, kOn = -4e-9, iOff = 2e-5, iOn = 2e-5, d = 3e-9;
        yield return new("TEAM", () =>
        {
            var m = new MemristorModel("mt", MemristorLevel.Team);
            m.Set("ron", tRon); m.Set("roff", tRoff); m.Set("koff", kOff); m.Set("kon", kOn);
            m.Set("ioff", iOff); m.Set("ion", iOn); m.Set("wt", 0);
            return m;
        }, 1.0, 1e3, 0.5,
            (v, x) => v / (tRon + (tRoff - tRon) * x),
            (v, x) =>
            {
                double i = v / (tRon + (tRoff - tRon) * x);
                if (i > iOff) return kOff * Math.Pow(i / iOff - 1, 3) / d;
                if (i < -iOn) return kOn * Math.Pow(-i / iOn - 1, 3) / d;
                return 0;
            });
        // VTEAM: same law with the voltage in place of the current, thresholds VOFF = VON = 0.5 V
        const double vKoff = 1e-5, vKon = -1e-5, vOff = 0.5, vOn = 0.5;
        yield return new("VTEAM", () =>
        {
            var m = new MemristorModel("mv", MemristorLevel.Team);
            m.Set("ron", tRon); m.Set("roff", tRoff); m.Set("koff", vKoff); m.Set("kon", vKon);
            m.Set("voff", vOff); m.Set("von", vOn); m.Set("wt", 0);
            return m;
        }, 1.0, 1e3, 0.5,
            (v, x) => v / (tRon + (tRoff - tRon) * x),
            (v, x) => v > vOff ? vKoff * Math.Pow(v / vOff - 1, 3) / d : v < -vOn ? vKon * Math.Pow(-v / vOn - 1, 3) / d : 0);
        // Yakopcic with its published parameter set (A1 = A2 = 0.17, B = 0.05, VP = 0.65, VN = 0.56, AP = AN = 4000, XP = 0.3, XN = 0.5, ALPHAP = 1, ALPHAN = 5)
        yield return new("Yakopcic", () => new MemristorModel("my", MemristorLevel.Yakopcic), 1.0, 1e3, 0.1,
            (v, x) => 0.17 * x * Math.Sinh(0.05 * v),
            (v, x) =>
            {
                if (v > 0.65)
                {
                    double g = 4000 * (Math.Exp(v) - Math.Exp(0.65));
                    return g * (x >= 0.3 ? Math.Exp(-(x - 0.3)) * ((0.3 - x) / 0.7 + 1) : 1);
                }
                if (v < -0.56)
                {
                    double g = -4000 * (Math.Exp(-v) - Math.Exp(0.56));
                    return g * (x <= 0.5 ? Math.Exp(5 * (x + 0.5 - 1)) * x / 0.5 : 1);
                }
                return 0;
            });
        // thesis pulse model: GMAX = 100 µS, GMIN = GMAX/13, beta = 3, full swing in TMAX = 1 ms above 1 V
        const double gmax = 1e-4, gmin = gmax / 13, beta = 3, tmax = 1e-3;
        double c = (Math.Exp(beta) - 1) / beta / tmax;
        yield return new("Pulse", () => { var m = new MemristorModel("mp", MemristorLevel.Pulse); m.Set("tmax", tmax); return m; }, 1.5, 1e3, 0.5,
            (v, x) => (gmin + (gmax - gmin) * x) * v,
            (v, x) => v > 1 ? c * Math.Exp(-beta * x) : v < -1 ? -c * Math.Exp(-beta * (1 - x)) : 0);
        // threshold RRAM: GON 100 µS, GOFF 1 µS, thresholds 1 V, V0 = 0.1 V, tau = 1 ms
        yield return new("RRAM", () => { var m = new MemristorModel("mr", MemristorLevel.Rram); m.Set("tauset", 1e-3); m.Set("taureset", 1e-3); return m; }, 1.3, 1e3, 0.5,
            (v, x) => (1e-6 + (1e-4 - 1e-6) * x) * v,
            (v, x) => v > 1 ? (1 - x) * Math.Sinh((v - 1) / 0.1) / 1e-3 : v < -1 ? -x * Math.Sinh((-v - 1) / 0.1) / 1e-3 : 0);
    }

    private static MemristorModel Linear(string level)
    {
        var m = new MemristorModel("ml", MemristorModel.ParseLevel(level)!.Value);
        m.Set("ron", 100); m.Set("roff", 16e3); m.Set("k", 2e7); m.Set("p", 1);
        return m;
    }

    /// <summary>Runs a sine of amplitude A and frequency f directly across the device for <paramref name="periods"/> periods; returns time, v, i (into n+) and x.</summary>
    public static (double[] T, double[] V, double[] I, double[] X) Sine(MemristorCase c, double frequency, double periods = 2, int pointsPerPeriod = 400,
        SimulationOptions? options = null)
    {
        var circuit = new AnalogNN.Circuit.Circuit();
        circuit.Add(new VoltageSource("v1", "a", "0", 0, new SineWaveform(0, c.Amplitude, frequency)));
        circuit.Add(new Memristor("m1", "a", "0", c.Model(), c.X0));
        double step = 1 / (frequency * pointsPerPeriod);
        var output = new RecordingOutput();
        new Transient(circuit, new TransientSpec(step, periods / frequency, MaxStep: step), options).Run(output);
        var i = output.Column("i(v1)").Select(v => -v).ToArray();
        return (output.Column("time"), output.Column("v(a)"), i, output.Column("x(m1)"));
    }

    /// <summary>Classical RK4 of dx/dt = rate(v(t), x) with x clamped to [0, 1] after each step (the bound projection).</summary>
    public static double Rk4(Func<double, double, double> rate, Func<double, double> v, double x, double t0, double t1, int steps)
    {
        double h = (t1 - t0) / steps, t = t0;
        for (int s = 0; s < steps; s++, t = t0 + s * h)
        {
            double k1 = rate(v(t), x);
            double k2 = rate(v(t + h / 2), Math.Clamp(x + h / 2 * k1, 0, 1));
            double k3 = rate(v(t + h / 2), Math.Clamp(x + h / 2 * k2, 0, 1));
            double k4 = rate(v(t + h), Math.Clamp(x + h * k3, 0, 1));
            x = Math.Clamp(x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4), 0, 1);
        }
        return x;
    }
}
