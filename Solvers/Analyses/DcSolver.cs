using AnalogNN.Circuit;
using AnalogNN.Solvers.Newton;

namespace AnalogNN.Solvers.Analyses;

/// <summary>
/// Solves the DC equations of a system: plain Newton first, then the two SPICE fallbacks by name —
/// gmin stepping (a shunt from every node to ground, 10 decades above gmin, reduced a decade at a
/// time) and source stepping (all independent sources ramped from 0 to their value) — each step
/// starting from the last solution.
/// </summary>
internal static class DcSolver
{
    /// <summary>Brings the context's solution to the DC solution. <paramref name="warm"/> means the present solution is a good guess (sweep continuation).</summary>
    /// <exception cref="SimulationException">All strategies failed; the message names the unknown that did not settle.</exception>
    public static void Solve(MnaSystem system, NewtonRaphson newton, int maxIterations, bool warm)
    {
        var ctx = system.Context;
        var options = system.Options;
        var start = (double[])ctx.Solution.Clone();
        ctx.SetDc(false, 1, options.Gmin);
        if (newton.Iterate(maxIterations, initJunction: !warm)) return;
        string culprit = newton.Culprit;

        if (options.GminSteps > 0 && GminStepping(system, newton, start)) return;
        if (options.SrcSteps > 0 && SourceStepping(system, newton, start)) return;
        ctx.SetDc(false, 1, options.Gmin);
        throw new SimulationException(
            $"no convergence in DC analysis at {culprit} (gmin stepping and source stepping failed too); check the circuit near that {(culprit.StartsWith("i(") ? "branch" : "node")}",
            culprit);
    }

    private static bool GminStepping(MnaSystem system, NewtonRaphson newton, double[] start)
    {
        var ctx = system.Context;
        var options = system.Options;
        Array.Copy(start, ctx.Solution, start.Length);
        double gmin = options.Gmin * Math.Pow(10, options.GminSteps);
        bool first = true;
        try
        {
            for (int step = 0; step <= options.GminSteps; step++, gmin /= 10)
            {
                newton.DiagonalGmin = gmin;
                ctx.SetDc(false, 1, options.Gmin);
                if (!newton.Iterate(options.Itl1, initJunction: first)) return false;
                first = false;
            }
        }
        finally { newton.DiagonalGmin = 0; }
        ctx.SetDc(false, 1, options.Gmin);
        return newton.Iterate(options.Itl1);
    }

    private static bool SourceStepping(MnaSystem system, NewtonRaphson newton, double[] start)
    {
        var ctx = system.Context;
        var options = system.Options;
        Array.Clear(ctx.Solution);
        for (int step = 0; step <= options.SrcSteps; step++)
        {
            double factor = (double)step / options.SrcSteps;
            ctx.SetDc(false, factor, options.Gmin);
            if (!newton.Iterate(options.Itl1, initJunction: step == 0)) return false;
        }
        return true;
    }
}
