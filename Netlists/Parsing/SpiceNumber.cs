using System.Globalization;

namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// SPICE number literals with ngspice-39's rules: a decimal mantissa with optional exponent,
/// then an optional scale suffix (case-insensitive) <c>T</c>=1e12, <c>G</c>=1e9, <c>Meg</c>=1e6,
/// <c>K</c>=1e3, <c>mil</c>=25.4e-6, <c>M</c>=1e-3 (milli!), <c>U</c>/<c>µ</c>=1e-6, <c>N</c>=1e-9,
/// <c>P</c>=1e-12, <c>F</c>=1e-15 (femto!). Everything after the first letter's suffix is ignored:
/// <c>10V</c>=10, <c>1kHz</c>=1e3, <c>1uF</c>=1e-6, <c>1F</c>=1e-15, and <c>4k7</c>=4e3 (ngspice
/// has no RKM notation). An exponent and a suffix combine: <c>1e3k</c>=1e6.
/// </summary>
public static class SpiceNumber
{
    /// <summary>Parses a whole token; false if it is not a number (e.g. <c>1.2.3</c>, <c>abc</c>) or overflows.</summary>
    public static bool TryParse(string text, out double value) => TryParse(text.AsSpan(), out value);

    /// <summary>Parses a whole token; false if it is not a number or overflows.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        int end = Scan(text, 0, out value, wholeToken: true);
        return end == text.Length;
    }

    /// <summary>Parses a whole token.</summary>
    /// <exception cref="FormatException">Not a SPICE number.</exception>
    public static double Parse(string text) =>
        TryParse(text, out double v) ? v : throw new FormatException($"'{text}' is not a number");

    /// <summary>True if the token starts like a number (digit, or sign/point followed by a digit), so it must parse as one.</summary>
    public static bool LooksLikeNumber(ReadOnlySpan<char> text)
    {
        int i = 0;
        if (i < text.Length && (text[i] == '+' || text[i] == '-')) i++;
        if (i < text.Length && text[i] == '.') i++;
        return i < text.Length && char.IsAsciiDigit(text[i]);
    }

    /// <summary>
    /// Scans a number starting at <paramref name="start"/>. Returns the index after it, or -1 if there
    /// is no valid number. With <paramref name="wholeToken"/> the rest of a token after the suffix
    /// letter is consumed whatever it is (card fields); otherwise only a run of letters, digits and
    /// underscores is (inside expressions, where <c>*</c> or <c>)</c> may follow).
    /// </summary>
    internal static int Scan(ReadOnlySpan<char> s, int start, out double value, bool wholeToken)
    {
        value = 0;
        int i = start;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
        int intDigits = 0, fracDigits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; intDigits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; fracDigits++; }
        }
        if (intDigits + fracDigits == 0) return -1;
        int mantissaEnd = i;
        int exponent = 0;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            int j = i + 1;
            bool negative = false;
            if (j < s.Length && (s[j] == '+' || s[j] == '-')) { negative = s[j] == '-'; j++; }
            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                long e = 0;
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    if (e < 100000) e = e * 10 + (s[j] - '0');
                    j++;
                }
                exponent = (int)(negative ? -e : e);
                i = j;
            }
            // "1e" or "1e+" without digits: the 'e' is an ignored trailing letter.
        }

        double multiplier = 1;
        if (i < s.Length && IsLetter(s[i]))
        {
            int suffixExp = SuffixExponent(s, i, out bool mil);
            if (mil) multiplier = 25.4e-6;
            else exponent += suffixExp;
            if (wholeToken) i = s.Length;
            else
                while (i < s.Length && (IsLetter(s[i]) || char.IsAsciiDigit(s[i]) || s[i] == '_')) i++;
        }
        else if (wholeToken && i < s.Length)
            return -1; // e.g. "1.2.3", "5%", "1_0"

        // Parse sign + mantissa with the combined exponent, so that 2.2u is exactly 2.2e-6.
        var mantissa = s[start..mantissaEnd];
        Span<char> buffer = mantissa.Length <= 256 ? stackalloc char[mantissa.Length + 16] : new char[mantissa.Length + 16];
        mantissa.CopyTo(buffer);
        int n = mantissa.Length;
        buffer[n++] = 'e';
        exponent.TryFormat(buffer[n..], out int written, default, CultureInfo.InvariantCulture);
        n += written;
        if (!double.TryParse(buffer[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return -1;
        value *= multiplier;
        if (!double.IsFinite(value)) return -1;
        return i;
    }

    private static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == 'µ' || c == 'μ';

    /// <summary>Power of ten of the scale suffix at <paramref name="i"/> (0 for letters that are not suffixes).</summary>
    private static int SuffixExponent(ReadOnlySpan<char> s, int i, out bool mil)
    {
        mil = false;
        var rest = s[i..];
        if (rest.StartsWith("meg", StringComparison.OrdinalIgnoreCase)) return 6;
        if (rest.StartsWith("mil", StringComparison.OrdinalIgnoreCase)) { mil = true; return 0; }
        return char.ToLowerInvariant(s[i]) switch
        {
            't' => 12,
            'g' => 9,
            'k' => 3,
            'm' => -3,
            'u' or 'µ' or 'μ' => -6,
            'n' => -9,
            'p' => -12,
            'f' => -15,
            _ => 0,
        };
    }
}
