namespace AnalogNN.Netlists.Parsing;

/// <summary>Kind of a card token.</summary>
internal enum TokenKind
{
    /// <summary>A blank-delimited word: name, node, number, keyword.</summary>
    Word,
    /// <summary><c>{expr}</c> or <c>'expr'</c>; <see cref="Token.Text"/> is the inside.</summary>
    Expression,
    /// <summary>A double-quoted string; <see cref="Token.Text"/> is the inside.</summary>
    String,
    /// <summary><c>=</c></summary>
    Equals,
    /// <summary><c>(</c></summary>
    LeftParen,
    /// <summary><c>)</c></summary>
    RightParen,
}

/// <summary>A token of a logical line. <see cref="Start"/>/<see cref="End"/> index the line's text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End, SourceLocation Location)
{
    /// <summary>Index of the expression text inside the delimiters (Expression/String tokens).</summary>
    public int ContentStart => Kind is TokenKind.Expression or TokenKind.String ? Start + 1 : Start;

    public bool IsWord => Kind == TokenKind.Word;

    public bool Is(string word) => Kind == TokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Kind switch
    {
        TokenKind.Expression => "{" + Text + "}",
        TokenKind.String => "\"" + Text + "\"",
        _ => Text,
    };
}

/// <summary>
/// Splits a logical line into tokens. Separators are blanks and commas; <c>=</c>, <c>(</c> and
/// <c>)</c> are separators that are kept as tokens because they give cards their structure
/// (<c>IC=0</c>, <c>PULSE(...)</c>). <c>{...}</c> (balanced, may contain blanks) and <c>'...'</c> are
/// expression tokens.
/// </summary>
internal static class Tokenizer
{
    public static List<Token> Tokenize(LogicalLine line, int from = 0, int to = -1)
    {
        string s = line.Text;
        if (to < 0) to = s.Length;
        var tokens = new List<Token>(8);
        int i = from;
        while (i < to)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c) || c == ',') { i++; continue; }
            int start = i;
            switch (c)
            {
                case '=':
                    tokens.Add(new Token(TokenKind.Equals, "=", i, i + 1, line.LocationAt(i)));
                    i++;
                    continue;
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", i, i + 1, line.LocationAt(i)));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", i, i + 1, line.LocationAt(i)));
                    i++;
                    continue;
                case '}':
                    throw new LocatedException(line.LocationAt(i), "unbalanced '}' (no matching '{')");
                case '{':
                {
                    int depth = 0;
                    for (; i < to; i++)
                    {
                        if (s[i] == '{') depth++;
                        else if (s[i] == '}' && --depth == 0) break;
                    }
                    if (depth != 0) throw new LocatedException(line.LocationAt(start), "unbalanced '{' (missing '}')");
                    tokens.Add(new Token(TokenKind.Expression, s[(start + 1)..i], start, i + 1, line.LocationAt(start)));
                    i++;
                    continue;
                }
                case '\'':
                case '"':
                {
                    int close = s.IndexOf(c, start + 1, to - start - 1);
                    if (close < 0)
                        throw new LocatedException(line.LocationAt(start), c == '"' ? "unterminated string (missing '\"')" : "unterminated quoted expression (missing closing quote)");
                    tokens.Add(new Token(c == '"' ? TokenKind.String : TokenKind.Expression, s[(start + 1)..close], start, close + 1, line.LocationAt(start)));
                    i = close + 1;
                    continue;
                }
            }
            while (i < to && !IsSeparator(s[i])) i++;
            tokens.Add(new Token(TokenKind.Word, s[start..i], start, i, line.LocationAt(start)));
        }
        return tokens;
    }

    private static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c) || c is ',' or '=' or '(' or ')' or '{' or '}' or '\'' or '"';
}
