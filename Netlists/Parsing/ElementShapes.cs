namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// The little the parser must know about element cards to flatten them: how many of the fields after
/// the name are nodes (renamed inside subcircuits), which field names a model (resolved through
/// subcircuit scopes) and which names another element (renamed like the element). What the remaining
/// fields mean is the <see cref="CircuitBuilder"/>'s business.
/// </summary>
internal static class ElementShapes
{
    /// <summary>Extension devices <c>Y&lt;TYPE&gt; name nodes... model</c> and their node counts.</summary>
    private static readonly Dictionary<string, int> DeviceTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MEMRISTOR"] = 2,
        ["CROSSBAR"] = 2,
        ["LIF"] = 2,
        ["LIF1T1R"] = 5,
        ["POISSON"] = 2,
        ["SPIKETRAIN"] = 2,
        ["OPAMP"] = 3,
        ["ACT"] = 2,
        ["INTEG"] = 2,
        ["1T1R"] = 4,
    };

    /// <summary>Letters with a known card shape (X and B are parsed separately).</summary>
    public static bool IsKnownLetter(char letter) => "RCLVIEGFHDSWMQJKBXY".IndexOf(letter) >= 0;

    /// <summary>What an unknown letter probably is, for the message.</summary>
    public static string Describe(char letter) => letter switch
    {
        'A' => " (XSPICE code models are not supported)",
        'N' => " (OSDI/Verilog-A devices are not supported)",
        'T' or 'O' => " (transmission lines are not supported)",
        'U' => " (uniform RC lines are not supported)",
        'Z' => " (MESFETs are not supported)",
        'P' => " (coupled multiconductor lines are not supported)",
        _ => "",
    };

    /// <summary>Node count of a Y device type, or null if the type is unknown.</summary>
    public static int? DeviceNodeCount(string type) => DeviceTypes.TryGetValue(type, out int n) ? n : null;

    /// <summary>Known Y device types, for messages.</summary>
    public static string KnownDeviceTypes => string.Join(", ", DeviceTypes.Keys.Select(k => "Y" + k));

    /// <summary>
    /// Number of nodes of a card. <paramref name="tokens"/> are the card's tokens and <paramref name="first"/>
    /// the index of the first node token.
    /// </summary>
    public static int NodeCount(char letter, string kind, List<Token> tokens, int first)
    {
        switch (letter)
        {
            case 'J': return 3;
            case 'M': case 'S': return 4;
            case 'K': return 0;
            case 'E': case 'G':
            {
                // E1 o+ o- VALUE={...} / POLY(1) ...: two nodes when the third field is key=value or NAME(...).
                int third = first + 2;
                if (third + 1 < tokens.Count && tokens[third].IsWord
                    && tokens[third + 1].Kind is TokenKind.Equals or TokenKind.LeftParen) return 2;
                return 4;
            }
            case 'Q':
            {
                // Q c b e [s] model [area]: a fifth positional word that is not a number is the model,
                // so the fourth is the substrate node.
                int positional = 0, k = first;
                while (k < tokens.Count && tokens[k].IsWord && !(k + 1 < tokens.Count && tokens[k + 1].Kind is TokenKind.Equals or TokenKind.LeftParen))
                {
                    positional++;
                    k++;
                }
                return positional >= 5 && !SpiceNumber.LooksLikeNumber(tokens[first + 4].Text) ? 4 : 3;
            }
            case 'Y' when kind.Equals("Y1T1R", StringComparison.OrdinalIgnoreCase):
            {
                // Y1T1R name te gate src [bulk] mmodel nmodel: six positional words mean the bulk is given.
                int positional = 0;
                for (int k = first; k < tokens.Count && tokens[k].IsWord
                    && !(k + 1 < tokens.Count && tokens[k + 1].Kind is TokenKind.Equals or TokenKind.LeftParen); k++) positional++;
                return positional >= 6 ? 4 : 3;
            }
            case 'Y':
                return DeviceNodeCount(kind[1..]) ?? 2;
            default:
                return 2;
        }
    }

    /// <summary>How the top-level word field at <paramref name="index"/> (after the nodes) of a card of <paramref name="kind"/> is read (a 1T1R cell names two models).</summary>
    public static WordRole RoleOf(string kind, int index, string text) =>
        index == 1 && kind.Equals("Y1T1R", StringComparison.OrdinalIgnoreCase) ? WordRole.Model : RoleOf(kind[0], index, text);

    /// <summary>How the top-level word field at <paramref name="index"/> (after the nodes) is read.</summary>
    public static WordRole RoleOf(char letter, int index, string text) => letter switch
    {
        'D' or 'M' or 'Q' or 'J' or 'S' or 'Y' when index == 0 => WordRole.Model,
        'F' or 'H' or 'W' when index == 0 && !SpiceNumber.LooksLikeNumber(text) => WordRole.Element,
        'W' when index == 1 => WordRole.Model,
        'K' when !SpiceNumber.LooksLikeNumber(text) => WordRole.Element,
        _ => WordRole.Value,
    };
}
