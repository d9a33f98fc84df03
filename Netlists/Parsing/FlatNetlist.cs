using AnalogNN.Circuit;
using AnalogNN.Netlists.Parsing.Expressions;

namespace AnalogNN.Netlists.Parsing;

/// <summary>An evaluated field of an element or model card.</summary>
public abstract record CardField(SourceLocation Location);

/// <summary>A number (a literal with its suffix applied, or an evaluated <c>{expression}</c>).</summary>
public sealed record NumberField(double Value, SourceLocation Location) : CardField(Location)
{
    /// <inheritdoc/>
    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A word that is not a number: keyword (<c>DC</c>), model name (resolved), element name (hierarchical).</summary>
public sealed record IdentifierField(string Text, SourceLocation Location) : CardField(Location)
{
    /// <summary>Case-insensitive comparison with a keyword.</summary>
    public bool Is(string keyword) => Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary><c>key=value</c>; <see cref="CardField.Location"/> is the key's.</summary>
public sealed record KeyValueField(string Key, CardField Value, SourceLocation Location) : CardField(Location)
{
    /// <summary>Case-insensitive comparison of the key.</summary>
    public bool Is(string key) => Key.Equals(key, StringComparison.OrdinalIgnoreCase);
    /// <inheritdoc/>
    public override string ToString() => $"{Key}={Value}";
}

/// <summary><c>NAME(items...)</c>, e.g. <c>PULSE(0 1 1n 1n 1n 1u 2u)</c>; <see cref="Name"/> is null for a bare <c>(...)</c>.</summary>
public sealed record GroupField(string? Name, IReadOnlyList<CardField> Items, SourceLocation Location) : CardField(Location)
{
    /// <summary>Case-insensitive comparison of the name.</summary>
    public bool Is(string name) => Name is not null && Name.Equals(name, StringComparison.OrdinalIgnoreCase);
    /// <inheritdoc/>
    public override string ToString() => $"{Name}({string.Join(" ", Items)})";
}

/// <summary>
/// An expression that depends on the circuit (node voltages, branch currents, time), e.g. a B source's
/// <c>V=</c>: parameters are already substituted, user functions inlined, node and element names
/// hierarchical, constants folded.
/// </summary>
public sealed record ExpressionField(Expression Expression, SourceLocation Location) : CardField(Location)
{
    /// <inheritdoc/>
    public override string ToString() => "{" + Expression + "}";
}

/// <summary>
/// One element of the flattened circuit. Names follow ngspice's rawfiles: an element <c>r1</c> inside
/// instance <c>x1</c> is <c>r.x1.r1</c> (first letter, instance path, local name), its internal node
/// <c>m</c> is <c>x1.m</c>; names are lower case; ground (<c>0</c>, <c>gnd</c>) is <c>0</c>.
/// </summary>
public sealed class ElementCard
{
    internal ElementCard(string name, string kind, IReadOnlyList<string> nodes, IReadOnlyList<SourceLocation> nodeLocations,
        IReadOnlyList<CardField> fields, SourceLocation location, ModelCard? model, string instancePath,
        IReadOnlyList<ModelCard>? models = null)
    {
        Models = models ?? (model is null ? [] : [model]);
        Name = name;
        Kind = kind;
        Nodes = nodes;
        NodeLocations = nodeLocations;
        Fields = fields;
        Location = location;
        Model = model;
        InstancePath = instancePath;
    }

    /// <summary>Hierarchical lower-case name (<c>r1</c>, <c>r.x1.r1</c>).</summary>
    public string Name { get; }
    /// <summary>Element letter, upper case (<c>R</c>, <c>Y</c>).</summary>
    public char Letter => Kind[0];
    /// <summary>The letter, or for Y devices the full type word (<c>YMEMRISTOR</c>).</summary>
    public string Kind { get; }
    /// <summary>Hierarchical lower-case node names.</summary>
    public IReadOnlyList<string> Nodes { get; }
    /// <summary>Where each node was written.</summary>
    public IReadOnlyList<SourceLocation> NodeLocations { get; }
    /// <summary>Remaining fields, evaluated.</summary>
    public IReadOnlyList<CardField> Fields { get; }
    /// <summary>Location of the element name.</summary>
    public SourceLocation Location { get; }
    /// <summary>The model the card names (D, M, Q, J, S, W, Y cards), resolved through subcircuit scopes.</summary>
    public ModelCard? Model { get; }
    /// <summary>Every model the card names, in field order (a 1T1R cell names two); <see cref="Model"/> is the first.</summary>
    public IReadOnlyList<ModelCard> Models { get; }
    /// <summary>Instance path (<c>x1.x2</c>), empty at top level.</summary>
    public string InstancePath { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {string.Join(' ', Nodes)} {string.Join(' ', Fields)}";
}

/// <summary>A <c>.model</c> card, evaluated in its scope. Local models of an instance <c>x1</c> are named <c>x1:name</c> (ngspice's convention).</summary>
public sealed class ModelCard
{
    internal ModelCard(string name, string type, IReadOnlyList<CardField> parameters, SourceLocation location, SourceLocation typeLocation)
    {
        Name = name;
        Type = type;
        Parameters = parameters;
        Location = location;
        TypeLocation = typeLocation;
    }

    /// <summary>Hierarchical lower-case name.</summary>
    public string Name { get; }
    /// <summary>Type as written, upper case (<c>D</c>, <c>NMOS</c>, <c>MEMRISTOR</c>).</summary>
    public string Type { get; }
    /// <summary>Parameters: <see cref="KeyValueField"/>s (and <see cref="IdentifierField"/> flags).</summary>
    public IReadOnlyList<CardField> Parameters { get; }
    /// <summary>Location of the model name.</summary>
    public SourceLocation Location { get; }
    /// <summary>Location of the type word.</summary>
    public SourceLocation TypeLocation { get; }
}

/// <summary>An analysis command.</summary>
public abstract record Analysis(SourceLocation Location);

/// <summary><c>.op</c></summary>
public sealed record OpAnalysis(SourceLocation Location) : Analysis(Location);

/// <summary>One sweep of <c>.dc</c>: a source (V or I), linear from start to stop in steps.</summary>
public sealed record DcSweep(string Source, double Start, double Stop, double Step, SourceLocation Location)
{
    /// <summary>Number of points including both ends (within rounding).</summary>
    public int PointCount => (int)Math.Floor((Stop - Start) / Step + 1e-9) + 1;
}

/// <summary><c>.dc SRC start stop step [SRC2 start2 stop2 step2]</c>; the first sweep is the inner (fast) one, as in SPICE.</summary>
public sealed record DcAnalysis(IReadOnlyList<DcSweep> Sweeps, SourceLocation Location) : Analysis(Location);

/// <summary><c>.tran tstep tstop [tstart [tmax]] [uic]</c>, s.</summary>
public sealed record TranAnalysis(double Step, double Stop, double Start, double? MaxStep, bool UseInitialConditions, SourceLocation Location)
    : Analysis(Location);

/// <summary>Spacing of an AC sweep.</summary>
public enum AcSweepType
{
    /// <summary>Points per decade.</summary>
    Decade,
    /// <summary>Points per octave.</summary>
    Octave,
    /// <summary>Total points, linear.</summary>
    Linear,
}

/// <summary><c>.ac dec|oct|lin N fstart fstop</c> (parsed; the engine's AC analysis comes later).</summary>
public sealed record AcAnalysis(AcSweepType Type, int Points, double Start, double Stop, SourceLocation Location) : Analysis(Location);

/// <summary>One <c>v(node)=value</c> of <c>.ic</c> or <c>.nodeset</c>; the node is hierarchical.</summary>
public sealed record NodeValue(string Node, double Value, SourceLocation Location);

/// <summary>What a <c>.save</c> item names.</summary>
public enum SaveKind
{
    /// <summary><c>v(a)</c>, <c>v(a,b)</c> or a bare node name.</summary>
    Voltage,
    /// <summary><c>i(vname)</c></summary>
    Current,
    /// <summary><c>all</c></summary>
    All,
    /// <summary>Any other form (<c>x(m1)</c>, <c>@m1[id]</c>), kept as written.</summary>
    Other,
}

/// <summary>A <c>.save</c> item.</summary>
/// <param name="Kind">What it names.</param>
/// <param name="Name">Node or element (lower case); for <see cref="SaveKind.Other"/> the function name.</param>
/// <param name="Reference">Second node of <c>v(a,b)</c>, or null.</param>
/// <param name="Text">Canonical lower-case signal text (<c>v(out)</c>, <c>i(v1)</c>).</param>
/// <param name="Location">Where it was written.</param>
public sealed record SaveItem(SaveKind Kind, string Name, string? Reference, string Text, SourceLocation Location);

/// <summary>An option from <c>.options</c> (or <c>.temp</c>, which sets <c>temp</c>).</summary>
/// <param name="Name">Lower-case option name.</param>
/// <param name="Value">Numeric value, or null for flags and word values.</param>
/// <param name="Text">Word value (<c>method=gear</c>), or null.</param>
/// <param name="Location">Where it was written.</param>
public sealed record OptionSetting(string Name, double? Value, string? Text, SourceLocation Location);

/// <summary>
/// The flattened, evaluated netlist produced by <see cref="NetlistSyntax.Elaborate"/>: elements with
/// hierarchical names, models, options, analyses and initial conditions. Element fields are typed but
/// uninterpreted; <see cref="CircuitBuilder"/> turns them into circuit elements.
/// </summary>
public sealed class FlatNetlist
{
    internal FlatNetlist(string title, IReadOnlyList<ElementCard> elements, IReadOnlyList<ModelCard> models, IReadOnlyList<OptionSetting> options,
        IReadOnlyList<Analysis> analyses, IReadOnlyList<NodeValue> initialConditions, IReadOnlyList<NodeValue> nodeSets, IReadOnlyList<SaveItem> saves,
        IReadOnlyDictionary<string, double> parameters, IReadOnlyList<StepSweep> steps, IReadOnlyList<NetlistDiagnostic> diagnostics, SourceRegistry sources)
    {
        Title = title;
        Elements = elements;
        Models = models;
        Options = options;
        Analyses = analyses;
        InitialConditions = initialConditions;
        NodeSets = nodeSets;
        Saves = saves;
        Parameters = parameters;
        Steps = steps;
        Diagnostics = diagnostics;
        Sources = sources;
    }

    /// <summary>The title (first line).</summary>
    public string Title { get; }
    /// <summary>Elements in netlist order, subcircuits expanded in place.</summary>
    public IReadOnlyList<ElementCard> Elements { get; }
    /// <summary>Every model (global and per-instance local ones).</summary>
    public IReadOnlyList<ModelCard> Models { get; }
    /// <summary>Options in order (later settings win).</summary>
    public IReadOnlyList<OptionSetting> Options { get; }
    /// <summary>Analyses in netlist order.</summary>
    public IReadOnlyList<Analysis> Analyses { get; }
    /// <summary><c>.ic</c> values.</summary>
    public IReadOnlyList<NodeValue> InitialConditions { get; }
    /// <summary><c>.nodeset</c> values.</summary>
    public IReadOnlyList<NodeValue> NodeSets { get; }
    /// <summary><c>.save</c> items (empty = save the default set).</summary>
    public IReadOnlyList<SaveItem> Saves { get; }
    /// <summary>Top-level parameters after overrides, lower-case names.</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; }
    /// <summary>The <c>.step</c> sweeps of the netlist.</summary>
    public IReadOnlyList<StepSweep> Steps { get; }
    /// <summary>Warnings from parsing and elaboration.</summary>
    public IReadOnlyList<NetlistDiagnostic> Diagnostics { get; }

    internal SourceRegistry Sources { get; }

    /// <summary>Finds an element by (hierarchical) name, case-insensitive.</summary>
    public ElementCard? FindElement(string name)
    {
        foreach (var e in Elements)
            if (e.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return e;
        return null;
    }

    /// <summary>Creates engine options with every <c>.options</c> and <c>.temp</c> setting applied (validated by elaboration).</summary>
    public SimulationOptions CreateOptions()
    {
        var options = new SimulationOptions();
        foreach (var o in Options)
        {
            if (o.Value is double v) options.TrySet(o.Name, v);
            else if (o.Text is string s) options.TrySet(o.Name, s);
        }
        return options;
    }
}
