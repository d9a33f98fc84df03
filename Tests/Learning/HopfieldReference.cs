using AnalogNN.Learning.Networks;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Learning;

/// <summary>
/// Independent dense reference for the Hopfield circuits: the network equations (Eq. 3, 9, 13,
/// with the nudge of Eq. 16) written directly from the paper, integrated with RK4 from the same
/// initial state (so the same attractor is reached) and polished with Newton's method on the
/// dense Jacobian (MathNet LU, central differences).
/// </summary>
internal static class HopfieldReference
{
    public static double[,] Weights(HopfieldCircuitSpec spec)
    {
        var w = new double[spec.Neurons, spec.Neurons];
        for (int k = 0; k < spec.Connections.Count; k++)
        {
            var (i, j) = spec.Connections[k];
            w[i, j] = w[j, i] = spec.Parameters.Weight(spec.StatePlus[k], spec.StateMinus[k]);
        }
        return w;
    }

    private static double G(Nonlinearity f, double v) => f.Kind == NonlinearityKind.Tanh ? Math.Tanh(v) : Math.Clamp(v, 0, 1);

    private static double Gp(Nonlinearity f, double v) => f.Kind == NonlinearityKind.Tanh ? 1 - Math.Tanh(v) * Math.Tanh(v) : v >= 0 && v <= 1 ? 1 : 0;

    /// <summary>dv/dt of the network in units of τ; <paramref name="beta"/> and <paramref name="targets"/> (per neuron, NaN = not an output) nudge.</summary>
    public static double[] Rhs(HopfieldCircuitSpec spec, double[,] w, double[] v, double beta, double[]? targets)
    {
        int n = spec.Neurons;
        var d = new double[n];
        var f = spec.Function;
        for (int i = 0; i < n; i++)
        {
            if (spec.IsClamped(i)) continue;
            double input = spec.Input?[i] ?? 0;
            double nudge = targets is not null && !double.IsNaN(targets[i]) ? beta * (targets[i] - v[i]) : 0;
            double s = input;
            switch (spec.Dynamics)
            {
                case CircuitDynamics.Gradient:
                    for (int j = 0; j < n; j++) s += w[i, j] * G(f, v[j]);
                    d[i] = -v[i] + Gp(f, v[i]) * s + nudge;
                    break;
                case CircuitDynamics.Additive:
                    for (int j = 0; j < n; j++) s += w[i, j] * v[j];
                    d[i] = -v[i] + G(f, s + nudge);
                    break;
                default:
                    for (int j = 0; j < n; j++) s += w[j, i] * v[j];
                    d[i] = -v[i] + spec.Gains![i] * s;
                    break;
            }
        }
        return d;
    }

    /// <summary>The fixed point reached from the spec's initial state (clamped neurons at their clamp values).</summary>
    public static double[] FixedPoint(HopfieldCircuitSpec spec, double beta = 0, double[]? targets = null, double[]? start = null)
    {
        int n = spec.Neurons;
        var w = Weights(spec);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = spec.IsClamped(i) ? spec.Clamp![i] : start?[i] ?? spec.InitialState?[i] ?? 0;
        const double h = 0.01;
        for (int step = 0; step < 20000; step++)
        {
            var k1 = Rhs(spec, w, v, beta, targets);
            var k2 = Rhs(spec, w, Add(v, k1, h / 2), beta, targets);
            var k3 = Rhs(spec, w, Add(v, k2, h / 2), beta, targets);
            var k4 = Rhs(spec, w, Add(v, k3, h), beta, targets);
            double max = 0;
            for (int i = 0; i < n; i++)
            {
                double dv = h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
                v[i] += dv;
                max = Math.Max(max, Math.Abs(dv));
            }
            if (max < 1e-10 * h) break;
        }
        if (spec.Function.Kind == NonlinearityKind.Tanh) Polish(spec, w, v, beta, targets);
        return v;
    }

    private static void Polish(HopfieldCircuitSpec spec, double[,] w, double[] v, double beta, double[]? targets)
    {
        int n = spec.Neurons;
        for (int it = 0; it < 20; it++)
        {
            var r = Rhs(spec, w, v, beta, targets);
            if (r.Max(Math.Abs) < 1e-14) return;
            var jac = Matrix<double>.Build.Dense(n, n);
            for (int j = 0; j < n; j++)
            {
                if (spec.IsClamped(j)) { jac[j, j] = 1; continue; }
                const double e = 1e-7;
                var up = (double[])v.Clone(); up[j] += e;
                var dn = (double[])v.Clone(); dn[j] -= e;
                var ru = Rhs(spec, w, up, beta, targets);
                var rd = Rhs(spec, w, dn, beta, targets);
                for (int i = 0; i < n; i++) jac[i, j] = spec.IsClamped(i) ? (i == j ? 1 : 0) : (ru[i] - rd[i]) / (2 * e);
            }
            var dx = jac.Solve(Vector<double>.Build.DenseOfArray(r));
            for (int i = 0; i < n; i++) if (!spec.IsClamped(i)) v[i] -= dx[i];
        }
    }

    private static double[] Add(double[] v, double[] k, double h)
    {
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = v[i] + h * k[i];
        return r;
    }

    /// <summary>A symmetric random network: connections of <paramref name="mask"/>, weights uniform in ±<paramref name="scale"/> mapped symmetrically around the mid state.</summary>
    public static HopfieldCircuitSpec Random(int n, Func<int, int, bool> mask, Nonlinearity f, double scale, ulong seed,
        CircuitDynamics dynamics = CircuitDynamics.Gradient, double inputScale = 0.5)
    {
        var rng = new AnalogNN.Components.Memristors.DeviceRandom(seed);
        var p = new HopfieldCircuitParameters();
        var connections = new List<(int, int)>();
        var xp = new List<double>();
        var xm = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                if (!mask(i, j)) continue;
                double wij = scale * (2 * rng.NextUniform() - 1);
                double dx = wij * p.Gref / (p.Gmax - p.Gmin);
                connections.Add((i, j));
                xp.Add(0.5 + dx / 2);
                xm.Add(0.5 - dx / 2);
            }
        return new HopfieldCircuitSpec
        {
            Neurons = n,
            Function = f,
            Dynamics = dynamics,
            Connections = connections,
            StatePlus = xp,
            StateMinus = xm,
            Input = Enumerable.Range(0, n).Select(_ => inputScale * (2 * rng.NextUniform() - 1)).ToArray(),
            InitialState = Enumerable.Range(0, n).Select(_ => 0.2 * (2 * rng.NextUniform() - 1)).ToArray(),
        };
    }
}
