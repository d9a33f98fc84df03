using AnalogNN.Circuit;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers;

namespace AnalogNN.Tests.Components.Neurons;

public class AllocationTests
{
    [Test]
    public void When_NeuronFamilyDevicesLoadRepeatedly_Expect_NoAllocation()
    {
        var job = NetlistJob.FromText("""
            * allocation
            .model nl LIF()
            .model pz POISSON(RATE=500 CURRENT=1 AMP=1n)
            .model oa OPAMP(GBW=1meg)
            .model th TANH()
            .model hs HSIGMOID()
            I1 0 m 400p
            YPOISSON p1 0 m pz SEED=3
            YLIF1T1R n1 m o g te ti nl
            YOPAMP u1 0 inv uo oa
            R1 o inv 1k
            R2 uo inv 1k
            YACT a1 o ao th
            YINTEG ig1 o io hs TAU=1m
            B1 b 0 I=1m*tanh(V(o,ao))*(V(io) > 0.5 ? 1 : 0.5) + 1e-3*i(u1)
            Rb b 0 1k
            .tran 1u 10m
            .end
            """);
        var system = new MnaSystem(job.CircuitOf(), new SimulationOptions(), 1e-6, 10e-3);
        var ctx = system.Context;
        var previous = new double[ctx.Solution.Length];
        void Sweep(int from, int to)
        {
            for (int k = from; k < to; k++)
            {
                ctx.SetTransient(k * 1e-5, 1e-5, IntegrationMethod.Trapezoidal, 2, 2e5, 1, 0, false, false);
                ctx.BeginLoad();
                foreach (var b in system.Behaviors) b.Load(ctx);
                foreach (var c in system.Converging) c.IsConverged(ctx);
                foreach (var e in system.Events) e.EventFraction(ctx, previous);
                foreach (var b in system.Breakpoints) b.NextBreakpoint(k * 1e-5);
            }
        }
        Sweep(0, 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Sweep(10, 500);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }
}
