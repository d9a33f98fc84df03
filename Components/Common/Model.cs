using AnalogNN.Circuit;

namespace AnalogNN.Components;

/// <summary>One entry of a model's parameter table: SPICE name, default, unit and the rule a value must satisfy.</summary>
/// <param name="Name">Lower-case SPICE name (e.g. <c>is</c>).</param>
/// <param name="Default">Value when not given.</param>
/// <param name="Unit">SI unit for documentation (e.g. A, V, Ω, F, s).</param>
/// <param name="Description">One-line meaning.</param>
/// <param name="Minimum">Smallest allowed value.</param>
/// <param name="MinimumExclusive">True if <paramref name="Minimum"/> itself is not allowed.</param>
public sealed record ParameterSpec(string Name, double Default, string Unit, string Description,
    double Minimum = double.NegativeInfinity, bool MinimumExclusive = false)
{
    /// <summary>True when <paramref name="value"/> is finite and satisfies the minimum.</summary>
    public bool Accepts(double value) =>
        double.IsFinite(value) && (MinimumExclusive ? value > Minimum : value >= Minimum);
}

/// <summary>
/// A <c>.model</c> card: a name, a SPICE type (D, NMOS, SW, ...) and a table of parameters with
/// defaults. The table is data (as ngspice's IOP tables are): parsing, validation and writing a
/// netlist back all go through it. Behaviours read values once at bind time, never in Load.
/// </summary>
public abstract class Model
{
    private readonly IReadOnlyList<ParameterSpec> _table;
    private readonly double[] _values;
    private readonly bool[] _given;

    /// <summary>Creates a model with every parameter at its default.</summary>
    protected Model(string name, string type, IReadOnlyList<ParameterSpec> table)
    {
        Name = name;
        Type = type;
        _table = table;
        _values = table.Select(p => p.Default).ToArray();
        _given = new bool[table.Count];
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>SPICE model type as written on the card (upper case), e.g. <c>D</c>, <c>NMOS</c>.</summary>
    public string Type { get; }

    /// <summary>The parameter table.</summary>
    public IReadOnlyList<ParameterSpec> Table => _table;

    /// <summary>Sets a parameter by SPICE name (case-insensitive).</summary>
    /// <exception cref="CircuitException">Unknown parameter or value out of range.</exception>
    public void Set(string parameter, double value)
    {
        int k = IndexOf(parameter);
        if (k < 0) throw new CircuitException(Name, $"unknown {Type} model parameter '{parameter}'");
        var spec = _table[k];
        if (!spec.Accepts(value))
            throw new CircuitException(Name, $"{spec.Name.ToUpperInvariant()}={value:G6} is out of range (must be {(spec.MinimumExclusive ? ">" : ">=")} {spec.Minimum:G6})");
        _values[k] = value;
        _given[k] = true;
    }

    /// <summary>True if the table has this parameter.</summary>
    public bool Has(string parameter) => IndexOf(parameter) >= 0;

    /// <summary>Value of a parameter (given or default).</summary>
    public double this[string parameter] => _values[IndexOrThrow(parameter)];

    /// <summary>True if the parameter was given explicitly.</summary>
    public bool IsGiven(string parameter) => _given[IndexOrThrow(parameter)];

    /// <summary>The explicitly given parameters, in table order (used to write the card back).</summary>
    public IEnumerable<(string Name, double Value)> GivenParameters()
    {
        for (int k = 0; k < _table.Count; k++)
            if (_given[k]) yield return (_table[k].Name, _values[k]);
    }

    /// <summary>Value by table index, for subclasses' typed properties.</summary>
    protected double Value(int index) => _values[index];

    /// <summary>Whether the parameter at a table index was given.</summary>
    protected bool Given(int index) => _given[index];

    private int IndexOf(string parameter)
    {
        for (int k = 0; k < _table.Count; k++)
            if (_table[k].Name.Equals(parameter, StringComparison.OrdinalIgnoreCase)) return k;
        return -1;
    }

    private int IndexOrThrow(string parameter)
    {
        int k = IndexOf(parameter);
        return k >= 0 ? k : throw new ArgumentException($"no parameter '{parameter}' in {Type} models", nameof(parameter));
    }
}
