namespace AnalogNN.Components.Semiconductors;

/// <summary>
/// pn-junction and FET helper equations shared by the diode and the MOSFET: the ideal junction
/// current, the depletion charge with forward-bias linearisation, and SPICE's Newton step limits
/// (pnjlim for exponential junctions, fetlim/limvds for FET terminal voltages). Pure functions,
/// no state.
/// </summary>
public static class Junction
{
    /// <summary>Largest exponent argument evaluated; beyond it the exponential is continued linearly so the current stays finite.</summary>
    public const double MaxExponent = 80;

    /// <summary>
    /// Critical voltage of a junction, V: v_crit = nVt·ln(nVt / (√2·Is)), the point where the
    /// diode's current curvature makes Newton steps unsafe (Nagel 1975). Above it steps are limited.
    /// </summary>
    /// <param name="nvt">Emission coefficient times thermal voltage, V.</param>
    /// <param name="saturationCurrent">Saturation current, A (&gt; 0).</param>
    public static double CriticalVoltage(double nvt, double saturationCurrent) =>
        nvt * Math.Log(nvt / (Math.Sqrt(2) * saturationCurrent));

    /// <summary>
    /// exp(x) for x ≤ <see cref="MaxExponent"/>, and its first-order continuation e^M·(1 + x − M)
    /// above, so currents never overflow while the Newton step is still being limited.
    /// </summary>
    public static double SafeExp(double x, out double derivative)
    {
        if (x <= MaxExponent)
        {
            double e = Math.Exp(x);
            derivative = e;
            return e;
        }
        double em = Math.Exp(MaxExponent);
        derivative = em;
        return em * (1 + x - MaxExponent);
    }

    /// <summary>
    /// SPICE's pn-junction limiting (pnjlim). Forward: above v_crit a step of more than 2·nVt is
    /// replaced by the voltage at which the exponential's tangent from the old point reaches the new
    /// current, v = v_old + nVt·ln(1 + (v_new − v_old)/nVt) (a logarithmic step, so the current
    /// grows at most by a factor e per nVt of requested step). Reverse: a jump to a large reverse
    /// voltage is limited to −1 V below 0 (from a forward point) or to twice the old reverse
    /// voltage, which keeps Newton from overshooting into breakdown.
    /// </summary>
    /// <param name="vnew">Voltage the Newton step proposes, V.</param>
    /// <param name="vold">Voltage of the previous iteration, V.</param>
    /// <param name="nvt">Emission coefficient times thermal voltage, V.</param>
    /// <param name="vcrit">Critical voltage, V (<see cref="CriticalVoltage"/>).</param>
    /// <param name="limited">Set true if the voltage was changed.</param>
    public static double LimitJunction(double vnew, double vold, double nvt, double vcrit, ref bool limited)
    {
        if (vnew > vcrit && Math.Abs(vnew - vold) > 2 * nvt)
        {
            limited = true;
            if (vold > 0)
            {
                double arg = 1 + (vnew - vold) / nvt;
                return arg > 0 ? vold + nvt * Math.Log(arg) : vcrit;
            }
            return nvt * Math.Log(vnew / nvt);
        }
        if (vnew < 0)
        {
            double floor = vold > 0 ? -1 - vold : 2 * vold - 1;
            if (vnew < floor)
            {
                limited = true;
                return floor;
            }
        }
        return vnew;
    }

    /// <summary>
    /// SPICE3's FET gate-voltage limiting (fetlim) around the threshold <paramref name="vto"/>: a
    /// turning-on device may not jump more than a few volts past threshold in one step, a device far
    /// above threshold moves by at most |2(v_old − V_T)| + 2 V up or half that plus 2 V down, and a
    /// device turning off stops just below threshold first, so Newton does not skip across the
    /// region where the square law changes shape.
    /// </summary>
    public static double LimitFet(double vnew, double vold, double vto)
    {
        double hi = Math.Abs(2 * (vold - vto)) + 2;
        double lo = hi / 2 + 2;
        double vtox = vto + 3.5;
        double delv = vnew - vold;
        if (vold >= vto)
        {
            if (vold >= vtox)
            {
                if (delv <= 0)
                {
                    if (vnew >= vtox) return -delv > lo ? vold - lo : vnew;
                    return Math.Max(vnew, vto + 2);
                }
                return delv >= hi ? vold + hi : vnew;
            }
            return delv <= 0 ? Math.Max(vnew, vto - 0.5) : Math.Min(vnew, vto + 4);
        }
        if (delv <= 0) return -delv > hi ? vold - hi : vnew;
        double vtemp = vto + 0.5;
        if (vnew <= vtemp) return delv > lo ? vold + lo : vnew;
        return vtemp;
    }

    /// <summary>
    /// SPICE3's drain-source limiting (limvds): above 3.5 V the step up is at most to 3·v_old + 2 and
    /// a step below 3.5 V stops at 2 V; below 3.5 V the voltage may rise to at most 4 V and fall to
    /// at most −0.5 V in one step.
    /// </summary>
    public static double LimitVds(double vnew, double vold)
    {
        if (vold >= 3.5)
        {
            if (vnew > vold) return Math.Min(vnew, 3 * vold + 2);
            return vnew < 3.5 ? Math.Max(vnew, 2) : vnew;
        }
        return vnew > vold ? Math.Min(vnew, 4) : Math.Max(vnew, -0.5);
    }

    /// <summary>
    /// Depletion charge (C) and capacitance (F) of a junction with zero-bias capacitance
    /// <paramref name="cj0"/> (F), built-in potential <paramref name="vj"/> (V), grading
    /// <paramref name="m"/> and forward-bias coefficient <paramref name="fc"/>:
    /// for v &lt; FC·VJ, C = CJ0·(1 − v/VJ)^(−M) and q = CJ0·VJ/(1 − M)·(1 − (1 − v/VJ)^(1−M));
    /// above, C is continued linearly, C = CJ0/(1 − FC)^(1+M)·(1 − FC(1+M) + M·v/VJ), and q is its
    /// integral, continuous with the lower branch at v = FC·VJ.
    /// </summary>
    public static double DepletionCharge(double v, double cj0, double vj, double m, double fc, out double capacitance)
    {
        if (cj0 == 0)
        {
            capacitance = 0;
            return 0;
        }
        double vlim = fc * vj;
        if (v < vlim)
        {
            double arg = 1 - v / vj;
            double sarg = Math.Exp(-m * Math.Log(arg));
            capacitance = cj0 * sarg;
            return cj0 * vj * (1 - arg * sarg) / (1 - m);
        }
        double f1 = vj * (1 - Math.Pow(1 - fc, 1 - m)) / (1 - m);
        double f2 = Math.Pow(1 - fc, 1 + m);
        double f3 = 1 - fc * (1 + m);
        capacitance = cj0 / f2 * (f3 + m * v / vj);
        return cj0 * f1 + cj0 / f2 * (f3 * (v - vlim) + m / (2 * vj) * (v * v - vlim * vlim));
    }
}
