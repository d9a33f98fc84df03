namespace AnalogNN.Cli;

/// <summary>
/// Placeholder entry point so that the Cli project (an Exe) builds while its commands are written
/// on another branch. Replace wholesale when the real command line lands.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("analognn: command line not implemented yet");
        return 2;
    }
}
