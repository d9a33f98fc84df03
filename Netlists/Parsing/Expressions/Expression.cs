namespace AnalogNN.Netlists.Parsing.Expressions;

/// <summary>
/// A parsed expression tree (<c>{a*2}</c>, <c>'x+1'</c>, B-source <c>V=...</c>). Parsed once, evaluated
/// many times (e.g. once per <c>.step</c> point). Every node keeps the source location of the token it
/// came from, so evaluation errors (undefined parameter, division by zero) point into the netlist.
/// Node-voltage, branch-current and <c>time</c> leaves are only meaningful in behavioural-source
/// context; a parameter context rejects them.
/// </summary>
public abstract class Expression
{
    /// <summary>Largest tree depth accepted by the parser (recursive evaluation stays well inside the stack).</summary>
    public const int MaxDepth = 400;

    private protected Expression(SourceLocation location, int depth)
    {
        Location = location;
        Depth = depth;
    }

    /// <summary>Location of the token this node came from (operator, number, name).</summary>
    public SourceLocation Location { get; }

    /// <summary>Height of the tree below and including this node.</summary>
    public int Depth { get; }

    /// <summary>Evaluates the expression.</summary>
    /// <exception cref="ExpressionException">An undefined name, a leaf the context does not provide, or (strict contexts) a non-finite result.</exception>
    public abstract double Evaluate(ExpressionContext context);

    /// <summary>True if the tree contains node-voltage, branch-current or time leaves (or a parameter named <c>time</c>).</summary>
    public bool DependsOnCircuit => Any(e => e is NodeVoltageExpression or BranchCurrentExpression or TimeExpression
        || (e is ParameterExpression p && p.Name.Equals("time", StringComparison.OrdinalIgnoreCase)));

    /// <summary>True if any node of the tree satisfies <paramref name="predicate"/>.</summary>
    public bool Any(Func<Expression, bool> predicate)
    {
        if (predicate(this)) return true;
        foreach (var child in Children)
            if (child.Any(predicate)) return true;
        return false;
    }

    /// <summary>Direct sub-expressions.</summary>
    public abstract IEnumerable<Expression> Children { get; }

    /// <summary>Returns a copy rewritten by the binder (parameters replaced, names renamed, constants folded).</summary>
    internal abstract Expression Bind(ExpressionBinder binder);

    /// <summary>Parses an expression from a string; locations refer to <paramref name="file"/>, line 1.</summary>
    /// <exception cref="ExpressionException">Syntax error.</exception>
    public static Expression Parse(string text, string file = "<expression>") =>
        ExpressionParser.Parse(text, 0, text.Length, i => new SourceLocation(file, 1, i + 1));

    internal static int DepthOf(params Expression[] children)
    {
        int d = 0;
        foreach (var c in children) d = Math.Max(d, c.Depth);
        return d + 1;
    }

    /// <summary>Checks a value in strict contexts.</summary>
    private protected double Check(double value, ExpressionContext context, Func<string> message)
    {
        if (context.Strict && !double.IsFinite(value)) throw new ExpressionException(Location, message());
        return value;
    }
}

/// <summary>An evaluation or syntax error located in the netlist.</summary>
public sealed class ExpressionException(SourceLocation location, string message) : Exception(message)
{
    /// <summary>Where the error is.</summary>
    public SourceLocation Location { get; } = location;
}

/// <summary>
/// What an expression can see while it is evaluated: parameters, user functions and, in
/// behavioural-source contexts, node voltages, branch currents and time. The default
/// implementations reject circuit leaves (parameter context).
/// </summary>
public abstract class ExpressionContext
{
    /// <summary>
    /// True in parameter contexts: every intermediate result must be finite, and division by zero,
    /// domain errors and overflow are reported as located errors (as ngspice does for <c>.param</c>).
    /// </summary>
    public virtual bool Strict => true;

    /// <summary>Value of a parameter (or named constant) reference.</summary>
    public abstract double GetParameter(ParameterExpression parameter);

    /// <summary>Value of a call of a user <c>.func</c>.</summary>
    public virtual double CallFunction(UserFunctionCallExpression call, ReadOnlySpan<double> arguments) =>
        throw new ExpressionException(call.Location, $"unknown function '{call.Name}'");

    /// <summary>A node voltage <c>V(a)</c> or <c>V(a,b)</c>.</summary>
    public virtual double GetVoltage(NodeVoltageExpression voltage) =>
        throw new ExpressionException(voltage.Location, "node voltage V(...) is only allowed in behavioural source expressions");

    /// <summary>A branch current <c>I(vname)</c>.</summary>
    public virtual double GetCurrent(BranchCurrentExpression current) =>
        throw new ExpressionException(current.Location, "branch current I(...) is only allowed in behavioural source expressions");

    /// <summary>Simulation time, s.</summary>
    public virtual double GetTime(TimeExpression time) =>
        throw new ExpressionException(time.Location, "'time' is only allowed in behavioural source expressions");
}

/// <summary>A number.</summary>
public sealed class ConstantExpression(double value, SourceLocation location) : Expression(location, 1)
{
    /// <summary>The value.</summary>
    public double Value { get; } = value;
    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) => Value;
    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [];
    internal override Expression Bind(ExpressionBinder binder) => this;
    /// <inheritdoc/>
    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A reference to a parameter (or the constants <c>pi</c>, <c>e</c> when no parameter of that name exists).</summary>
public sealed class ParameterExpression(string name, SourceLocation location) : Expression(location, 1)
{
    /// <summary>Name as written.</summary>
    public string Name { get; } = name;
    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) => context.GetParameter(this);
    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [];
    internal override Expression Bind(ExpressionBinder binder) => binder.BindParameter(this);
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The simulation time (behavioural sources only).</summary>
public sealed class TimeExpression(SourceLocation location) : Expression(location, 1)
{
    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) => context.GetTime(this);
    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [];
    internal override Expression Bind(ExpressionBinder binder) => this;
    /// <inheritdoc/>
    public override string ToString() => "time";
}

/// <summary><c>V(a)</c> or <c>V(a,b)</c> = v(a) − v(b) (behavioural sources only).</summary>
public sealed class NodeVoltageExpression(string positive, string? negative, SourceLocation location) : Expression(location, 1)
{
    /// <summary>Node whose voltage is taken.</summary>
    public string Positive { get; } = positive;
    /// <summary>Reference node, or null for ground.</summary>
    public string? Negative { get; } = negative;
    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) => context.GetVoltage(this);
    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [];
    internal override Expression Bind(ExpressionBinder binder) => binder.BindVoltage(this);
    /// <inheritdoc/>
    public override string ToString() => Negative is null ? $"V({Positive})" : $"V({Positive},{Negative})";
}

/// <summary><c>I(vname)</c>: the branch current of a voltage source or inductor (behavioural sources only).</summary>
public sealed class BranchCurrentExpression(string element, SourceLocation location) : Expression(location, 1)
{
    /// <summary>Element whose branch current is taken.</summary>
    public string Element { get; } = element;
    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) => context.GetCurrent(this);
    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [];
    internal override Expression Bind(ExpressionBinder binder) => binder.BindCurrent(this);
    /// <inheritdoc/>
    public override string ToString() => $"I({Element})";
}

/// <summary>Unary operators.</summary>
public enum UnaryOperator
{
    /// <summary><c>-x</c></summary>
    Negate,
    /// <summary><c>+x</c></summary>
    Plus,
    /// <summary><c>!x</c>: 1 if x is 0, else 0.</summary>
    Not,
}

/// <summary>A unary operation.</summary>
public sealed class UnaryExpression(UnaryOperator op, Expression operand, SourceLocation location)
    : Expression(location, DepthOf(operand))
{
    /// <summary>The operator.</summary>
    public UnaryOperator Operator { get; } = op;
    /// <summary>The operand.</summary>
    public Expression Operand { get; } = operand;

    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) => Apply(Operator, Operand.Evaluate(context));

    internal static double Apply(UnaryOperator op, double x) => op switch
    {
        UnaryOperator.Negate => -x,
        UnaryOperator.Not => x == 0 ? 1 : 0,
        _ => x,
    };

    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [Operand];

    internal override Expression Bind(ExpressionBinder binder)
    {
        var o = Operand.Bind(binder);
        if (o is ConstantExpression c) return new ConstantExpression(Apply(Operator, c.Value), Location);
        return ReferenceEquals(o, Operand) ? this : new UnaryExpression(Operator, o, Location);
    }

    /// <inheritdoc/>
    public override string ToString() => (Operator switch { UnaryOperator.Negate => "-", UnaryOperator.Not => "!", _ => "+" }) + "(" + Operand + ")";
}

/// <summary>Binary operators.</summary>
public enum BinaryOperator
{
    /// <summary><c>+</c></summary>
    Add,
    /// <summary><c>-</c></summary>
    Subtract,
    /// <summary><c>*</c></summary>
    Multiply,
    /// <summary><c>/</c></summary>
    Divide,
    /// <summary><c>%</c> (C fmod)</summary>
    Modulo,
    /// <summary><c>^</c> or <c>**</c>: |x|^y, as ngspice-39 computes it, left-associative.</summary>
    Power,
    /// <summary><c>==</c></summary>
    Equal,
    /// <summary><c>!=</c> or <c>&lt;&gt;</c></summary>
    NotEqual,
    /// <summary><c>&lt;</c></summary>
    Less,
    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,
    /// <summary><c>&gt;</c></summary>
    Greater,
    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,
    /// <summary><c>&amp;&amp;</c> (short-circuit)</summary>
    And,
    /// <summary><c>||</c> (short-circuit)</summary>
    Or,
}

/// <summary>A binary operation.</summary>
public sealed class BinaryExpression(BinaryOperator op, Expression left, Expression right, SourceLocation location)
    : Expression(location, DepthOf(left, right))
{
    /// <summary>The operator.</summary>
    public BinaryOperator Operator { get; } = op;
    /// <summary>Left operand.</summary>
    public Expression Left { get; } = left;
    /// <summary>Right operand.</summary>
    public Expression Right { get; } = right;

    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context)
    {
        double a = Left.Evaluate(context);
        switch (Operator)
        {
            case BinaryOperator.And: return a != 0 && Right.Evaluate(context) != 0 ? 1 : 0;
            case BinaryOperator.Or: return a != 0 || Right.Evaluate(context) != 0 ? 1 : 0;
        }
        double b = Right.Evaluate(context);
        if (context.Strict)
        {
            if (Operator == BinaryOperator.Divide && b == 0) throw new ExpressionException(Location, "division by zero");
            if (Operator == BinaryOperator.Modulo && b == 0) throw new ExpressionException(Location, "modulo by zero");
        }
        return Check(Apply(Operator, a, b), context, () => $"'{Symbol(Operator)}' gives a result that is not a finite number ({Format(a)} {Symbol(Operator)} {Format(b)})");
    }

    internal static string Format(double x) => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    internal static double Apply(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Modulo => a % b,
        // ngspice-39 evaluates x^y as |x|^y in both .param and B-source expressions: (-2)^3 = 8.
        BinaryOperator.Power => Math.Pow(Math.Abs(a), b),
        BinaryOperator.Equal => a == b ? 1 : 0,
        BinaryOperator.NotEqual => a != b ? 1 : 0,
        BinaryOperator.Less => a < b ? 1 : 0,
        BinaryOperator.LessOrEqual => a <= b ? 1 : 0,
        BinaryOperator.Greater => a > b ? 1 : 0,
        BinaryOperator.GreaterOrEqual => a >= b ? 1 : 0,
        BinaryOperator.And => a != 0 && b != 0 ? 1 : 0,
        BinaryOperator.Or => a != 0 || b != 0 ? 1 : 0,
        _ => double.NaN,
    };

    internal static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+", BinaryOperator.Subtract => "-", BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/", BinaryOperator.Modulo => "%", BinaryOperator.Power => "^",
        BinaryOperator.Equal => "==", BinaryOperator.NotEqual => "!=", BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=", BinaryOperator.Greater => ">", BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.And => "&&", _ => "||",
    };

    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [Left, Right];

    internal override Expression Bind(ExpressionBinder binder)
    {
        var l = Left.Bind(binder);
        var r = Right.Bind(binder);
        if (l is ConstantExpression a && r is ConstantExpression b)
        {
            double v = Apply(Operator, a.Value, b.Value);
            if (double.IsFinite(v)) return new ConstantExpression(v, Location);
        }
        return ReferenceEquals(l, Left) && ReferenceEquals(r, Right) ? this : new BinaryExpression(Operator, l, r, Location);
    }

    /// <inheritdoc/>
    public override string ToString() => $"({Left} {Symbol(Operator)} {Right})";
}

/// <summary><c>c ? a : b</c> and <c>if(c, a, b)</c>: only the chosen branch is evaluated.</summary>
public sealed class ConditionalExpression(Expression condition, Expression whenTrue, Expression whenFalse, SourceLocation location)
    : Expression(location, DepthOf(condition, whenTrue, whenFalse))
{
    /// <summary>Condition (non-zero = true).</summary>
    public Expression Condition { get; } = condition;
    /// <summary>Value when the condition is non-zero.</summary>
    public Expression WhenTrue { get; } = whenTrue;
    /// <summary>Value when the condition is zero.</summary>
    public Expression WhenFalse { get; } = whenFalse;

    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context) =>
        Condition.Evaluate(context) != 0 ? WhenTrue.Evaluate(context) : WhenFalse.Evaluate(context);

    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => [Condition, WhenTrue, WhenFalse];

    internal override Expression Bind(ExpressionBinder binder)
    {
        var c = Condition.Bind(binder);
        if (c is ConstantExpression k) return (k.Value != 0 ? WhenTrue : WhenFalse).Bind(binder);
        return new ConditionalExpression(c, WhenTrue.Bind(binder), WhenFalse.Bind(binder), Location);
    }

    /// <inheritdoc/>
    public override string ToString() => $"({Condition} ? {WhenTrue} : {WhenFalse})";
}

/// <summary>A call of a built-in function (<c>sin</c>, <c>max</c>, <c>limit</c>, ...).</summary>
public sealed class FunctionCallExpression(BuiltinFunction function, IReadOnlyList<Expression> arguments, SourceLocation location)
    : Expression(location, DepthOf([.. arguments]))
{
    /// <summary>The function.</summary>
    public BuiltinFunction Function { get; } = function;
    /// <summary>Arguments.</summary>
    public IReadOnlyList<Expression> Arguments { get; } = arguments;

    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context)
    {
        int n = Arguments.Count;
        Span<double> args = n <= 8 ? stackalloc double[n] : new double[n];
        for (int k = 0; k < n; k++) args[k] = Arguments[k].Evaluate(context);
        double v = Function.Invoke(args);
        if (context.Strict && !double.IsFinite(v))
        {
            var shown = new string[n];
            for (int k = 0; k < n; k++) shown[k] = BinaryExpression.Format(args[k]);
            throw new ExpressionException(Location, $"{Function.Name}({string.Join(", ", shown)}) is not a finite number");
        }
        return v;
    }

    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => Arguments;

    internal override Expression Bind(ExpressionBinder binder)
    {
        var bound = new Expression[Arguments.Count];
        bool allConstant = true;
        for (int k = 0; k < bound.Length; k++)
        {
            bound[k] = Arguments[k].Bind(binder);
            allConstant &= bound[k] is ConstantExpression;
        }
        if (allConstant)
        {
            var values = new double[bound.Length];
            for (int k = 0; k < bound.Length; k++) values[k] = ((ConstantExpression)bound[k]).Value;
            double v = Function.Invoke(values);
            if (double.IsFinite(v)) return new ConstantExpression(v, Location);
        }
        return new FunctionCallExpression(Function, bound, Location);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Function.Name}({string.Join(", ", Arguments)})";
}

/// <summary>A call of a user function defined with <c>.func</c>, resolved when evaluated or bound.</summary>
public sealed class UserFunctionCallExpression(string name, IReadOnlyList<Expression> arguments, SourceLocation location)
    : Expression(location, DepthOf([.. arguments]))
{
    /// <summary>Function name as written.</summary>
    public string Name { get; } = name;
    /// <summary>Arguments.</summary>
    public IReadOnlyList<Expression> Arguments { get; } = arguments;

    /// <inheritdoc/>
    public override double Evaluate(ExpressionContext context)
    {
        int n = Arguments.Count;
        Span<double> args = n <= 8 ? stackalloc double[n] : new double[n];
        for (int k = 0; k < n; k++) args[k] = Arguments[k].Evaluate(context);
        return context.CallFunction(this, args);
    }

    /// <inheritdoc/>
    public override IEnumerable<Expression> Children => Arguments;

    internal override Expression Bind(ExpressionBinder binder)
    {
        var bound = new Expression[Arguments.Count];
        for (int k = 0; k < bound.Length; k++) bound[k] = Arguments[k].Bind(binder);
        return binder.BindUserCall(this, bound);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}({string.Join(", ", Arguments)})";
}

/// <summary>
/// Rewrites an expression for a concrete place in the flattened circuit: replaces parameters by their
/// values, inlines user functions, renames nodes and elements hierarchically, and folds constants.
/// </summary>
internal abstract class ExpressionBinder
{
    public abstract Expression BindParameter(ParameterExpression parameter);
    public abstract Expression BindUserCall(UserFunctionCallExpression call, Expression[] boundArguments);
    public abstract Expression BindVoltage(NodeVoltageExpression voltage);
    public abstract Expression BindCurrent(BranchCurrentExpression current);
}
