namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// One statement of the netlist: a physical line with its <c>+</c> continuation lines joined by a
/// blank, comments removed. Every character index maps back to the physical line and column it
/// came from, so tokens keep their original location.
/// </summary>
internal sealed class LogicalLine
{
    private readonly int[] _pieceStarts;
    private readonly SourceLocation[] _pieceLocations;

    public LogicalLine(string text, int[] pieceStarts, SourceLocation[] pieceLocations)
    {
        Text = text;
        _pieceStarts = pieceStarts;
        _pieceLocations = pieceLocations;
    }

    /// <summary>The joined text.</summary>
    public string Text { get; }

    /// <summary>Location of the first piece's first character (column 1 of the statement's line).</summary>
    public SourceLocation Start => _pieceLocations[0];

    /// <summary>Location of the character at <paramref name="index"/> of <see cref="Text"/> (may be one past the end).</summary>
    public SourceLocation LocationAt(int index)
    {
        int k = _pieceStarts.Length - 1;
        if (k > 0)
        {
            k = Array.BinarySearch(_pieceStarts, index);
            if (k < 0) k = ~k - 1;
            if (k < 0) k = 0;
        }
        var loc = _pieceLocations[k];
        return loc with { Column = loc.Column + (index - _pieceStarts[k]) };
    }

    /// <summary>Location just after the last character of the statement (for "missing ..." errors).</summary>
    public SourceLocation End
    {
        get
        {
            int last = Text.Length;
            while (last > 0 && char.IsWhiteSpace(Text[last - 1])) last--;
            return LocationAt(last);
        }
    }

    /// <summary>Builds a logical line from pieces: (text, location of its first character).</summary>
    public sealed class Builder
    {
        private readonly System.Text.StringBuilder _text = new();
        private readonly List<int> _starts = new();
        private readonly List<SourceLocation> _locations = new();

        public Builder(string text, SourceLocation location) => Add(text, location);

        public void Add(string text, SourceLocation location)
        {
            if (_starts.Count > 0) _text.Append(' ');
            _starts.Add(_text.Length);
            _locations.Add(location);
            _text.Append(text);
        }

        public LogicalLine Build() => new(_text.ToString(), _starts.ToArray(), _locations.ToArray());
    }
}
