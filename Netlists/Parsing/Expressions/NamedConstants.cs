namespace AnalogNN.Netlists.Parsing.Expressions;

/// <summary>Named constants of the expression language, used when no parameter of that name exists.</summary>
public static class NamedConstants
{
    /// <summary>Looks up <c>pi</c> or <c>e</c> (case-insensitive).</summary>
    public static bool TryGet(string name, out double value)
    {
        if (name.Equals("pi", StringComparison.OrdinalIgnoreCase)) { value = Math.PI; return true; }
        if (name.Equals("e", StringComparison.OrdinalIgnoreCase)) { value = Math.E; return true; }
        value = 0;
        return false;
    }
}
