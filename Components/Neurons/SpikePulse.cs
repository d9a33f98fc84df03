using AnalogNN.Circuit;

namespace AnalogNN.Components.Neurons;

/// <summary>
/// A trapezoidal pulse of amplitude <see cref="Amplitude"/> triggered at a spike time t_s: it rises
/// linearly over <see cref="Edge"/>, holds until t_s + <see cref="Width"/>, then falls over
/// <see cref="Edge"/> (the width is measured from the start of the rise to the start of the fall, as
/// SPICE's PULSE PW is from the end of the rise; here PW = Width − Edge). Its corners are breakpoints.
/// </summary>
/// <param name="Amplitude">Pulse height above the baseline (V or A).</param>
/// <param name="Width">Time from t_s to the start of the fall, s (≥ Edge).</param>
/// <param name="Edge">Rise and fall time, s (&gt; 0).</param>
public readonly record struct SpikePulse(double Amplitude, double Width, double Edge)
{
    /// <summary>Shape at time <paramref name="since"/> = t − t_s after the spike: 0 … 1.</summary>
    public double Shape(double since)
    {
        if (!(since > 0)) return 0;
        if (since < Edge) return since / Edge;
        if (since <= Width) return 1;
        if (since < Width + Edge) return 1 - (since - Width) / Edge;
        return 0;
    }

    /// <summary>Value (amplitude × shape).</summary>
    public double Value(double since) => Amplitude * Shape(since);

    /// <summary>First corner of the pulse of a spike at <paramref name="spike"/> strictly after <paramref name="time"/>, or +∞.</summary>
    public double NextCorner(double spike, double time)
    {
        const double eps = 1e-15;
        if (spike > time + eps) return spike;
        if (spike + Edge > time + eps) return spike + Edge;
        if (spike + Width > time + eps) return spike + Width;
        if (spike + Width + Edge > time + eps) return spike + Width + Edge;
        return double.PositiveInfinity;
    }
}

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit counter passed through an invertible mixing
/// function. Tiny, fast and the same on every platform and runtime version, which System.Random's
/// seeded sequence does not promise; every stochastic element owns one, seeded explicitly.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in (0, 1]: 53 random bits, never 0 (so −ln u is finite).</summary>
    public double NextOpenUnit() => ((Next() >> 11) + 1) * (1.0 / (1UL << 53));
}

/// <summary>Output stage shared by neurons and spike sources: an ideal voltage source to ground (branch b) or a current source.</summary>
internal struct VoltageOutput
{
    private int _node, _branch;
    private BranchSlots _slots;

    public void CreateUnknowns(ISetupContext setup, string node, string owner)
    {
        _node = setup.MapNode(node);
        _branch = setup.CreateInternal(owner, UnknownKind.Current);
    }

    public void Bind(ISetupContext setup) => _slots = BranchSlots.Bind(setup, _node, 0, _branch);

    /// <summary>Stamps v(node) = <paramref name="value"/>.</summary>
    public readonly void Load(LoadContext context, double value)
    {
        _slots.Add(context.Matrix);
        context.Rhs[_branch] += value;
    }
}
