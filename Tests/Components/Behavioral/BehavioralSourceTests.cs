using AnalogNN.Components.Behavioral;
using AnalogNN.Netlists.Parsing.Expressions;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Tests.Components.Behavioral;

public class BehavioralSourceTests
{
    private static (BehavioralFunction F, IReadOnlyList<BehavioralInput> Inputs) Compile(string text)
    {
        var e = Expression.Parse(text);
        var method = typeof(AnalogNN.Netlists.Parsing.CircuitBuilder).Assembly
            .GetType("AnalogNN.Netlists.Parsing.ExpressionCompiler")!.GetMethod("Compile")!;
        var tuple = ((BehavioralFunction, IReadOnlyList<BehavioralInput>))method.Invoke(null, [e])!;
        return tuple;
    }

    [TestCase("V(a,b)/(100*V(x)+16000*(1-V(x)))*(1-pow(2*V(x)-1,2))")]
    [TestCase("tanh(2*V(a)) + exp(-V(b)*V(b)) * sin(V(x)) - atan2(V(a), V(b)+3)")]
    [TestCase("V(a)^2.5 + pwr(V(b),3) + sqrt(abs(V(x))+1) + hypot(V(a),V(b)) + log(V(x)+2) + max(V(a),V(b),0.1)")]
    [TestCase("V(a) > 0.2 ? V(a)*V(b) : -V(b)/(1+V(x)*V(x)) + limit(V(x), -0.1, 0.3)")]
    [TestCase("1m*tanh(V(a)) + 0.2m*uramp(V(b)-0.1) + fmod(V(x)*7, 1.3) + i(v1)*50")]
    public void When_GradientComparedToCentralDifferences_Expect_AgreementTo1e6(string text)
    {
        var (f, inputs) = Compile(text);
        var eval = f.CreateEvaluator();
        var rng = new Random(42);
        var x = new double[inputs.Count];
        var g = new double[inputs.Count];
        var tmp = new double[inputs.Count];
        for (int trial = 0; trial < 20; trial++)
        {
            for (int k = 0; k < x.Length; k++) x[k] = 0.05 + 0.9 * rng.NextDouble();
            eval.Evaluate(x, 1e-3, g);
            for (int k = 0; k < x.Length; k++)
            {
                double h = 1e-6;
                x.CopyTo(tmp, 0); tmp[k] += h; double up = eval.Value(tmp, 1e-3);
                x.CopyTo(tmp, 0); tmp[k] -= h; double down = eval.Value(tmp, 1e-3);
                double fd = (up - down) / (2 * h);
                Check.Close(fd, g[k], 1e-6, 1e-8, $"{text}: d/d{inputs[k]} at trial {trial}");
            }
        }
    }

    [Test]
    public void When_SameInputWrittenTwice_Expect_OneInputSlot()
    {
        var (f, inputs) = Compile("V(a,b)*V(a,b) + V(a)");
        Assert.That(inputs, Has.Count.EqualTo(2));
        var g = new double[2];
        double v = f.CreateEvaluator().Evaluate([3.0, 2.0], 0, g);
        Assert.That(v, Is.EqualTo(11));
        Assert.That(g, Is.EqualTo(new[] { 6.0, 1.0 }));
    }

    [Test]
    public void When_BehaviouralDividerRuns_Expect_OperatingPointOfTheExpression()
    {
        // B1 sets v(o) = 0.5·v(in)² + 0.1 from a 2 V source: 2.1 V; B2 sinks I = v(o)/1k: 2.1 mA through V1? no: through Rl.
        var job = NetlistJob.FromText("""
            * B source op
            .param a=0.5
            V1 in 0 2
            B1 o 0 V={a}*V(in)^2 + 0.1
            B2 o2 0 I=-V(o)/1k
            Rl o2 0 1k
            .op
            .end
            """);
        var rec = new RecordingOutput();
        job.Run(rec);
        Check.Close(2.1, rec.Column("v(o)")[0], 1e-9, 1e-12, "v(o)");
        Check.Close(2.1, rec.Column("v(o2)")[0], 1e-9, 1e-12, "v(o2)");
    }

    [Test]
    public void When_LoadRepeated_Expect_NoAllocation()
    {
        var (f, inputs) = Compile("V(a,b)/(100*V(x)+16000*(1-V(x)))*(1-pow(2*V(x)-1,2)) + (V(a) > 0 ? tanh(V(b)) : 0)");
        var eval = f.CreateEvaluator();
        var x = new double[inputs.Count];
        var g = new double[inputs.Count];
        for (int k = 0; k < x.Length; k++) x[k] = 0.3 + 0.1 * k;
        eval.Evaluate(x, 0, g);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) eval.Evaluate(x, i * 1e-6, g);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }
}
