namespace AnalogNN.Components.Memristors;

/// <summary>
/// The equations of one memristor model, evaluated on a normalised state x ∈ [0, 1]:
/// the port current i(v, x) and the state rate dx/dt = f(v, x), each with its partial derivatives
/// for the Newton Jacobian. A kernel is immutable (all model constants are resolved once when it is
/// built), so one kernel serves every device of a model and a whole crossbar; the per-device
/// variability enters only through the two rate factors <c>up</c> (x-increasing direction) and
/// <c>down</c> (x-decreasing direction). Nothing here allocates.
/// </summary>
public abstract class MemristorKernel
{
    /// <summary>Port current i (A) at voltage <paramref name="v"/> (V) and state <paramref name="x"/>, with ∂i/∂v (S) and ∂i/∂x (A).</summary>
    public abstract double Current(double v, double x, out double didv, out double didx);

    /// <summary>
    /// State rate dx/dt (1/s) with its total partial derivatives ∂f/∂v (1/(V·s)) and ∂f/∂x (1/s);
    /// <paramref name="up"/> and <paramref name="down"/> multiply the rate when it increases or
    /// decreases x (device-to-device variability; 1 for a nominal device).
    /// </summary>
    public abstract double Rate(double v, double x, double up, double down, out double dfdv, out double dfdx);

    /// <summary>
    /// State after a rectangular pulse of <paramref name="v"/> volts lasting <paramref name="width"/> s
    /// applied directly across the device, starting from <paramref name="x"/>. The default integrates
    /// dx/dt = f(v, x) with classical RK4 on <paramref name="substeps"/> equal steps; models with an
    /// exact solution override it. The result is clamped to [0, 1].
    /// </summary>
    public virtual double Pulse(double x, double v, double width, double up, double down, int substeps = 64)
    {
        double h = width / substeps;
        for (int k = 0; k < substeps; k++)
        {
            double k1 = BoundedRate(v, x, up, down);
            double k2 = BoundedRate(v, Math.Clamp(x + 0.5 * h * k1, 0, 1), up, down);
            double k3 = BoundedRate(v, Math.Clamp(x + 0.5 * h * k2, 0, 1), up, down);
            double k4 = BoundedRate(v, Math.Clamp(x + h * k3, 0, 1), up, down);
            x = Math.Clamp(x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4), 0, 1);
        }
        return x;
    }

    /// <summary>True when <see cref="Pulse"/> is the exact solution (so one pulse of Δt equals n pulses of Δt/n).</summary>
    public virtual bool HasClosedForm => false;

    /// <summary>
    /// A voltage (V) below which, in magnitude, the rate is exactly zero and the current linear in v
    /// (a threshold device at rest), or 0 if the model has no such band. Devices use it to skip
    /// evaluating instances that sit inside it.
    /// </summary>
    public virtual double QuiescentVoltage => 0;

    /// <summary>
    /// <see cref="Rate"/> with the bound gate of the clamped formulation: at x ≥ 1 a positive rate
    /// and at x ≤ 0 a negative rate are set to zero (with their derivatives), so the state cannot be
    /// pushed out of [0, 1] whatever the window function does at the boundary.
    /// </summary>
    public double BoundedRate(double v, double x, double up, double down, out double dfdv, out double dfdx)
    {
        double f = Rate(v, x, up, down, out dfdv, out dfdx);
        if ((x >= 1 && f > 0) || (x <= 0 && f < 0))
        {
            dfdv = dfdx = 0;
            return 0;
        }
        return f;
    }

    /// <summary><see cref="BoundedRate(double, double, double, double, out double, out double)"/> without derivatives.</summary>
    public double BoundedRate(double v, double x, double up, double down) => BoundedRate(v, x, up, down, out _, out _);
}

/// <summary>
/// Linear ion drift (Strukov et al. 2008, HP model) with a window function:
/// R(x) = RON·x + ROFF·(1 − x) (Ω), i = v / R(x), dx/dt = K·i·W(x, i), K = μv·RON/D² (1/C).
/// Windows: Joglekar W = 1 − (2x − 1)^(2P); Biolek W = 1 − (x − stp(−i))^(2P);
/// Prodromakis W = J·(1 − ((x − ½)² + ¾)^P).
/// </summary>
public sealed class LinearDriftKernel(MemristorLevel window, double ron, double roff, double k, double p, double j) : MemristorKernel
{
    private readonly int _twoP = (int)Math.Round(2 * p);

    /// <inheritdoc/>
    public override double Current(double v, double x, out double didv, out double didx)
    {
        double r = ron * x + roff * (1 - x);
        didv = 1 / r;
        didx = -v * (ron - roff) / (r * r);
        return v / r;
    }

    /// <inheritdoc/>
    public override double Rate(double v, double x, double up, double down, out double dfdv, out double dfdx)
    {
        double i = Current(v, x, out double didv, out double didx);
        double w, dw;
        switch (window)
        {
            case MemristorLevel.Biolek:
            {
                double s = x - (i < 0 ? 1 : 0);
                double pw = Math.Pow(s, _twoP - 1);
                w = 1 - pw * s;
                dw = -_twoP * pw;
                break;
            }
            case MemristorLevel.Prodromakis:
            {
                double u = (x - 0.5) * (x - 0.5) + 0.75;
                double pw = Math.Pow(u, p - 1);
                w = j * (1 - pw * u);
                dw = -j * p * pw * 2 * (x - 0.5);
                break;
            }
            default:
            {
                double s = 2 * x - 1;
                double pw = _twoP == 2 ? s : Math.Pow(s, _twoP - 1); // P = 1 (the usual window) without a pow call
                w = 1 - pw * s;
                dw = -2 * _twoP * pw;
                break;
            }
        }
        double scale = k * (i >= 0 ? up : down);
        dfdv = scale * w * didv;
        dfdx = scale * (didx * w + i * dw);
        return scale * i * w;
    }
}

/// <summary>
/// TEAM threshold-adaptive model (Kvatinsky et al., IEEE TCAS-I 60(1), 2013), on the normalised
/// gap x = (w − XON)/(XOFF − XON), so x = 1 is the OFF (high-resistance) end:
/// dw/dt = KOFF·(i/IOFF − 1)^ALPHAOFF·f_off(w) for i &gt; IOFF, KON·(|i|/ION − 1)^ALPHAON·f_on(w) for
/// i &lt; −ION, 0 in between (KON &lt; 0, m/s; IOFF, ION &gt; 0, A). R(x) = RON + (ROFF − RON)·x
/// (IVRELATION=0) or RON·exp(λx), λ = ln(ROFF/RON) (IVRELATION=1). Windows (WT): 0 none,
/// 1 Joglekar, 2 Biolek, 3 Prodromakis, 4 Kvatinsky f_off = exp(−exp((w − AOFF)/WC)),
/// f_on = exp(−exp(−(w − AON)/WC)).
/// VTEAM (Kvatinsky et al., IEEE TCAS-II 62(8), 2015) is the same law with the voltage in place of
/// the current: thresholds VOFF &gt; 0 and VON (magnitude), selected by giving VOFF or VON.
/// </summary>
public sealed class TeamKernel(double ron, double roff, double kon, double koff, double alphaOn, double alphaOff,
    double ion, double ioff, double xon, double xoff, bool exponential, int windowType, double p, double j,
    double aon, double aoff, double wc, bool voltageControlled = false) : MemristorKernel
{
    private readonly double _d = xoff - xon;
    private readonly double _lambda = Math.Log(roff / ron);

    /// <inheritdoc/>
    public override double Current(double v, double x, out double didv, out double didx)
    {
        double r, drdx;
        if (exponential) { r = ron * Math.Exp(_lambda * x); drdx = _lambda * r; }
        else { r = ron + (roff - ron) * x; drdx = roff - ron; }
        didv = 1 / r;
        didx = -v * drdx / (r * r);
        return v / r;
    }

    /// <inheritdoc/>
    public override double Rate(double v, double x, double up, double down, out double dfdv, out double dfdx)
    {
        double i = Current(v, x, out double didv, out double didx);
        if (voltageControlled) { i = v; didv = 1; didx = 0; }
        double ionAbs = Math.Abs(ion);
        double g, dgdi;
        bool off;
        if (i > ioff)
        {
            double u = i / ioff - 1;
            g = koff * Math.Pow(u, alphaOff) / _d * up;
            dgdi = koff * alphaOff * Math.Pow(u, alphaOff - 1) / ioff / _d * up;
            off = true;
        }
        else if (i < -ionAbs)
        {
            double u = -i / ionAbs - 1;
            g = -Math.Abs(kon) * Math.Pow(u, alphaOn) / _d * down;
            dgdi = Math.Abs(kon) * alphaOn * Math.Pow(u, alphaOn - 1) / ionAbs / _d * down;
            off = false;
        }
        else
        {
            dfdv = dfdx = 0;
            return 0;
        }
        double w = Window(x, i, off, out double dw);
        dfdv = dgdi * didv * w;
        dfdx = dgdi * didx * w + g * dw;
        return g * w;
    }

    private double Window(double x, double i, bool off, out double dw)
    {
        switch (windowType)
        {
            case 1:
            {
                double s = 2 * x - 1, n = 2 * p;
                double pw = Math.Pow(s, n - 1);
                dw = -2 * n * pw;
                return 1 - pw * s;
            }
            case 2:
            {
                // Biolek on the TEAM orientation: the OFF-going current stops at x = 1, the ON-going at x = 0.
                double s = x - (i > 0 ? 0 : 1), n = 2 * p;
                double pw = Math.Pow(s, n - 1);
                dw = -n * pw;
                return 1 - pw * s;
            }
            case 3:
            {
                double u = (x - 0.5) * (x - 0.5) + 0.75;
                double pw = Math.Pow(u, p - 1);
                dw = -j * p * pw * 2 * (x - 0.5);
                return j * (1 - pw * u);
            }
            case 4:
            {
                double w = xon + _d * x;
                if (off)
                {
                    double e = Math.Exp((w - aoff) / wc);
                    double f = Math.Exp(-e);
                    dw = -f * e * _d / wc;
                    return f;
                }
                else
                {
                    double e = Math.Exp(-(w - aon) / wc);
                    double f = Math.Exp(-e);
                    dw = f * e * _d / wc;
                    return f;
                }
            }
            default:
                dw = 0;
                return 1;
        }
    }
}

/// <summary>
/// Yakopcic generalised memristor model (Yakopcic et al., IEEE EDL 32(10), 2011):
/// i = A1·x·sinh(B·v) for v ≥ 0, A2·x·sinh(B·v) for v &lt; 0 (A);
/// g(v) = AP(e^v − e^VP) for v &gt; VP, −AN(e^−v − e^VN) for v &lt; −VN, else 0 (1/s);
/// dx/dt = ETA·g(v)·f(x) with f = e^(−ALPHAP(x−XP))·((XP − x)/(1 − XP) + 1) for g &gt; 0 and x ≥ XP,
/// f = e^(ALPHAN(x + XN − 1))·x/(1 − XN) for g &lt; 0 and x ≤ 1 − XN, else 1.
/// </summary>
public sealed class YakopcicKernel(double a1, double a2, double b, double vp, double vn, double ap, double an,
    double xp, double xn, double alphaP, double alphaN, double eta) : MemristorKernel
{
    /// <inheritdoc/>
    public override double Current(double v, double x, out double didv, out double didx)
    {
        double a = v >= 0 ? a1 : a2;
        double sh = Math.Sinh(b * v);
        didv = a * x * b * Math.Cosh(b * v);
        didx = a * sh;
        return a * x * sh;
    }

    /// <inheritdoc/>
    public override double Rate(double v, double x, double up, double down, out double dfdv, out double dfdx)
    {
        double g, dg, f = 1, df = 0;
        if (v > vp)
        {
            g = ap * (Math.Exp(v) - Math.Exp(vp)) * up;
            dg = ap * Math.Exp(v) * up;
            if (x >= xp)
            {
                double e = Math.Exp(-alphaP * (x - xp)), wp = (xp - x) / (1 - xp) + 1;
                f = e * wp;
                df = e * (-alphaP * wp - 1 / (1 - xp));
            }
        }
        else if (v < -vn)
        {
            g = -an * (Math.Exp(-v) - Math.Exp(vn)) * down;
            dg = an * Math.Exp(-v) * down;
            if (x <= 1 - xn)
            {
                double e = Math.Exp(alphaN * (x + xn - 1)), wn = x / (1 - xn);
                f = e * wn;
                df = e * (alphaN * wn + 1 / (1 - xn));
            }
        }
        else
        {
            dfdv = dfdx = 0;
            return 0;
        }
        dfdv = eta * dg * f;
        dfdx = eta * g * df;
        return eta * g * f;
    }
}

/// <summary>
/// The exponential-nonlinearity pulse model of Ernoult (2020), Part II Eq. 1.5, on x = (G − GMIN)/R,
/// R = GMAX − GMIN (S): i = (GMIN + R·x)·v. While v &gt; VSET (potentiation)
/// dG/dt = +CP·exp(−BETAP·(G − GMIN)/R), i.e. dx/dt = (CP/R)·e^(−BETAP·x); while v &lt; −VRESET
/// (depression) dG/dt = −CD·exp(−BETAD·(GMAX − G)/R), i.e. dx/dt = −(CD/R)·e^(−BETAD·(1 − x)).
/// The amplitude above threshold does not matter: the width is the programming knob. CP and CD (S/s)
/// default to C = (R/TMAX)(e^β − 1)/β, which takes a device from GMIN to GMAX in TMAX seconds.
/// Exact pulse response (thesis Eq. 1.6): x ← x + ln(1 + β·c·Δt·e^(−βx))/β (c = CP/R), so one
/// pulse of Δt equals n pulses of Δt/n.
/// </summary>
public sealed class ExponentialPulseKernel(double gmin, double gmax, double betaP, double betaD, double cp, double cd,
    double vset, double vreset) : MemristorKernel
{
    private readonly double _range = gmax - gmin;

    /// <summary>Normalised potentiation rate CP/R at x = 0, 1/s.</summary>
    public double UpRate => cp / _range;

    /// <summary>Normalised depression rate CD/R at x = 1, 1/s.</summary>
    public double DownRate => cd / _range;

    /// <inheritdoc/>
    public override double Current(double v, double x, out double didv, out double didx)
    {
        double g = gmin + _range * x;
        didv = g;
        didx = _range * v;
        return g * v;
    }

    /// <inheritdoc/>
    public override double Rate(double v, double x, double up, double down, out double dfdv, out double dfdx)
    {
        dfdv = 0;
        if (v > vset)
        {
            double f = UpRate * up * Math.Exp(-betaP * x);
            dfdx = -betaP * f;
            return f;
        }
        if (v < -vreset)
        {
            double f = -DownRate * down * Math.Exp(-betaD * (1 - x));
            dfdx = betaD * f;
            return f;
        }
        dfdx = 0;
        return 0;
    }

    /// <inheritdoc/>
    public override bool HasClosedForm => true;

    /// <inheritdoc/>
    public override double QuiescentVoltage => Math.Min(vset, vreset);

    /// <inheritdoc/>
    public override double Pulse(double x, double v, double width, double up, double down, int substeps = 64)
    {
        if (v > vset) x += Grow(betaP, UpRate * up * width * Math.Exp(-betaP * x));
        else if (v < -vreset) x -= Grow(betaD, DownRate * down * width * Math.Exp(-betaD * (1 - x)));
        return Math.Clamp(x, 0, 1);
    }

    /// <summary>ln(1 + β·a)/β, with its limit a as β → 0.</summary>
    private static double Grow(double beta, double a) => beta < 1e-12 ? a : double.LogP1(beta * a) / beta;

    /// <summary>C = (R/Δt_max)·(e^β − 1)/β (S/s), the prefactor that takes GMIN to GMAX in Δt_max (thesis App. 1, L3400).</summary>
    public static double PrefactorFromFullSwingTime(double range, double beta, double tmax) =>
        beta < 1e-12 ? range / tmax : range / tmax * double.ExpM1(beta) / beta;
}

/// <summary>
/// Bipolar threshold RRAM for spike-overlap STDP (in the spirit of the HfO2 1T1R devices of Milo et
/// al.): i = (GOFF + (GON − GOFF)·x)·v; no change for −VRESET ≤ v ≤ VSET; above threshold
/// dx/dt = (1 − x)·sinh((v − VSET)/V0)/TAUSET (set) and dx/dt = −x·sinh((−v − VRESET)/V0)/TAURESET
/// (reset). The rate is continuous at the thresholds (sinh 0 = 0), grows exponentially with the
/// overdrive (a few hundred mV per decade of pulse time for V0 ≈ 0.1 V) and saturates at the
/// bounds. Exact pulse response: x ← 1 − (1 − x)e^(−rΔt) (set), x ← x·e^(−rΔt) (reset).
/// </summary>
public sealed class ThresholdRramKernel(double gon, double goff, double vset, double vreset, double v0,
    double tauSet, double tauReset) : MemristorKernel
{
    /// <inheritdoc/>
    public override double Current(double v, double x, out double didv, out double didx)
    {
        double g = goff + (gon - goff) * x;
        didv = g;
        didx = (gon - goff) * v;
        return g * v;
    }

    /// <inheritdoc/>
    public override double Rate(double v, double x, double up, double down, out double dfdv, out double dfdx)
    {
        if (v > vset)
        {
            // A Newton iterate far beyond any physical overdrive (|v| ≳ 70 V with V0 = 0.1) would
            // overflow sinh and give 0·∞ = NaN at a bound; past MaxOverdrive the rate is continued
            // linearly (value and slope continuous), which no converged point ever reaches.
            double a = (v - vset) / v0, r = LimitedSinh(a, out double ch) / tauSet * up;
            dfdv = (1 - x) * ch / (v0 * tauSet) * up;
            dfdx = -r;
            return (1 - x) * r;
        }
        if (v < -vreset)
        {
            double a = (-v - vreset) / v0, r = LimitedSinh(a, out double ch) / tauReset * down;
            dfdv = x * ch / (v0 * tauReset) * down;
            dfdx = -r;
            return -x * r;
        }
        dfdv = dfdx = 0;
        return 0;
    }

    /// <summary>Overdrive (in units of V0) beyond which sinh is continued by its tangent.</summary>
    private const double MaxOverdrive = 40;

    /// <summary>sinh(a) for a ≤ <see cref="MaxOverdrive"/>, its tangent line beyond; <paramref name="slope"/> is the derivative.</summary>
    private static double LimitedSinh(double a, out double slope)
    {
        if (a <= MaxOverdrive)
        {
            slope = Math.Cosh(a);
            return Math.Sinh(a);
        }
        slope = Math.Cosh(MaxOverdrive);
        return Math.Sinh(MaxOverdrive) + slope * (a - MaxOverdrive);
    }

    /// <inheritdoc/>
    public override bool HasClosedForm => true;

    /// <inheritdoc/>
    public override double QuiescentVoltage => Math.Min(vset, vreset);

    /// <inheritdoc/>
    public override double Pulse(double x, double v, double width, double up, double down, int substeps = 64)
    {
        if (v > vset) x = 1 - (1 - x) * Math.Exp(-Math.Sinh((v - vset) / v0) / tauSet * up * width);
        else if (v < -vreset) x *= Math.Exp(-Math.Sinh((-v - vreset) / v0) / tauReset * down * width);
        return Math.Clamp(x, 0, 1);
    }
}
