using System.CommandLine;
using System.Diagnostics;
using AnalogNN.Circuit;
using AnalogNN.Cli.Plotting;
using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Simulation;
using AnalogNN.Netlists.Waveforms;
using AnalogNN.Solvers;
using AnalogNN.Solvers.Output;
using Spectre.Console;

namespace AnalogNN.Cli;

/// <summary>
/// <c>analognn run NETLIST [-o OUTDIR] [--ascii] [--csv] [--plot SIGNALS] [--plot-format svg|png|pdf]</c>:
/// runs every analysis of a netlist and writes <c>OUTDIR/&lt;stem&gt;.raw</c> (and CSV files and plots).
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var netlist = new Argument<FileInfo>("netlist") { Description = "SPICE netlist (.cir)" };
        var outDir = new Option<DirectoryInfo?>("--output", "-o") { Description = "output folder (default: current folder)" };
        var ascii = new Option<bool>("--ascii") { Description = "write an ASCII rawfile instead of binary" };
        var csv = new Option<bool>("--csv") { Description = "also write OUTDIR/<stem>.<analysis>.csv" };
        var plot = new Option<string?>("--plot") { Description = "signals to plot, e.g. \"v(out),i(v1)\"" };
        var plotFormat = new Option<string>("--plot-format") { Description = "svg (default), png or pdf", DefaultValueFactory = _ => "svg" };
        plotFormat.AcceptOnlyFromAmong("svg", "png", "pdf");
        var raw = new Option<FileInfo?>("--raw", "-r") { Description = "rawfile path (overrides OUTDIR/<stem>.raw)" };
        var log = new Option<FileInfo?>("--log") { Description = "also write messages to this file (ngspice -o)" };
        var stats = new Option<bool>("--stats") { Description = "print engine statistics (iterations, factorizations, time points) to stderr" };
        var spikes = new Option<bool>("--spikes") { Description = "write spike times of every neuron and spike source to OUTDIR/<stem>.spikes.csv and a raster plot OUTDIR/<stem>.raster.<format>" };
        var command = new Command("run", "Run every analysis (.op, .dc, .tran, .step) of a netlist")
        {
            netlist, outDir, ascii, csv, plot, plotFormat, raw, log, stats, spikes,
        };
        command.SetAction(r => Execute(new Settings(
            r.GetValue(netlist)!, r.GetValue(outDir), r.GetValue(ascii), r.GetValue(csv), r.GetValue(plot),
            r.GetValue(plotFormat)!, r.GetValue(raw), r.GetValue(log), r.GetValue(stats)) { Spikes = r.GetValue(spikes) }));
        return command;
    }

    internal sealed record Settings(FileInfo Netlist, DirectoryInfo? OutDir, bool Ascii, bool Csv, string? Plot,
        string PlotFormat, FileInfo? Raw, FileInfo? Log, bool Stats)
    {
        /// <summary>Write the spike CSV and raster plot.</summary>
        public bool Spikes { get; init; }
    }

    internal static int Execute(Settings s)
    {
        using var messages = new Messages(s.Log);
        if (!s.Netlist.Exists)
        {
            messages.Error($"{s.Netlist}: error: no such file");
            return Program.InputError;
        }
        NetlistJob job;
        try
        {
            job = NetlistJob.Load(s.Netlist.ToString());
        }
        catch (NetlistException e)
        {
            messages.Error(e.Message);
            return Program.InputError;
        }
        foreach (var w in job.Warnings) messages.Error(w);

        string dir = s.OutDir?.FullName ?? Directory.GetCurrentDirectory();
        Directory.CreateDirectory(dir);
        string stem = Path.GetFileNameWithoutExtension(s.Netlist.Name);
        string rawPath = s.Raw?.FullName ?? Path.Combine(dir, stem + ".raw");
        var outputs = new List<ISimulationOutput>();
        var rawWriter = new RawFileWriter(rawPath, s.Ascii ? RawFileEncoding.Ascii : RawFileEncoding.Binary);
        outputs.Add(rawWriter);
        CsvWaveformWriter? csvWriter = s.Csv ? new CsvWaveformWriter(dir, stem) : null;
        if (csvWriter is not null) outputs.Add(csvWriter);
        WaveformRecorder? recorder = s.Plot is not null ? new WaveformRecorder() : null;
        if (recorder is not null) outputs.Add(recorder);
        using var tee = new WaveformTee(outputs.ToArray());

        int code = Program.Success;
        var clock = Stopwatch.StartNew();
        try
        {
            using var progress = Progress.Start(job);
            job.Run(tee, progress.Report);
        }
        catch (SimulationException e)
        {
            messages.Error($"{s.Netlist}: simulation failed: {e.Message}");
            code = Program.SimulationFailed;
        }
        catch (CircuitException e)
        {
            messages.Error($"{s.Netlist}: error: {e.Message}");
            code = Program.InputError;
        }
        // Results computed before a failure are kept, as ngspice keeps them.
        tee.Commit();
        if (s.Stats) messages.Error(job.StatisticsSummary(clock.Elapsed));
        if (s.Spikes)
        {
            AtomicFile.Write(Path.Combine(dir, stem + ".spikes.csv"), stream =>
            {
                using var w = new StreamWriter(stream, leaveOpen: true);
                w.Write(job.Spikes.ToCsv());
            });
            new RasterPlotter().Save(job.Spikes, job.Title, Path.Combine(dir, $"{stem}.raster.{s.PlotFormat}"));
        }
        if (recorder is not null && code == Program.Success)
        {
            try
            {
                var signals = s.Plot!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var plotter = new WaveformPlotter();
                var seen = new Dictionary<string, int>();
                foreach (var table in recorder.Plots)
                {
                    if (table.Analysis == "op") continue;
                    int n = seen[table.Analysis] = seen.GetValueOrDefault(table.Analysis) + 1;
                    string name = n == 1 ? $"{stem}.{table.Analysis}.{s.PlotFormat}" : $"{stem}.{table.Analysis}.{n}.{s.PlotFormat}";
                    plotter.Save(table, signals, Path.Combine(dir, name), WaveformPlotter.FormatFromPath(name));
                }
            }
            catch (UnknownSignalException e)
            {
                messages.Error($"{s.Netlist}: error: --plot: {e.Message}");
                code = Program.InputError;
            }
        }
        return code;
    }

    /// <summary>Messages to stderr and, with <c>--log</c>, to a file.</summary>
    private sealed class Messages(FileInfo? log) : IDisposable
    {
        private readonly StreamWriter? _log = log is null ? null : new StreamWriter(log.FullName);
        public void Error(string text)
        {
            Console.Error.WriteLine(text);
            _log?.WriteLine(text);
        }
        public void Dispose() => _log?.Dispose();
    }

    /// <summary>A progress bar on stderr for transients, only when stderr is a terminal.</summary>
    private sealed class Progress : IDisposable
    {
        private ProgressTask? _task;
        private Task? _render;
        private readonly TaskCompletionSource _done = new();
        private long _lastTicks;

        public static Progress Start(NetlistJob job)
        {
            var p = new Progress();
            if (Console.IsErrorRedirected || !job.HasTransient) return p;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            var ready = new TaskCompletionSource();
            p._render = console.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                p._task = ctx.AddTask("transient", maxValue: 1.0);
                ready.SetResult();
                await p._done.Task;
            });
            ready.Task.Wait();
            return p;
        }

        /// <summary>Reports the fraction done (0…1), at most every 100 ms.</summary>
        public void Report(double fraction)
        {
            if (_task is null) return;
            long now = Environment.TickCount64;
            if (now - _lastTicks < 100 && fraction < 1) return;
            _lastTicks = now;
            _task.Value = fraction;
        }

        public void Dispose()
        {
            _done.TrySetResult();
            _render?.Wait();
        }
    }
}
