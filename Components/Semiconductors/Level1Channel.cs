namespace AnalogNN.Components.Semiconductors;

/// <summary>
/// The level-1 MOSFET equations (Shichman–Hodges square law with body effect and channel-length
/// modulation, ideal bulk junctions with gmin) as one immutable value, shared by the MOSFET's
/// stamp (<see cref="MosfetBehavior"/>) and by devices that embed a level-1 transistor and solve
/// it themselves (the condensed 1T1R cell). All voltages of <see cref="SquareLaw"/>,
/// <see cref="Threshold"/> and <see cref="BulkDiode"/> are in the polarity frame (×p, p = +1 NMOS,
/// −1 PMOS); <see cref="Channel"/> takes actual terminal voltages.
/// </summary>
internal readonly struct Level1Channel
{
    /// <summary>Polarity p (+1 NMOS, −1 PMOS).</summary>
    public readonly double P;
    /// <summary>β = KP·W/L_eff·M, A/V².</summary>
    public readonly double Beta;
    /// <summary>p·VTO, V.</summary>
    public readonly double Vto;
    /// <summary>γ (√V), φ (V), √φ, λ (1/V).</summary>
    public readonly double Gamma, Phi, SqrtPhi, Lambda;
    /// <summary>Drain and source junction saturation currents, A.</summary>
    public readonly double IsD, IsS;

    public Level1Channel(MosfetModel model, MosfetGeometry geo)
    {
        double mult = geo.Multiplier;
        double leff = geo.L - 2 * model["ld"];
        P = model.Polarity;
        Beta = model.Kp * geo.W / leff * mult;
        Vto = P * model.Vto;
        Gamma = model.Gamma;
        Phi = model.Phi;
        SqrtPhi = Math.Sqrt(Phi);
        Lambda = model.Lambda;
        bool js = model["js"] > 0 && geo.AD > 0;
        IsD = (js ? model["js"] * geo.AD : model["is"]) * mult;
        IsS = (model["js"] > 0 && geo.AS > 0 ? model["js"] * geo.AS : model["is"]) * mult;
    }

    /// <summary>√(φ − v_bs) and its derivative with respect to v_bs (tangent continuation for v_bs &gt; 0).</summary>
    public double Root(double vbs, out double dRoot)
    {
        if (vbs <= 0)
        {
            double r = Math.Sqrt(Phi - vbs);
            dRoot = -0.5 / r;
            return r;
        }
        double t = SqrtPhi - vbs / (2 * SqrtPhi);
        if (t <= 0) { dRoot = 0; return 0; }
        dRoot = -0.5 / SqrtPhi;
        return t;
    }

    /// <summary>Threshold V_th(v_bs), V, in the polarity frame.</summary>
    public double Threshold(double vbs, out double dVth)
    {
        double r = Root(vbs, out double dr);
        dVth = Gamma * dr;
        return Vto + Gamma * (r - SqrtPhi);
    }

    /// <summary>Square-law drain current and its derivatives for v_ds ≥ 0 (polarity frame).</summary>
    public void SquareLaw(double vgs, double vds, double vbs, out double ids, out double gm, out double gds, out double gmbs, out double vth)
    {
        double dVth;
        if (Gamma == 0) { vth = Vto; dVth = 0; }   // no body effect: V_th = VTO (what Threshold returns, without the root)
        else vth = Threshold(vbs, out dVth);
        double vgst = vgs - vth;
        if (vgst <= 0)
        {
            ids = gm = gds = gmbs = 0;
            return;
        }
        double clm = 1 + Lambda * vds;
        if (vgst <= vds)
        {
            ids = 0.5 * Beta * vgst * vgst * clm;
            gm = Beta * vgst * clm;
            gds = 0.5 * Beta * vgst * vgst * Lambda;
        }
        else
        {
            ids = Beta * vds * (vgst - 0.5 * vds) * clm;
            gm = Beta * vds * clm;
            gds = Beta * (vgst - vds) * clm + Beta * vds * (vgst - 0.5 * vds) * Lambda;
        }
        gmbs = -gm * dVth;
    }

    /// <summary>Ideal bulk junction i = IS(e^(v/Vt) − 1) + gmin·v; for v ≤ −3Vt the exponential is dropped (i = −IS + gmin·v).</summary>
    public static double BulkDiode(double v, double isat, double gmin, double vt, out double g)
    {
        if (v <= -3 * vt)
        {
            g = gmin;
            return -isat + gmin * v;
        }
        double e = Junction.SafeExp(v / vt, out double de);
        g = isat * de / vt + gmin;
        return isat * (e - 1) + gmin * v;
    }

    /// <summary>
    /// Channel current from drain to source (A, actual direction) at the actual terminal voltages, in
    /// whichever mode applies (forward for v_ds ≥ 0 in the polarity frame, else reverse), with its
    /// partial derivatives with respect to the drain, gate, source and bulk voltages (S).
    /// </summary>
    public double Channel(double vd, double vg, double vs, double vb, out double dd, out double dg, out double ds, out double db)
    {
        double vds = P * (vd - vs), vgs = P * (vg - vs), vbs = P * (vb - vs);
        if (vds >= 0)
        {
            SquareLaw(vgs, vds, vbs, out double ids, out double gm, out double gds, out double gmbs, out _);
            dg = gm; dd = gds; db = gmbs; ds = -(gm + gds + gmbs);
            return P * ids;
        }
        SquareLaw(vgs - vds, -vds, vbs - vds, out double idr, out double gmr, out double gdsr, out double gmbsr, out _);
        dg = -gmr; ds = -gdsr; db = -gmbsr; dd = gmr + gdsr + gmbsr;
        return -P * idr;
    }
}
