using AnalogNN.Netlists.Parsing.Expressions;

namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// Second stage of parsing: turns logical lines into statements, builds the subcircuit definition tree
/// and collects errors line by line (a bad line is reported and dropped; parsing goes on).
/// </summary>
internal sealed class StatementParser
{
    private readonly DiagnosticBag _bag;
    private readonly List<Statement> _top = new();
    private readonly List<SubcircuitDefinition> _topDefinitions = new();
    private readonly List<StepSweep> _steps = new();
    private readonly Stack<(SubcircuitDefinition Definition, bool Valid)> _open = new();
    private string? _title;

    private StatementParser(DiagnosticBag bag) => _bag = bag;

    public static NetlistSyntax Parse(string file, string text, DiagnosticBag bag)
    {
        var (title, _, lines) = NetlistReader.Read(file, text, bag);
        var parser = new StatementParser(bag);
        foreach (var line in lines)
        {
            try { parser.ParseLine(line); }
            catch (LocatedException ex) { bag.Error(ex.Location, ex.Message); }
            catch (ExpressionException ex) { bag.Error(ex.Location, ex.Message); }
            catch (Exception ex) { bag.Error(line.Start, $"internal error while reading this line: {ex.GetType().Name}: {ex.Message}"); }
        }
        while (parser._open.Count > 0)
        {
            var (def, _) = parser._open.Pop();
            bag.Error(def.Location, $"missing .ends for subcircuit '{def.Name}'");
        }
        return new NetlistSyntax(parser._title ?? title, parser._top, parser._topDefinitions, parser._steps, bag.Sources, bag.Items.ToArray());
    }

    private bool InSubcircuit => _open.Count > 0;
    private SubcircuitDefinition? Current => _open.Count > 0 ? _open.Peek().Definition : null;

    private void Add(Statement s)
    {
        if (Current is { } def) def.BodyList.Add(s);
        else _top.Add(s);
    }

    private void ParseLine(LogicalLine line)
    {
        _line = line;
        string first = NetlistReader.FirstWord(line.Text, out int kwStart, out int kwEnd);
        if (first.Length == 0) return;
        if (first[0] == '.') { ParseDotCommand(line, first, kwStart, kwEnd); return; }
        char letter = char.ToUpperInvariant(first[0]);
        if (!char.IsAsciiLetter(letter) || !ElementShapes.IsKnownLetter(letter))
        {
            string shown = line.Text[kwStart..kwEnd];
            throw new LocatedException(line.LocationAt(kwStart), char.IsAsciiLetter(letter)
                ? $"unknown element type '{letter}' in '{shown}'{ElementShapes.Describe(letter)}"
                : $"unknown element type: '{shown}' does not start with an element letter");
        }
        if (letter == 'B') { ParseBehavioural(line); return; }
        var tokens = Tokenizer.Tokenize(line);
        if (tokens[0].Kind != TokenKind.Word) throw new LocatedException(tokens[0].Location, $"unexpected '{tokens[0]}' at the start of a card");
        if (letter == 'X') { ParseInstance(line, tokens); return; }
        ParseElement(line, tokens, letter);
    }

    // ---------------------------------------------------------------- elements

    private void ParseElement(LogicalLine line, List<Token> tokens, char letter)
    {
        var head = tokens[0];
        int i = 1;
        string kind = letter.ToString();
        string name = head.Text;
        var nameLoc = head.Location;
        if (letter == 'Y')
        {
            string type = head.Text[1..];
            if (type.Length == 0 || ElementShapes.DeviceNodeCount(type) is null)
                throw new LocatedException(head.Location, $"unknown device type '{head.Text}' (known: {ElementShapes.KnownDeviceTypes})");
            kind = head.Text.ToUpperInvariant();
            if (tokens.Count < 2 || tokens[1].Kind != TokenKind.Word || NextIs(tokens, 1, TokenKind.Equals, TokenKind.LeftParen))
                throw new LocatedException(tokens.Count < 2 ? line.End : tokens[1].Location, $"missing instance name after '{head.Text}'");
            name = tokens[1].Text;
            nameLoc = tokens[1].Location;
            i = 2;
        }
        int count = ElementShapes.NodeCount(letter, kind, tokens, i);
        var nodes = ReadNodes(line, tokens, ref i, count, name, letter == 'Y' ? kind : null);
        var fields = ParseFields(tokens, ref i, insideGroup: false, roleOf: (index, text) => ElementShapes.RoleOf(kind, index, text));
        Add(new ElementStatement(name, nameLoc, kind, nodes, fields, head.Location));
    }

    private static bool NextIs(List<Token> tokens, int i, TokenKind a, TokenKind b) =>
        i + 1 < tokens.Count && (tokens[i + 1].Kind == a || tokens[i + 1].Kind == b);

    private static List<NodeSyntax> ReadNodes(LogicalLine line, List<Token> tokens, ref int i, int count, string name, string? kind)
    {
        var nodes = new List<NodeSyntax>(count);
        for (int k = 0; k < count; k++, i++)
        {
            if (i >= tokens.Count || tokens[i].Kind != TokenKind.Word || NextIs(tokens, i, TokenKind.Equals, TokenKind.LeftParen))
            {
                var at = i < tokens.Count ? tokens[i].Location : line.End;
                string what = kind is null ? $"'{name}'" : $"{kind} '{name}'";
                throw new LocatedException(at, $"missing node: {what} needs {count} node{(count == 1 ? "" : "s")}, found {k}");
            }
            nodes.Add(new NodeSyntax(tokens[i].Text, tokens[i].Location));
        }
        return nodes;
    }

    /// <summary>Reads the generic fields of a card: words, expressions, key=value, NAME(...) groups.</summary>
    private List<SyntaxField> ParseFields(List<Token> t, ref int i, bool insideGroup, Func<int, string, WordRole>? roleOf)
    {
        var fields = new List<SyntaxField>();
        while (i < t.Count)
        {
            var tok = t[i];
            switch (tok.Kind)
            {
                case TokenKind.Word:
                    if (i + 1 < t.Count && t[i + 1].Kind == TokenKind.Equals)
                    {
                        var eq = t[i + 1];
                        i += 2;
                        var value = ParseValue(t, ref i, eq, tok.Text);
                        fields.Add(new KeyValueSyntax(tok.Text, value, tok.Location));
                    }
                    else if (i + 1 < t.Count && t[i + 1].Kind == TokenKind.LeftParen)
                    {
                        fields.Add(ParseGroup(t, ref i, tok.Text, tok.Location));
                    }
                    else
                    {
                        var role = insideGroup || roleOf is null ? WordRole.Value : roleOf(fields.Count, tok.Text);
                        fields.Add(Word(tok, role));
                        i++;
                    }
                    break;
                case TokenKind.Expression:
                    fields.Add(ExpressionField(tok));
                    i++;
                    break;
                case TokenKind.String:
                    fields.Add(new WordSyntax(tok.Text, tok.Location, WordRole.Value, null));
                    i++;
                    break;
                case TokenKind.LeftParen:
                    fields.Add(ParseGroup(t, ref i, null, tok.Location));
                    break;
                case TokenKind.RightParen:
                    if (insideGroup) return fields;
                    throw new LocatedException(tok.Location, "unbalanced ')' (no matching '(')");
                default:
                    throw new LocatedException(tok.Location, "unexpected '=' (expected name=value)");
            }
        }
        return fields;
    }

    private GroupSyntax ParseGroup(List<Token> t, ref int i, string? name, SourceLocation at)
    {
        int open = name is null ? i : i + 1;
        i = open + 1;
        var items = ParseFields(t, ref i, insideGroup: true, roleOf: null);
        if (i >= t.Count) throw new LocatedException(t[open].Location, "unbalanced '(' (missing ')')");
        i++; // ')'
        return new GroupSyntax(name, items, at);
    }

    private SyntaxField ParseValue(List<Token> t, ref int i, Token equals, string key)
    {
        if (i >= t.Count || t[i].Kind is TokenKind.Equals or TokenKind.RightParen)
            throw new LocatedException(equals.Location, $"missing value after '{key}='");
        var tok = t[i];
        switch (tok.Kind)
        {
            case TokenKind.Word when i + 1 < t.Count && t[i + 1].Kind == TokenKind.LeftParen:
                return ParseGroup(t, ref i, tok.Text, tok.Location);
            case TokenKind.Word:
                i++;
                return Word(tok, WordRole.Value);
            case TokenKind.Expression:
                i++;
                return ExpressionField(tok);
            case TokenKind.String:
                i++;
                return new WordSyntax(tok.Text, tok.Location, WordRole.Value, null);
            default: // '('
                return ParseGroup(t, ref i, null, tok.Location);
        }
    }

    private static WordSyntax Word(Token tok, WordRole role)
    {
        double? number = null;
        if (role == WordRole.Value && SpiceNumber.LooksLikeNumber(tok.Text))
        {
            if (!SpiceNumber.TryParse(tok.Text, out double v))
                throw new LocatedException(tok.Location, $"bad number '{tok.Text}'");
            number = v;
        }
        return new WordSyntax(tok.Text, tok.Location, role, number);
    }

    private ExpressionSyntax ExpressionField(Token tok) => new(ParseExpressionToken(tok), tok.Text, tok.Location);

    /// <summary>The line being parsed (expression tokens are parsed from its text, to keep locations).</summary>
    private LogicalLine _line = null!;

    private Expression ParseExpressionToken(Token tok) =>
        ExpressionParser.Parse(_line.Text, tok.ContentStart, tok.ContentStart + tok.Text.Length, _line.LocationAt);

    /// <summary>An expression from a value token: a number word, a word holding an unbraced expression, or {expr}.</summary>
    private Expression ValueExpression(Token tok)
    {
        if (tok.Kind == TokenKind.Word && SpiceNumber.LooksLikeNumber(tok.Text))
        {
            if (!SpiceNumber.TryParse(tok.Text, out double v)) throw new LocatedException(tok.Location, $"bad number '{tok.Text}'");
            return new ConstantExpression(v, tok.Location);
        }
        if (tok.Kind is TokenKind.Word or TokenKind.Expression) return ParseExpressionToken(tok);
        throw new LocatedException(tok.Location, $"expected a value, found '{tok}'");
    }

    // ---------------------------------------------------------------- B sources

    private void ParseBehavioural(LogicalLine line)
    {
        // Name and nodes are ordinary tokens; V=/I= take the raw rest of the line (blanks allowed).
        var head = Tokenizer.Tokenize(line, 0, FirstWordEnd(line.Text));
        var name = head[0];
        int pos = name.End;
        var nodes = new List<NodeSyntax>(2);
        for (int k = 0; k < 2; k++)
        {
            int s = pos;
            while (s < line.Text.Length && (char.IsWhiteSpace(line.Text[s]) || line.Text[s] == ',')) s++;
            int e = s;
            while (e < line.Text.Length && !char.IsWhiteSpace(line.Text[e]) && line.Text[e] is not (',' or '=' or '(' or ')' or '{' or '}' or '\'')) e++;
            if (e == s || (e < line.Text.Length && line.Text[e] == '=') || NextNonBlank(line.Text, e) == '=')
                throw new LocatedException(line.LocationAt(e == s ? s : s), $"missing node: '{name.Text}' needs 2 nodes, found {k}");
            nodes.Add(new NodeSyntax(line.Text[s..e], line.LocationAt(s)));
            pos = e;
        }
        var parts = RawAssignments.Split(line, pos, line.Text.Length);
        if (parts.Leading is { } lead)
            throw new LocatedException(line.LocationAt(lead), "expected V=expression or I=expression");
        var fields = new List<SyntaxField>();
        int sources = 0;
        foreach (var p in parts.Items)
        {
            var value = RawValue(line, p);
            if (p.Key.Equals("v", StringComparison.OrdinalIgnoreCase) || p.Key.Equals("i", StringComparison.OrdinalIgnoreCase))
            {
                if (++sources > 1) throw new LocatedException(line.LocationAt(p.KeyStart), "a B source takes either V= or I=, not both");
            }
            fields.Add(new KeyValueSyntax(p.Key, value, line.LocationAt(p.KeyStart)));
        }
        if (sources == 0) throw new LocatedException(line.End, $"'{name.Text}' needs V=expression or I=expression");
        Add(new ElementStatement(name.Text, name.Location, "B", nodes, fields, name.Location));
    }

    private static int FirstWordEnd(string s)
    {
        NetlistReader.FirstWord(s, out _, out int end);
        return end;
    }

    private static char NextNonBlank(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i < s.Length ? s[i] : '\0';
    }

    private static ExpressionSyntax RawValue(LogicalLine line, RawAssignments.Item p)
    {
        int s = p.ValueStart, e = p.ValueEnd;
        while (s < e && char.IsWhiteSpace(line.Text[s])) s++;
        while (e > s && (char.IsWhiteSpace(line.Text[e - 1]) || line.Text[e - 1] == ',')) e--;
        if (s == e) throw new LocatedException(line.LocationAt(p.EqualsIndex), $"missing value after '{p.Key}='");
        if (e - s >= 2 && line.Text[s] == '\'' && line.Text[e - 1] == '\'') { s++; e--; }
        else if (e - s >= 2 && line.Text[s] == '{' && MatchingBrace(line.Text, s, e) == e - 1) { s++; e--; }
        var expr = ExpressionParser.Parse(line.Text, s, e, line.LocationAt);
        return new ExpressionSyntax(expr, line.Text[s..e], line.LocationAt(s));
    }

    /// <summary>Index of the '}' matching the '{' at <paramref name="open"/>, or -1.</summary>
    private static int MatchingBrace(string s, int open, int end)
    {
        int depth = 0;
        for (int i = open; i < end; i++)
        {
            if (s[i] == '{') depth++;
            else if (s[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- X instances

    private void ParseInstance(LogicalLine line, List<Token> t)
    {
        var head = t[0];
        int i = 1;
        var positional = new List<Token>();
        while (i < t.Count && t[i].Kind == TokenKind.Word && !t[i].Is("params:") && !NextIs(t, i, TokenKind.Equals, TokenKind.Equals))
            positional.Add(t[i++]);
        if (positional.Count == 0)
            throw new LocatedException(i < t.Count ? t[i].Location : line.End, $"missing subcircuit name in instance '{head.Text}'");
        var sub = positional[^1];
        var nodes = positional.Take(positional.Count - 1).Select(n => new NodeSyntax(n.Text, n.Location)).ToList();
        if (i < t.Count && t[i].Is("params:")) i++;
        var parameters = ReadAssignments(t, ref i, "instance line");
        Add(new InstanceStatement(head.Text, head.Location, nodes, sub.Text, sub.Location, parameters, head.Location));
    }

    /// <summary>name=value pairs where each value is one token (number, word expression, {expr}).</summary>
    private List<ParameterAssignment> ReadAssignments(List<Token> t, ref int i, string where)
    {
        var list = new List<ParameterAssignment>();
        while (i < t.Count)
        {
            var key = t[i];
            if (key.Kind != TokenKind.Word || !NextIs(t, i, TokenKind.Equals, TokenKind.Equals))
                throw new LocatedException(key.Location, $"unexpected '{key}' in {where} (parameters must be name=value)");
            if (!IsIdentifier(key.Text)) throw new LocatedException(key.Location, $"bad parameter name '{key.Text}'");
            if (i + 2 >= t.Count || t[i + 2].Kind is not (TokenKind.Word or TokenKind.Expression))
                throw new LocatedException(t[i + 1].Location, $"missing value after '{key.Text}='");
            list.Add(new ParameterAssignment(key.Text, ValueExpression(t[i + 2]), key.Location));
            i += 3;
        }
        return list;
    }

    internal static bool IsIdentifier(string s)
    {
        if (s.Length == 0 || !(char.IsLetter(s[0]) || s[0] == '_')) return false;
        foreach (char c in s)
            if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    // ---------------------------------------------------------------- dot commands

    private void ParseDotCommand(LogicalLine line, string keyword, int kwStart, int kwEnd)
    {
        var at = line.LocationAt(kwStart);
        switch (keyword)
        {
            case ".subckt": ParseSubckt(line, kwEnd); return;
            case ".ends": ParseEnds(line, kwEnd, at); return;
            case ".param": ParseParam(line, kwEnd, at); return;
            case ".func": ParseFunc(line, kwEnd, at); return;
            case ".model": ParseModel(line, kwEnd, at); return;
            case ".ic": ParseInitialConditions(line, kwEnd, at, nodeSet: false); return;
            case ".nodeset": ParseInitialConditions(line, kwEnd, at, nodeSet: true); return;
        }
        if (InSubcircuit && keyword is ".op" or ".dc" or ".tran" or ".ac" or ".options" or ".option" or ".opt" or ".save"
                or ".temp" or ".step" or ".global" or ".title" or ".print" or ".plot" or ".meas" or ".measure" or ".four" or ".probe" or ".width")
            throw new LocatedException(at, $"'{line.Text[kwStart..kwEnd]}' is not allowed inside a subcircuit definition (missing .ends for '{Current!.Name}'?)");
        switch (keyword)
        {
            case ".op":
            case ".dc":
            case ".tran":
            case ".ac":
            {
                var t = Tokenizer.Tokenize(line, kwEnd);
                int i = 0;
                var args = ParseFields(t, ref i, insideGroup: false, roleOf: null);
                Add(new AnalysisStatement(keyword[1..], args, at));
                return;
            }
            case ".options":
            case ".option":
            case ".opt":
            {
                var t = Tokenizer.Tokenize(line, kwEnd);
                int i = 0;
                Add(new OptionsStatement(ParseFields(t, ref i, insideGroup: false, roleOf: null), at));
                return;
            }
            case ".save":
            {
                var t = Tokenizer.Tokenize(line, kwEnd);
                int i = 0;
                var items = ParseFields(t, ref i, insideGroup: false, roleOf: null);
                if (items.Count == 0) throw new LocatedException(line.End, "'.save' needs at least one signal");
                Add(new SaveStatement(items, at));
                return;
            }
            case ".temp":
            {
                var t = Tokenizer.Tokenize(line, kwEnd);
                int i = 0;
                var items = ParseFields(t, ref i, insideGroup: false, roleOf: null);
                if (items.Count == 0) throw new LocatedException(line.End, "'.temp' needs a temperature");
                if (items.Count > 1) _bag.Warning(items[1].Location, "only the first '.temp' value is used");
                Add(new TempStatement(items[0], at));
                return;
            }
            case ".global":
            {
                var t = Tokenizer.Tokenize(line, kwEnd);
                var nodes = new List<NodeSyntax>();
                foreach (var tok in t)
                {
                    if (tok.Kind != TokenKind.Word) throw new LocatedException(tok.Location, $"unexpected '{tok}' in .global (expected node names)");
                    nodes.Add(new NodeSyntax(tok.Text, tok.Location));
                }
                Add(new GlobalStatement(nodes, at));
                return;
            }
            case ".step": ParseStep(line, kwEnd, at); return;
            case ".title":
                _title = line.Text[kwEnd..].Trim();
                return;
            case ".print": case ".plot": case ".four": case ".fourier": case ".meas": case ".measure": case ".probe": case ".width":
                _bag.Warning(at, $"'{line.Text[kwStart..kwEnd]}' is not supported and was ignored");
                return;
            case ".noise": case ".tf": case ".sens": case ".pz": case ".disto": case ".pss": case ".sp":
                throw new LocatedException(at, $"analysis '{line.Text[kwStart..kwEnd]}' is not supported");
            default:
                throw new LocatedException(at, $"unknown dot command '{line.Text[kwStart..kwEnd]}'");
        }
    }

    private void ParseSubckt(LogicalLine line, int from)
    {
        var t = Tokenizer.Tokenize(line, from);
        var at = line.LocationAt(from);
        if (t.Count == 0 || t[0].Kind != TokenKind.Word || NextIs(t, 0, TokenKind.Equals, TokenKind.Equals))
        {
            _open.Push((new SubcircuitDefinition("?", line.Start, [], [], Current), false));
            throw new LocatedException(t.Count == 0 ? line.End : t[0].Location, "missing subcircuit name after .subckt");
        }
        var name = t[0];
        int i = 1;
        var pins = new List<NodeSyntax>();
        List<ParameterAssignment> parameters;
        try
        {
            while (i < t.Count && t[i].Kind == TokenKind.Word && !t[i].Is("params:") && !NextIs(t, i, TokenKind.Equals, TokenKind.Equals))
            {
                foreach (var p in pins)
                    if (p.Name.Equals(t[i].Text, StringComparison.OrdinalIgnoreCase))
                        throw new LocatedException(t[i].Location, $"pin '{t[i].Text}' appears twice in subcircuit '{name.Text}'");
                pins.Add(new NodeSyntax(t[i].Text, t[i].Location));
                i++;
            }
            if (i < t.Count && t[i].Is("params:")) i++;
            parameters = ReadAssignments(t, ref i, ".subckt line");
        }
        catch
        {
            // Keep the definition open so that its .ends does not produce a second error.
            _open.Push((new SubcircuitDefinition(name.Text, name.Location, pins, [], Current), false));
            throw;
        }
        var def = new SubcircuitDefinition(name.Text, name.Location, pins, parameters, Current);
        var siblings = Current?.DefinitionList ?? _topDefinitions;
        var existing = siblings.FirstOrDefault(d => d.Name.Equals(name.Text, StringComparison.OrdinalIgnoreCase));
        bool valid = true;
        if (existing is not null)
        {
            _bag.Error(name.Location, $"subcircuit '{name.Text}' is already defined at {existing.Location}");
            valid = false;
        }
        _ = at;
        if (valid) siblings.Add(def);
        _open.Push((def, valid));
    }

    private void ParseEnds(LogicalLine line, int from, SourceLocation at)
    {
        var t = Tokenizer.Tokenize(line, from);
        if (_open.Count == 0) throw new LocatedException(at, ".ends without .subckt");
        var (def, _) = _open.Pop();
        if (t.Count > 0 && t[0].Kind == TokenKind.Word && !t[0].Text.Equals(def.Name, StringComparison.OrdinalIgnoreCase) && def.Name != "?")
            _bag.Warning(t[0].Location, $"'.ends {t[0].Text}' closes subcircuit '{def.Name}'");
    }

    private void ParseParam(LogicalLine line, int from, SourceLocation at)
    {
        var parts = RawAssignments.Split(line, from, line.Text.Length);
        if (parts.Leading is { } lead) throw new LocatedException(line.LocationAt(lead), "expected name=value after .param");
        if (parts.Items.Count == 0) throw new LocatedException(line.End, "'.param' needs name=value");
        var list = new List<ParameterAssignment>();
        foreach (var p in parts.Items)
        {
            var value = RawValue(line, p);
            list.Add(new ParameterAssignment(p.Key, value.Expression, line.LocationAt(p.KeyStart)));
        }
        Add(new ParamStatement(list, at));
    }

    private void ParseFunc(LogicalLine line, int from, SourceLocation at)
    {
        string s = line.Text;
        int i = from;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        int nameStart = i;
        while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
        if (i == nameStart || !IsIdentifier(s[nameStart..i]))
            throw new LocatedException(line.LocationAt(nameStart), "missing function name after .func");
        string name = s[nameStart..i];
        var nameLoc = line.LocationAt(nameStart);
        if (BuiltinFunction.Find(name) is not null || BuiltinFunction.IsConditional(name) || name.Equals("v", StringComparison.OrdinalIgnoreCase) || name.Equals("i", StringComparison.OrdinalIgnoreCase))
            throw new LocatedException(nameLoc, $"cannot redefine built-in function '{name}'");
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        if (i >= s.Length || s[i] != '(') throw new LocatedException(line.LocationAt(i), $"expected '(' after function name '{name}'");
        int open = i;
        int close = s.IndexOf(')', open);
        if (close < 0) throw new LocatedException(line.LocationAt(open), "unbalanced '(' (missing ')')");
        var args = new List<string>();
        int a = open + 1;
        while (a < close)
        {
            while (a < close && (char.IsWhiteSpace(s[a]) || s[a] == ',')) a++;
            if (a >= close) break;
            int b = a;
            while (b < close && !char.IsWhiteSpace(s[b]) && s[b] != ',') b++;
            string arg = s[a..b];
            if (!IsIdentifier(arg)) throw new LocatedException(line.LocationAt(a), $"bad argument name '{arg}' in .func {name}");
            if (args.Contains(arg, StringComparer.OrdinalIgnoreCase)) throw new LocatedException(line.LocationAt(a), $"argument '{arg}' appears twice in .func {name}");
            args.Add(arg);
            a = b;
        }
        i = close + 1;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        if (i < s.Length && s[i] == '=') i++;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        int end = s.Length;
        while (end > i && char.IsWhiteSpace(s[end - 1])) end--;
        if (i >= end) throw new LocatedException(line.End, $"missing body of .func {name}");
        if (end - i >= 2 && s[i] == '\'' && s[end - 1] == '\'') { i++; end--; }
        var body = ExpressionParser.Parse(s, i, end, line.LocationAt);
        Add(new FuncStatement(name, nameLoc, args, body, at));
    }

    private void ParseModel(LogicalLine line, int from, SourceLocation at)
    {
        var t = Tokenizer.Tokenize(line, from);
        if (t.Count == 0 || t[0].Kind != TokenKind.Word || NextIs(t, 0, TokenKind.Equals, TokenKind.LeftParen))
            throw new LocatedException(t.Count == 0 ? line.End : t[0].Location, "missing model name after .model");
        var name = t[0];
        if (t.Count < 2 || t[1].Kind != TokenKind.Word)
            throw new LocatedException(t.Count < 2 ? line.End : t[1].Location, $"missing model type after '.model {name.Text}'");
        int i = 1;
        var fields = ParseFields(t, ref i, insideGroup: false, roleOf: null);
        string type;
        SourceLocation typeLoc;
        var parameters = new List<SyntaxField>();
        if (fields[0] is GroupSyntax g && g.Name is not null)
        {
            type = g.Name;
            typeLoc = g.Location;
            parameters.AddRange(g.Items);
        }
        else if (fields[0] is WordSyntax w)
        {
            type = w.Text;
            typeLoc = w.Location;
        }
        else throw new LocatedException(fields[0].Location, $"missing model type after '.model {name.Text}'");
        parameters.AddRange(fields.Skip(1));
        foreach (var p in parameters)
            if (p is GroupSyntax or ExpressionSyntax || (p is WordSyntax ws && ws.Number is not null))
                throw new LocatedException(p.Location, $"unexpected '{p}' in .model {name.Text} (parameters must be name=value)");
        Add(new ModelStatement(name.Text, name.Location, type, typeLoc, parameters, at));
    }

    private void ParseInitialConditions(LogicalLine line, int from, SourceLocation at, bool nodeSet)
    {
        var t = Tokenizer.Tokenize(line, from);
        string cmd = nodeSet ? ".nodeset" : ".ic";
        var values = new List<NodeValueSyntax>();
        int i = 0;
        while (i < t.Count)
        {
            if (!t[i].Is("v") || !NextIs(t, i, TokenKind.LeftParen, TokenKind.LeftParen))
                throw new LocatedException(t[i].Location, $"expected v(node)=value in {cmd}, found '{t[i]}'");
            if (i + 2 >= t.Count || t[i + 2].Kind != TokenKind.Word)
                throw new LocatedException(i + 2 < t.Count ? t[i + 2].Location : line.End, $"missing node name in {cmd}");
            var node = t[i + 2];
            if (i + 3 >= t.Count || t[i + 3].Kind != TokenKind.RightParen)
                throw new LocatedException(i + 3 < t.Count ? t[i + 3].Location : t[i + 1].Location,
                    i + 3 < t.Count ? $"expected ')' after node '{node.Text}' in {cmd}" : "unbalanced '(' (missing ')')");
            if (i + 4 >= t.Count || t[i + 4].Kind != TokenKind.Equals)
                throw new LocatedException(i + 4 < t.Count ? t[i + 4].Location : line.End, $"expected '=' after v({node.Text}) in {cmd}");
            if (i + 5 >= t.Count || t[i + 5].Kind is not (TokenKind.Word or TokenKind.Expression))
                throw new LocatedException(t[i + 4].Location, $"missing value after v({node.Text})=");
            var v = t[i + 5];
            SyntaxField value = v.Kind == TokenKind.Word ? Word(v, WordRole.Value) : ExpressionField(v);
            if (value is WordSyntax { Number: null }) throw new LocatedException(v.Location, $"bad number '{v.Text}'");
            values.Add(new NodeValueSyntax(node.Text, node.Location, value));
            i += 6;
        }
        if (values.Count == 0) throw new LocatedException(line.End, $"'{cmd}' needs v(node)=value");
        Add(new InitialConditionStatement(nodeSet, values, at));
    }

    private void ParseStep(LogicalLine line, int from, SourceLocation at)
    {
        var t = Tokenizer.Tokenize(line, from);
        int i = 0;
        string mode = "lin";
        if (i < t.Count && (t[i].Is("lin") || t[i].Is("dec") || t[i].Is("oct"))) mode = t[i++].Text.ToLowerInvariant();
        if (i >= t.Count || !t[i].Is("param"))
        {
            if (i < t.Count && t[i].Is("temp")) throw new LocatedException(t[i].Location, "'.step temp' is not supported; use .step param");
            throw new LocatedException(i < t.Count ? t[i].Location : line.End, "expected 'param NAME' after .step (only .step param is supported)");
        }
        i++;
        if (i >= t.Count || t[i].Kind != TokenKind.Word || !IsIdentifier(t[i].Text))
            throw new LocatedException(i < t.Count ? t[i].Location : line.End, "missing parameter name after '.step param'");
        var name = t[i++];
        bool list = false;
        if (i < t.Count && t[i].Is("list"))
        {
            if (mode != "lin") throw new LocatedException(t[i].Location, $"'.step {mode}' cannot take a list");
            list = true;
            i++;
        }
        var numbers = new List<double>();
        for (; i < t.Count; i++) numbers.Add(ConstantValue(t[i]));
        List<double> values;
        try
        {
            if (list)
            {
                if (numbers.Count == 0) throw new LocatedException(line.End, "'.step param ... list' needs at least one value");
                if (numbers.Count > StepSweep.MaxValues) throw new LocatedException(at, $"more than {StepSweep.MaxValues} values");
                values = numbers;
            }
            else
            {
                if (numbers.Count != 3)
                    throw new LocatedException(numbers.Count > 3 ? t[^(numbers.Count - 3)].Location : line.End,
                        $"'.step {(mode == "lin" ? "" : mode + " ")}param {name.Text}' needs start, stop and {(mode == "lin" ? "increment" : "points")} (found {numbers.Count} value{(numbers.Count == 1 ? "" : "s")})");
                if (mode == "lin")
                {
                    if (numbers[2] == 0) throw new LocatedException(t[^1].Location, ".step increment must not be zero");
                    values = StepSweep.Linear(numbers[0], numbers[1], numbers[2]);
                }
                else values = StepSweep.Logarithmic(numbers[0], numbers[1], numbers[2], mode == "dec" ? 10 : 2);
            }
        }
        catch (ArgumentException ex)
        {
            throw new LocatedException(name.Location, $"bad .step range: {ex.Message}");
        }
        if (_steps.Any(s => s.Parameter.Equals(name.Text, StringComparison.OrdinalIgnoreCase)))
            throw new LocatedException(name.Location, $"parameter '{name.Text}' is already stepped");
        if (_steps.Count >= 3) throw new LocatedException(at, "at most three .step lines are supported");
        _steps.Add(new StepSweep(name.Text, values, name.Location));
    }

    /// <summary>A number word or a constant {expression} (no parameters).</summary>
    private double ConstantValue(Token tok)
    {
        var e = ValueExpression(tok);
        return e.Evaluate(ConstantContext.Instance);
    }

    private sealed class ConstantContext : ExpressionContext
    {
        public static readonly ConstantContext Instance = new();

        public override double GetParameter(ParameterExpression parameter) =>
            NamedConstants.TryGet(parameter.Name, out double v) ? v
            : throw new ExpressionException(parameter.Location, $"'.step' values must be constants ('{parameter.Name}' is not)");
    }
}
