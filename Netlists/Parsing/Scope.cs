using AnalogNN.Netlists.Parsing.Expressions;

namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// A parameter scope: the top level or one subcircuit instance. Lookups walk the chain of instances
/// up to the top level (dynamic scoping, as ngspice-39: a subcircuit sees the parameters of the instance
/// that instantiates it). Within a scope, parameters are evaluated lazily in dependency order, so a
/// <c>.param</c> may use one defined later on (ngspice sorts <c>.param</c> lines the same way); a cycle
/// is an error. Each parameter is evaluated once per elaboration.
/// </summary>
internal sealed class Scope : ExpressionContext
{
    private const int MaxCallDepth = 64;

    private readonly Elaborator _owner;
    private readonly Dictionary<string, Slot> _params = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FuncStatement> _funcs = new(StringComparer.OrdinalIgnoreCase);

    public Scope(Elaborator owner, Scope? parent, SubcircuitDefinition? definition, string path, Dictionary<string, string>? pins)
    {
        _owner = owner;
        Parent = parent;
        Definition = definition;
        Path = path;
        Pins = pins;
    }

    public Scope? Parent { get; }
    /// <summary>The definition being expanded (null at top level); nested definitions are looked up lexically from it.</summary>
    public SubcircuitDefinition? Definition { get; }
    /// <summary>Lower-case instance path, empty at top level.</summary>
    public string Path { get; }
    /// <summary>Pin name (lower case) → caller's node.</summary>
    public Dictionary<string, string>? Pins { get; }
    /// <summary>Local models by lower-case local name.</summary>
    public Dictionary<string, ModelCard> Models { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Depth of user-function calls in progress (guards against recursive .func).</summary>
    public int CallDepth { get; set; }

    private enum State { Pending, Evaluating, Done, Failed }

    private sealed class Slot(string name, Expression? expression, double value, SourceLocation location, bool fixedValue)
    {
        public string Name = name;
        public Expression? Expression = expression;
        public double Value = value;
        public SourceLocation Location = location;
        public State State = expression is null ? State.Done : State.Pending;
        public bool Fixed = fixedValue; // instance override or .step/override value: later .param lines do not replace it
    }

    /// <summary>Defines (or redefines: the last definition wins) a parameter by expression.</summary>
    public void Define(string name, Expression expression, SourceLocation location)
    {
        if (_params.TryGetValue(name, out var old) && old.Fixed) return;
        _params[name] = new Slot(name, expression, 0, location, false);
    }

    /// <summary>Defines a parameter with a value that later <c>.param</c> lines of this scope do not replace.</summary>
    public void DefineFixed(string name, double value, SourceLocation location) =>
        _params[name] = new Slot(name, null, value, location, true);

    public bool HasLocal(string name) => _params.ContainsKey(name);

    public void DefineFunction(FuncStatement f) => _funcs[f.Name] = f;

    /// <summary>Evaluates every parameter of this scope (so that errors in unused ones are reported too).</summary>
    public void EvaluateAll()
    {
        foreach (var slot in _params.Values.ToList())
        {
            try { Evaluate(slot); }
            catch (AlreadyReportedException) { }
        }
    }

    /// <summary>The values of this scope's parameters (after <see cref="EvaluateAll"/>), lower-case names.</summary>
    public Dictionary<string, double> Values()
    {
        var d = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in _params.Values)
            if (s.State == State.Done) d[s.Name.ToLowerInvariant()] = s.Value;
        return d;
    }

    private double Evaluate(Slot slot)
    {
        switch (slot.State)
        {
            case State.Done: return slot.Value;
            case State.Failed: throw new AlreadyReportedException();
            case State.Evaluating:
                throw new ExpressionException(slot.Location, $"circular parameter definition: '{slot.Name}' depends on itself");
        }
        slot.State = State.Evaluating;
        try
        {
            slot.Value = slot.Expression!.Evaluate(this);
            slot.State = State.Done;
            return slot.Value;
        }
        catch (ExpressionException ex)
        {
            slot.State = State.Failed;
            _owner.Bag.Error(ex.Location, ex.Message);
            throw new AlreadyReportedException();
        }
        catch (AlreadyReportedException)
        {
            slot.State = State.Failed;
            throw;
        }
    }

    /// <summary>True if some scope on the chain defines <paramref name="name"/>.</summary>
    public bool IsDefined(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._params.ContainsKey(name)) return true;
        return false;
    }

    /// <summary>Value of a parameter visible from here, or null.</summary>
    public double? TryLookup(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._params.TryGetValue(name, out var slot)) return s.Evaluate(slot);
        return NamedConstants.TryGet(name, out double c) ? c : null;
    }

    /// <inheritdoc/>
    public override double GetParameter(ParameterExpression parameter)
    {
        if (TryLookup(parameter.Name) is double v) return v;
        if (parameter.Name.Equals("time", StringComparison.OrdinalIgnoreCase))
            throw new ExpressionException(parameter.Location, "'time' is only allowed in behavioural source expressions");
        throw new ExpressionException(parameter.Location, $"undefined parameter '{parameter.Name}'");
    }

    /// <summary>Finds a user function visible from here.</summary>
    public FuncStatement? FindFunction(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._funcs.TryGetValue(name, out var f)) return f;
        return null;
    }

    /// <summary>Finds a model visible from here (this instance's local models first, then outwards).</summary>
    public ModelCard? FindModel(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s.Models.TryGetValue(name, out var m)) return m;
        return null;
    }

    /// <inheritdoc/>
    public override double CallFunction(UserFunctionCallExpression call, ReadOnlySpan<double> arguments)
    {
        var f = FindFunction(call.Name) ?? throw new ExpressionException(call.Location, $"unknown function '{call.Name}'");
        if (arguments.Length != f.Parameters.Count)
            throw new ExpressionException(call.Location, $"function '{f.Name}' takes {f.Parameters.Count} argument{(f.Parameters.Count == 1 ? "" : "s")}, got {arguments.Length}");
        var root = Root;
        if (root.CallDepth >= MaxCallDepth)
            throw new ExpressionException(call.Location, $"function calls nested more than {MaxCallDepth} deep (recursive .func '{f.Name}'?)");
        var local = new Scope(_owner, this, Definition, Path, Pins);
        for (int k = 0; k < arguments.Length; k++) local.DefineFixed(f.Parameters[k], arguments[k], f.NameLocation);
        root.CallDepth++;
        try { return f.Body.Evaluate(local); }
        finally { root.CallDepth--; }
    }

    private Scope Root
    {
        get
        {
            var s = this;
            while (s.Parent is not null) s = s.Parent;
            return s;
        }
    }

    // ---- hierarchical names ----

    /// <summary>Node name as seen from the top: ground is 0, pins map to the caller's nodes, internal nodes get the instance path.</summary>
    public string MapNode(string node)
    {
        string lower = node.ToLowerInvariant();
        if (lower is "0" or "gnd") return "0";
        if (Pins is null) return lower; // top level (function scopes copy their caller's pins and path)
        if (Pins.TryGetValue(lower, out var outer)) return outer;
        return _owner.IsGlobal(lower) ? lower : Path + "." + lower;
    }

    /// <summary>Element name as seen from the top: <c>r1</c> in <c>x1</c> is <c>r.x1.r1</c> (ngspice).</summary>
    public string MapElement(string name)
    {
        string lower = name.ToLowerInvariant();
        return Path.Length == 0 ? lower : lower[0] + "." + Path + "." + lower;
    }

    /// <summary>Model name as seen from the top: <c>dmod</c> defined in <c>x1</c> is <c>x1:dmod</c> (ngspice).</summary>
    public string MapModel(string name)
    {
        string lower = name.ToLowerInvariant();
        return Path.Length == 0 ? lower : Path + ":" + lower;
    }
}

/// <summary>Binds circuit-dependent expressions (B sources) in a scope: substitutes parameters, inlines functions, renames names.</summary>
internal sealed class ScopeBinder(Scope scope, Dictionary<string, Expression>? locals = null, int depth = 0) : ExpressionBinder
{
    public override Expression BindParameter(ParameterExpression parameter)
    {
        if (locals is not null && locals.TryGetValue(parameter.Name, out var e)) return e;
        if (scope.TryLookup(parameter.Name) is double v) return new ConstantExpression(v, parameter.Location);
        if (parameter.Name.Equals("time", StringComparison.OrdinalIgnoreCase)) return new TimeExpression(parameter.Location);
        throw new ExpressionException(parameter.Location, $"undefined parameter '{parameter.Name}'");
    }

    public override Expression BindUserCall(UserFunctionCallExpression call, Expression[] boundArguments)
    {
        var f = scope.FindFunction(call.Name) ?? throw new ExpressionException(call.Location, $"unknown function '{call.Name}'");
        if (boundArguments.Length != f.Parameters.Count)
            throw new ExpressionException(call.Location, $"function '{f.Name}' takes {f.Parameters.Count} argument{(f.Parameters.Count == 1 ? "" : "s")}, got {boundArguments.Length}");
        if (depth >= 64) throw new ExpressionException(call.Location, $"function calls nested more than 64 deep (recursive .func '{f.Name}'?)");
        var map = new Dictionary<string, Expression>(StringComparer.OrdinalIgnoreCase);
        for (int k = 0; k < boundArguments.Length; k++) map[f.Parameters[k]] = boundArguments[k];
        var result = f.Body.Bind(new ScopeBinder(scope, map, depth + 1));
        if (result.Depth > Expression.MaxDepth)
            throw new ExpressionException(call.Location, $"expression too complex after inlining '{f.Name}'");
        return result;
    }

    public override Expression BindVoltage(NodeVoltageExpression voltage) =>
        new NodeVoltageExpression(scope.MapNode(voltage.Positive), voltage.Negative is null ? null : scope.MapNode(voltage.Negative), voltage.Location);

    public override Expression BindCurrent(BranchCurrentExpression current) =>
        new BranchCurrentExpression(scope.MapElement(current.Element), current.Location);
}
