namespace AnalogNN.Netlists.Parsing.Expressions;

/// <summary>
/// Recursive-descent parser of the expression language. Precedence, lowest first (as ngspice-39):
/// <c>?:</c> (right-associative), <c>||</c>, <c>&amp;&amp;</c>, <c>== != &lt;&gt;</c>,
/// <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>, <c>* / %</c>, unary <c>- + !</c>, <c>^ **</c>
/// (left-associative: <c>2^3^2</c> = 64, and <c>-2^2</c> = −4). Braces inside an expression group like
/// parentheses (<c>{ron}*V(x)</c> in B-sources). Numbers take SPICE suffixes (<c>2*1k</c>).
/// </summary>
internal sealed class ExpressionParser
{
    private const int MaxNesting = 100;

    private readonly string _s;
    private readonly int _end;
    private readonly Func<int, SourceLocation> _locate;
    private int _pos;
    private int _nesting;

    // current token
    private Kind _kind;
    private string _text = "";
    private double _number;
    private int _tokenStart;

    private enum Kind { End, Number, Identifier, Operator, LeftParen, RightParen, Comma, Question, Colon }

    private ExpressionParser(string s, int start, int end, Func<int, SourceLocation> locate)
    {
        _s = s;
        _pos = start;
        _end = end;
        _locate = locate;
    }

    /// <summary>Parses <c>s[start..end)</c>; <paramref name="locate"/> maps an index of <paramref name="s"/> to its source location.</summary>
    public static Expression Parse(string s, int start, int end, Func<int, SourceLocation> locate)
    {
        var p = new ExpressionParser(s, start, end, locate);
        p.Next();
        if (p._kind == Kind.End) throw new ExpressionException(locate(start), "empty expression");
        var e = p.ParseTernary();
        if (p._kind == Kind.RightParen) throw p.Error("unbalanced ')' (no matching '(')");
        if (p._kind != Kind.End) throw p.Error($"unexpected '{p._text}' in expression");
        return e;
    }

    private SourceLocation Here => _locate(_tokenStart);

    private ExpressionException Error(string message) => new(Here, message);

    private void Enter()
    {
        if (++_nesting > MaxNesting) throw Error($"expression nested more than {MaxNesting} levels deep");
    }

    private static T Checked<T>(T e) where T : Expression =>
        e.Depth > Expression.MaxDepth ? throw new ExpressionException(e.Location, $"expression too complex (deeper than {Expression.MaxDepth} levels)") : e;

    // ---- lexer ----

    private void Next()
    {
        while (_pos < _end && char.IsWhiteSpace(_s[_pos])) _pos++;
        _tokenStart = _pos;
        if (_pos >= _end) { _kind = Kind.End; _text = "end of expression"; return; }
        char c = _s[_pos];
        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _end && char.IsAsciiDigit(_s[_pos + 1])))
        {
            int stop = SpiceNumber.Scan(_s.AsSpan(0, _end), _pos, out _number, wholeToken: false);
            if (stop < 0)
            {
                int j = _pos;
                while (j < _end && (char.IsAsciiLetterOrDigit(_s[j]) || _s[j] is '.' or '_')) j++;
                throw new ExpressionException(Here, $"bad number '{_s[_pos..j]}'");
            }
            _kind = Kind.Number;
            _text = _s[_pos..stop];
            _pos = stop;
            // "1.5.3": a second decimal point right after a number is an error, not two numbers.
            if (_pos < _end && _s[_pos] == '.')
            {
                int j = _pos;
                while (j < _end && (char.IsAsciiLetterOrDigit(_s[j]) || _s[j] is '.' or '_')) j++;
                throw new ExpressionException(Here, $"bad number '{_s[_tokenStart..j]}'");
            }
            return;
        }
        if (char.IsLetter(c) || c == '_')
        {
            int j = _pos + 1;
            while (j < _end && (char.IsLetterOrDigit(_s[j]) || _s[j] == '_')) j++;
            _kind = Kind.Identifier;
            _text = _s[_pos..j];
            _pos = j;
            return;
        }
        _pos++;
        switch (c)
        {
            case '(': case '{': _kind = Kind.LeftParen; _text = c.ToString(); return;
            case ')': case '}': _kind = Kind.RightParen; _text = c.ToString(); return;
            case ',': _kind = Kind.Comma; _text = ","; return;
            case '?': _kind = Kind.Question; _text = "?"; return;
            case ':': _kind = Kind.Colon; _text = ":"; return;
        }
        _kind = Kind.Operator;
        char d = _pos < _end ? _s[_pos] : '\0';
        string two = string.Concat(c, d);
        if (two is "**" or "==" or "!=" or "<=" or ">=" or "<>" or "&&" or "||")
        {
            _pos++;
            _text = two;
            return;
        }
        if (c is '+' or '-' or '*' or '/' or '%' or '^' or '<' or '>' or '!')
        {
            _text = c.ToString();
            return;
        }
        _text = c.ToString();
        throw Error($"unexpected character '{c}' in expression");
    }

    private bool IsOperator(string op) => _kind == Kind.Operator && _text == op;

    // ---- grammar ----

    private Expression ParseTernary()
    {
        Enter();
        var condition = ParseBinary(0);
        if (_kind == Kind.Question)
        {
            var at = Here;
            Next();
            var whenTrue = ParseTernary();
            if (_kind != Kind.Colon) throw Error($"expected ':' of the '?' at column {at.Column}, found '{_text}'");
            Next();
            var whenFalse = ParseTernary();
            condition = Checked(new ConditionalExpression(condition, whenTrue, whenFalse, at));
        }
        _nesting--;
        return condition;
    }

    // Binary precedence levels, lowest first.
    private static readonly (string Op, BinaryOperator Value)[][] Levels =
    [
        [("||", BinaryOperator.Or)],
        [("&&", BinaryOperator.And)],
        [("==", BinaryOperator.Equal), ("!=", BinaryOperator.NotEqual), ("<>", BinaryOperator.NotEqual)],
        [("<", BinaryOperator.Less), ("<=", BinaryOperator.LessOrEqual), (">", BinaryOperator.Greater), (">=", BinaryOperator.GreaterOrEqual)],
        [("+", BinaryOperator.Add), ("-", BinaryOperator.Subtract)],
        [("*", BinaryOperator.Multiply), ("/", BinaryOperator.Divide), ("%", BinaryOperator.Modulo)],
    ];

    private Expression ParseBinary(int level)
    {
        if (level == Levels.Length) return ParseUnary();
        var left = ParseBinary(level + 1);
        while (_kind == Kind.Operator && Match(Levels[level], out var op))
        {
            var at = Here;
            Next();
            var right = ParseBinary(level + 1);
            left = Checked(new BinaryExpression(op, left, right, at));
        }
        return left;
    }

    private bool Match((string Op, BinaryOperator Value)[] ops, out BinaryOperator op)
    {
        foreach (var (s, v) in ops)
            if (_text == s) { op = v; return true; }
        op = default;
        return false;
    }

    private Expression ParseUnary()
    {
        if (_kind == Kind.Operator && _text is "-" or "+" or "!")
        {
            Enter();
            var at = Here;
            var op = _text == "-" ? UnaryOperator.Negate : _text == "+" ? UnaryOperator.Plus : UnaryOperator.Not;
            Next();
            var operand = ParseUnary();
            _nesting--;
            // Fold -<number> at once so that "-1" is a constant, not an operation.
            if (operand is ConstantExpression c && op != UnaryOperator.Not)
                return new ConstantExpression(UnaryExpression.Apply(op, c.Value), at);
            return Checked(new UnaryExpression(op, operand, at));
        }
        return ParsePower();
    }

    private Expression ParsePower()
    {
        var left = ParsePrimary();
        while (IsOperator("^") || IsOperator("**"))
        {
            var at = Here;
            Next();
            var right = ParsePowerOperand();
            left = Checked(new BinaryExpression(BinaryOperator.Power, left, right, at));
        }
        return left;
    }

    private Expression ParsePowerOperand()
    {
        if (_kind == Kind.Operator && _text is "-" or "+" or "!")
        {
            Enter();
            var at = Here;
            var op = _text == "-" ? UnaryOperator.Negate : _text == "+" ? UnaryOperator.Plus : UnaryOperator.Not;
            Next();
            var operand = ParsePowerOperand();
            _nesting--;
            return Checked(new UnaryExpression(op, operand, at));
        }
        return ParsePrimary();
    }

    private Expression ParsePrimary()
    {
        var at = Here;
        switch (_kind)
        {
            case Kind.Number:
            {
                var c = new ConstantExpression(_number, at);
                Next();
                return c;
            }
            case Kind.LeftParen:
            {
                Enter();
                string open = _text;
                Next();
                if (_kind == Kind.RightParen) throw Error("empty parentheses");
                var inner = ParseTernary();
                string close = open == "{" ? "}" : ")";
                if (_kind != Kind.RightParen || (_text != close && close == ")"))
                    throw new ExpressionException(at, $"unbalanced '{open}' (missing '{close}')");
                if (_text != close) throw Error($"unbalanced '{_text}' (no matching '(')");
                Next();
                _nesting--;
                return inner;
            }
            case Kind.Identifier:
                return ParseIdentifier();
            case Kind.End:
                throw Error("expression ends where a value is expected");
            case Kind.RightParen:
                throw Error($"unexpected '{_text}' where a value is expected");
            default:
                throw Error($"unexpected '{_text}' where a value is expected");
        }
    }

    private Expression ParseIdentifier()
    {
        var at = Here;
        string name = _text;
        int afterName = _pos;
        int j = afterName;
        while (j < _end && char.IsWhiteSpace(_s[j])) j++;
        bool call = j < _end && _s[j] == '(';
        if (!call)
        {
            Next();
            return new ParameterExpression(name, at);
        }
        if (name.Equals("v", StringComparison.OrdinalIgnoreCase) || name.Equals("i", StringComparison.OrdinalIgnoreCase))
            return ParseProbe(name, at, j);

        Next(); // name
        var parenAt = Here;
        Enter();
        Next(); // (
        var args = new List<Expression>();
        if (_kind != Kind.RightParen)
        {
            while (true)
            {
                args.Add(ParseTernary());
                if (_kind == Kind.Comma) { Next(); continue; }
                if (_kind == Kind.RightParen) break;
                if (_kind == Kind.End) throw new ExpressionException(parenAt, "unbalanced '(' (missing ')')");
                throw Error($"expected ',' or ')' in the arguments of '{name}', found '{_text}'");
            }
        }
        Next(); // )
        _nesting--;

        if (BuiltinFunction.IsConditional(name))
        {
            if (args.Count != 3) throw new ExpressionException(at, $"function '{name}' takes 3 arguments, got {args.Count}");
            return Checked(new ConditionalExpression(args[0], args[1], args[2], at));
        }
        var f = BuiltinFunction.Find(name);
        if (f is not null)
        {
            if (args.Count < f.MinArguments || args.Count > f.MaxArguments)
                throw new ExpressionException(at, $"function '{f.Name}' takes {f.ArityText}, got {args.Count}");
            return Checked(new FunctionCallExpression(f, args, at));
        }
        return Checked(new UserFunctionCallExpression(name, args, at));
    }

    /// <summary><c>V(a)</c>, <c>V(a,b)</c>, <c>I(vname)</c>: node and element names are read raw (they may contain dots, '#', ...).</summary>
    private Expression ParseProbe(string name, SourceLocation at, int open)
    {
        int close = _s.IndexOf(')', open + 1, _end - open - 1);
        if (close < 0) throw new ExpressionException(_locate(open), "unbalanced '(' (missing ')')");
        var parts = _s[(open + 1)..close].Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        bool voltage = char.ToLowerInvariant(name[0]) == 'v';
        if (parts.Length == 0) throw new ExpressionException(_locate(open), voltage ? "V() needs a node name" : "I() needs an element name");
        if (voltage && parts.Length > 2) throw new ExpressionException(at, $"V() takes 1 or 2 nodes, got {parts.Length}");
        if (!voltage && parts.Length > 1) throw new ExpressionException(at, $"I() takes 1 element name, got {parts.Length}");
        foreach (var p in parts)
            if (p.IndexOfAny(['(', '{', '}']) >= 0)
                throw new ExpressionException(_locate(open), $"bad name '{p}' in {name}()");
        _pos = close + 1;
        Next();
        return voltage
            ? new NodeVoltageExpression(parts[0], parts.Length > 1 ? parts[1] : null, at)
            : new BranchCurrentExpression(parts[0], at);
    }
}
