using System.Globalization;
using AnalogNN.Circuit;

namespace AnalogNN.Components.Memristors;

/// <summary>
/// The resolved unknowns and matrix slots of one memristor between nodes p and n with state
/// unknown x, and its stamp. Shared by <see cref="Memristor"/> and the crossbar's tight loop.
/// </summary>
/// <remarks>
/// The state x is an MNA unknown with its own equation row (as in Xyce), integrated with the
/// circuit's method through <see cref="LoadContext.Integrate"/> (x is registered as a "charge",
/// so the truncation-error step control watches it exactly as it watches a 1 F capacitor holding
/// x, the ngspice idiom). Rows:
/// <code>
///  KCL p:  +i(v, x)          i ≈ i₀ + g_v(v − v₀) + g_x(x − x₀)
///  KCL n:  −i(v, x)
///  row x:  dx/dt − f(v, x) = 0     (transient; dx/dt = α₀x + history)
///          x − x_hold = 0          (DC: the state is held at its present value)
/// </code>
/// Bounds (clamped formulation): i and f are always evaluated at clamp(x, 0, 1); when the iterate
/// is at or beyond a bound and the rate points outward, the x row is replaced by x = bound, so an
/// implicit step solves x = min(1, x₁ + ∫f dt) (max(0, …) at the lower bound) instead of
/// overshooting — a hard gate on the rate alone would leave the implicit equation without a
/// solution when a window-free model (TEAM WT=0) hits its bound. Every accepted state is also
/// projected onto [0, 1] with its derivative set to zero, so the history that later steps integrate
/// from is never outside the bounds.
/// </remarks>
public struct MemristorStamp
{
    /// <summary>Unknowns p, n and x; state offset q (q: x, q+1: dx/dt).</summary>
    public int P, N, X, Q;
    /// <summary>Slots of the conductance block, the x column in the KCL rows and the x row.</summary>
    public int PP, PN, NP, NN, PX, NX, XX, XP, XN;

    /// <summary>Creates the state unknown and states (set-up phase 1).</summary>
    public void Create(ISetupContext setup, int p, int n, string stateName, bool saved)
    {
        P = p;
        N = n;
        X = setup.CreateInternal(stateName, UnknownKind.State, saved);
        Q = setup.CreateStates(2);
        setup.RegisterCharge(Q);
    }

    /// <summary>Resolves the nine slots (set-up phase 2).</summary>
    public void Bind(ISetupContext s)
    {
        PP = s.MatrixSlot(P, P); PN = s.MatrixSlot(P, N); NP = s.MatrixSlot(N, P); NN = s.MatrixSlot(N, N);
        PX = s.MatrixSlot(P, X); NX = s.MatrixSlot(N, X);
        XX = s.MatrixSlot(X, X); XP = s.MatrixSlot(X, P); XN = s.MatrixSlot(X, N);
    }

    /// <summary>Stamps the device; <paramref name="hold"/> is the held state (DC and transient start). Does not allocate.</summary>
    public readonly void Load(LoadContext ctx, MemristorKernel kernel, double up, double down, double hold)
    {
        var sol = ctx.Solution;
        var m = ctx.Matrix;
        var rhs = ctx.Rhs;
        if (ctx.InitTransient) sol[X] = hold;
        double v = sol[P] - sol[N];
        double xr = sol[X];
        double xc = Math.Clamp(xr, 0, 1);
        double i = kernel.Current(v, xc, out double gv, out double gx);
        m[PP] += gv; m[PN] -= gv; m[NP] -= gv; m[NN] += gv;
        m[PX] += gx; m[NX] -= gx;
        double ieq = i - gv * v - gx * xc;
        rhs[P] -= ieq;
        rhs[N] += ieq;
        if (ctx.Analysis != AnalysisKind.Transient || ctx.InitTransient)
        {
            ctx.State0[Q] = ctx.InitTransient ? hold : xr;
            ctx.State0[Q + 1] = 0;
            m[XX] += 1;
            rhs[X] += hold;
            return;
        }
        ctx.State0[Q] = xr;
        double dxdt = ctx.Integrate(Q);
        double a0 = ctx.Ag0;
        double f = kernel.Rate(v, xc, up, down, out double fv, out double fx);
        if ((xr >= 1 && f > 0) || (xr <= 0 && f < 0))
        {
            // At a bound with the rate pushing outward: the row becomes x = bound (scaled by α₀ like
            // the normal row), i.e. the step solves x = min(1, x₁ + ∫f) instead of overshooting.
            m[XX] += a0;
            rhs[X] += a0 * (xr >= 1 ? 1 : 0);
            return;
        }
        double history = dxdt - a0 * xr;
        m[XX] += a0 - fx;
        m[XP] -= fv;
        m[XN] += fv;
        rhs[X] += f - history - fx * xc - fv * v;
    }

    /// <summary>Projects the accepted state onto [0, 1] (clamped formulation) and returns it.</summary>
    public readonly double Accept(LoadContext ctx)
    {
        double x = ctx.Solution[X];
        if (x < 0 || x > 1)
        {
            x = Math.Clamp(x, 0, 1);
            ctx.Solution[X] = x;
            ctx.State0[Q] = ctx.State1[Q] = x;
            ctx.State0[Q + 1] = ctx.State1[Q + 1] = 0;
        }
        return x;
    }
}

/// <summary>
/// Memristor <c>YMEMRISTOR name n+ n- model [X0=x0]</c> (XO is accepted as a synonym, as in Xyce).
/// Its state x ∈ [0, 1] is saved as <c>x(name)</c>. The persistent state lives in
/// <see cref="States"/> (a 1×1 <see cref="MemristorArray"/>), which programming changes and every
/// analysis starts from.
/// </summary>
public sealed class Memristor : Element, INetlistCard
{
    /// <summary>Creates a memristor with initial state <paramref name="x0"/> ∈ [0, 1].</summary>
    public Memristor(string name, string positive, string negative, MemristorModel model, double x0 = 0.5)
        : base(name, positive, negative)
    {
        Require(double.IsFinite(x0) && x0 >= 0 && x0 <= 1, "X0", $"initial state must be in [0, 1] (got {x0:G6})");
        Model = model;
        InitialState = x0;
        States = new MemristorArray(name, model, 1, 1, x0);
    }

    /// <summary>The model.</summary>
    public MemristorModel Model { get; }

    /// <summary>Initial state given on the card.</summary>
    public double InitialState { get; }

    /// <summary>The device's persistent state, variability factors, pulse count and energy.</summary>
    public MemristorArray States { get; }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new MemristorBehavior(this);

    /// <inheritdoc/>
    public string ToNetlistCard() =>
        $"YMEMRISTOR {Name} {Nodes[0]} {Nodes[1]} {Model.Name} X0={InitialState.ToString("R", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A behaviour whose device states a controller may overwrite between two transient steps (after
/// programming it with a pulse), e.g. a memristor during in-situ learning.
/// </summary>
public interface IProgrammableBehavior
{
    /// <summary>The persistent states, variability factors, pulse counts and energies of the device(s).</summary>
    MemristorArray States { get; }

    /// <summary>The state of device <paramref name="k"/> at the last accepted time point.</summary>
    double RunningState(LoadContext context, int k);

    /// <summary>
    /// Makes <paramref name="x"/> the state of device <paramref name="k"/> at the last accepted time
    /// point: the unknown and every stored past value, with zero rate, so the next step integrates
    /// from it without a jump in the history. Call only where the integration restarts (a scheduled
    /// or state-triggered event).
    /// </summary>
    void OverwriteState(LoadContext context, int k, double x);
}

/// <summary>Stamp of a single memristor (see <see cref="MemristorStamp"/>).</summary>
internal sealed class MemristorBehavior(Memristor element) : IBehavior, IAcceptBehavior, IProgrammableBehavior
{
    private MemristorStamp _stamp;
    private readonly MemristorArray _array = element.States;
    private readonly MemristorKernel _kernel = element.States.Kernel;

    public void CreateUnknowns(ISetupContext setup) =>
        _stamp.Create(setup, setup.MapNode(element.Nodes[0]), setup.MapNode(element.Nodes[1]), element.Name, saved: true);

    public void Bind(ISetupContext setup) => _stamp.Bind(setup);

    public void Load(LoadContext context) => _stamp.Load(context, _kernel, _array.Up[0], _array.Down[0], _array.X[0]);

    public void Accept(LoadContext context) => _array.LastX[0] = _stamp.Accept(context);

    public MemristorArray States => _array;

    public double RunningState(LoadContext context, int k) => Math.Clamp(context.Solution[_stamp.X], 0, 1);

    public void OverwriteState(LoadContext context, int k, double x)
    {
        x = Math.Clamp(x, 0, 1);
        context.Solution[_stamp.X] = x;
        for (int age = 0; age < LoadContext.StateHistory; age++)
        {
            var s = context.States(age);
            s[_stamp.Q] = x;
            s[_stamp.Q + 1] = 0;
        }
        _array.LastX[0] = x;
    }
}
