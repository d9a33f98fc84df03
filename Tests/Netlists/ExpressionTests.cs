using AnalogNN.Netlists.Parsing;
using AnalogNN.Netlists.Parsing.Expressions;
using static AnalogNN.Tests.Netlists.NetlistTestHelpers;

namespace AnalogNN.Tests.Netlists;

/// <summary>The expression language: precedence and associativity as ngspice-39 evaluates them, functions, .func, errors.</summary>
public class ExpressionTests
{
    [TestCase("1+2*3", 7)]
    [TestCase("(1+2)*3", 9)]
    [TestCase("2**3", 8)]
    [TestCase("2^3^2", 64)]        // ngspice-39: left-associative
    [TestCase("-2^2", -4)]         // unary minus binds looser than ^
    [TestCase("-3 ^ 2", -9)]
    [TestCase("2 ^ -1", 0.5)]
    [TestCase("(-2)^3", 8)]        // ngspice-39: x^y = |x|^y
    [TestCase("2*-3", -6)]
    [TestCase("1 - -1", 2)]
    [TestCase("10 / 2 / 5", 1)]
    [TestCase("7%3", 1)]
    [TestCase("1+2 > 2", 1)]
    [TestCase("5 > 3 > 0", 1)]
    [TestCase("3 == 3", 1)]
    [TestCase("3 != 3", 0)]
    [TestCase("2 <= 1", 0)]
    [TestCase("2 >= 2", 1)]
    [TestCase("1 && 0", 0)]
    [TestCase("1 || 0", 1)]
    [TestCase("!0", 1)]
    [TestCase("!1+1", 1)]
    [TestCase("1 ? 2 : 3", 2)]
    [TestCase("1 ? 2 : 3 ? 4 : 5", 2)]
    [TestCase("0 ? 2 : 0 ? 4 : 5", 5)]
    [TestCase("(1 > 0 ? 1 : 0) + 2**3", 9)]
    [TestCase("0 && 1/0", 0)]      // short circuit: no division by zero
    [TestCase("1 ? 1 : 1/0", 1)]
    [TestCase("1k*1meg", 1e9)]
    [TestCase("2m", 2e-3)]
    [TestCase("1e3k", 1e6)]
    [TestCase("abs(-2k)", 2000)]
    public void When_Operators_Expect_NgspiceValue(string expression, double expected)
    {
        Assert.That(Eval(expression), Is.EqualTo(expected).Within(1e-12).Percent);
    }

    [TestCase("sin(0)", 0)]
    [TestCase("cos(0)", 1)]
    [TestCase("tan(0)", 0)]
    [TestCase("asin(1)", Math.PI / 2)]
    [TestCase("acos(1)", 0)]
    [TestCase("atan(1)", Math.PI / 4)]
    [TestCase("atan2(1,1)", Math.PI / 4)]
    [TestCase("sinh(1)", 1.1752011936438014)]
    [TestCase("cosh(0)", 1)]
    [TestCase("tanh(1)", 0.7615941559557649)]
    [TestCase("exp(1)", Math.E)]
    [TestCase("ln(10)", 2.302585092994046)]
    [TestCase("log(100)", 4.605170185988092)] // ngspice: log is natural
    [TestCase("log10(100)", 2)]
    [TestCase("sqrt(16)", 4)]
    [TestCase("abs(-3)", 3)]
    [TestCase("pow(2,0.5)", 1.4142135623730951)]
    [TestCase("pow(-2,3)", -8)]
    [TestCase("pwr(-2,3)", -8)]
    [TestCase("pwr(-8,1/3)", -2)]
    [TestCase("min(1,2,3)", 1)]
    [TestCase("max(1,2)+min(3,4)", 5)]
    [TestCase("floor(-1.5)", -2)]
    [TestCase("ceil(-1.5)", -1)]
    [TestCase("int(-1.5)", -1)]
    [TestCase("nint(2.5)", 2)]
    [TestCase("nint(3.5)", 4)]
    [TestCase("round(2.5)", 3)]
    [TestCase("sgn(-3)", -1)]
    [TestCase("sign(0)", 0)]
    [TestCase("limit(5,0,1)", 1)]
    [TestCase("limit(0.5,0,1)", 0.5)]
    [TestCase("limit(-5,0,1)", 0)]
    [TestCase("if(1,2,3)", 2)]
    [TestCase("if(0,2,3)", 3)]
    [TestCase("pi", Math.PI)]
    [TestCase("e", Math.E)]
    [TestCase("2*pi*1k", 2 * Math.PI * 1000)]
    public void When_BuiltinFunctionsAndConstants_Expect_Value(string expression, double expected)
    {
        Assert.That(Eval(expression), Is.EqualTo(expected).Within(1e-12).Percent);
    }

    [Test]
    public void When_ParamsChained_Expect_EvaluatedInDependencyOrder()
    {
        // ngspice-39 accepts a .param that uses one defined on a later line (it gives v(1) = 6 here).
        var flat = Flatten("title\n.param a={b*2}\n.param b=3 c = a + 1, d='c*2'\n");
        Assert.That(flat.Parameters["a"], Is.EqualTo(6));
        Assert.That(flat.Parameters["c"], Is.EqualTo(7));
        Assert.That(flat.Parameters["d"], Is.EqualTo(14));
    }

    [Test]
    public void When_ParamRedefined_Expect_LastDefinitionWins()
    {
        // ngspice-39: ".param a=1" then ".param a=2" gives a = 2 everywhere.
        var flat = Flatten("title\n.param a=1\nR1 x 0 {a}\n.param a=2\n");
        Assert.That(Number(flat.Elements[0], 0), Is.EqualTo(2));
    }

    [Test]
    public void When_CircularParams_Expect_LocatedError()
    {
        var errors = Errors("title\n.param a={b}\n.param b={a+1}\n");
        Assert.That(errors.Single().Message, Does.Contain("circular parameter definition"));
    }

    [Test]
    public void When_UserFunction_Expect_CalledWithArguments()
    {
        var flat = Flatten("title\n.func f(x) = {x*10}\n.func g(a, b) {f(a) + b}\n.param k=3\n.func h(x)='x*k'\n.param y={g(2,1) + h(2)}\n");
        Assert.That(flat.Parameters["y"], Is.EqualTo(27));
    }

    [Test]
    public void When_RecursiveFunction_Expect_ErrorNotStackOverflow()
    {
        var errors = Errors("title\n.func f(x) = {f(x)+1}\n.param y={f(1)}\n");
        Assert.That(errors[0].Message, Does.Contain("recursive"));
    }

    [Test]
    public void When_FunctionRedefinesBuiltin_Expect_Error()
    {
        Assert.That(Errors("title\n.func sin(x) = {x}\n")[0].Message, Does.Contain("built-in"));
    }

    [TestCase("{1/0}", "division by zero", 12)]
    [TestCase("{sqrt(-1)}", "sqrt(-1) is not a finite number", 11)]
    [TestCase("{ln(0)}", "ln(0) is not a finite number", 11)]
    [TestCase("{foo + 1}", "undefined parameter 'foo'", 11)]
    [TestCase("{bar(1)}", "unknown function 'bar'", 11)]
    [TestCase("{sin(1,2)}", "function 'sin' takes 1 argument, got 2", 11)]
    [TestCase("{max()}", "function 'max' takes 1 or more arguments, got 0", 11)]
    [TestCase("{2*(3+4}", "unbalanced '(' (missing ')')", 13)]
    [TestCase("{2*3)+4}", "unbalanced ')'", 14)]
    [TestCase("{2 3}", "unexpected '3' in expression", 13)]
    [TestCase("{}", "empty expression", 11)]
    [TestCase("{1 ? 2}", "expected ':'", 16)]
    [TestCase("{2 # 3}", "unexpected character '#'", 13)]
    [TestCase("{V(a)}", "node voltage V(...) is only allowed in behavioural source expressions", 11)]
    [TestCase("{time*2}", "'time' is only allowed in behavioural source expressions", 11)]
    public void When_BadExpression_Expect_LocatedError(string value, string message, int column)
    {
        var errors = Errors($"title\n.param x={value}\n");
        Assert.That(errors[0].Message, Does.Contain(message));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((2, column)));
    }

    [Test]
    public void When_ExpressionNestedTooDeep_Expect_ErrorNotStackOverflow()
    {
        string deep = new string('(', 5000) + "1" + new string(')', 5000);
        Assert.That(Errors($"title\n.param x={{{deep}}}\n")[0].Message, Does.Contain("nested"));
        string longSum = string.Join("+", Enumerable.Repeat("1", 5000));
        Assert.That(Errors($"title\n.param x={{{longSum}}}\n")[0].Message, Does.Contain("too complex"));
        string unary = new string('-', 5000) + "1";
        Assert.That(Errors($"title\n.param x={{{unary}}}\n")[0].Message, Does.Contain("nested"));
    }

    [Test]
    public void When_ParsedOnce_Expect_EvaluatedManyTimesWithDifferentValues()
    {
        var e = Expression.Parse("a*2 + sin(b)");
        var context = new DictionaryContext();
        context.Values["a"] = 1; context.Values["b"] = 0;
        Assert.That(e.Evaluate(context), Is.EqualTo(2));
        context.Values["a"] = 5;
        Assert.That(e.Evaluate(context), Is.EqualTo(10));
    }

    [Test]
    public void When_BehaviouralExpression_Expect_TreeWithCircuitLeaves()
    {
        var e = Expression.Parse("V(a,b)*2 + I(vx) + time");
        Assert.That(e.DependsOnCircuit, Is.True);
        Assert.That(e.Any(x => x is NodeVoltageExpression { Positive: "a", Negative: "b" }), Is.True);
        Assert.That(e.Any(x => x is BranchCurrentExpression { Element: "vx" }), Is.True);
    }

    private sealed class DictionaryContext : ExpressionContext
    {
        public Dictionary<string, double> Values { get; } = new();
        public override double GetParameter(ParameterExpression parameter) => Values[parameter.Name];
    }
}
