namespace AnalogNN.Netlists.Parsing.Expressions;

/// <summary>Implementation of a built-in function over its evaluated arguments.</summary>
public delegate double BuiltinImplementation(ReadOnlySpan<double> arguments);

/// <summary>
/// A built-in function of the expression language, bound when the expression is parsed (so an unknown
/// name or a wrong argument count is reported at parse time, and evaluation does no name lookup).
/// </summary>
public sealed class BuiltinFunction
{
    private readonly BuiltinImplementation _implementation;

    private BuiltinFunction(string name, int minArguments, int maxArguments, BuiltinImplementation implementation)
    {
        Name = name;
        MinArguments = minArguments;
        MaxArguments = maxArguments;
        _implementation = implementation;
    }

    /// <summary>Lower-case name.</summary>
    public string Name { get; }
    /// <summary>Fewest arguments.</summary>
    public int MinArguments { get; }
    /// <summary>Most arguments (<see cref="int.MaxValue"/> for variadic <c>min</c>/<c>max</c>).</summary>
    public int MaxArguments { get; }

    /// <summary>Applies the function.</summary>
    public double Invoke(ReadOnlySpan<double> arguments) => _implementation(arguments);

    /// <summary>"1 argument", "2 or more arguments", ...</summary>
    public string ArityText =>
        MaxArguments == int.MaxValue ? $"{MinArguments} or more arguments"
        : MinArguments == MaxArguments ? $"{MinArguments} argument{(MinArguments == 1 ? "" : "s")}"
        : $"{MinArguments} to {MaxArguments} arguments";

    private static readonly Dictionary<string, BuiltinFunction> Table = Build();

    /// <summary>Names that are not functions but conditionals parsed specially (<c>if(c,a,b)</c>).</summary>
    internal static bool IsConditional(string name) =>
        name.Equals("if", StringComparison.OrdinalIgnoreCase) || name.Equals("ternary_fcn", StringComparison.OrdinalIgnoreCase);

    /// <summary>Finds a built-in function by name (case-insensitive).</summary>
    public static BuiltinFunction? Find(string name) => Table.GetValueOrDefault(name);

    /// <summary>Every built-in function name (plus <c>if</c>).</summary>
    public static IEnumerable<string> Names => Table.Keys.Append("if").Order(StringComparer.Ordinal);

    private static Dictionary<string, BuiltinFunction> Build()
    {
        var t = new Dictionary<string, BuiltinFunction>(StringComparer.OrdinalIgnoreCase);
        void One(string name, Func<double, double> f) => t[name] = new BuiltinFunction(name, 1, 1, a => f(a[0]));
        void Two(string name, Func<double, double, double> f) => t[name] = new BuiltinFunction(name, 2, 2, a => f(a[0], a[1]));

        One("sin", Math.Sin); One("cos", Math.Cos); One("tan", Math.Tan);
        One("asin", Math.Asin); One("acos", Math.Acos); One("atan", Math.Atan);
        One("sinh", Math.Sinh); One("cosh", Math.Cosh); One("tanh", Math.Tanh);
        One("asinh", Math.Asinh); One("acosh", Math.Acosh); One("atanh", Math.Atanh);
        One("exp", Math.Exp);
        One("ln", Math.Log);
        One("log", Math.Log); // ngspice: log is the natural logarithm (log(100) = 4.605)
        One("log10", Math.Log10);
        One("sqrt", Math.Sqrt);
        One("abs", Math.Abs);
        One("floor", Math.Floor);
        One("ceil", Math.Ceiling);
        One("int", Math.Truncate);                                   // ngspice: int(-1.5) = -1
        One("nint", x => Math.Round(x, MidpointRounding.ToEven));   // ngspice: nint(2.5) = 2, nint(3.5) = 4
        One("round", x => Math.Round(x, MidpointRounding.AwayFromZero));
        One("sgn", Sign); One("sign", Sign);
        One("u", x => x > 0 ? 1 : 0);                                // unit step
        One("uramp", x => x > 0 ? x : 0);
        Two("atan2", Math.Atan2);
        Two("pow", Math.Pow);                                        // C pow, as ngspice .param: pow(-2,3) = -8
        Two("pwr", (x, y) => Math.Sign(x) * Math.Pow(Math.Abs(x), y)); // ngspice manual: sign(x)·|x|^y
        Two("fmod", (x, y) => x % y);
        Two("hypot", double.Hypot);
        t["min"] = new BuiltinFunction("min", 1, int.MaxValue, a => { double m = a[0]; for (int k = 1; k < a.Length; k++) m = Math.Min(m, a[k]); return m; });
        t["max"] = new BuiltinFunction("max", 1, int.MaxValue, a => { double m = a[0]; for (int k = 1; k < a.Length; k++) m = Math.Max(m, a[k]); return m; });
        t["limit"] = new BuiltinFunction("limit", 3, 3, a => Math.Min(Math.Max(a[0], Math.Min(a[1], a[2])), Math.Max(a[1], a[2])));
        return t;
    }

    // Math.Sign throws on NaN; a function must never throw.
    private static double Sign(double x) => double.IsNaN(x) ? double.NaN : x > 0 ? 1 : x < 0 ? -1 : 0;
}
