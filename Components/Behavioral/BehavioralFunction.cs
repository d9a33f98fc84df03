namespace AnalogNN.Components.Behavioral;

/// <summary>Operations of a compiled behavioural expression (one instruction of the tape).</summary>
public enum TapeOp
{
    /// <summary>A constant.</summary>
    Constant,
    /// <summary>Input k (a node-voltage difference, V, or a branch current, A).</summary>
    Input,
    /// <summary>Simulation time, s (0 in DC).</summary>
    Time,
    /// <summary>−a</summary>
    Negate,
    /// <summary>a + b</summary>
    Add,
    /// <summary>a − b</summary>
    Subtract,
    /// <summary>a·b</summary>
    Multiply,
    /// <summary>a / b</summary>
    Divide,
    /// <summary>C fmod(a, b); ∂/∂a = 1, ∂/∂b = −trunc(a/b).</summary>
    Modulo,
    /// <summary>|a|^b (the <c>^</c> operator of ngspice-39).</summary>
    PowerAbs,
    /// <summary>C pow(a, b).</summary>
    Pow,
    /// <summary>sign(a)·|a|^b (ngspice <c>pwr</c>).</summary>
    Pwr,
    /// <summary>atan2(a, b).</summary>
    Atan2,
    /// <summary>hypot(a, b).</summary>
    Hypot,
    /// <summary>min(a, b); the derivative follows the smaller argument.</summary>
    Min,
    /// <summary>max(a, b).</summary>
    Max,
    /// <summary>Comparison/logic results (derivative 0): a == b.</summary>
    Equal,
    /// <summary>a != b.</summary>
    NotEqual,
    /// <summary>a &lt; b.</summary>
    Less,
    /// <summary>a &lt;= b.</summary>
    LessOrEqual,
    /// <summary>a &gt; b.</summary>
    Greater,
    /// <summary>a &gt;= b.</summary>
    GreaterOrEqual,
    /// <summary>a &amp;&amp; b.</summary>
    And,
    /// <summary>a || b.</summary>
    Or,
    /// <summary>!a.</summary>
    Not,
    /// <summary>c ? a : b (operands: c = A, a = B, b = C); the derivative flows to the chosen branch only.</summary>
    Select,
    /// <summary>sin</summary>
    Sin, /// <summary>cos</summary>
    Cos, /// <summary>tan</summary>
    Tan, /// <summary>asin</summary>
    Asin, /// <summary>acos</summary>
    Acos, /// <summary>atan</summary>
    Atan, /// <summary>sinh</summary>
    Sinh, /// <summary>cosh</summary>
    Cosh, /// <summary>tanh</summary>
    Tanh, /// <summary>asinh</summary>
    Asinh, /// <summary>acosh</summary>
    Acosh, /// <summary>atanh</summary>
    Atanh, /// <summary>exp</summary>
    Exp, /// <summary>natural log (ln, log)</summary>
    Log, /// <summary>log10</summary>
    Log10, /// <summary>sqrt</summary>
    Sqrt, /// <summary>abs</summary>
    Abs, /// <summary>sign (derivative 0)</summary>
    Sign, /// <summary>unit step u(a) (derivative 0)</summary>
    Step, /// <summary>uramp(a) = max(a, 0)</summary>
    Ramp, /// <summary>floor (derivative 0)</summary>
    Floor, /// <summary>ceil (derivative 0)</summary>
    Ceiling, /// <summary>int: truncation toward 0 (derivative 0)</summary>
    Truncate, /// <summary>nint: round half to even (derivative 0)</summary>
    RoundEven, /// <summary>round: half away from zero (derivative 0)</summary>
    RoundAway,
}

/// <summary>One tape instruction: an operation on earlier results <see cref="A"/>, <see cref="B"/>, <see cref="C"/>.</summary>
/// <param name="Op">The operation.</param>
/// <param name="A">First operand (index of an earlier instruction), or the input index for <see cref="TapeOp.Input"/>.</param>
/// <param name="B">Second operand.</param>
/// <param name="C">Third operand (<see cref="TapeOp.Select"/>).</param>
/// <param name="Value">The constant of <see cref="TapeOp.Constant"/>.</param>
public readonly record struct TapeInstruction(TapeOp Op, int A = -1, int B = -1, int C = -1, double Value = 0);

/// <summary>
/// A behavioural expression compiled once into a straight-line tape (every node of the expression
/// tree becomes one instruction whose operands come earlier). <see cref="TapeEvaluator.Evaluate"/> runs the tape
/// forward for the value and then backward for the exact gradient with respect to every input
/// (reverse-mode automatic differentiation: each instruction adds its local partial derivative times
/// its own adjoint to its operands' adjoints). Both passes use preallocated arrays, so evaluation
/// inside a Newton load does not allocate. The tape itself is immutable and can be shared; each user
/// creates its own <see cref="TapeEvaluator"/>.
/// </summary>
public sealed class BehavioralFunction
{
    private readonly TapeInstruction[] _tape;

    /// <summary>Creates a function from a tape whose last instruction is the result.</summary>
    /// <param name="tape">Instructions in evaluation order; operands refer to earlier entries.</param>
    /// <param name="inputCount">Number of inputs the tape reads.</param>
    /// <param name="text">Source text of the expression, for messages and writing the netlist back.</param>
    /// <exception cref="ArgumentException">An operand refers forward or out of range.</exception>
    public BehavioralFunction(IReadOnlyList<TapeInstruction> tape, int inputCount, string text)
    {
        if (tape.Count == 0) throw new ArgumentException("empty expression tape", nameof(tape));
        _tape = tape.ToArray();
        for (int k = 0; k < _tape.Length; k++)
        {
            var t = _tape[k];
            if (t.Op == TapeOp.Input)
            {
                if (t.A < 0 || t.A >= inputCount) throw new ArgumentException($"instruction {k}: input {t.A} out of range", nameof(tape));
                continue;
            }
            if (t.A >= k || t.B >= k || t.C >= k) throw new ArgumentException($"instruction {k} refers forward", nameof(tape));
        }
        InputCount = inputCount;
        Text = text;
    }

    /// <summary>Number of inputs.</summary>
    public int InputCount { get; }

    /// <summary>Expression text.</summary>
    public string Text { get; }

    /// <summary>Number of instructions.</summary>
    public int Length => _tape.Length;

    internal ReadOnlySpan<TapeInstruction> Tape => _tape;

    /// <summary>True if some instruction reads the time.</summary>
    public bool DependsOnTime => _tape.Any(t => t.Op == TapeOp.Time);

    /// <summary>A workspace for evaluating this function (one per behaviour).</summary>
    public TapeEvaluator CreateEvaluator() => new(this);
}

/// <summary>Workspace that evaluates a <see cref="BehavioralFunction"/> and its gradient without allocating.</summary>
public sealed class TapeEvaluator
{
    private readonly BehavioralFunction _f;
    private readonly double[] _value;
    private readonly double[] _adjoint;

    internal TapeEvaluator(BehavioralFunction f)
    {
        _f = f;
        _value = new double[f.Length];
        _adjoint = new double[f.Length];
    }

    /// <summary>
    /// Value of the function at <paramref name="inputs"/> and <paramref name="time"/>; writes
    /// ∂f/∂input_k into <paramref name="gradient"/> (length ≥ input count).
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> inputs, double time, Span<double> gradient)
    {
        var tape = _f.Tape;
        var v = _value;
        int n = tape.Length;
        for (int k = 0; k < n; k++)
        {
            var t = tape[k];
            v[k] = t.Op switch
            {
                TapeOp.Constant => t.Value,
                TapeOp.Input => inputs[t.A],
                TapeOp.Time => time,
                TapeOp.Select => v[t.A] != 0 ? v[t.B] : v[t.C],
                _ => Forward(t.Op, v[t.A], t.B >= 0 ? v[t.B] : 0),
            };
        }
        var adj = _adjoint;
        Array.Clear(adj);
        gradient[.._f.InputCount].Clear();
        adj[n - 1] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            double w = adj[k];
            if (w == 0) continue; // also keeps NaNs of branches not taken out of the gradient
            var t = tape[k];
            switch (t.Op)
            {
                case TapeOp.Constant: case TapeOp.Time: break;
                case TapeOp.Input: gradient[t.A] += w; break;
                case TapeOp.Select: adj[v[t.A] != 0 ? t.B : t.C] += w; break;
                default:
                {
                    double a = v[t.A], b = t.B >= 0 ? v[t.B] : 0;
                    var (da, db) = Partials(t.Op, a, b, v[k]);
                    if (da != 0) adj[t.A] += w * da;
                    if (db != 0 && t.B >= 0) adj[t.B] += w * db;
                    break;
                }
            }
        }
        return v[n - 1];
    }

    /// <summary>Value of the function only.</summary>
    public double Value(ReadOnlySpan<double> inputs, double time)
    {
        Span<double> g = _f.InputCount <= 32 ? stackalloc double[_f.InputCount] : new double[_f.InputCount];
        return Evaluate(inputs, time, g);
    }

    private static double Forward(TapeOp op, double a, double b) => op switch
    {
        TapeOp.Negate => -a,
        TapeOp.Add => a + b,
        TapeOp.Subtract => a - b,
        TapeOp.Multiply => a * b,
        TapeOp.Divide => a / b,
        TapeOp.Modulo => a % b,
        TapeOp.PowerAbs => Math.Pow(Math.Abs(a), b),
        TapeOp.Pow => Math.Pow(a, b),
        TapeOp.Pwr => Math.Sign(a) * Math.Pow(Math.Abs(a), b),
        TapeOp.Atan2 => Math.Atan2(a, b),
        TapeOp.Hypot => double.Hypot(a, b),
        TapeOp.Min => Math.Min(a, b),
        TapeOp.Max => Math.Max(a, b),
        TapeOp.Equal => a == b ? 1 : 0,
        TapeOp.NotEqual => a != b ? 1 : 0,
        TapeOp.Less => a < b ? 1 : 0,
        TapeOp.LessOrEqual => a <= b ? 1 : 0,
        TapeOp.Greater => a > b ? 1 : 0,
        TapeOp.GreaterOrEqual => a >= b ? 1 : 0,
        TapeOp.And => a != 0 && b != 0 ? 1 : 0,
        TapeOp.Or => a != 0 || b != 0 ? 1 : 0,
        TapeOp.Not => a == 0 ? 1 : 0,
        TapeOp.Sin => Math.Sin(a),
        TapeOp.Cos => Math.Cos(a),
        TapeOp.Tan => Math.Tan(a),
        TapeOp.Asin => Math.Asin(a),
        TapeOp.Acos => Math.Acos(a),
        TapeOp.Atan => Math.Atan(a),
        TapeOp.Sinh => Math.Sinh(a),
        TapeOp.Cosh => Math.Cosh(a),
        TapeOp.Tanh => Math.Tanh(a),
        TapeOp.Asinh => Math.Asinh(a),
        TapeOp.Acosh => Math.Acosh(a),
        TapeOp.Atanh => Math.Atanh(a),
        TapeOp.Exp => Math.Exp(a),
        TapeOp.Log => Math.Log(a),
        TapeOp.Log10 => Math.Log10(a),
        TapeOp.Sqrt => Math.Sqrt(a),
        TapeOp.Abs => Math.Abs(a),
        TapeOp.Sign => double.IsNaN(a) ? double.NaN : a > 0 ? 1 : a < 0 ? -1 : 0,
        TapeOp.Step => a > 0 ? 1 : 0,
        TapeOp.Ramp => a > 0 ? a : 0,
        TapeOp.Floor => Math.Floor(a),
        TapeOp.Ceiling => Math.Ceiling(a),
        TapeOp.Truncate => Math.Truncate(a),
        TapeOp.RoundEven => Math.Round(a, MidpointRounding.ToEven),
        TapeOp.RoundAway => Math.Round(a, MidpointRounding.AwayFromZero),
        _ => double.NaN,
    };

    /// <summary>Local partial derivatives (∂r/∂a, ∂r/∂b) of r = op(a, b).</summary>
    private static (double, double) Partials(TapeOp op, double a, double b, double r)
    {
        switch (op)
        {
            case TapeOp.Negate: return (-1, 0);
            case TapeOp.Add: return (1, 1);
            case TapeOp.Subtract: return (1, -1);
            case TapeOp.Multiply: return (b, a);
            case TapeOp.Divide: return (1 / b, -r / b);
            case TapeOp.Modulo: return (1, -Math.Truncate(a / b));
            case TapeOp.PowerAbs:
            {
                // r = |a|^b: ∂/∂a = b·|a|^(b−1)·sign(a), ∂/∂b = ln|a|·r (0 where a = 0)
                double abs = Math.Abs(a);
                double da = b == 0 ? 0 : b * Math.Pow(abs, b - 1) * Math.Sign(a);
                return (double.IsFinite(da) ? da : 0, abs > 0 ? Math.Log(abs) * r : 0);
            }
            case TapeOp.Pow:
            {
                double da = b == 0 ? 0 : b * Math.Pow(a, b - 1);
                return (double.IsFinite(da) ? da : 0, a > 0 ? Math.Log(a) * r : 0);
            }
            case TapeOp.Pwr:
            {
                double abs = Math.Abs(a);
                double da = b == 0 ? 0 : b * Math.Pow(abs, b - 1);
                return (double.IsFinite(da) ? da : 0, abs > 0 ? Math.Log(abs) * r : 0);
            }
            case TapeOp.Atan2:
            {
                double d = a * a + b * b;
                return d == 0 ? (0, 0) : (b / d, -a / d);
            }
            case TapeOp.Hypot: return r == 0 ? (0, 0) : (a / r, b / r);
            case TapeOp.Min: return a <= b ? (1, 0) : (0, 1);
            case TapeOp.Max: return a >= b ? (1, 0) : (0, 1);
            case TapeOp.Sin: return (Math.Cos(a), 0);
            case TapeOp.Cos: return (-Math.Sin(a), 0);
            case TapeOp.Tan: return (1 + r * r, 0);
            case TapeOp.Asin: return (1 / Math.Sqrt(1 - a * a), 0);
            case TapeOp.Acos: return (-1 / Math.Sqrt(1 - a * a), 0);
            case TapeOp.Atan: return (1 / (1 + a * a), 0);
            case TapeOp.Sinh: return (Math.Cosh(a), 0);
            case TapeOp.Cosh: return (Math.Sinh(a), 0);
            case TapeOp.Tanh: return (1 - r * r, 0);
            case TapeOp.Asinh: return (1 / Math.Sqrt(a * a + 1), 0);
            case TapeOp.Acosh: return (1 / Math.Sqrt(a * a - 1), 0);
            case TapeOp.Atanh: return (1 / (1 - a * a), 0);
            case TapeOp.Exp: return (r, 0);
            case TapeOp.Log: return (1 / a, 0);
            case TapeOp.Log10: return (1 / (a * Math.Log(10)), 0);
            case TapeOp.Sqrt: return (r > 0 ? 0.5 / r : 0, 0);
            case TapeOp.Abs: return (a > 0 ? 1 : a < 0 ? -1 : 0, 0);
            case TapeOp.Ramp: return (a > 0 ? 1 : 0, 0);
            default: return (0, 0); // comparisons, logic, steps and rounding are piecewise constant
        }
    }
}
