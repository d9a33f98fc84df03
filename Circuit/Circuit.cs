namespace AnalogNN.Circuit;

/// <summary>
/// A flat circuit: a list of elements with unique names (case-insensitive), initial conditions
/// (<c>.ic</c>) and node-set hints (<c>.nodeset</c>). Node <c>0</c> (alias <c>gnd</c>) is ground.
/// </summary>
public sealed class Circuit
{
    private readonly List<Element> _elements = new();
    private readonly Dictionary<string, Element> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Circuit title (first netlist line).</summary>
    public string Title { get; set; } = "";

    /// <summary>Elements in insertion order.</summary>
    public IReadOnlyList<Element> Elements => _elements;

    /// <summary>Initial node voltages for transient analysis (<c>.ic v(n)=value</c>), V.</summary>
    public Dictionary<string, double> InitialConditions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Operating-point starting guesses (<c>.nodeset v(n)=value</c>), V.</summary>
    public Dictionary<string, double> NodeSets { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True for the names of the ground node.</summary>
    public static bool IsGround(string node) => node == "0" || node.Equals("gnd", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds an element.</summary>
    /// <exception cref="CircuitException">An element with the same name already exists.</exception>
    public Circuit Add(Element element)
    {
        if (!_byName.TryAdd(element.Name, element))
            throw new CircuitException(element.Name, "duplicate element name");
        _elements.Add(element);
        return this;
    }

    /// <summary>Adds several elements.</summary>
    public Circuit Add(params Element[] elements)
    {
        foreach (var e in elements) Add(e);
        return this;
    }

    /// <summary>Finds an element by name (case-insensitive).</summary>
    public Element? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Removes every element (used by builders that rebuild a circuit).</summary>
    public bool Remove(string name)
    {
        if (!_byName.Remove(name, out var e)) return false;
        _elements.Remove(e);
        return true;
    }
}
