using AnalogNN.Components.Memristors;

namespace AnalogNN.Learning.Controllers;

/// <summary>
/// Watches devices that are programmed by the circuit itself (STDP by spike overlap): at every
/// accepted point it reads each device's voltage and state, counts a programming event each time
/// |v| rises above the device's threshold, and integrates the power v·i (trapezoidal) while it is
/// above. At the end of every phase it adds the totals to the action log (kind
/// <see cref="ActionKind.InCircuit"/>), so in-circuit learning is counted like controller
/// programming. Allocation free per step. A device that counts its own programming
/// (<see cref="IInCircuitProgramming"/>, the condensed 1T1R cell) is told the threshold at run start
/// and does the counting at its accepted points, with the same rule; its nodes are then not read.
/// </summary>
/// <param name="devices">(memristor, node at n+, node at n−, threshold in V) per device; the nodes are ignored for devices that count themselves.</param>
public sealed class ProgrammingMonitor(IReadOnlyList<(string Device, string Positive, string Negative, double Threshold)> devices) : IController
{
    private DeviceHandle[] _handles = [];
    private IInCircuitProgramming?[] _counters = [];
    private int[] _p = [], _n = [];
    private bool[] _above = [];
    private double[] _lastPower = [], _energy = [];
    private long[] _events = [];
    private double _lastTime;
    private int[] _read = [];

    /// <inheritdoc/>
    public string Name => "programming-monitor";

    /// <summary>Programming events of device k so far in this phase.</summary>
    public long Events(int k) => _counters[k]?.Events ?? _events[k];

    /// <summary>Energy dissipated in device k while above its threshold in this phase, J.</summary>
    public double Energy(int k) => _counters[k]?.Energy ?? _energy[k];

    /// <inheritdoc/>
    public void OnRunStart(ControllerContext context)
    {
        int m = devices.Count;
        _handles = new DeviceHandle[m];
        _p = new int[m];
        _n = new int[m];
        _above = new bool[m];
        _lastPower = new double[m];
        _energy = new double[m];
        _events = new long[m];
        _counters = new IInCircuitProgramming?[m];
        var read = new List<int>();
        for (int k = 0; k < m; k++)
        {
            _handles[k] = context.Device(devices[k].Device);
            _counters[k] = context.InCircuitCounter(_handles[k]);
            if (_counters[k] is { } counter)
            {
                counter.Watch(devices[k].Threshold);
                continue;
            }
            _p[k] = context.Node(devices[k].Positive);
            _n[k] = context.Node(devices[k].Negative);
            read.Add(k);
        }
        _read = read.ToArray();
        _lastTime = context.Time;
    }

    /// <inheritdoc/>
    public void OnTimePoint(ControllerContext context)
    {
        double t = context.Time, dt = t - _lastTime;
        foreach (int k in _read)
        {
            double v = context.Voltage(_p[k]) - context.Voltage(_n[k]);
            bool above = Math.Abs(v) > devices[k].Threshold;
            double power = 0;
            if (above)
            {
                var array = context.DeviceStates(_handles[k]);
                power = v * array.Kernel.Current(v, context.State(_handles[k]), out _, out _);
                if (!_above[k]) _events[k]++;
            }
            // the trapezoid over the step: a step that enters or leaves the region counts half
            if (above || _above[k]) _energy[k] += 0.5 * dt * (power + _lastPower[k]);
            _above[k] = above;
            _lastPower[k] = power;
        }
        _lastTime = t;
    }

    /// <inheritdoc/>
    public void OnPhaseEnd(ControllerContext context, string phase)
    {
        for (int k = 0; k < _handles.Length; k++)
        {
            if (_counters[k] is { } counter)
            {
                _events[k] = counter.Events;
                _energy[k] = counter.Energy;
                counter.ResetCounts();
            }
            if (_events[k] > 0) context.Log.AddTotals(devices[k].Device, context.Time, Name, _events[k], _energy[k]);
        }
        Array.Clear(_events);
        Array.Clear(_energy);
    }
}
