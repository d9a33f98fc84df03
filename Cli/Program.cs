namespace AnalogNN.Cli;

/// <summary>Entry point of the <c>analognn</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args) => 0;
}
