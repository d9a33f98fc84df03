using System.Collections;
using System.Reflection;
using AnalogNN.Circuit;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Writing;

namespace AnalogNN.Tests.Netlists;

/// <summary>
/// Writer round trip of issue 3: parse → build → write → parse gives the same circuit, for every
/// reference deck and example in the repository. "Same" is checked property by property (every
/// public scalar, array and waveform property of every element, bit-exact), for the <c>.ic</c> and
/// <c>.nodeset</c> values, and by write → parse → write being the identity on text.
/// </summary>
[TestFixture]
public class NetlistWriterTests
{
    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "AnalogNN.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("AnalogNN.sln not found above the test folder");
    }

    private static IEnumerable<TestCaseData> Decks()
    {
        string root = RepositoryRoot();
        foreach (var folder in new[] { "Tests/Reference", "examples" })
            foreach (var f in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cir").Order(StringComparer.Ordinal))
                yield return new TestCaseData(f) { TestName = $"When_{Path.GetFileNameWithoutExtension(f)}_written_and_reparsed_Expect_same_circuit" };
    }

    [TestCaseSource(nameof(Decks))]
    public void When_DeckWrittenAndReparsed_Expect_SameCircuit(string path)
    {
        Circuit.Circuit original;
        try
        {
            original = NetlistJob.Load(path).CircuitOf(0);
        }
        catch (NetlistException e) when (e.Errors.All(d => d.Message.Contains("not supported yet")))
        {
            Assert.Ignore($"deck uses elements this build cannot construct yet: {e.Errors.First().Message}");
            return;
        }
        string written = NetlistWriter.Write(original, ".op");
        Circuit.Circuit reparsed;
        try
        {
            reparsed = NetlistJob.FromText(written, "written.cir").CircuitOf(0);
        }
        catch (NetlistException e)
        {
            Assert.Fail($"the written netlist does not parse:\n{e.Message}\n--- written ---\n{written}");
            return;
        }
        AssertSameCircuit(original, reparsed, written);
        Assert.That(NetlistWriter.Write(reparsed, ".op"), Is.EqualTo(written), "write → parse → write must be the identity");
    }

    [Test]
    public void When_SubcircuitsAndExpressionsFlattened_Expect_WrittenWithHierarchicalNamesAndExactNumbers()
    {
        const string deck = "* flat\n.param r0={1k/3}\n.subckt div a b PARAMS: r=1k\nR1 a m {r}\nR2 m b {r*2}\nC1 m b 1.1n IC=0.25\n.ends\n"
            + "V1 in 0 SIN(0 1 1k 0 0 30)\nX1 in 0 div r={r0}\nE1 o 0 x1.m 0 3\nRo o 0 1k\n.ic v(o)=0.5\n.nodeset v(in)=0.1\n.tran 1u 1m\n.end\n";
        var original = NetlistJob.FromText(deck).CircuitOf(0);
        string written = NetlistWriter.Write(original, ".tran 1u 1m");
        Assert.That(written, Does.Contain("x1.m"));
        Assert.That(written, Does.Contain(NetlistWriter.Number(1000.0 / 3)));
        var reparsed = NetlistJob.FromText(written).CircuitOf(0);
        AssertSameCircuit(original, reparsed, written);
    }

    private static void AssertSameCircuit(Circuit.Circuit a, Circuit.Circuit b, string written)
    {
        Assert.That(b.Elements.Select(e => e.Name), Is.EqualTo(a.Elements.Select(e => e.Name)).IgnoreCase, written);
        for (int k = 0; k < a.Elements.Count; k++)
        {
            Element x = a.Elements[k], y = b.Elements[k];
            Assert.That(y.GetType(), Is.EqualTo(x.GetType()), x.Name);
            Assert.That(y.Nodes, Is.EqualTo(x.Nodes).IgnoreCase, x.Name);
            AssertSameProperties(x, y, x.Name, written);
        }
        Assert.That(b.InitialConditions, Is.EquivalentTo(a.InitialConditions), ".ic");
        Assert.That(b.NodeSets, Is.EquivalentTo(a.NodeSets), ".nodeset");
    }

    /// <summary>Every public readable property of scalar, string, array or waveform type, recursively.</summary>
    private static void AssertSameProperties(object x, object y, string path, string written, int depth = 0)
    {
        foreach (var p in x.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name is "Name" or "Nodes") continue;
            object? vx = p.GetValue(x), vy = p.GetValue(y);
            string where = $"{path}.{p.Name}";
            if (vx is null || vy is null) { Assert.That(vy, Is.EqualTo(vx), where + "\n" + written); continue; }
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal))
                Assert.That(vy, Is.EqualTo(vx).IgnoreCase, where + "\n" + written);
            else if (vx is IEnumerable ex && vy is IEnumerable ey)
                Assert.That(ey.Cast<object>(), Is.EqualTo(ex.Cast<object>()), where + "\n" + written);
            else if (depth < 3 && t.Namespace?.StartsWith("AnalogNN.Components", StringComparison.Ordinal) == true)
                AssertSameProperties(vx, vy, where, written, depth + 1);
        }
    }
}
