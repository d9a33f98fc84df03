using AnalogNN.Circuit;
using AnalogNN.Netlists.Parsing.Expressions;

namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// Turns a <see cref="NetlistSyntax"/> into a <see cref="FlatNetlist"/>: evaluates parameters (with
/// overrides), expands subcircuit instances depth-first with hierarchical names, evaluates model and
/// element fields, validates analyses, options and cross references. Errors are collected statement by
/// statement and thrown together at the end.
/// </summary>
internal sealed class Elaborator
{
    private const int MaxInstanceDepth = 64;
    private const int MaxElements = 20_000_000;

    /// <summary>Upper bound on the time steps a <c>.tran</c> may ask for (span / maximum step).</summary>
    private const double MaxTranSteps = 1e9;

    private readonly NetlistSyntax _syntax;
    private readonly List<ElementCard> _elements = new();
    private readonly Dictionary<string, SourceLocation> _elementNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _instanceNames = new(StringComparer.Ordinal);
    private readonly List<ModelCard> _models = new();
    private readonly List<OptionSetting> _options = new();
    private readonly List<Analysis> _analyses = new();
    private readonly List<NodeValue> _ics = new(), _nodeSets = new();
    private readonly List<SaveItem> _saves = new();
    private readonly HashSet<string> _globals = new(StringComparer.Ordinal);
    private readonly List<(string Name, SourceLocation At, string User)> _elementReferences = new();
    private readonly List<(string Name, SourceLocation At)> _dcSources = new();
    private readonly List<SubcircuitDefinition> _instantiating = new();
    private bool _tooLarge;

    private Elaborator(NetlistSyntax syntax)
    {
        _syntax = syntax;
        Bag = new DiagnosticBag(syntax.Sources);
        Bag.AddRange(syntax.Diagnostics);
    }

    public DiagnosticBag Bag { get; }

    public bool IsGlobal(string lowerNode) => _globals.Contains(lowerNode);

    public static FlatNetlist Run(NetlistSyntax syntax, IReadOnlyDictionary<string, double>? overrides)
    {
        var e = new Elaborator(syntax);
        Dictionary<string, double> parameters = new();
        try
        {
            parameters = e.RunTop(overrides);
        }
        catch (Exception ex) when (ex is not NetlistException)
        {
            var at = syntax.Statements.Count > 0 ? syntax.Statements[0].Location : new SourceLocation("netlist", 1, 1);
            e.Bag.Error(at, $"internal error while elaborating: {ex.GetType().Name}: {ex.Message}");
        }
        e.Bag.ThrowIfErrors();
        return new FlatNetlist(syntax.Title, e._elements, e._models, e._options, e._analyses, e._ics, e._nodeSets, e._saves,
            parameters, syntax.Steps, e.Bag.Items.ToArray(), syntax.Sources);
    }

    private Dictionary<string, double> RunTop(IReadOnlyDictionary<string, double>? overrides)
    {
        foreach (var g in _syntax.Statements.OfType<GlobalStatement>())
            foreach (var n in g.Nodes) _globals.Add(n.Name.ToLowerInvariant());
        var top = new Scope(this, null, null, "", null);
        DefineParameters(top, _syntax.Statements);
        if (overrides is not null)
            foreach (var (name, value) in overrides.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
                top.DefineFixed(name, value, new SourceLocation("<override>", 1, 1));
        top.EvaluateAll();
        DefineModels(top, _syntax.Statements);
        Expand(top, _syntax.Statements);
        CheckReferences();
        return top.Values();
    }

    // ---------------------------------------------------------------- scopes

    private void Guard(SourceLocation at, Action action)
    {
        try { action(); }
        catch (ExpressionException ex) { Bag.Error(ex.Location, ex.Message); }
        catch (LocatedException ex) { Bag.Error(ex.Location, ex.Message); }
        catch (AlreadyReportedException) { }
        catch (Exception ex) when (ex is not NetlistException)
        {
            Bag.Error(at, $"internal error while elaborating this line: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void DefineParameters(Scope scope, IReadOnlyList<Statement> body)
    {
        foreach (var s in body)
        {
            switch (s)
            {
                case ParamStatement p:
                    foreach (var a in p.Assignments) scope.Define(a.Name, a.Value, a.Location);
                    break;
                case FuncStatement f:
                    scope.DefineFunction(f);
                    break;
            }
        }
    }

    private void DefineModels(Scope scope, IReadOnlyList<Statement> body)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in body.OfType<ModelStatement>())
        {
            Guard(m.Location, () =>
            {
                if (seen.TryGetValue(m.Name, out var first))
                    throw new LocatedException(m.NameLocation, $"model '{m.Name}' is already defined at {first}");
                seen[m.Name] = m.NameLocation;
                var parameters = new List<CardField>(m.Parameters.Count);
                foreach (var p in m.Parameters) parameters.Add(Convert(p, scope, circuitAllowed: false));
                var card = new ModelCard(scope.MapModel(m.Name), m.Type.ToUpperInvariant(), parameters, m.NameLocation, m.TypeLocation);
                scope.Models[m.Name] = card;
                _models.Add(card);
            });
        }
    }

    private void Expand(Scope scope, IReadOnlyList<Statement> body)
    {
        foreach (var s in body)
        {
            if (_tooLarge) return;
            switch (s)
            {
                case ElementStatement e: Guard(e.Location, () => AddElement(e, scope)); break;
                case InstanceStatement x: Guard(x.Location, () => Instantiate(x, scope)); break;
                case AnalysisStatement a: Guard(a.Location, () => _analyses.Add(ConvertAnalysis(a, scope))); break;
                case OptionsStatement o: Guard(o.Location, () => AddOptions(o, scope)); break;
                case TempStatement t: Guard(t.Location, () => AddTemp(t, scope)); break;
                case InitialConditionStatement ic: Guard(ic.Location, () => AddInitialConditions(ic, scope)); break;
                case SaveStatement sv: Guard(sv.Location, () => AddSaves(sv)); break;
            }
        }
    }

    private void Instantiate(InstanceStatement x, Scope caller)
    {
        var def = FindSubcircuit(x.Subcircuit, caller.Definition)
            ?? throw new LocatedException(x.SubcircuitLocation, $"unknown subcircuit '{x.Subcircuit}'");
        if (def.Pins.Count != x.Nodes.Count)
            throw new LocatedException(x.NameLocation,
                $"instance '{x.Name}' connects {x.Nodes.Count} node{(x.Nodes.Count == 1 ? "" : "s")} but subcircuit '{def.Name}' has {def.Pins.Count} pin{(def.Pins.Count == 1 ? "" : "s")} ({string.Join(" ", def.Pins.Select(p => p.Name))})");
        if (_instantiating.Contains(def))
            throw new LocatedException(x.SubcircuitLocation, $"recursive instantiation of subcircuit '{def.Name}'");
        if (_instantiating.Count >= MaxInstanceDepth)
            throw new LocatedException(x.SubcircuitLocation, $"subcircuits nested more than {MaxInstanceDepth} deep");
        string local = x.Name.ToLowerInvariant();
        string path = caller.Path.Length == 0 ? local : caller.Path + "." + local;
        // Two instances with one name would merge their internals; report it at the second X card.
        if (_instanceNames.TryGetValue(path, out var firstInstance))
            throw new LocatedException(x.NameLocation, $"duplicate instance name '{x.Name}'{(caller.Path.Length > 0 ? $" ('{path}')" : "")}, first defined at {firstInstance}");
        _instanceNames[path] = x.NameLocation;
        var pins = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int k = 0; k < def.Pins.Count; k++) pins[def.Pins[k].Name.ToLowerInvariant()] = caller.MapNode(x.Nodes[k].Name);
        var scope = new Scope(this, caller, def, path, pins);

        // Overrides are evaluated where the instance is written; defaults inside the new instance.
        foreach (var a in x.Parameters)
        {
            double v = a.Value.Evaluate(caller);
            if (!def.Parameters.Any(p => p.Name.Equals(a.Name, StringComparison.OrdinalIgnoreCase)))
                Bag.Warning(a.Location, $"subcircuit '{def.Name}' declares no parameter '{a.Name}' (passed on anyway)");
            scope.DefineFixed(a.Name, v, a.Location);
        }
        foreach (var p in def.Parameters)
            if (!scope.HasLocal(p.Name)) scope.Define(p.Name, p.Value, p.Location);
        DefineParameters(scope, def.Body);
        scope.EvaluateAll();
        DefineModels(scope, def.Body);
        _instantiating.Add(def);
        try { Expand(scope, def.Body); }
        finally { _instantiating.RemoveAt(_instantiating.Count - 1); }
    }

    private SubcircuitDefinition? FindSubcircuit(string name, SubcircuitDefinition? from)
    {
        for (var d = from; d is not null; d = d.Parent)
            foreach (var n in d.Definitions)
                if (n.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return n;
        foreach (var n in _syntax.Subcircuits)
            if (n.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return n;
        return null;
    }

    // ---------------------------------------------------------------- elements

    private void AddElement(ElementStatement e, Scope scope)
    {
        if (_elements.Count >= MaxElements)
        {
            _tooLarge = true;
            throw new LocatedException(e.Location, $"the flattened netlist has more than {MaxElements} elements");
        }
        string name = scope.MapElement(e.Name);
        var nodes = new string[e.Nodes.Count];
        var nodeLocations = new SourceLocation[e.Nodes.Count];
        for (int k = 0; k < nodes.Length; k++)
        {
            nodes[k] = scope.MapNode(e.Nodes[k].Name);
            nodeLocations[k] = e.Nodes[k].Location;
        }
        ModelCard? model = null;
        List<ModelCard>? models = null;
        var fields = new CardField[e.Fields.Count];
        bool behavioural = e.Kind == "B";
        for (int k = 0; k < fields.Length; k++)
        {
            var f = e.Fields[k];
            if (f is WordSyntax { Role: WordRole.Model } w)
            {
                var found = scope.FindModel(w.Text) ?? throw new LocatedException(w.Location, $"unknown model '{w.Text}'");
                model ??= found;
                (models ??= new List<ModelCard>(2)).Add(found);
                fields[k] = new IdentifierField(found.Name, w.Location);
            }
            else if (f is WordSyntax { Role: WordRole.Element } r)
            {
                string target = scope.MapElement(r.Text);
                _elementReferences.Add((target, r.Location, name));
                fields[k] = new IdentifierField(target, r.Location);
            }
            else if (behavioural && f is KeyValueSyntax { Value: ExpressionSyntax bx } kv && (kv.Key.Equals("v", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals("i", StringComparison.OrdinalIgnoreCase)))
            {
                var bound = bx.Expression.Bind(new ScopeBinder(scope));
                foreach (var ic in CurrentReferences(bound)) _elementReferences.Add((ic.Element, ic.Location, name));
                fields[k] = new KeyValueField(kv.Key, new ExpressionField(bound, bx.Location), kv.Location);
            }
            else fields[k] = Convert(f, scope, circuitAllowed: true, user: name);
        }
        if (_elementNames.TryGetValue(name, out var first))
            throw new LocatedException(e.NameLocation, $"duplicate element name '{e.Name}'{(scope.Path.Length > 0 ? $" ('{name}')" : "")}, first defined at {first}");
        _elementNames[name] = e.NameLocation;
        _elements.Add(new ElementCard(name, e.Kind, nodes, nodeLocations, fields, e.NameLocation, model, scope.Path, models));
    }

    private static IEnumerable<BranchCurrentExpression> CurrentReferences(Expression e)
    {
        if (e is BranchCurrentExpression b) yield return b;
        foreach (var c in e.Children)
            foreach (var r in CurrentReferences(c)) yield return r;
    }

    /// <summary>Evaluates a syntax field in a scope.</summary>
    private CardField Convert(SyntaxField f, Scope scope, bool circuitAllowed, string? user = null)
    {
        switch (f)
        {
            case WordSyntax w:
                return w.Number is double n ? new NumberField(n, w.Location) : new IdentifierField(w.Text, w.Location);
            case ExpressionSyntax x:
                if (circuitAllowed && x.Expression.DependsOnCircuit && !OnlyParameterTime(x.Expression, scope))
                {
                    var bound = x.Expression.Bind(new ScopeBinder(scope));
                    if (user is not null)
                        foreach (var ic in CurrentReferences(bound)) _elementReferences.Add((ic.Element, ic.Location, user));
                    return new ExpressionField(bound, x.Location);
                }
                return new NumberField(x.Expression.Evaluate(scope), x.Location);
            case KeyValueSyntax kv:
                return new KeyValueField(kv.Key, Convert(kv.Value, scope, circuitAllowed, user), kv.Location);
            case GroupSyntax g:
            {
                var items = new CardField[g.Items.Count];
                for (int k = 0; k < items.Length; k++) items[k] = Convert(g.Items[k], scope, circuitAllowed, user);
                return new GroupField(g.Name, items, g.Location);
            }
            default:
                throw new LocatedException(f.Location, "unexpected field");
        }
    }

    /// <summary>True if the only circuit dependence is a parameter that happens to be called 'time' and is defined.</summary>
    private static bool OnlyParameterTime(Expression e, Scope scope) =>
        !e.Any(x => x is NodeVoltageExpression or BranchCurrentExpression or TimeExpression)
        && scope.IsDefined("time");

    private double Number(SyntaxField f, Scope scope, string what)
    {
        return f switch
        {
            WordSyntax { Number: double n } => n,
            WordSyntax w => throw new LocatedException(w.Location, $"{what}: expected a number, found '{w.Text}'"),
            ExpressionSyntax x => x.Expression.Evaluate(scope),
            _ => throw new LocatedException(f.Location, $"{what}: expected a number, found '{f}'"),
        };
    }

    // ---------------------------------------------------------------- analyses and controls

    private Analysis ConvertAnalysis(AnalysisStatement a, Scope scope)
    {
        var args = a.Arguments;
        switch (a.Command)
        {
            case "op":
                if (args.Count > 0) throw new LocatedException(args[0].Location, $"unexpected '{args[0]}' after .op");
                return new OpAnalysis(a.Location);

            case "tran":
            {
                var numbers = new List<(double Value, SourceLocation At)>();
                bool uic = false;
                foreach (var f in args)
                {
                    if (f is WordSyntax { Number: null } w && w.Text.Equals("uic", StringComparison.OrdinalIgnoreCase)) { uic = true; continue; }
                    if (uic) throw new LocatedException(f.Location, "unexpected argument after UIC in .tran");
                    if (numbers.Count == 4) throw new LocatedException(f.Location, "too many arguments: .tran TSTEP TSTOP [TSTART [TMAX]] [UIC]");
                    numbers.Add((Number(f, scope, ".tran"), f.Location));
                }
                if (numbers.Count < 2)
                    throw new LocatedException(numbers.Count == 0 ? a.Location : numbers[0].At, ".tran needs TSTEP and TSTOP: .tran TSTEP TSTOP [TSTART [TMAX]] [UIC]");
                var (step, stop) = (numbers[0], numbers[1]);
                if (!(step.Value > 0)) throw new LocatedException(step.At, $".tran TSTEP must be > 0 (got {Show(step.Value)})");
                if (!(stop.Value > 0)) throw new LocatedException(stop.At, $".tran TSTOP must be > 0 (got {Show(stop.Value)})");
                double start = 0;
                double? max = null;
                if (numbers.Count > 2)
                {
                    start = numbers[2].Value;
                    if (!(start >= 0) || !(start < stop.Value))
                        throw new LocatedException(numbers[2].At, $".tran TSTART must be >= 0 and below TSTOP (got {Show(start)})");
                }
                if (numbers.Count > 3)
                {
                    max = numbers[3].Value;
                    if (!(max > 0)) throw new LocatedException(numbers[3].At, $".tran TMAX must be > 0 (got {Show(max.Value)})");
                }
                // The engine never steps beyond min(TSTEP, span/50) (or TMAX), as ngspice; a step that small
                // would run for days, so it is an input error rather than an apparent hang.
                double tmax = max ?? Math.Min(step.Value, (stop.Value - start) / 50);
                if ((stop.Value - start) / tmax > MaxTranSteps)
                    throw new LocatedException(numbers.Count > 3 ? numbers[3].At : step.At,
                        $".tran would need more than {MaxTranSteps:G3} time steps (maximum step {Show(tmax)} over {Show(stop.Value - start)} s)");
                return new TranAnalysis(step.Value, stop.Value, start, max, uic, a.Location);
            }

            case "dc":
            {
                if (args.Count != 4 && args.Count != 8)
                    throw new LocatedException(args.Count > 8 ? args[8].Location : a.Location,
                        $".dc needs SRC START STOP STEP [SRC2 START2 STOP2 STEP2] (got {args.Count} argument{(args.Count == 1 ? "" : "s")})");
                var sweeps = new List<DcSweep>();
                for (int k = 0; k < args.Count; k += 4)
                {
                    if (args[k] is not WordSyntax { Number: null } src)
                        throw new LocatedException(args[k].Location, $".dc: expected a source name, found '{args[k]}'");
                    double start = Number(args[k + 1], scope, ".dc START");
                    double stop = Number(args[k + 2], scope, ".dc STOP");
                    double step = Number(args[k + 3], scope, ".dc STEP");
                    if (step == 0) throw new LocatedException(args[k + 3].Location, ".dc STEP must not be zero");
                    if ((stop - start) / step < 0)
                        throw new LocatedException(args[k + 3].Location, $".dc STEP {Show(step)} goes away from STOP (start {Show(start)}, stop {Show(stop)})");
                    if ((stop - start) / step > 1e7)
                        throw new LocatedException(args[k + 3].Location, ".dc sweep has more than 10^7 points");
                    string name = src.Text.ToLowerInvariant();
                    _dcSources.Add((name, src.Location));
                    sweeps.Add(new DcSweep(name, start, stop, step, src.Location));
                }
                return new DcAnalysis(sweeps, a.Location);
            }

            case "ac":
            {
                if (args.Count != 4)
                    throw new LocatedException(args.Count > 4 ? args[4].Location : a.Location, $".ac needs DEC|OCT|LIN N FSTART FSTOP (got {args.Count} arguments)");
                if (args[0] is not WordSyntax { Number: null } kind)
                    throw new LocatedException(args[0].Location, ".ac: expected DEC, OCT or LIN");
                var type = kind.Text.ToLowerInvariant() switch
                {
                    "dec" => AcSweepType.Decade,
                    "oct" => AcSweepType.Octave,
                    "lin" => AcSweepType.Linear,
                    _ => throw new LocatedException(kind.Location, $".ac: expected DEC, OCT or LIN, found '{kind.Text}'"),
                };
                double n = Number(args[1], scope, ".ac N");
                if (!(n >= 1) || n != Math.Floor(n) || n > 1e7) throw new LocatedException(args[1].Location, $".ac N must be a whole number >= 1 (got {Show(n)})");
                double f1 = Number(args[2], scope, ".ac FSTART"), f2 = Number(args[3], scope, ".ac FSTOP");
                if (!(f1 > 0) && type != AcSweepType.Linear) throw new LocatedException(args[2].Location, $".ac FSTART must be > 0 (got {Show(f1)})");
                if (!(f2 >= f1)) throw new LocatedException(args[3].Location, $".ac FSTOP must be >= FSTART (got {Show(f2)})");
                return new AcAnalysis(type, (int)n, f1, f2, a.Location);
            }
        }
        throw new LocatedException(a.Location, $"unknown analysis '.{a.Command}'");
    }

    private static string Show(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>ngspice options accepted without effect.</summary>
    private static readonly HashSet<string> IgnoredOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "acct", "noacct", "norefvalue", "nomod", "nopage", "node", "list", "opts", "post", "ingold", "numdgt",
        "savecurrents", "klu", "sparse", "keepopinfo", "warn", "rshunt", "cshunt", "interp", "noinit", "noopiter",
        "maxwarns", "itl3", "itl5", "itl6", "defl", "defw", "defad", "defas", "scale", "bypass", "noopalter",
        "autostop", "ramptime", "xmu", "plotwinsize", "nomarch", "filetype", "gshunt", "badmos3", "oldlimit",
    };

    /// <summary>ngspice warns about options it does not know and goes on; so do we (a typo in a tolerance shows up as a warning).</summary>
    private void UnknownOption(string name, SourceLocation at) => Bag.Warning(at, $"unknown option '{name}' is ignored");

    private void AddOptions(OptionsStatement o, Scope scope)
    {
        var probe = new SimulationOptions();
        foreach (var item in o.Items)
        {
            Guard(item.Location, () =>
            {
                switch (item)
                {
                    case KeyValueSyntax kv:
                    {
                        string name = kv.Key.ToLowerInvariant();
                        if (kv.Value is WordSyntax { Number: null } word)
                        {
                            if (probe.TrySet(name, word.Text)) { _options.Add(new OptionSetting(name, null, word.Text, kv.Location)); return; }
                            if (IgnoredOptions.Contains(name)) { Bag.Warning(kv.Location, $"option '{kv.Key}' is ignored"); return; }
                            if (name == "method") throw new LocatedException(word.Location, $"unknown integration method '{word.Text}' (use trap, gear or euler)");
                            if (new SimulationOptions().TrySet(name, 0.0)) throw new LocatedException(word.Location, $"option '{kv.Key}' needs a number, found '{word.Text}'");
                            UnknownOption(kv.Key, kv.Location);
                            return;
                        }
                        if (kv.Value is GroupSyntax) throw new LocatedException(kv.Value.Location, $"bad value for option '{kv.Key}'");
                        double v = Number(kv.Value, scope, $"option '{kv.Key}'");
                        if (probe.TrySet(name, v)) { _options.Add(new OptionSetting(name, v, null, kv.Location)); return; }
                        if (IgnoredOptions.Contains(name)) { Bag.Warning(kv.Location, $"option '{kv.Key}' is ignored"); return; }
                        if (name == "method") throw new LocatedException(kv.Value.Location, "option 'method' takes trap, gear or euler");
                        UnknownOption(kv.Key, kv.Location);
                        return;
                    }
                    case WordSyntax { Number: null } flag:
                        if (IgnoredOptions.Contains(flag.Text)) { Bag.Warning(flag.Location, $"option '{flag.Text}' is ignored"); return; }
                        UnknownOption(flag.Text, flag.Location);
                        return;
                    default:
                        throw new LocatedException(item.Location, $"unexpected '{item}' in .options (expected name=value or a flag)");
                }
            });
        }
    }

    private void AddTemp(TempStatement t, Scope scope)
    {
        double v = Number(t.Value, scope, ".temp");
        if (!(v > -Constants.KelvinOffset)) throw new LocatedException(t.Value.Location, $".temp must be above absolute zero (got {Show(v)} °C)");
        _options.Add(new OptionSetting("temp", v, null, t.Location));
    }

    private void AddInitialConditions(InitialConditionStatement ic, Scope scope)
    {
        foreach (var v in ic.Values)
        {
            Guard(v.Value.Location, () =>
            {
                double value = Number(v.Value, scope, ic.IsNodeSet ? ".nodeset" : ".ic");
                string node = scope.MapNode(v.Node);
                if (node == "0") throw new LocatedException(v.NodeLocation, $"cannot set the ground node in {(ic.IsNodeSet ? ".nodeset" : ".ic")}");
                (ic.IsNodeSet ? _nodeSets : _ics).Add(new NodeValue(node, value, v.NodeLocation));
            });
        }
    }

    private void AddSaves(SaveStatement s)
    {
        foreach (var item in s.Items)
        {
            Guard(item.Location, () =>
            {
                switch (item)
                {
                    case WordSyntax w when w.Text.Equals("all", StringComparison.OrdinalIgnoreCase):
                        _saves.Add(new SaveItem(SaveKind.All, "all", null, "all", w.Location));
                        break;
                    case WordSyntax w:
                    {
                        string n = w.Text.ToLowerInvariant();
                        _saves.Add(new SaveItem(SaveKind.Voltage, n, null, $"v({n})", w.Location));
                        break;
                    }
                    case GroupSyntax { Name: not null } g when g.Is("v") || g.Is("i"):
                    {
                        bool voltage = g.Is("v");
                        var names = g.Items.Select(x => x is WordSyntax ww ? ww.Text.ToLowerInvariant()
                            : throw new LocatedException(x.Location, $"expected a name in {g.Name}(...)")).ToList();
                        if (names.Count == 0 || names.Count > (voltage ? 2 : 1))
                            throw new LocatedException(g.Location, voltage ? "v() takes 1 or 2 node names" : "i() takes 1 element name");
                        if (voltage)
                        {
                            string a = names[0] == "gnd" ? "0" : names[0];
                            string? b = names.Count > 1 ? (names[1] == "gnd" ? "0" : names[1]) : null;
                            _saves.Add(new SaveItem(SaveKind.Voltage, a, b, b is null ? $"v({a})" : $"v({a},{b})", g.Location));
                        }
                        else _saves.Add(new SaveItem(SaveKind.Current, names[0], null, $"i({names[0]})", g.Location));
                        break;
                    }
                    case GroupSyntax { Name: not null } g:
                    {
                        string inner = string.Join(",", g.Items.Select(x => x.ToString()!.ToLowerInvariant()));
                        _saves.Add(new SaveItem(SaveKind.Other, g.Name!.ToLowerInvariant(), null, $"{g.Name!.ToLowerInvariant()}({inner})", g.Location));
                        break;
                    }
                    default:
                        throw new LocatedException(item.Location, $"unexpected '{item}' in .save");
                }
            });
        }
    }

    // ---------------------------------------------------------------- cross references

    private void CheckReferences()
    {
        if (_tooLarge) return;
        var byName = new Dictionary<string, ElementCard>(_elements.Count, StringComparer.Ordinal);
        foreach (var e in _elements) byName[e.Name] = e;
        foreach (var (name, at, user) in _elementReferences)
            if (!byName.ContainsKey(name))
                Bag.Error(at, $"unknown element '{name}' referenced by '{user}'");
        foreach (var (name, at) in _dcSources)
        {
            if (!byName.TryGetValue(name, out var e)) Bag.Error(at, $"unknown source '{name}' in .dc");
            else if (e.Letter is not ('V' or 'I')) Bag.Error(at, $".dc can sweep only independent V or I sources, '{name}' is a {e.Kind} element");
        }
        var nodes = new HashSet<string>(StringComparer.Ordinal) { "0" };
        foreach (var e in _elements)
            foreach (var n in e.Nodes) nodes.Add(n);
        foreach (var v in _ics.Concat(_nodeSets))
            if (!nodes.Contains(v.Node))
                Bag.Warning(v.Location, $"node '{v.Node}' is not connected to any element");
        foreach (var s in _saves)
        {
            if (s.Kind == SaveKind.Voltage && (!nodes.Contains(s.Name) || (s.Reference is not null && !nodes.Contains(s.Reference))))
                Bag.Warning(s.Location, $"'.save {s.Text}': no such node");
            else if (s.Kind == SaveKind.Current && !byName.ContainsKey(s.Name))
                Bag.Warning(s.Location, $"'.save {s.Text}': no such element");
        }
    }
}
