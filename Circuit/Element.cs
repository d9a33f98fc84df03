namespace AnalogNN.Circuit;

/// <summary>
/// A circuit element as described in a netlist: its name, its terminals and its validated
/// parameters in SI units. An element holds no numerics; <see cref="CreateBehavior"/> returns the
/// object that stamps it into the MNA system.
/// </summary>
public abstract class Element
{
    /// <summary>Creates an element with a name (e.g. <c>R1</c>) and terminal node names.</summary>
    protected Element(string name, params string[] nodes)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("element name is empty", nameof(name));
        Name = name;
        Nodes = nodes;
    }

    /// <summary>Element name as written in the netlist (case preserved; lookups are case-insensitive).</summary>
    public string Name { get; }

    /// <summary>Terminal node names, in netlist order.</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <summary>Creates a fresh behaviour that stamps this element; one per simulation.</summary>
    public abstract IBehavior CreateBehavior();

    /// <summary>Throws a <see cref="CircuitException"/> naming this element and the parameter.</summary>
    protected void Require(bool condition, string parameter, string message)
    {
        if (!condition) throw new CircuitException(Name, $"{parameter}: {message}");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {string.Join(' ', Nodes)}";
}

/// <summary>An invalid element or circuit description (bad parameter, unknown reference, ...).</summary>
public sealed class CircuitException(string element, string message)
    : Exception($"{element}: {message}")
{
    /// <summary>Name of the element at fault.</summary>
    public string Element { get; } = element;
    /// <summary>The message without the element name.</summary>
    public string Detail { get; } = message;
}
