using System.Text;

namespace AnalogNN.Netlists.Parsing;

/// <summary>How serious a <see cref="NetlistDiagnostic"/> is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The netlist is wrong; nothing is simulated.</summary>
    Error,
    /// <summary>Something was ignored or looks suspicious; the netlist still runs.</summary>
    Warning,
}

/// <summary>
/// One located message about a netlist. <see cref="ToString"/> gives the compiler-style form
/// <c>FILE:LINE:COL: error: MESSAGE</c> followed by the offending source line and a caret under
/// the first character of the offending token.
/// </summary>
/// <param name="File">File path (as named by the user or the including file).</param>
/// <param name="Line">1-based physical line.</param>
/// <param name="Column">1-based column of the first character of the offending token.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">The message, without location.</param>
/// <param name="SourceLine">The physical source line, or empty when unknown.</param>
public sealed record NetlistDiagnostic(string File, int Line, int Column, DiagnosticSeverity Severity, string Message, string SourceLine)
{
    /// <summary>The location as a <see cref="SourceLocation"/>.</summary>
    public SourceLocation Location => new(File, Line, Column);

    /// <summary>Formats the diagnostic: header line, source line indented by two blanks, caret line.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(File).Append(':').Append(Line).Append(':').Append(Column).Append(": ")
          .Append(Severity == DiagnosticSeverity.Error ? "error" : "warning").Append(": ").Append(Message);
        if (SourceLine.Length > 0)
        {
            sb.Append('\n').Append("  ").Append(SourceLine).Append('\n').Append("  ");
            // Keep tabs in the padding so the caret lines up with the displayed source line.
            int pad = Math.Min(Math.Max(Column - 1, 0), SourceLine.Length);
            for (int k = 0; k < pad; k++) sb.Append(SourceLine[k] == '\t' ? '\t' : ' ');
            sb.Append('^');
        }
        return sb.ToString();
    }
}

/// <summary>
/// The netlist could not be parsed, elaborated or built. Carries every error found in one pass (and
/// the warnings); <see cref="Exception.Message"/> is the formatted list of the errors.
/// </summary>
public sealed class NetlistException : Exception
{
    /// <summary>Creates the exception from a list of diagnostics (at least one of them an error).</summary>
    public NetlistException(IReadOnlyList<NetlistDiagnostic> diagnostics)
        : base(Format(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every diagnostic, errors and warnings, in the order they were found.</summary>
    public IReadOnlyList<NetlistDiagnostic> Diagnostics { get; }

    /// <summary>Only the errors.</summary>
    public IEnumerable<NetlistDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    private static string Format(IReadOnlyList<NetlistDiagnostic> diagnostics)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count == 0) errors = diagnostics.ToList();
        return string.Join("\n", errors.Select(d => d.ToString()));
    }
}

/// <summary>The text of every file read for one netlist, so that diagnostics can quote the offending line.</summary>
internal sealed class SourceRegistry
{
    private readonly Dictionary<string, string[]> _files = new(StringComparer.Ordinal);

    public void Add(string file, string[] lines) => _files[file] = lines;

    public string[]? Lines(string file) => _files.GetValueOrDefault(file);

    /// <summary>The physical line, or empty if unknown.</summary>
    public string LineText(string file, int line)
    {
        var lines = Lines(file);
        return lines is not null && line >= 1 && line <= lines.Length ? lines[line - 1] : "";
    }

    /// <summary>True if the location points into a registered file (column may be one past the end).</summary>
    public bool IsValid(SourceLocation loc)
    {
        var lines = Lines(loc.File);
        return lines is not null && loc.Line >= 1 && loc.Line <= lines.Length && loc.Column >= 1 && loc.Column <= lines[loc.Line - 1].Length + 1;
    }
}

/// <summary>Collects diagnostics, dropping exact duplicates (the same message at the same place).</summary>
internal sealed class DiagnosticBag(SourceRegistry sources)
{
    private readonly List<NetlistDiagnostic> _items = new();
    private readonly HashSet<(string, int, int, string, DiagnosticSeverity)> _seen = new();

    public SourceRegistry Sources => sources;
    public IReadOnlyList<NetlistDiagnostic> Items => _items;
    public bool HasErrors { get; private set; }
    public int ErrorCount { get; private set; }

    public void Error(SourceLocation at, string message) => Add(at, DiagnosticSeverity.Error, message);
    public void Warning(SourceLocation at, string message) => Add(at, DiagnosticSeverity.Warning, message);

    public void Add(SourceLocation at, DiagnosticSeverity severity, string message)
    {
        string file = at.File ?? "<unknown>";
        int line = Math.Max(at.Line, 1), column = Math.Max(at.Column, 1);
        if (!_seen.Add((file, line, column, message, severity))) return;
        if (severity == DiagnosticSeverity.Error) { HasErrors = true; ErrorCount++; }
        _items.Add(new NetlistDiagnostic(file, line, column, severity, message, sources.LineText(file, line)));
    }

    public void AddRange(IEnumerable<NetlistDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            if (!_seen.Add((d.File, d.Line, d.Column, d.Message, d.Severity))) continue;
            if (d.Severity == DiagnosticSeverity.Error) { HasErrors = true; ErrorCount++; }
            _items.Add(d);
        }
    }

    /// <summary>Throws a <see cref="NetlistException"/> with everything collected if there is an error.</summary>
    public void ThrowIfErrors()
    {
        if (HasErrors) throw new NetlistException(_items.ToArray());
    }
}

/// <summary>A located error raised inside the parser or elaborator and turned into a diagnostic by the statement loop.</summary>
internal sealed class LocatedException(SourceLocation location, string message) : Exception(message)
{
    public SourceLocation Location { get; } = location;
}

/// <summary>Raised when the error was already reported (e.g. a bad parameter used many times); the statement is dropped quietly.</summary>
internal sealed class AlreadyReportedException() : Exception("error already reported");
