using System.Diagnostics;
using AnalogNN.Circuit;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Solvers;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Tests.Netlists;

/// <summary>
/// Randomized robustness test of issue 3: valid netlists are mutated (deleted tokens, swapped or
/// duplicated lines, garbage values, cut lines) thousands of times with a fixed seed, and every
/// outcome must be a clean load or a <see cref="NetlistException"/> whose errors all carry a
/// location in the netlist; loaded mutants are also simulated, and then must finish or fail with a
/// <see cref="SimulationException"/> or <see cref="CircuitException"/> within a time bound.
/// </summary>
[TestFixture]
public class MutationFuzzTests
{
    private const int Seed = 20261124;
    private const int Mutants = 4000;
    private const int Simulated = 500;

    private static readonly string[] Decks =
    [
        "* rc\nV1 in 0 PULSE(0 1 1u 1u 1u 20u 50u)\nR1 in out 1k\nC1 out 0 10n IC=0\n.tran 1u 100u\n.end\n",
        "* params and subcircuit\n.param rl=2k gain={2*1.5}\n.subckt div a b PARAMS: r=1k\nR1 a m {r}\nR2 m b {r*2}\n.ends\n"
            + "V1 in 0 DC 5\nX1 in 0 div r={rl}\nE1 o 0 x1.m 0 {gain}\nRo o 0 1k\n.op\n.dc V1 0 5 1\n.end\n",
        "* rlc sine\nV1 in 0 SIN(0 1 10k 0 0 0)\nR1 in a 10\nL1 a b 1m IC=0\nC1 b 0 1u\n.options reltol=1e-3 acct\n"
            + ".ic v(b)=0\n.save v(b) i(v1)\n.tran 2u 50u\n.end\n",
        "* controlled sources and functions\n.func sq(x)={x*x}\n.param v0={sq(2)} a={v0 > 3 ? 1 : 0}\nVs in 0 {v0}\n"
            + "Rs in 0 1k\nF1 0 o Vs 2\nRo o 0 500\nH1 h 0 Vs 100\nRh h 0 1k\nG1 0 g in 0 1m\nRg g 0 1k\nI1 0 n2 PWL(0 0 10u 1m)\nR5 n2 0 {1k*(1+a)}\n"
            + ".op\n.tran 1u 20u\n.end\n",
        "* behavioural source and memristor\n.model mem MEMRISTOR(LEVEL=JOGLEKAR RON=100 ROFF=16k K=1e4 P=2)\n"
            + "V1 in 0 SIN(0 1 100k)\nB1 b 0 V={tanh(v(in))*2}\nRb b 0 1k\nYMEMRISTOR m1 in m mem X0=0.5\nRm m 0 100\n.tran 0.2u 20u\n.end\n",
    ];

    private static readonly string[] Garbage =
    [
        "", "abc", "{", "}", "(", ")", "'", "=", "+", "-", "@", "1e999", "-1", "0", "{1/0}", "{foo(}", "nan", "1meg", "1f",
        "x1", "v1", ".subckt", ".ends", ".param", "v(", "i(v1)", "PULSE(", "{a+}", "1k)", "1,2", "$", ";", "*", "params:",
        "{sqrt(-1)}", "{1e308*1e308}", "dc", "ic=", ".include", "\t", "1e-30", "{?:}",
    ];

    [Test]
    public void When_ValidNetlistsMutatedThousandsOfTimes_Expect_CleanRunOrLocatedInputError()
    {
        var random = new Random(Seed);
        int loaded = 0, rejected = 0, simulated = 0;
        double slowest = 0;
        var clock = Stopwatch.StartNew();
        for (int n = 0; n < Mutants; n++)
        {
            string original = Decks[n % Decks.Length];
            string deck = Mutate(original, random);
            NetlistJob job;
            try
            {
                job = NetlistJob.FromText(deck, "fuzz.cir");
            }
            catch (NetlistException e)
            {
                rejected++;
                Assert.That(e.Errors, Is.Not.Empty, Describe(deck, "no error in the exception"));
                int lines = deck.Split('\n').Length;
                foreach (var d in e.Errors)
                {
                    Assert.That(d.File, Is.EqualTo("fuzz.cir"), Describe(deck, d.ToString()));
                    Assert.That(d.Line, Is.InRange(1, lines), Describe(deck, d.ToString()));
                    Assert.That(d.Column, Is.GreaterThanOrEqualTo(1), Describe(deck, d.ToString()));
                    Assert.That(d.Message, Is.Not.Empty.And.Not.Contains("internal error"), Describe(deck, d.ToString()));
                    Assert.That(d.ToString(), Does.StartWith($"fuzz.cir:{d.Line}:{d.Column}: error: "));
                }
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail(Describe(deck, $"unhandled {e.GetType().Name}: {e.Message}\n{e.StackTrace}"));
                return;
            }
            loaded++;
            // A mutated .tran card is a legitimately long run (e.g. "100u" cut to "1"); only mutants
            // that keep the original time span are simulated, to keep the test fast.
            if (simulated >= Simulated || !TranCardsUnchanged(original, deck)) continue;
            simulated++;
            var watch = Stopwatch.StartNew();
            var run = Task.Run(() =>
            {
                try { job.Run(new NullOutput()); return (Exception?)null; }
                catch (SimulationException) { return null; }
                catch (CircuitException) { return null; }
                catch (Exception e) { return e; }
            });
            Assert.That(run.Wait(TimeSpan.FromSeconds(10)), Is.True, Describe(deck, "simulation did not finish in 10 s"));
            if (run.Result is { } failure) Assert.Fail(Describe(deck, $"simulation threw {failure.GetType().Name}: {failure.Message}\n{failure.StackTrace}"));
            slowest = Math.Max(slowest, watch.Elapsed.TotalSeconds);
        }
        TestContext.Out.WriteLine($"{Mutants} mutants: {loaded} loaded ({simulated} simulated, slowest {slowest:F3} s), {rejected} rejected with located errors, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(rejected, Is.GreaterThan(Mutants / 10), "the mutations should break many netlists");
        Assert.That(loaded, Is.GreaterThan(Mutants / 20), "the mutations should leave some netlists valid");
    }

    /// <summary>One to three random edits of a deck (never the title line, so line 1 stays a title).</summary>
    private static string Mutate(string deck, Random random)
    {
        var lines = deck.TrimEnd('\n').Split('\n').ToList();
        int edits = 1 + random.Next(3);
        for (int k = 0; k < edits && lines.Count > 1; k++)
        {
            int i = 1 + random.Next(lines.Count - 1);
            var tokens = lines[i].Split(' ').ToList();
            switch (random.Next(7))
            {
                case 0: // delete a token
                    tokens.RemoveAt(random.Next(tokens.Count));
                    lines[i] = string.Join(' ', tokens);
                    break;
                case 1: // replace a token by garbage
                    tokens[random.Next(tokens.Count)] = Garbage[random.Next(Garbage.Length)];
                    lines[i] = string.Join(' ', tokens);
                    break;
                case 2: // insert garbage
                    tokens.Insert(random.Next(tokens.Count + 1), Garbage[random.Next(Garbage.Length)]);
                    lines[i] = string.Join(' ', tokens);
                    break;
                case 3: // swap two lines
                    int j = 1 + random.Next(lines.Count - 1);
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    break;
                case 4: // duplicate a line
                    lines.Insert(i, lines[i]);
                    break;
                case 5: // delete a line
                    lines.RemoveAt(i);
                    break;
                default: // cut a line at a random character
                    lines[i] = lines[i][..random.Next(lines[i].Length + 1)];
                    break;
            }
        }
        return string.Join('\n', lines) + "\n";
    }

    private static bool TranCardsUnchanged(string original, string mutant)
    {
        var cards = original.Split('\n').Where(l => l.StartsWith(".tran", StringComparison.Ordinal)).ToHashSet();
        return mutant.Split('\n').Where(l => l.Contains("tran", StringComparison.Ordinal)).All(cards.Contains);
    }

    private static string Describe(string deck, string what) => $"{what}\n--- mutant ---\n{deck}";

    private sealed class NullOutput : ISimulationOutput
    {
        public void BeginPlot(PlotHeader header) { }
        public void WriteRow(ReadOnlySpan<double> values) { }
        public void WriteRow(ReadOnlySpan<double> real, ReadOnlySpan<double> imaginary) { }
        public void EndPlot() { }
    }
}
