using AnalogNN.Circuit;
using AnalogNN.Components.Behavioral;
using AnalogNN.Netlists.Parsing.Expressions;

namespace AnalogNN.Netlists.Parsing;

public static partial class CircuitBuilder
{
    private sealed partial class CardReader
    {
        /// <summary><c>B name n+ n- V=expr</c> or <c>I=expr</c>: the bound expression compiled into a tape.</summary>
        private Element Behavioral()
        {
            var kv = Key("v", "i") ?? throw new LocatedException(card.Location, $"'{Name}' needs V=expression or I=expression");
            var kind = kv.Is("v") ? BehavioralKind.Voltage : BehavioralKind.Current;
            var expression = kv.Value switch
            {
                ExpressionField x => x.Expression,
                NumberField n => new ConstantExpression(n.Value, n.Location),
                _ => throw new LocatedException(kv.Value.Location, $"{kv.Key.ToUpperInvariant()}= of '{Name}' must be an expression"),
            };
            RejectRest();
            var (function, inputs) = ExpressionCompiler.Compile(expression);
            return new BehavioralSource(Name, card.Nodes[0], card.Nodes[1], kind, function, inputs);
        }
    }
}

/// <summary>
/// Compiles a bound expression tree (parameters substituted, user functions inlined) into a
/// <see cref="BehavioralFunction"/> tape. Identical inputs (the same <c>V(a,b)</c> written twice) share one
/// input slot. Variadic <c>min</c>/<c>max</c> become chains of binary operations and <c>limit(x,a,b)</c>
/// becomes <c>min(max(x, min(a,b)), max(a,b))</c>, as the parameter evaluator computes it.
/// </summary>
internal static class ExpressionCompiler
{
    /// <summary>Compiles <paramref name="expression"/>.</summary>
    /// <exception cref="LocatedException">A parameter left unbound or a function the tape does not know.</exception>
    public static (BehavioralFunction Function, IReadOnlyList<BehavioralInput> Inputs) Compile(Expression expression)
    {
        var c = new Compiler();
        c.Emit(expression);
        return (new BehavioralFunction(c.Tape, c.Inputs.Count, Text(expression)), c.Inputs);
    }

    /// <summary>ngspice-readable text of a bound expression (the tree's own printing uses only ngspice operators and names).</summary>
    private static string Text(Expression e) => e.ToString()!;

    private sealed class Compiler
    {
        public readonly List<TapeInstruction> Tape = new();
        public readonly List<BehavioralInput> Inputs = new();

        private int Add(TapeInstruction t)
        {
            Tape.Add(t);
            return Tape.Count - 1;
        }

        private int Input(BehavioralInput input)
        {
            int k = Inputs.IndexOf(input);
            if (k < 0) { Inputs.Add(input); k = Inputs.Count - 1; }
            return Add(new TapeInstruction(TapeOp.Input, k));
        }

        public int Emit(Expression e)
        {
            switch (e)
            {
                case ConstantExpression c: return Add(new TapeInstruction(TapeOp.Constant, Value: c.Value));
                case TimeExpression: return Add(new TapeInstruction(TapeOp.Time));
                case ParameterExpression p when p.Name.Equals("time", StringComparison.OrdinalIgnoreCase):
                    return Add(new TapeInstruction(TapeOp.Time));
                case ParameterExpression p:
                    if (NamedConstants.TryGet(p.Name, out double value)) return Add(new TapeInstruction(TapeOp.Constant, Value: value));
                    throw new LocatedException(p.Location, $"undefined parameter '{p.Name}'");
                case NodeVoltageExpression v:
                    return Input(new BehavioralInput(v.Positive.ToLowerInvariant(), Ground(v.Negative), false));
                case BranchCurrentExpression i:
                    return Input(new BehavioralInput(i.Element.ToLowerInvariant(), null, true));
                case UnaryExpression u:
                {
                    int a = Emit(u.Operand);
                    return u.Operator switch
                    {
                        UnaryOperator.Negate => Add(new TapeInstruction(TapeOp.Negate, a)),
                        UnaryOperator.Not => Add(new TapeInstruction(TapeOp.Not, a)),
                        _ => a,
                    };
                }
                case BinaryExpression b:
                {
                    int a = Emit(b.Left), r = Emit(b.Right);
                    return Add(new TapeInstruction(Binary(b.Operator), a, r));
                }
                case ConditionalExpression c:
                {
                    int cond = Emit(c.Condition), t = Emit(c.WhenTrue), f = Emit(c.WhenFalse);
                    return Add(new TapeInstruction(TapeOp.Select, cond, t, f));
                }
                case FunctionCallExpression f: return Call(f);
                case UserFunctionCallExpression u:
                    throw new LocatedException(u.Location, $"unknown function '{u.Name}'");
                default:
                    throw new LocatedException(e.Location, $"'{e}' cannot be used in a behavioural source");
            }
        }

        private static string? Ground(string? node) =>
            node is null || AnalogNN.Circuit.Circuit.IsGround(node) ? null : node.ToLowerInvariant();

        private int Call(FunctionCallExpression f)
        {
            var args = f.Arguments.Select(Emit).ToArray();
            string name = f.Function.Name.ToLowerInvariant();
            switch (name)
            {
                case "min":
                case "max":
                {
                    var op = name == "min" ? TapeOp.Min : TapeOp.Max;
                    int acc = args[0];
                    for (int k = 1; k < args.Length; k++) acc = Add(new TapeInstruction(op, acc, args[k]));
                    return acc;
                }
                case "limit":
                {
                    int lo = Add(new TapeInstruction(TapeOp.Min, args[1], args[2]));
                    int hi = Add(new TapeInstruction(TapeOp.Max, args[1], args[2]));
                    int up = Add(new TapeInstruction(TapeOp.Max, args[0], lo));
                    return Add(new TapeInstruction(TapeOp.Min, up, hi));
                }
            }
            TapeOp? two = name switch
            {
                "atan2" => TapeOp.Atan2, "pow" => TapeOp.Pow, "pwr" => TapeOp.Pwr, "fmod" => TapeOp.Modulo, "hypot" => TapeOp.Hypot,
                _ => null,
            };
            if (two is TapeOp t2) return Add(new TapeInstruction(t2, args[0], args[1]));
            TapeOp one = name switch
            {
                "sin" => TapeOp.Sin, "cos" => TapeOp.Cos, "tan" => TapeOp.Tan, "asin" => TapeOp.Asin, "acos" => TapeOp.Acos,
                "atan" => TapeOp.Atan, "sinh" => TapeOp.Sinh, "cosh" => TapeOp.Cosh, "tanh" => TapeOp.Tanh,
                "asinh" => TapeOp.Asinh, "acosh" => TapeOp.Acosh, "atanh" => TapeOp.Atanh, "exp" => TapeOp.Exp,
                "ln" or "log" => TapeOp.Log, "log10" => TapeOp.Log10, "sqrt" => TapeOp.Sqrt, "abs" => TapeOp.Abs,
                "floor" => TapeOp.Floor, "ceil" => TapeOp.Ceiling, "int" => TapeOp.Truncate, "nint" => TapeOp.RoundEven,
                "round" => TapeOp.RoundAway, "sgn" or "sign" => TapeOp.Sign, "u" => TapeOp.Step, "uramp" => TapeOp.Ramp,
                _ => throw new LocatedException(f.Location, $"function '{f.Function.Name}' is not supported in behavioural sources"),
            };
            return Add(new TapeInstruction(one, args[0]));
        }

        private static TapeOp Binary(BinaryOperator op) => op switch
        {
            BinaryOperator.Add => TapeOp.Add,
            BinaryOperator.Subtract => TapeOp.Subtract,
            BinaryOperator.Multiply => TapeOp.Multiply,
            BinaryOperator.Divide => TapeOp.Divide,
            BinaryOperator.Modulo => TapeOp.Modulo,
            BinaryOperator.Power => TapeOp.PowerAbs,
            BinaryOperator.Equal => TapeOp.Equal,
            BinaryOperator.NotEqual => TapeOp.NotEqual,
            BinaryOperator.Less => TapeOp.Less,
            BinaryOperator.LessOrEqual => TapeOp.LessOrEqual,
            BinaryOperator.Greater => TapeOp.Greater,
            BinaryOperator.GreaterOrEqual => TapeOp.GreaterOrEqual,
            BinaryOperator.And => TapeOp.And,
            _ => TapeOp.Or,
        };
    }
}
