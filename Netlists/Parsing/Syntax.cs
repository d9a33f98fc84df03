using AnalogNN.Netlists.Parsing.Expressions;

namespace AnalogNN.Netlists.Parsing;

// The syntax model: what the netlist says, statement by statement, with locations and unevaluated
// expressions. NetlistSyntax.Elaborate turns it into a flat, evaluated FlatNetlist.

/// <summary>How a word field of a card is to be read.</summary>
public enum WordRole
{
    /// <summary>A number if it looks like one (starts with a digit, sign or point), else an identifier (<c>DC</c>, <c>PULSE</c>).</summary>
    Value,
    /// <summary>The name of a <c>.model</c> (resolved through subcircuit scopes when elaborated).</summary>
    Model,
    /// <summary>The name of another element (F/H/W controlling source, K inductors), renamed hierarchically.</summary>
    Element,
}

/// <summary>A field of a card as written.</summary>
public abstract class SyntaxField(SourceLocation location)
{
    /// <summary>Location of the field's first token.</summary>
    public SourceLocation Location { get; } = location;
}

/// <summary>A word: number, identifier, model or element name.</summary>
public sealed class WordSyntax(string text, SourceLocation location, WordRole role, double? number) : SyntaxField(location)
{
    /// <summary>The word as written.</summary>
    public string Text { get; } = text;
    /// <summary>How it is read.</summary>
    public WordRole Role { get; } = role;
    /// <summary>Its value if it is a number (role <see cref="WordRole.Value"/> only).</summary>
    public double? Number { get; } = number;
    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>A <c>{expr}</c>, <c>'expr'</c> or unbraced B-source expression.</summary>
public sealed class ExpressionSyntax(Expression expression, string text, SourceLocation location) : SyntaxField(location)
{
    /// <summary>The parsed tree.</summary>
    public Expression Expression { get; } = expression;
    /// <summary>The expression text as written (without delimiters).</summary>
    public string Text { get; } = text;
    /// <inheritdoc/>
    public override string ToString() => "{" + Text + "}";
}

/// <summary><c>key=value</c>.</summary>
public sealed class KeyValueSyntax(string key, SyntaxField value, SourceLocation location) : SyntaxField(location)
{
    /// <summary>Key as written.</summary>
    public string Key { get; } = key;
    /// <summary>The value.</summary>
    public SyntaxField Value { get; } = value;
    /// <inheritdoc/>
    public override string ToString() => $"{Key}={Value}";
}

/// <summary><c>NAME(items...)</c> or <c>(items...)</c>, e.g. <c>PULSE(0 1 1n)</c>.</summary>
public sealed class GroupSyntax(string? name, IReadOnlyList<SyntaxField> items, SourceLocation location) : SyntaxField(location)
{
    /// <summary>The word before the parenthesis, or null.</summary>
    public string? Name { get; } = name;
    /// <summary>The fields inside.</summary>
    public IReadOnlyList<SyntaxField> Items { get; } = items;
    /// <summary>Case-insensitive comparison of the name.</summary>
    public bool Is(string name) => Name is not null && Name.Equals(name, StringComparison.OrdinalIgnoreCase);
    /// <inheritdoc/>
    public override string ToString() => $"{Name}({string.Join(" ", Items)})";
}

/// <summary>A node name with its location.</summary>
public readonly record struct NodeSyntax(string Name, SourceLocation Location);

/// <summary><c>name=expression</c> in <c>.param</c>, <c>.subckt ... PARAMS:</c> or an instance line.</summary>
public sealed record ParameterAssignment(string Name, Expression Value, SourceLocation Location);

/// <summary>A statement (one logical line).</summary>
public abstract class Statement(SourceLocation location)
{
    /// <summary>Location of the statement's first token.</summary>
    public SourceLocation Location { get; } = location;
}

/// <summary>An element card other than a subcircuit instance: <c>R1 a b 1k</c>, <c>YMEMRISTOR m1 a b mod</c>.</summary>
public sealed class ElementStatement(string name, SourceLocation nameLocation, string kind, IReadOnlyList<NodeSyntax> nodes,
    IReadOnlyList<SyntaxField> fields, SourceLocation location) : Statement(location)
{
    /// <summary>Local name as written (for Y devices the instance name after the type word).</summary>
    public string Name { get; } = name;
    /// <summary>Location of the name.</summary>
    public SourceLocation NameLocation { get; } = nameLocation;
    /// <summary>Upper-case kind: the letter (<c>R</c>) or the Y device type (<c>YMEMRISTOR</c>).</summary>
    public string Kind { get; } = kind;
    /// <summary>Nodes as written.</summary>
    public IReadOnlyList<NodeSyntax> Nodes { get; } = nodes;
    /// <summary>Everything after the nodes.</summary>
    public IReadOnlyList<SyntaxField> Fields { get; } = fields;
}

/// <summary>A subcircuit instance <c>X1 n1 n2 name [PARAMS:] a=1</c>.</summary>
public sealed class InstanceStatement(string name, SourceLocation nameLocation, IReadOnlyList<NodeSyntax> nodes, string subcircuit,
    SourceLocation subcircuitLocation, IReadOnlyList<ParameterAssignment> parameters, SourceLocation location) : Statement(location)
{
    /// <summary>Instance name as written.</summary>
    public string Name { get; } = name;
    /// <summary>Location of the name.</summary>
    public SourceLocation NameLocation { get; } = nameLocation;
    /// <summary>Nodes connected to the subcircuit's pins, in order.</summary>
    public IReadOnlyList<NodeSyntax> Nodes { get; } = nodes;
    /// <summary>Subcircuit name.</summary>
    public string Subcircuit { get; } = subcircuit;
    /// <summary>Location of the subcircuit name.</summary>
    public SourceLocation SubcircuitLocation { get; } = subcircuitLocation;
    /// <summary>Parameter overrides, evaluated in the scope of the line that instantiates.</summary>
    public IReadOnlyList<ParameterAssignment> Parameters { get; } = parameters;
}

/// <summary><c>.param a=1 b={a*2}</c></summary>
public sealed class ParamStatement(IReadOnlyList<ParameterAssignment> assignments, SourceLocation location) : Statement(location)
{
    /// <summary>The assignments, in order.</summary>
    public IReadOnlyList<ParameterAssignment> Assignments { get; } = assignments;
}

/// <summary><c>.func name(args) = {body}</c></summary>
public sealed class FuncStatement(string name, SourceLocation nameLocation, IReadOnlyList<string> parameters, Expression body, SourceLocation location)
    : Statement(location)
{
    /// <summary>Function name.</summary>
    public string Name { get; } = name;
    /// <summary>Location of the name.</summary>
    public SourceLocation NameLocation { get; } = nameLocation;
    /// <summary>Formal parameter names.</summary>
    public IReadOnlyList<string> Parameters { get; } = parameters;
    /// <summary>The body.</summary>
    public Expression Body { get; } = body;
}

/// <summary><c>.model name TYPE(p=v ...)</c> (parentheses optional).</summary>
public sealed class ModelStatement(string name, SourceLocation nameLocation, string type, SourceLocation typeLocation,
    IReadOnlyList<SyntaxField> parameters, SourceLocation location) : Statement(location)
{
    /// <summary>Model name as written.</summary>
    public string Name { get; } = name;
    /// <summary>Location of the name.</summary>
    public SourceLocation NameLocation { get; } = nameLocation;
    /// <summary>Model type as written (<c>D</c>, <c>NMOS</c>, <c>MEMRISTOR</c>).</summary>
    public string Type { get; } = type;
    /// <summary>Location of the type.</summary>
    public SourceLocation TypeLocation { get; } = typeLocation;
    /// <summary>Parameters: key=value fields (or flag words).</summary>
    public IReadOnlyList<SyntaxField> Parameters { get; } = parameters;
}

/// <summary><c>.options k=v flag ...</c></summary>
public sealed class OptionsStatement(IReadOnlyList<SyntaxField> items, SourceLocation location) : Statement(location)
{
    /// <summary>Key=value fields and flag words.</summary>
    public IReadOnlyList<SyntaxField> Items { get; } = items;
}

/// <summary>One <c>v(node)=value</c> of <c>.ic</c> or <c>.nodeset</c>.</summary>
public sealed record NodeValueSyntax(string Node, SourceLocation NodeLocation, SyntaxField Value);

/// <summary><c>.ic v(n)=x ...</c> or <c>.nodeset v(n)=x ...</c></summary>
public sealed class InitialConditionStatement(bool isNodeSet, IReadOnlyList<NodeValueSyntax> values, SourceLocation location) : Statement(location)
{
    /// <summary>True for <c>.nodeset</c>.</summary>
    public bool IsNodeSet { get; } = isNodeSet;
    /// <summary>The assignments.</summary>
    public IReadOnlyList<NodeValueSyntax> Values { get; } = values;
}

/// <summary><c>.save v(x) i(v1) all ...</c></summary>
public sealed class SaveStatement(IReadOnlyList<SyntaxField> items, SourceLocation location) : Statement(location)
{
    /// <summary>Groups <c>v(...)</c>/<c>i(...)</c> and words.</summary>
    public IReadOnlyList<SyntaxField> Items { get; } = items;
}

/// <summary>An analysis command: <c>.op</c>, <c>.dc</c>, <c>.tran</c>, <c>.ac</c>.</summary>
public sealed class AnalysisStatement(string command, IReadOnlyList<SyntaxField> arguments, SourceLocation location) : Statement(location)
{
    /// <summary>Lower-case command without the dot (<c>op</c>, <c>dc</c>, <c>tran</c>, <c>ac</c>).</summary>
    public string Command { get; } = command;
    /// <summary>Arguments as written.</summary>
    public IReadOnlyList<SyntaxField> Arguments { get; } = arguments;
}

/// <summary><c>.temp t</c></summary>
public sealed class TempStatement(SyntaxField value, SourceLocation location) : Statement(location)
{
    /// <summary>The temperature, °C.</summary>
    public SyntaxField Value { get; } = value;
}

/// <summary><c>.global n1 n2</c>: nodes that are not renamed inside subcircuits.</summary>
public sealed class GlobalStatement(IReadOnlyList<NodeSyntax> nodes, SourceLocation location) : Statement(location)
{
    /// <summary>The global nodes.</summary>
    public IReadOnlyList<NodeSyntax> Nodes { get; } = nodes;
}

/// <summary>
/// A <c>.subckt name pins [PARAMS:] a=1 ...</c> … <c>.ends</c> definition. Nested definitions are
/// local to the enclosing one (found by lexical lookup); parameters are found by dynamic scoping through
/// the chain of instances, as ngspice-39 does.
/// </summary>
public sealed class SubcircuitDefinition
{
    internal SubcircuitDefinition(string name, SourceLocation location, IReadOnlyList<NodeSyntax> pins,
        IReadOnlyList<ParameterAssignment> parameters, SubcircuitDefinition? parent)
    {
        Name = name;
        Location = location;
        Pins = pins;
        Parameters = parameters;
        Parent = parent;
    }

    /// <summary>Name as written.</summary>
    public string Name { get; }
    /// <summary>Location of the name on the <c>.subckt</c> line.</summary>
    public SourceLocation Location { get; }
    /// <summary>Pins (formal nodes), in order.</summary>
    public IReadOnlyList<NodeSyntax> Pins { get; }
    /// <summary>Parameters with default values (evaluated per instance).</summary>
    public IReadOnlyList<ParameterAssignment> Parameters { get; }
    /// <summary>Enclosing definition, or null at top level.</summary>
    public SubcircuitDefinition? Parent { get; }
    /// <summary>Statements of the body, in order.</summary>
    public IReadOnlyList<Statement> Body => BodyList;
    /// <summary>Definitions nested inside this one.</summary>
    public IReadOnlyList<SubcircuitDefinition> Definitions => DefinitionList;

    internal List<Statement> BodyList { get; } = new();
    internal List<SubcircuitDefinition> DefinitionList { get; } = new();
}
