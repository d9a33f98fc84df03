using System.CommandLine;

namespace AnalogNN.Cli;

/// <summary>Entry point of the <c>analognn</c> command.</summary>
public static class Program
{
    /// <summary>Exit code: success.</summary>
    public const int Success = 0;
    /// <summary>Exit code: the simulation failed (no convergence, singular matrix).</summary>
    public const int SimulationFailed = 1;
    /// <summary>Exit code: the input is wrong (netlist error, missing file, bad option).</summary>
    public const int InputError = 2;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        try
        {
            var root = new RootCommand("AnalogNN: analog circuit simulator for memristive neural networks")
            {
                RunCommand.Create(),
                NetworkCommand.Create(),
                ReproCommand.Create(),
                BenchCommand.Create(),
            };
            // the library's own handler would print a stack trace; ours below prints one line
            return root.Parse(NgspiceStyle(args)).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Last line of defence: no stack trace reaches a user.
            Console.Error.WriteLine($"analognn: internal error: {e.Message}");
            return SimulationFailed;
        }
    }

    /// <summary>
    /// Accepts ngspice's batch form <c>analognn -b [-r out.raw] [-o log] deck.cir</c> by rewriting it
    /// to <c>run deck.cir --raw out.raw</c>.
    /// </summary>
    internal static string[] NgspiceStyle(string[] args)
    {
        if (!args.Contains("-b")) return args;
        var rewritten = new List<string> { "run" };
        for (int k = 0; k < args.Length; k++)
        {
            switch (args[k])
            {
                case "-b": break;
                case "-r" when k + 1 < args.Length: rewritten.Add("--raw"); rewritten.Add(args[++k]); break;
                case "-o" when k + 1 < args.Length: rewritten.Add("--log"); rewritten.Add(args[++k]); break;
                default: rewritten.Add(args[k]); break;
            }
        }
        return rewritten.ToArray();
    }
}
