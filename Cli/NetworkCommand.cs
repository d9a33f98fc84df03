using System.CommandLine;
using System.Globalization;
using AnalogNN.Learning.Networks;
using AnalogNN.Netlists.Waveforms;

namespace AnalogNN.Cli;

/// <summary>
/// <c>analognn network milo-hopfield --neurons N [--rates "200,200,0"] [--tstop S] [--seed K] [--recall] [--pairs] [-o FILE]</c>:
/// writes the generated network netlist (to stdout without <c>-o</c>), ready for <c>analognn run</c>.
/// </summary>
internal static class NetworkCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("network") { Description = "network to generate: milo-hopfield" };
        kind.AcceptOnlyFromAmong("milo-hopfield");
        var neurons = new Option<int>("--neurons", "-n") { Description = "number of neurons", DefaultValueFactory = _ => 4 };
        var rates = new Option<string?>("--rates") { Description = "external Poisson rate per neuron, Hz, comma separated (default: 200 for all but the last)" };
        var tstop = new Option<double>("--tstop") { Description = "transient length, s", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the Poisson inputs", DefaultValueFactory = _ => 1UL };
        var recall = new Option<bool>("--recall") { Description = "recall mode: top electrodes held at the read voltages (no learning)" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "netlist file to write (default: stdout)" };
        var pairs = new Option<bool>("--pairs") { Description = "write each synapse as a YMEMRISTOR + M card pair instead of a Y1T1R cell (same circuit)" };
        var command = new Command("network", "Generate a network circuit as a netlist") { kind, neurons, rates, tstop, seed, recall, output, pairs };
        command.SetAction(r =>
        {
            int n = r.GetValue(neurons);
            if (n < 2)
            {
                Console.Error.WriteLine("analognn network: error: --neurons must be at least 2");
                return Program.InputError;
            }
            double[] f;
            try
            {
                f = r.GetValue(rates) is { } text
                    ? text.Split(',', StringSplitOptions.TrimEntries).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray()
                    : Enumerable.Range(0, n).Select(i => i < n - 1 ? 200.0 : 0).ToArray();
            }
            catch (FormatException)
            {
                Console.Error.WriteLine("analognn network: error: --rates must be numbers separated by commas");
                return Program.InputError;
            }
            if (f.Length != n)
            {
                Console.Error.WriteLine($"analognn network: error: --rates has {f.Length} values for {n} neurons");
                return Program.InputError;
            }
            string netlist = MiloHopfield.Build(n, f, r.GetValue(tstop), r.GetValue(seed), recall: r.GetValue(recall), cells: !r.GetValue(pairs));
            if (r.GetValue(output) is { } file) AtomicFile.WriteText(file.FullName, netlist);
            else Console.Out.Write(netlist);
            return Program.Success;
        });
        return command;
    }
}
