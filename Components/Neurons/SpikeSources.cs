using System.Globalization;
using AnalogNN.Circuit;

namespace AnalogNN.Components.Neurons;

/// <summary>
/// <c>.model NAME POISSON(...)</c> or <c>.model NAME SPIKETRAIN(...)</c>: the pulse every spike produces
/// and, for Poisson sources, the process. A Poisson source draws inter-spike intervals
/// Δ = −ln(u)/RATE (u uniform in (0,1], exponential with mean 1/RATE) from SplitMix64 seeded with SEED,
/// starting at START and stopping at STOP (or the end of the transient).
/// </summary>
public sealed class SpikeSourceModel : Model
{
    private static readonly ParameterSpec[] Specs =
    [
        new("rate", 100, "Hz", "Poisson rate (POISSON only)", 0),
        new("seed", 1, "", "random seed (POISSON only)", 0),
        new("start", 0, "s", "first time a spike may occur", 0),
        new("stop", double.MaxValue, "s", "no spikes after this time", 0),
        new("amp", 1, "V or A", "pulse amplitude"),
        new("width", 1e-3, "s", "pulse width (rise start to fall start)", 0, true),
        new("edge", 10e-6, "s", "rise and fall time", 0, true),
        new("base", 0, "V or A", "value between pulses"),
        new("current", 0, "", "1: current pulses (n+ → n− through the source); 0: voltage pulses", 0),
    ];

    /// <summary>Creates a model of type <c>POISSON</c> or <c>SPIKETRAIN</c>.</summary>
    public SpikeSourceModel(string name, string type) : base(name, type, Specs) { }

    /// <summary>Parameter table (for documentation).</summary>
    public static IReadOnlyList<ParameterSpec> Parameters => Specs;

    /// <summary>The pulse.</summary>
    public SpikePulse Pulse => new(Value(4), Math.Max(Value(5), Value(6)), Value(6));
    /// <summary>Baseline.</summary>
    public double Base => Value(7);
    /// <summary>True for current pulses.</summary>
    public bool IsCurrent => Value(8) != 0;
    /// <summary>Rate, Hz.</summary>
    public double Rate => Value(0);
    /// <summary>Seed.</summary>
    public ulong Seed => (ulong)Value(1);
    /// <summary>Start, s.</summary>
    public double Start => Value(2);
    /// <summary>Stop, s.</summary>
    public double Stop => Value(3);
}

/// <summary>
/// A spike source between n+ and n−: <c>YPOISSON name n+ n- model [RATE=r] [SEED=s]</c> (Poisson
/// process) or <c>YSPIKETRAIN name n+ n- model t1 t2 ...</c> (given times, s). Each spike starts a
/// <see cref="SpikePulse"/>; the newest spike's pulse wins where pulses overlap. Voltage pulses set
/// v(n+) − v(n−); current pulses flow from n+ through the source to n− (SPICE's I convention).
/// </summary>
public sealed class SpikeSource : Element, INetlistCard
{
    /// <summary>Creates a Poisson source (<paramref name="times"/> null) or a spike train.</summary>
    public SpikeSource(string name, string positive, string negative, SpikeSourceModel model, IReadOnlyList<double>? times = null,
        double? rate = null, ulong? seed = null)
        : base(name, positive, negative)
    {
        Model = model;
        Rate = rate ?? model.Rate;
        Seed = seed ?? model.Seed;
        Require(double.IsFinite(Rate) && Rate >= 0, "RATE", "must be finite and >= 0");
        if (times is not null)
        {
            Require(times.All(double.IsFinite), "times", "spike times must be finite");
            var sorted = times.ToArray();
            Array.Sort(sorted);
            Times = sorted;
        }
    }

    /// <summary>The model.</summary>
    public SpikeSourceModel Model { get; }

    /// <summary>Given spike times (spike train), or null for a Poisson source.</summary>
    public IReadOnlyList<double>? Times { get; }

    /// <summary>Poisson rate, Hz.</summary>
    public double Rate { get; }

    /// <summary>Poisson seed.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// The Poisson spike times in [START, min(STOP, <paramref name="until"/>)]: the same seed gives the
    /// same times, bit for bit.
    /// </summary>
    public double[] PoissonTimes(double until)
    {
        var list = new List<double>();
        if (!(Rate > 0)) return [];
        var rng = new SplitMix64(Seed);
        double end = Math.Min(Model.Stop, until);
        for (double t = Model.Start - Math.Log(rng.NextOpenUnit()) / Rate; t <= end; t -= Math.Log(rng.NextOpenUnit()) / Rate)
            list.Add(t);
        return list.ToArray();
    }

    /// <inheritdoc/>
    public string ToNetlistCard()
    {
        string head = Times is null ? "YPOISSON" : "YSPIKETRAIN";
        string tail = Times is null
            ? $" RATE={Rate.ToString("R", CultureInfo.InvariantCulture)} SEED={Seed}"
            : string.Concat(Times.Select(t => " " + t.ToString("R", CultureInfo.InvariantCulture)));
        return $"{head} {Name} {Nodes[0]} {Nodes[1]} {Model.Name}{tail}";
    }

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new SpikeSourceBehavior(this);
}

/// <summary>Stamps the pulse value of the newest spike at or before the present time; corners are breakpoints.</summary>
internal sealed class SpikeSourceBehavior(SpikeSource s) : IBehavior, IBreakpointBehavior, ISpikeEmitter
{
    private readonly SpikePulse _pulse = s.Model.Pulse;
    private readonly double _base = s.Model.Base;
    private readonly bool _current = s.Model.IsCurrent;
    private double[] _times = [];
    private int _p, _n, _b;
    private BranchSlots _slots;

    public string Source => s.Name;
    public IReadOnlyList<double> SpikeTimes => _times;

    public void CreateUnknowns(ISetupContext setup)
    {
        _p = setup.MapNode(s.Nodes[0]);
        _n = setup.MapNode(s.Nodes[1]);
        if (!_current) _b = setup.CreateBranch(s.Name);
    }

    public void Bind(ISetupContext setup)
    {
        if (!_current) _slots = BranchSlots.Bind(setup, _p, _n, _b);
        _times = s.Times?.ToArray() ?? s.PoissonTimes(setup.StopTime > 0 ? setup.StopTime : 0);
        if (s.Times is not null && setup.StopTime > 0) _times = _times.Where(t => t <= setup.StopTime).ToArray();
    }

    /// <summary>Index of the newest spike at or before <paramref name="time"/>, or −1.</summary>
    private int Newest(double time)
    {
        int k = Array.BinarySearch(_times, time);
        return k >= 0 ? k : ~k - 1;
    }

    public void Load(LoadContext context)
    {
        double value = _base;
        if (context.Analysis == AnalysisKind.Transient)
        {
            int k = Newest(context.Time);
            if (k >= 0) value += _pulse.Value(context.Time - _times[k]);
        }
        if (_current)
        {
            context.Rhs[_p] -= value;
            context.Rhs[_n] += value;
        }
        else
        {
            _slots.Add(context.Matrix);
            context.Rhs[_b] += value;
        }
    }

    public double NextBreakpoint(double time)
    {
        int k = Newest(time);
        double next = k + 1 < _times.Length ? _times[k + 1] : double.PositiveInfinity;
        if (k >= 0) next = Math.Min(next, _pulse.NextCorner(_times[k], time));
        // a spike closer than 1e-15 s after time is reported by NextCorner of the newest one
        return next;
    }
}
