namespace AnalogNN.Learning.Controllers;

/// <summary>
/// Reads the states of named devices at given times (scheduled events, so the time step lands on
/// them) and keeps them: the weight maps of a training run. At t = 0 it reads at run start.
/// </summary>
public sealed class SnapshotController(IReadOnlyList<string> devices, IReadOnlyList<double> times) : IController
{
    private DeviceHandle[] _handles = [];

    /// <inheritdoc/>
    public string Name => "snapshots";

    /// <summary>(time, states in the order of the device list) for every snapshot taken.</summary>
    public List<(double Time, double[] States)> Snapshots { get; } = new();

    /// <inheritdoc/>
    public void OnRunStart(ControllerContext context)
    {
        _handles = devices.Select(context.Device).ToArray();
        for (int k = 0; k < times.Count; k++)
        {
            if (times[k] <= 0) Take(context);
            else context.Schedule(times[k], k);
        }
    }

    /// <inheritdoc/>
    public void OnScheduledEvent(ControllerContext context, int tag) => Take(context);

    /// <inheritdoc/>
    public void OnPhaseEnd(ControllerContext context, string phase)
    {
        // the last point of the run, if a snapshot was asked for there
        if (times.Count > 0 && Snapshots.Count < times.Count && Math.Abs(times[^1] - context.Time) <= 1e-9 * Math.Max(1, times[^1])) Take(context);
    }

    private void Take(ControllerContext context)
    {
        var x = new double[_handles.Length];
        for (int k = 0; k < x.Length; k++) x[k] = context.State(_handles[k]);
        Snapshots.Add((context.Time, x));
    }
}
