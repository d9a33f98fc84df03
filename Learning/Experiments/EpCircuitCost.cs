using System.Diagnostics;
using AnalogNN.Components.Memristors;
using AnalogNN.Learning.Controllers;
using AnalogNN.Learning.Datasets;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Rules;
using AnalogNN.Learning.Synapses;

namespace AnalogNN.Learning.Experiments;

/// <summary>Measured cost of one circuit-level EP step, with where the time went.</summary>
public sealed record EpStepCost(int Sample, double Seconds, double FreeTau, double NudgedTau, long FreePoints, long NudgedPoints,
    long Iterations, double LoadSeconds, double FactorSeconds, double SolveSeconds, double ProgrammingSeconds, long Pulses, double Energy,
    double NetworkSeconds, double MaxFreeDifference, long Reorders, long FillIns, long FactorNonZeros);

/// <summary>Result of <see cref="EpCircuitCost.Measure"/>.</summary>
public sealed record EpCircuitCostResult(int Neurons, int Pairs, int CircuitDevices, int Unknowns, double BuildSeconds, IReadOnlyList<EpStepCost> Steps)
{
    /// <summary>Mean wall time of one circuit-level EP step (free + nudged + update), s.</summary>
    public double MeanStepSeconds => Steps.Average(s => s.Seconds);
    /// <summary>Mean wall time of the same step at the network level, s.</summary>
    public double MeanNetworkSeconds => Steps.Average(s => s.NetworkSeconds);
}

/// <summary>
/// The circuit-level cost of one EP training step on the 16-pattern network of the zoppo-patterns
/// experiment (the 16 letter patterns, 10×10 = 100 neurons, full connectivity, tanh, W uniform in
/// ±0.1, input current = the pattern, v(0) uniform in ±0.1, β = 1, η = 0.01, as
/// <see cref="ZoppoPatternsOptions"/>): for each of the first samples, one transient through the
/// free phase, the nudged phase and the pulse update, timed by part, next to the same step at the
/// network level (<see cref="DenseHopfield"/>) from the same devices and initial state.
/// </summary>
public static class EpCircuitCost
{
    /// <summary>Measures <paramref name="samples"/> EP steps (patterns A, B, ... in order, devices carried from step to step).</summary>
    public static EpCircuitCostResult Measure(int samples, ulong seed = 1, Action<string>? progress = null)
    {
        var patterns = LetterPatterns.Create();
        int n = patterns[0].Length;
        var options = new ZoppoPatternsOptions();
        var topology = HopfieldTopology.Full(n);
        var synapses = new SynapseArray(topology, options.Synapses);
        synapses.InitializeUniform(options.InitRange, seed);
        var parameters = options.Network with { Nonlinearity = Nonlinearity.Tanh, VnTol = 1e-6 };
        var clock = Stopwatch.StartNew();
        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Gradient);
        double build = clock.Elapsed.TotalSeconds;
        int devices = 4 * topology.PairCount;
        progress?.Invoke($"circuit: {n} neurons, {topology.PairCount} synapse pairs, {devices} memristors, netlist {trainer.Netlist.Length / 1024} KiB, built in {build:F2} s");
        var random = new DeviceRandom(seed, "ep-circuit-cost");
        var steps = new List<EpStepCost>();
        int unknowns = 0;
        double tau = trainer.Spec.Parameters.Tau, tick = 1.0 / Stopwatch.Frequency;
        for (int s = 0; s < samples; s++)
        {
            var pattern = patterns[s % patterns.Count];
            var v0 = Enumerable.Range(0, n).Select(_ => options.InitialState * (2 * random.NextUniform() - 1)).ToArray();
            var input = pattern.Select(x => options.InputGain * x).ToArray();

            // network level from the same devices and state (a copy, so the circuit's devices are not touched)
            var copy = new SynapseArray(topology, options.Synapses);
            synapses.Devices.X.CopyTo(copy.Devices.X, 0);
            var dense = new DenseHopfield(topology, parameters);
            var dw = new double[topology.PairCount];
            var net = Stopwatch.StartNew();
            dense.LoadWeights(copy);
            dense.EquilibriumPropagationUpdate(v0, input, pattern, parameters.Beta, dw);
            copy.Program(dw);
            double networkSeconds = net.Elapsed.TotalSeconds;

            var step = trainer.EquilibriumPropagationStep(v0, new HopfieldSample(input, pattern), seed);
            var st = trainer.LastStatistics!;
            unknowns = trainer.LastUnknowns;
            double diff = 0;
            for (int i = 0; i < n; i++) diff = Math.Max(diff, Math.Abs(step.Free[i] - dense.FreeState[i]));
            var free = step.Phases[0];
            var nudged = step.Phases[1];
            var cost = new EpStepCost(s, step.Seconds, free.Duration / tau, nudged.Duration / tau, free.TimePoints, nudged.TimePoints,
                st.Iterations, st.LoadTicks * tick, st.FactorTicks * tick, st.SolveTicks * tick, step.ProgrammingSeconds, step.Pulses, step.Energy,
                networkSeconds, diff, st.Reorders, st.FillIns, st.FactorNonZeros);
            steps.Add(cost);
            progress?.Invoke($"step {s} ({LetterPatterns.Names[s % patterns.Count]}): {cost.Seconds:F2} s circuit (free {cost.FreeTau:F1} tau / {cost.FreePoints} points, nudged {cost.NudgedTau:F1} tau / {cost.NudgedPoints} points, {cost.Iterations} Newton iterations, {cost.Reorders} orderings, {cost.FactorNonZeros} L+U non-zeros, {cost.FillIns} fill-ins, factor {cost.FactorSeconds:F1} s), network {cost.NetworkSeconds * 1e3:F2} ms, |v_free circuit - network| {diff:G2}");
        }
        return new EpCircuitCostResult(n, topology.PairCount, devices, unknowns, build, steps);
    }
}
