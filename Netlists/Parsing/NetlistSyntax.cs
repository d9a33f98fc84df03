namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// A parsed netlist: statements with locations, the subcircuit definition tree and unevaluated
/// expressions, exactly as written. Parse once (<see cref="NetlistParser"/>), then
/// <see cref="Elaborate"/> as often as needed (once per <c>.step</c> point): each call evaluates the
/// parameters afresh and flattens the hierarchy. Both steps are deterministic.
/// </summary>
public sealed class NetlistSyntax
{
    internal NetlistSyntax(string title, IReadOnlyList<Statement> statements, IReadOnlyList<SubcircuitDefinition> subcircuits,
        IReadOnlyList<StepSweep> steps, SourceRegistry sources, IReadOnlyList<NetlistDiagnostic> diagnostics)
    {
        Title = title;
        Statements = statements;
        Subcircuits = subcircuits;
        Steps = steps;
        Sources = sources;
        Diagnostics = diagnostics;
    }

    /// <summary>The title: line 1 of the top file (or a <c>.title</c> command).</summary>
    public string Title { get; }
    /// <summary>Top-level statements in order (included files spliced in).</summary>
    public IReadOnlyList<Statement> Statements { get; }
    /// <summary>Top-level subcircuit definitions.</summary>
    public IReadOnlyList<SubcircuitDefinition> Subcircuits { get; }
    /// <summary>The <c>.step param</c> sweeps.</summary>
    public IReadOnlyList<StepSweep> Steps { get; }
    /// <summary>Warnings found while parsing.</summary>
    public IReadOnlyList<NetlistDiagnostic> Diagnostics { get; }

    internal SourceRegistry Sources { get; }

    /// <summary>
    /// Evaluates parameters and flattens the netlist. <paramref name="parameterOverrides"/> replaces (or
    /// defines) top-level parameters, e.g. one point of <see cref="StepPoints"/>.
    /// </summary>
    /// <exception cref="NetlistException">Every error found (undefined parameter, unknown model or subcircuit, ...).</exception>
    public FlatNetlist Elaborate(IReadOnlyDictionary<string, double>? parameterOverrides = null) =>
        Elaborator.Run(this, parameterOverrides);

    /// <summary>
    /// The parameter values of every <c>.step</c> run: the Cartesian product of the sweeps, the first
    /// <c>.step</c> varying fastest (as LTspice). One empty point when there is no <c>.step</c>.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> StepPoints()
    {
        var points = new List<IReadOnlyDictionary<string, double>>();
        int n = Steps.Count;
        var index = new int[n];
        while (true)
        {
            var point = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            for (int k = 0; k < n; k++) point[Steps[k].Parameter] = Steps[k].Values[index[k]];
            points.Add(point);
            int d = 0;
            while (d < n && ++index[d] == Steps[d].Values.Count) index[d++] = 0;
            if (d == n) break;
        }
        return points;
    }
}

/// <summary>Entry points of the netlist front end.</summary>
/// <example>
/// <code>
/// var syntax = NetlistParser.ParseFile("deck.cir");          // throws NetlistException on errors
/// foreach (var point in syntax.StepPoints())
/// {
///     FlatNetlist flat = syntax.Elaborate(point);            // evaluated, flattened
///     Circuit circuit = CircuitBuilder.Build(flat);          // element objects
/// }
/// </code>
/// </example>
public static class NetlistParser
{
    /// <summary>Reads and parses a netlist file; includes are resolved relative to each including file.</summary>
    /// <exception cref="NetlistException">The file cannot be read, or has syntax errors (all of them are reported).</exception>
    public static NetlistSyntax ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message;
            throw new NetlistException([new NetlistDiagnostic(path, 1, 1, DiagnosticSeverity.Error, $"cannot read netlist '{path}': {reason}", "")]);
        }
        return Parse(text, path);
    }

    /// <summary>
    /// Parses netlist text. <paramref name="fileName"/> is used in diagnostics, and its folder is the base of
    /// relative <c>.include</c>/<c>.lib</c> paths.
    /// </summary>
    /// <exception cref="NetlistException">Syntax errors (all of them are reported).</exception>
    public static NetlistSyntax Parse(string text, string fileName = "netlist.cir")
    {
        var bag = new DiagnosticBag(new SourceRegistry());
        NetlistSyntax syntax;
        try
        {
            syntax = StatementParser.Parse(fileName, text, bag);
        }
        catch (Exception ex) when (ex is not NetlistException)
        {
            // Defensive: the parser handles errors line by line; anything escaping is reported, not thrown.
            bag.Error(new SourceLocation(fileName, 1, 1), $"internal error while parsing: {ex.GetType().Name}: {ex.Message}");
            bag.ThrowIfErrors();
            throw;
        }
        bag.ThrowIfErrors();
        return syntax;
    }
}
