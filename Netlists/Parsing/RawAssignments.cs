namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// Splits raw text such as <c>a = b*2 c={a+1} d='x'</c> into name=value parts, where values may contain
/// blanks (unbraced expressions in <c>.param</c> and B sources). A part starts at a top-level
/// <c>name =</c> (an <c>=</c> that is not part of <c>==</c>, <c>!=</c>, <c>&lt;=</c>, <c>&gt;=</c>,
/// outside parentheses, braces and quotes) and runs to the next one.
/// </summary>
internal static class RawAssignments
{
    public readonly record struct Item(string Key, int KeyStart, int EqualsIndex, int ValueStart, int ValueEnd);

    public sealed record Result(int? Leading, List<Item> Items);

    public static Result Split(LogicalLine line, int from, int to)
    {
        string s = line.Text;
        var keys = new List<(string Key, int KeyStart, int EqualsAt)>();
        int depth = 0;
        char quote = '\0';
        for (int i = from; i < to; i++)
        {
            char c = s[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            switch (c)
            {
                case '\'' or '"': quote = c; continue;
                case '(' or '{' or '[': depth++; continue;
                case ')' or '}' or ']': if (depth > 0) depth--; continue;
            }
            if (c != '=' || depth != 0) continue;
            char prev = i > from ? s[i - 1] : ' ';
            char next = i + 1 < to ? s[i + 1] : ' ';
            if (next == '=' || prev is '=' or '!' or '<' or '>') { if (next == '=') i++; continue; }
            int e = i;
            while (e > from && char.IsWhiteSpace(s[e - 1])) e--;
            int b = e;
            while (b > from && (char.IsLetterOrDigit(s[b - 1]) || s[b - 1] == '_')) b--;
            if (b == e || !(char.IsLetter(s[b]) || s[b] == '_') || (b > from && !(char.IsWhiteSpace(s[b - 1]) || s[b - 1] == ',')))
                throw new LocatedException(line.LocationAt(i), "missing name before '='");
            keys.Add((s[b..e], b, i));
        }
        var items = new List<Item>(keys.Count);
        for (int k = 0; k < keys.Count; k++)
        {
            int valueEnd = k + 1 < keys.Count ? keys[k + 1].KeyStart : to;
            items.Add(new Item(keys[k].Key, keys[k].KeyStart, keys[k].EqualsAt, keys[k].EqualsAt + 1, valueEnd));
        }
        int firstKey = keys.Count > 0 ? keys[0].KeyStart : to;
        int lead = from;
        while (lead < firstKey && (char.IsWhiteSpace(s[lead]) || s[lead] == ',')) lead++;
        return new Result(lead < firstKey ? lead : null, items);
    }
}
