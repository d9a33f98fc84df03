using AnalogNN.Circuit;
using AnalogNN.Solvers.Output;
using AnalogNN.Solvers.Sparse;

namespace AnalogNN.Solvers;

/// <summary>An unknown of the MNA system: its signal name and kind.</summary>
/// <param name="Name">Node or branch name as the user wrote it (lower case).</param>
/// <param name="Kind">Voltage, current or state.</param>
/// <param name="Saved">Whether it is written to the output by default.</param>
public readonly record struct Unknown(string Name, UnknownKind Kind, bool Saved)
{
    /// <summary>ngspice-style signal name: <c>v(n)</c>, <c>i(v1)</c>, <c>x(m1)</c>.</summary>
    public string SignalName => Kind switch
    {
        UnknownKind.Voltage => $"v({Name})",
        UnknownKind.Current => $"i({Name})",
        _ => $"x({Name})",
    };

    /// <summary>Output signal type.</summary>
    public SignalType SignalType => Kind switch
    {
        UnknownKind.Voltage => SignalType.Voltage,
        UnknownKind.Current => SignalType.Current,
        _ => SignalType.State,
    };
}

/// <summary>
/// The assembled MNA system of one circuit for one analysis: the behaviours, the unknowns
/// (index 0 = ground), the matrix pattern (slot k ↔ entry (row, column)), the state vectors and the
/// sparse LU that factors it. Set-up resolves everything once; the Newton loop then only loads,
/// factors and solves.
/// </summary>
public sealed class MnaSystem : ISetupContext
{
    private readonly Dictionary<string, int> _nodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _branches = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, int> _slots = new(EntryKey.Comparer);
    private readonly List<int> _slotRows = new(), _slotColumns = new();
    private readonly List<Unknown> _unknowns = new() { new Unknown("0", UnknownKind.Voltage, false) };
    private readonly List<int> _charges = new();
    private readonly List<(Unknown Info, ISignalBehavior Owner, int Index)> _deviceSignals = new();
    private int _stateCount;
    private bool _bound, _sized;

    /// <summary>Sets up <paramref name="circuit"/>; <paramref name="timeStep"/>/<paramref name="stopTime"/> are the transient's TSTEP/TSTOP (0 otherwise).</summary>
    /// <exception cref="CircuitException">An element refers to something that does not exist.</exception>
    public MnaSystem(Circuit.Circuit circuit, SimulationOptions options, double timeStep = 0, double stopTime = 0)
    {
        Circuit = circuit;
        Options = options;
        TimeStep = timeStep;
        StopTime = stopTime;
        Elements = circuit.Elements.ToArray();
        Behaviors = Elements.Select(e => e.CreateBehavior()).ToArray();
        foreach (var b in Behaviors) b.CreateUnknowns(this);
        Size = _unknowns.Count - 1;
        // Every node gets its diagonal slot: gmin stepping and .ic/.nodeset clamps stamp there.
        DiagonalSlots = new int[Size + 1];
        for (int i = 1; i <= Size; i++) DiagonalSlots[i] = MatrixSlot(i, i);
        _sized = true;
        foreach (var b in Behaviors) b.Bind(this);
        Loaders = Group(Behaviors);
        _bound = true;
        foreach (var b in Behaviors)
            if (b is ISignalBehavior sb)
                for (int k = 0; k < sb.SignalCount; k++)
                {
                    var (name, kind, saved) = sb.Signal(k);
                    _deviceSignals.Add((new Unknown(name.ToLowerInvariant(), kind, saved), sb, k));
                }
        Context = new LoadContext(options, Size, _slotRows.Count, _stateCount);
        Solver = new SparseLU(Size, _slotRows.ToArray(), _slotColumns.ToArray()) { PivRel = options.PivRel, PivTol = options.PivTol, Ordering = options.NestedDissection ? PivotOrdering.NestedDissection : PivotOrdering.Markowitz };
        SlotRows = new int[_slotRows.Count + 1];
        SlotColumns = new int[_slotRows.Count + 1];
        for (int k = 0; k < _slotRows.Count; k++) { SlotRows[k + 1] = _slotRows[k] + 1; SlotColumns[k + 1] = _slotColumns[k] + 1; }
        Breakpoints = Loaders.OfType<IBreakpointBehavior>().ToArray();
        Accepting = Loaders.OfType<IAcceptBehavior>().ToArray();
        Converging = Loaders.OfType<IConvergenceBehavior>().ToArray();
        StepLimiting = Loaders.OfType<ITimeStepBehavior>().ToArray();
        Events = Loaders.OfType<IEventBehavior>().ToArray();
        Truncating = Loaders.OfType<ITruncationBehavior>().ToArray();
        Charges = _charges.ToArray();
    }

    /// <summary>
    /// The behaviours the engine calls: every ungrouped behaviour, and for each group key one group
    /// behaviour (made from its members in circuit order) at the place of its first member.
    /// </summary>
    private IBehavior[] Group(IBehavior[] behaviors)
    {
        if (!behaviors.Any(b => b is IGroupedBehavior)) return behaviors;
        var members = new Dictionary<object, List<IGroupedBehavior>>();
        var order = new List<object>();
        var slots = new List<(IBehavior? Single, object? Key)>();
        foreach (var b in behaviors)
        {
            if (b is IGroupedBehavior g)
            {
                if (!members.TryGetValue(g.GroupKey, out var list))
                {
                    members[g.GroupKey] = list = new();
                    slots.Add((null, g.GroupKey));
                }
                list.Add(g);
            }
            else slots.Add((b, null));
        }
        var groups = new Dictionary<object, IBehavior>();
        foreach (var (key, list) in members) groups[key] = list[0].CreateGroup(list, this);
        return slots.Select(s => s.Single ?? groups[s.Key!]).ToArray();
    }

    /// <summary>The circuit.</summary>
    public Circuit.Circuit Circuit { get; }
    /// <inheritdoc/>
    public SimulationOptions Options { get; }
    /// <inheritdoc/>
    public double TimeStep { get; }
    /// <inheritdoc/>
    public double StopTime { get; }
    /// <summary>Number of unknowns (ground excluded).</summary>
    public int Size { get; }
    /// <summary>Elements, in circuit order.</summary>
    public Element[] Elements { get; }
    /// <summary>Behaviours, parallel to <see cref="Elements"/>.</summary>
    public IBehavior[] Behaviors { get; }
    /// <summary>
    /// The behaviours that are loaded: <see cref="Behaviors"/> with every group of
    /// <see cref="IGroupedBehavior"/> members replaced by its one group behaviour.
    /// </summary>
    public IBehavior[] Loaders { get; }
    /// <summary>Behaviours that bound the step by the truncation error of their own states.</summary>
    public ITruncationBehavior[] Truncating { get; }
    /// <summary>Behaviours with waveform corners.</summary>
    public IBreakpointBehavior[] Breakpoints { get; }
    /// <summary>Behaviours updated after accepted points.</summary>
    public IAcceptBehavior[] Accepting { get; }
    /// <summary>Behaviours with a device-current convergence test.</summary>
    public IConvergenceBehavior[] Converging { get; }
    /// <summary>Behaviours that bound the time step.</summary>
    public ITimeStepBehavior[] StepLimiting { get; }
    /// <summary>Behaviours with state-triggered events.</summary>
    public IEventBehavior[] Events { get; }
    /// <summary>State offsets of charges subject to truncation-error control.</summary>
    public int[] Charges { get; }
    /// <summary>Slot of the diagonal entry of each unknown.</summary>
    public int[] DiagonalSlots { get; }
    /// <summary>The load context shared with behaviours.</summary>
    public LoadContext Context { get; }
    /// <summary>Sparse LU of the system matrix.</summary>
    public SparseLU Solver { get; }
    /// <summary>Unknowns by index (0 = ground).</summary>
    public IReadOnlyList<Unknown> Unknowns => _unknowns;
    /// <summary>Row (unknown index, 0 = ground) of every slot; slot 0 is the discard slot (row 0).</summary>
    public int[] SlotRows { get; }
    /// <summary>Column (unknown index, 0 = ground) of every slot; slot 0 is the discard slot (column 0).</summary>
    public int[] SlotColumns { get; }
    /// <summary>Matrix entry (row, column) of every slot (slot 0 is the discard slot).</summary>
    public (int Row, int Column) SlotEntry(int slot) => (_slotRows[slot - 1] + 1, _slotColumns[slot - 1] + 1);

    /// <summary>Index of a node by name, or -1.</summary>
    public int FindNode(string name) =>
        AnalogNN.Circuit.Circuit.IsGround(name) ? 0 : _nodes.TryGetValue(name, out int i) ? i : -1;

    /// <summary>Behaviour of an element by name, or null.</summary>
    public IBehavior? FindBehavior(string element)
    {
        for (int k = 0; k < Elements.Length; k++)
            if (Elements[k].Name.Equals(element, StringComparison.OrdinalIgnoreCase)) return Behaviors[k];
        return null;
    }

    /// <inheritdoc/>
    public int MapNode(string node)
    {
        if (AnalogNN.Circuit.Circuit.IsGround(node)) return 0;
        if (_nodes.TryGetValue(node, out int i)) return i;
        EnsureUnbound();
        i = _unknowns.Count;
        _unknowns.Add(new Unknown(node.ToLowerInvariant(), UnknownKind.Voltage, true));
        _nodes.Add(node, i);
        return i;
    }

    /// <inheritdoc/>
    public int CreateBranch(string owner)
    {
        EnsureUnbound();
        int i = _unknowns.Count;
        _unknowns.Add(new Unknown(owner.ToLowerInvariant(), UnknownKind.Current, true));
        _branches[owner] = i;
        return i;
    }

    /// <inheritdoc/>
    public int CreateInternal(string name, UnknownKind kind, bool saved = false)
    {
        EnsureUnbound();
        int i = _unknowns.Count;
        _unknowns.Add(new Unknown(name.ToLowerInvariant(), kind, saved));
        return i;
    }

    /// <inheritdoc/>
    public int FindBranch(string owner, string requester) =>
        _branches.TryGetValue(owner, out int i) ? i
            : throw new CircuitException(requester, $"controlling source '{owner}' does not exist or has no branch current");

    /// <inheritdoc/>
    public int MatrixSlot(int row, int column)
    {
        if (row == 0 || column == 0) return 0;
        long key = EntryKey.Of(row, column);
        if (_slots.TryGetValue(key, out int slot)) return slot;
        if (_bound) throw new InvalidOperationException("matrix slots must be resolved during set-up");
        _slotRows.Add(row - 1);
        _slotColumns.Add(column - 1);
        slot = _slotRows.Count;
        _slots.Add(key, slot);
        return slot;
    }

    /// <inheritdoc/>
    public int CreateStates(int count)
    {
        EnsureUnbound();
        int first = _stateCount;
        _stateCount += count;
        return first;
    }

    /// <inheritdoc/>
    public void RegisterCharge(int charge) => _charges.Add(charge);

    /// <summary>
    /// The signals written by default: every saved unknown in index order, then every saved device
    /// signal (<see cref="ISignalBehavior"/>), voltages first, then currents, then states. An index
    /// below 0 is a device signal; read any index with <see cref="SignalValue"/>.
    /// </summary>
    public List<(Signal Signal, int Index)> DefaultSignals()
    {
        var list = new List<(Signal, int)>();
        foreach (var kind in new[] { UnknownKind.Voltage, UnknownKind.Current, UnknownKind.State })
        {
            for (int i = 1; i < _unknowns.Count; i++)
                if (_unknowns[i].Saved && _unknowns[i].Kind == kind)
                    list.Add((new Signal(_unknowns[i].SignalName, _unknowns[i].SignalType), i));
            for (int k = 0; k < _deviceSignals.Count; k++)
                if (_deviceSignals[k].Info.Saved && _deviceSignals[k].Info.Kind == kind)
                    list.Add((new Signal(_deviceSignals[k].Info.SignalName, _deviceSignals[k].Info.SignalType), ~k));
        }
        return list;
    }

    /// <summary>
    /// The signals to write: every saved unknown, or only those named in <paramref name="saves"/>
    /// (<c>.save v(out) i(v1) x(m1)</c>; a bare node name means its voltage), in the order given.
    /// </summary>
    /// <exception cref="CircuitException">A name matches no node, branch or state.</exception>
    public List<(Signal Signal, int Index)> SelectSignals(IReadOnlyList<string>? saves)
    {
        if (saves is null || saves.Count == 0) return DefaultSignals();
        var list = new List<(Signal, int)>();
        foreach (string raw in saves)
        {
            string name = raw.Trim().ToLowerInvariant();
            if (!name.Contains('(')) name = $"v({name})";
            int found = -1;
            for (int i = 1; i < _unknowns.Count && found < 0; i++)
                if (_unknowns[i].SignalName == name) found = i;
            if (found >= 0)
            {
                list.Add((new Signal(name, _unknowns[found].SignalType), found));
                continue;
            }
            for (int k = 0; k < _deviceSignals.Count && found < 0; k++)
                if (_deviceSignals[k].Info.SignalName == name) found = k;
            if (found < 0) throw new CircuitException(".save", $"no signal '{raw}' in this circuit");
            list.Add((new Signal(name, _deviceSignals[found].Info.SignalType), ~found));
        }
        return list;
    }

    private void EnsureUnbound()
    {
        if (_bound || _sized) throw new InvalidOperationException("unknowns and states must be created during set-up (CreateUnknowns)");
    }

    /// <summary>
    /// Value of output signal <paramref name="index"/> as returned by <see cref="SelectSignals"/>:
    /// an unknown (index ≥ 0) from the present solution, or a device signal (index &lt; 0) from its behaviour.
    /// </summary>
    public double SignalValue(int index)
    {
        if (index >= 0) return Context.Solution[index];
        var (_, owner, k) = _deviceSignals[~index];
        return owner.SignalValue(k, Context);
    }
}
