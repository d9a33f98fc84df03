using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Sources;
using AnalogNN.Solvers.Analyses;
using AnalogNN.Solvers.Output;

namespace AnalogNN.Solvers.Programming;

/// <summary>
/// Transient-mode programmer: each targeted device gets a real voltage pulse in the MNA engine — an
/// ideal source across a copy of the device (same model, same state, same device-to-device
/// factors), a trapezoid of <see cref="EdgeFraction"/>·width rise and fall times and the full
/// amplitude for the rest of the width — and the transient's final state and ∫v·i dt are recorded
/// on the array (pulse count, energy, cycle-to-cycle noise) exactly like the fast mode does.
/// </summary>
public sealed class TransientProgrammer(SimulationOptions? options = null) : IPulseProgrammer
{
    private readonly SimulationOptions _options = options ?? new SimulationOptions();

    /// <summary>Rise and fall time as a fraction of the width (default 1e-3).</summary>
    public double EdgeFraction { get; init; } = 1e-3;

    /// <summary>Output points per pulse (the transient's TSTEP is width / this).</summary>
    public int PointsPerPulse { get; init; } = 200;

    /// <inheritdoc/>
    public void Apply(MemristorArray array, PulseTarget target, double amplitude, double width)
    {
        if (!(width > 0)) return;
        for (int i = 0; i < array.Rows; i++)
            for (int j = 0; j < array.Columns; j++)
                if (target.Contains(i, j)) Program(array, i * array.Columns + j, amplitude, width);
    }

    private void Program(MemristorArray array, int k, double amplitude, double width)
    {
        double edge = EdgeFraction * width;
        var device = new Memristor("m", "p", "0", array.Model, array.X[k]);
        device.States.Up[0] = array.Up[k];
        device.States.Down[0] = array.Down[k];
        var circuit = new Circuit.Circuit { Title = "programming pulse" };
        circuit.Add(new VoltageSource("vp", "p", "0", 0, new PwlWaveform([0, edge, width - edge, width], [0, amplitude, amplitude, 0])));
        circuit.Add(device);
        var output = new EnergyOutput("v(p)", "i(vp)", -1);
        new Transient(circuit, new TransientSpec(width / PointsPerPulse, width, MaxStep: width / PointsPerPulse), _options).Run(output);
        array.RecordPulse(k, device.States.LastX[0], array.X[k], output.Energy);
    }

    /// <summary>
    /// Integrates sign·v·i with the trapezoidal rule over the rows of a transient: −v(p)·i(vp) for a
    /// source (its current flows p → n inside it), v(te)·i(c) for a cell's own current.
    /// </summary>
    internal sealed class EnergyOutput(string voltage, string current, double sign) : ISimulationOutput
    {
        private int _v, _i;
        private double _t = double.NaN, _p;
        public double Energy { get; private set; }

        public void BeginPlot(PlotHeader header)
        {
            var s = header.Signals.Select(x => x.Name).ToList();
            _v = s.IndexOf(voltage);
            _i = s.IndexOf(current);
        }

        public void WriteRow(ReadOnlySpan<double> values)
        {
            double p = sign * values[_v] * values[_i];
            if (!double.IsNaN(_t)) Energy += 0.5 * (values[0] - _t) * (p + _p);
            _t = values[0];
            _p = p;
        }

        public void EndPlot() { }
    }
}

/// <summary>
/// Transient-mode programmer of a 1T1R cell: the pulse (trapezoid with <see cref="EdgeFraction"/>·width
/// edges) drives TE of a copy of the cell (same models, geometry, state and device-to-device factors)
/// with the gate held at <see cref="GateVoltage"/> and source and bulk grounded; the transient's final
/// state and the energy delivered to the cell, ∫v(te)·i(cell) dt, are recorded on the cell's state
/// like <see cref="OneTransistorOneResistor.ApplyPulse"/> records them in the fast mode.
/// </summary>
public sealed class CellTransientProgrammer(OneTransistorOneResistor cell, SimulationOptions? options = null) : IPulseProgrammer
{
    private readonly SimulationOptions _options = options ?? new SimulationOptions();

    /// <summary>Gate voltage during the pulse, V.</summary>
    public double GateVoltage { get; set; } = 1;

    /// <summary>Rise and fall time as a fraction of the width (default 1e-3).</summary>
    public double EdgeFraction { get; init; } = 1e-3;

    /// <summary>Output points per pulse (the transient's TSTEP and TMAX are width / this).</summary>
    public int PointsPerPulse { get; init; } = 400;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="array"/> is not the cell's state.</exception>
    public void Apply(MemristorArray array, PulseTarget target, double amplitude, double width)
    {
        if (!ReferenceEquals(array, cell.States)) throw new ArgumentException($"the programmer of {cell.Name} programs only that cell's state", nameof(array));
        if (!(width > 0) || !target.Contains(0, 0)) return;
        double edge = EdgeFraction * width;
        var copy = new OneTransistorOneResistor("c", "te", "g", "0", null, cell.Model, cell.TransistorModel, cell.Geometry, array.X[0]);
        copy.States.Up[0] = array.Up[0];
        copy.States.Down[0] = array.Down[0];
        var circuit = new Circuit.Circuit { Title = "1T1R programming pulse" };
        circuit.Add(new VoltageSource("vte", "te", "0", 0, new PwlWaveform([0, edge, width - edge, width], [0, amplitude, amplitude, 0])));
        circuit.Add(new VoltageSource("vg", "g", "0", GateVoltage));
        circuit.Add(copy);
        var output = new TransientProgrammer.EnergyOutput("v(te)", "i(c)", 1);
        double step = width / PointsPerPulse;
        new Transient(circuit, new TransientSpec(step, width, MaxStep: step), _options).Run(output);
        array.RecordPulse(0, copy.States.LastX[0], array.X[0], output.Energy);
    }
}
