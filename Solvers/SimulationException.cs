namespace AnalogNN.Solvers;

/// <summary>
/// A simulation that could not proceed: singular matrix, no convergence, time step too small.
/// The message names the node, branch or device at fault and the time, for users.
/// </summary>
public sealed class SimulationException(string message, string? culprit = null, double? time = null) : Exception(message)
{
    /// <summary>Signal name of the node or branch at fault (e.g. <c>v(out)</c>), if known.</summary>
    public string? Culprit { get; } = culprit;

    /// <summary>Simulation time at failure, s (null in DC analyses).</summary>
    public double? Time { get; } = time;
}
