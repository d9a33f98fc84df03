namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// First stage of parsing: reads the files and turns physical lines into <see cref="LogicalLine"/>s.
/// Handles the title (line 1 of the top file), comments (<c>*</c> as first non-blank character, inline
/// <c>;</c>, <c>//</c>, and <c>$</c> at the start or after a blank, tab or comma, as ngspice-39 does),
/// <c>+</c> continuations (blank and comment lines may sit in between), <c>.include</c>,
/// <c>.lib file section</c> / <c>.lib section</c> … <c>.endl</c>, <c>.control</c> … <c>.endc</c>
/// (skipped with a warning) and <c>.end</c> (stops reading).
/// </summary>
internal sealed class NetlistReader
{
    private const int MaxIncludeDepth = 64;

    private readonly DiagnosticBag _bag;
    private readonly SourceRegistry _sources;
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly List<(string FullPath, string? Section)> _stack = new();
    private readonly List<LogicalLine> _output = new();
    private bool _ended;

    private NetlistReader(DiagnosticBag bag)
    {
        _bag = bag;
        _sources = bag.Sources;
    }

    /// <summary>Reads a whole netlist given its text and file name; returns the title and the statements.</summary>
    public static (string Title, SourceLocation TitleLocation, List<LogicalLine> Lines) Read(string file, string text, DiagnosticBag bag)
    {
        var reader = new NetlistReader(bag);
        var lines = SplitLines(text);
        bag.Sources.Add(file, lines);
        string fullPath = SafeFullPath(file) ?? file;
        reader._cache[fullPath] = lines;
        reader._stack.Add((fullPath, null));
        string title = lines.Length > 0 ? lines[0].Trim() : "";
        reader.ReadFile(file, lines, 1, null, default);
        return (title, new SourceLocation(file, 1, 1), reader._output);
    }

    /// <summary>Splits text into physical lines (LF, CRLF or CR), dropping a leading byte-order mark.</summary>
    public static string[] SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\n' && c != '\r') continue;
            lines.Add(text[start..i]);
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines.ToArray();
    }

    /// <summary>Index where an inline comment starts in a physical line, or its length.</summary>
    public static int CommentStart(string line)
    {
        bool inString = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"') { inString = !inString; continue; }
            if (inString) continue;
            if (c == ';') return i;
            if (c == '$' && (i == 0 || line[i - 1] is ' ' or '\t' or ',')) return i;
            if (c == '/' && i + 1 < line.Length && line[i + 1] == '/') return i;
        }
        return line.Length;
    }

    /// <summary>Joins continuation lines of one file into logical lines.</summary>
    private IEnumerable<LogicalLine> JoinLines(string file, string[] lines, int first)
    {
        LogicalLine.Builder? pending = null;
        for (int n = first; n < lines.Length; n++)
        {
            string raw = lines[n];
            int k = 0;
            while (k < raw.Length && char.IsWhiteSpace(raw[k])) k++;
            if (k == raw.Length || raw[k] == '*') continue;
            int end = CommentStart(raw);
            if (end <= k) continue;
            string content = raw[..end];
            if (string.IsNullOrWhiteSpace(content)) continue;
            if (raw[k] == '+')
            {
                if (pending is null)
                {
                    _bag.Error(new SourceLocation(file, n + 1, k + 1), "continuation line '+' without a preceding line");
                    continue;
                }
                pending.Add(content[(k + 1)..], new SourceLocation(file, n + 1, k + 2));
                continue;
            }
            if (pending is not null) yield return pending.Build();
            pending = new LogicalLine.Builder(content, new SourceLocation(file, n + 1, 1));
        }
        if (pending is not null) yield return pending.Build();
    }

    /// <summary>First blank-delimited word of a statement (lower case) and the index after it.</summary>
    public static string FirstWord(string text, out int start, out int end)
    {
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
        end = i;
        return text[start..end].ToLowerInvariant();
    }

    /// <summary>The blank-delimited arguments after the keyword, quotes removed, with their start indices.</summary>
    private static List<(string Text, int Index)> Arguments(string text, int from)
    {
        var args = new List<(string, int)>();
        int i = from;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ',')) i++;
            if (i >= text.Length) break;
            int start = i;
            if (text[i] is '"' or '\'')
            {
                char q = text[i++];
                int close = text.IndexOf(q, i);
                if (close < 0) close = text.Length;
                args.Add((text[i..close], start));
                i = Math.Min(close + 1, text.Length);
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ',') i++;
                args.Add((text[start..i], start));
            }
        }
        return args;
    }

    private void ReadFile(string file, string[] lines, int first, string? wantedSection, SourceLocation includedFrom)
    {
        bool inWanted = wantedSection is null, found = false;
        string? skipping = null;
        SourceLocation skippingAt = default, controlAt = default;
        bool inControl = false;
        foreach (var line in JoinLines(file, lines, first))
        {
            if (_ended) return;
            string keyword = FirstWord(line.Text, out _, out int kwEnd);
            if (inControl)
            {
                if (keyword == ".endc") inControl = false;
                continue;
            }
            if (wantedSection is not null && !inWanted)
            {
                if (keyword == ".lib")
                {
                    var a = Arguments(line.Text, kwEnd);
                    if (a.Count == 1 && a[0].Text.Equals(wantedSection, StringComparison.OrdinalIgnoreCase)) inWanted = found = true;
                }
                continue;
            }
            if (skipping is not null)
            {
                if (keyword == ".endl") skipping = null;
                continue;
            }
            switch (keyword)
            {
                case ".include":
                case ".inc":
                {
                    var a = Arguments(line.Text, kwEnd);
                    if (a.Count == 0) { _bag.Error(line.LocationAt(kwEnd), "missing file name after .include"); break; }
                    if (a.Count > 1) _bag.Warning(line.LocationAt(a[1].Index), "extra text after .include file name ignored");
                    Include(file, a[0].Text, null, line.LocationAt(a[0].Index));
                    break;
                }
                case ".lib":
                {
                    var a = Arguments(line.Text, kwEnd);
                    if (a.Count == 0) { _bag.Error(line.LocationAt(kwEnd), "missing library file or section name after .lib"); break; }
                    if (a.Count == 1)
                    {
                        if (wantedSection is not null)
                        {
                            _bag.Error(line.LocationAt(a[0].Index), $"nested .lib section '{a[0].Text}' inside section '{wantedSection}' (missing .endl?)");
                            break;
                        }
                        // A section definition: only read when some `.lib file section` asks for it.
                        skipping = a[0].Text;
                        skippingAt = line.LocationAt(a[0].Index);
                        break;
                    }
                    if (a.Count > 2) _bag.Warning(line.LocationAt(a[2].Index), "extra text after .lib section name ignored");
                    Include(file, a[0].Text, a[1].Text, line.LocationAt(a[0].Index));
                    break;
                }
                case ".endl":
                    if (wantedSection is not null) return;
                    _bag.Error(line.LocationAt(FirstNonBlank(line.Text)), ".endl without .lib section");
                    break;
                case ".control":
                    inControl = true;
                    controlAt = line.LocationAt(FirstNonBlank(line.Text));
                    _bag.Warning(controlAt, ".control block skipped (ngspice scripts are not supported)");
                    break;
                case ".endc":
                    _bag.Error(line.LocationAt(FirstNonBlank(line.Text)), ".endc without .control");
                    break;
                case ".end":
                    _ended = true;
                    return;
                default:
                    _output.Add(line);
                    break;
            }
        }
        if (inControl) _bag.Error(controlAt, "missing .endc for this .control block");
        if (skipping is not null) _bag.Error(skippingAt, $"missing .endl for library section '{skipping}'");
        if (wantedSection is not null && !found) _bag.Error(includedFrom, $"library section '{wantedSection}' not found in '{file}'");
        else if (wantedSection is not null && inWanted) _bag.Error(includedFrom, $"missing .endl for library section '{wantedSection}' in '{file}'");
    }

    private static int FirstNonBlank(string s)
    {
        int i = 0;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i;
    }

    private static string? SafeFullPath(string path)
    {
        try { return Path.GetFullPath(path); }
        catch (Exception) { return null; }
    }

    private void Include(string includingFile, string name, string? section, SourceLocation at)
    {
        if (name.Length == 0) { _bag.Error(at, "empty file name"); return; }
        string resolved;
        try
        {
            resolved = Path.IsPathRooted(name) ? name : Path.Combine(Path.GetDirectoryName(includingFile) ?? "", name);
        }
        catch (Exception) { _bag.Error(at, $"invalid file name '{name}'"); return; }
        string? full = SafeFullPath(resolved);
        if (full is null) { _bag.Error(at, $"invalid file name '{name}'"); return; }
        foreach (var (path, sec) in _stack)
        {
            if (path == full && string.Equals(sec, section, StringComparison.OrdinalIgnoreCase))
            {
                _bag.Error(at, section is null
                    ? $"recursive include of '{name}'"
                    : $"recursive .lib reference to section '{section}' of '{name}'");
                return;
            }
        }
        if (_stack.Count >= MaxIncludeDepth) { _bag.Error(at, $"includes nested more than {MaxIncludeDepth} deep"); return; }
        if (!_cache.TryGetValue(full, out var lines))
        {
            try
            {
                if (Directory.Exists(full)) { _bag.Error(at, $"cannot open '{name}': it is a directory"); return; }
                lines = SplitLines(File.ReadAllText(full));
            }
            catch (FileNotFoundException) { _bag.Error(at, $"cannot open '{name}': file not found (looked for '{resolved}')"); return; }
            catch (DirectoryNotFoundException) { _bag.Error(at, $"cannot open '{name}': file not found (looked for '{resolved}')"); return; }
            catch (Exception ex) { _bag.Error(at, $"cannot open '{name}': {ex.Message}"); return; }
            _cache[full] = lines;
            _sources.Add(resolved, lines);
        }
        else if (_sources.Lines(resolved) is null) _sources.Add(resolved, lines);
        _stack.Add((full, section));
        try { ReadFile(resolved, lines, 0, section, at); }
        finally { _stack.RemoveAt(_stack.Count - 1); }
    }
}
