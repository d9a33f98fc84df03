using AnalogNN.Learning.Controllers;
using AnalogNN.Learning.Networks;
using AnalogNN.Learning.Synapses;
using MathNet.Numerics.LinearAlgebra;

namespace AnalogNN.Tests.Learning;

public class HopfieldCircuitTests
{
    private static void AssertClose(double[] expected, double[] actual, double rel, double abs, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(rel * Math.Abs(expected[i]) + abs), $"{what} [{i}]");
    }

    /// <summary>Dense Jacobian ∂(dv/dt)/∂v of the reference equations at <paramref name="v"/> (central differences).</summary>
    private static Matrix<double> Jacobian(HopfieldCircuitSpec spec, double[] v, double beta = 0, double[]? targets = null)
    {
        int n = spec.Neurons;
        var w = HopfieldReference.Weights(spec);
        var jac = Matrix<double>.Build.Dense(n, n);
        for (int j = 0; j < n; j++)
        {
            const double e = 1e-6;
            var up = (double[])v.Clone(); up[j] += e;
            var dn = (double[])v.Clone(); dn[j] -= e;
            var ru = HopfieldReference.Rhs(spec, w, up, beta, targets);
            var rd = HopfieldReference.Rhs(spec, w, dn, beta, targets);
            for (int i = 0; i < n; i++) jac[i, j] = (ru[i] - rd[i]) / (2 * e);
        }
        return jac;
    }

    private static (HopfieldTopology Topology, SynapseArray Synapses) Network(HopfieldTopology topology, double range, ulong seed)
    {
        var synapses = new SynapseArray(topology);
        synapses.InitializeUniform(range, seed);
        return (topology, synapses);
    }

    private static double[] Pattern(int n, ulong seed)
    {
        var r = new AnalogNN.Components.Memristors.DeviceRandom(seed, "pattern");
        return Enumerable.Range(0, n).Select(_ => r.NextUniform() < 0.5 ? -1.0 : 1.0).ToArray();
    }

    [Test]
    public void When_GradientCircuitRelaxes_Expect_DenseFixedPointOfEquation13()
    {
        // 6 neurons, full symmetric W (|w| ≤ 1), tanh: the circuit's steady state against RK4 + Newton on Eq. 13
        var spec = HopfieldReference.Random(6, (_, _) => true, Nonlinearity.Tanh, 1.0, 11);
        var circuit = HopfieldCircuitRunner.Relax(spec, out _, out _);
        var reference = HopfieldReference.FixedPoint(spec);
        AssertClose(reference, circuit, 1e-4, 1e-5, "v");
    }

    [Test]
    public void When_BandCircuitRelaxes_Expect_DenseFixedPointWithOuterDiagonalsCut()
    {
        // 8 neurons, K = 3 outer diagonals cut: only |i − j| ≤ 4 connected
        var topology = HopfieldTopology.Band(8, 3);
        var (_, synapses) = Network(topology, 0.8, 5);
        var spec = HopfieldCircuit.FromNetwork(topology, synapses, Nonlinearity.Tanh, CircuitDynamics.Gradient) with
        {
            Input = Pattern(8, 3).Select(x => 0.5 * x).ToArray(),
            InitialState = new double[8],
        };
        Assert.That(spec.Connections.Count, Is.EqualTo((64 - 8 - 3 * 4) / 2));
        Assert.That(spec.Connections.All(c => Math.Abs(c.I - c.J) <= 4), Is.True);
        var circuit = HopfieldCircuitRunner.Relax(spec, out _, out _);
        AssertClose(HopfieldReference.FixedPoint(spec), circuit, 1e-4, 1e-5, "v");
    }

    [Test]
    public void When_AdditiveCircuitRelaxes_Expect_DenseFixedPointOfEquation3()
    {
        var spec = HopfieldReference.Random(6, (_, _) => true, Nonlinearity.Tanh, 0.8, 12, CircuitDynamics.Additive);
        var circuit = HopfieldCircuitRunner.Relax(spec, out _, out _);
        AssertClose(HopfieldReference.FixedPoint(spec), circuit, 1e-4, 1e-5, "v");
    }

    [Test]
    public void When_SteadyStateDetected_Expect_RateBelowSstolAndDistanceBelowRateOverSlowestDecay()
    {
        var spec = HopfieldReference.Random(6, (_, _) => true, Nonlinearity.Tanh, 1.0, 13) with
        {
            Parameters = new HopfieldCircuitParameters { SteadyStatePerTau = 1e-4 },
        };
        var circuit = HopfieldCircuitRunner.Relax(spec, out _, out var cost);
        double tau = spec.Parameters.Tau, sstol = 1e-4 / tau;
        Assert.That(cost.FinalRate, Is.LessThanOrEqualTo(sstol), "detector's last rate, V/s");
        var reference = HopfieldReference.FixedPoint(spec);
        // slowest decay rate λ (1/τ) = smallest −Re(eigenvalue) of the Jacobian at the fixed point
        double lambda = Jacobian(spec, reference).Evd().EigenValues.Min(z => -z.Real);
        Assert.That(lambda, Is.GreaterThan(0), "stable fixed point");
        double bound = 1e-4 / lambda;
        double distance = reference.Zip(circuit, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Out.WriteLine($"lambda {lambda:G4}/tau, distance {distance:G3} V, bound {bound:G3} V, phase {cost.Duration / tau:F1} tau, {cost.TimePoints} points");
        Assert.That(distance, Is.LessThanOrEqualTo(bound), "distance to the fixed point within rate/λ");
    }

    [Test]
    public void When_NudgedPhaseRuns_Expect_OutputsMoveByTheLinearisedAmount()
    {
        // v^β − v ≈ −β J⁻¹ e, J = ∂(dv/dt)/∂v at the free fixed point, e_i = T_i − v_i on the outputs
        var (topology, synapses) = Network(HopfieldTopology.Full(6), 0.6, 21);
        var pattern = Pattern(6, 4);
        var parameters = new HopfieldParameters { Nonlinearity = Nonlinearity.Tanh, Beta = 0.02, LearningRate = 0 };
        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Gradient);
        var input = pattern.Select(x => 0.3 * x).ToArray();
        var result = trainer.EquilibriumPropagationStep(new double[6], new HopfieldSample(input, pattern));
        var spec = trainer.Spec with { Input = input };
        var jac = Jacobian(spec, result.Free);
        var e = Vector<double>.Build.Dense(6, i => pattern[i] - result.Free[i]);
        var predicted = -parameters.Beta * jac.Solve(e);
        double scale = predicted.AbsoluteMaximum();
        for (int i = 0; i < 6; i++)
        {
            double moved = result.Second[i] - result.Free[i];
            Assert.That(moved, Is.EqualTo(predicted[i]).Within(0.05 * scale), $"neuron {i}");
        }
        double Cost(double[] v) => 0.5 * v.Select((x, i) => (pattern[i] - x) * (pattern[i] - x)).Sum();
        Assert.That(Cost(result.Second), Is.LessThan(Cost(result.Free)), "the nudge lowers the cost (Eq. 14)");
    }

    [Test]
    public void When_EpControllerUpdates_Expect_DirectFormulaFromMeasuredFixedPointsProgrammedByPulses()
    {
        var (topology, synapses) = Network(HopfieldTopology.Full(5), 0.5, 31);
        var pattern = Pattern(5, 7);
        var parameters = new HopfieldParameters { Nonlinearity = Nonlinearity.Tanh, Beta = 0.5, LearningRate = 0.05 };
        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Gradient);
        var copy = new SynapseArray(topology);
        synapses.Devices.X.CopyTo(copy.Devices.X, 0);
        var result = trainer.EquilibriumPropagationStep(new double[5], new HopfieldSample(pattern, pattern));
        var g = Nonlinearity.Tanh;
        for (int p = 0; p < topology.PairCount; p++)
        {
            int i = topology.PairI[p], j = topology.PairJ[p];
            double direct = 0.05 / 0.5 * (g.G(result.Second[i]) * g.G(result.Second[j]) - g.G(result.Free[i]) * g.G(result.Free[j]));
            Assert.That(result.WeightChange[p], Is.EqualTo(direct).Within(1e-9 + 1e-6 * Math.Abs(direct)), $"pair {p}");
        }
        // the same change through a second array gives the same devices, pulses and energy
        long pulses = copy.Program(result.WeightChange);
        Assert.That(result.Pulses, Is.EqualTo(pulses));
        Assert.That(pulses, Is.GreaterThan(0));
        Assert.That(result.Energy, Is.EqualTo(copy.TotalEnergy).Within(1e-12 * copy.TotalEnergy));
        Assert.That(synapses.Devices.X, Is.EqualTo(copy.Devices.X).AsCollection);
        // the circuit's devices were written and the log carries the pulses once per logical device
        Assert.That(trainer.LastLog!.TotalPulses, Is.EqualTo(pulses));
        Assert.That(trainer.LastLog.Records.Count(r => r.Kind == ActionKind.StateSet), Is.EqualTo(4 * topology.PairCount));
    }

    [Test]
    public void When_RbpSideCircuitRelaxes_Expect_DenseFixedPointOfEquation9()
    {
        // y∞ = (I − L W)⁻¹ L J with L = diag g′(W v∞ + I) at the free fixed point of Eq. 3, J = T − v∞
        var (topology, synapses) = Network(HopfieldTopology.Full(6), 0.6, 41);
        var pattern = Pattern(6, 9);
        var parameters = new HopfieldParameters { Nonlinearity = Nonlinearity.Tanh, LearningRate = 0.01 };
        var trainer = new HopfieldCircuitTrainer(topology, synapses, parameters, CircuitDynamics.Additive);
        var input = pattern.Select(x => 0.5 * x).ToArray();
        var w = HopfieldReference.Weights(trainer.Spec);
        var result = trainer.RecurrentBackpropStep(new double[6], new HopfieldSample(input, pattern));
        var spec = trainer.Spec with { Input = input, InitialState = new double[6] };
        var v = HopfieldReference.FixedPoint(spec);
        AssertClose(v, result.Free, 1e-4, 1e-5, "v∞");
        var W = Matrix<double>.Build.DenseOfArray(w);
        var net = W * Vector<double>.Build.DenseOfArray(v) + Vector<double>.Build.DenseOfArray(input);
        var L = Matrix<double>.Build.DenseOfDiagonalArray(net.Select(Nonlinearity.Tanh.Derivative).ToArray());
        var J = Vector<double>.Build.Dense(6, i => pattern[i] - v[i]);
        var y = (Matrix<double>.Build.DenseIdentity(6) - L * W).Solve(L * J);
        AssertClose(y.ToArray(), result.Second, 1e-3, 1e-5, "y∞");
        for (int p = 0; p < topology.PairCount; p++)
        {
            int i = topology.PairI[p], j = topology.PairJ[p];
            double direct = 0.01 * (y[i] * v[j] + y[j] * v[i]);
            Assert.That(result.WeightChange[p], Is.EqualTo(direct).Within(1e-3 * Math.Abs(direct) + 1e-7), $"Δw pair {p}");
        }
    }
}
