namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// A position in a netlist source file: the file path as the user (or the including file) named it,
/// and 1-based line and column in the original physical line. Tokens that come from a <c>+</c>
/// continuation line keep the line and column of that continuation line.
/// </summary>
/// <param name="File">Path of the file, as given by the user or combined with the including file's folder.</param>
/// <param name="Line">1-based physical line number.</param>
/// <param name="Column">1-based column (UTF-16 code unit) of the first character.</param>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>True for a location that was never set (default value).</summary>
    public bool IsUnknown => File is null || Line <= 0;

    /// <summary>The same line, another column.</summary>
    public SourceLocation WithColumn(int column) => this with { Column = column };

    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
