using AnalogNN.Components.Memristors;

namespace AnalogNN.Learning.Datasets;

/// <summary>
/// The 16 correlated binary patterns of the pattern-reconstruction experiment: the capital letters
/// A–P drawn by hand as 10×10 bitmaps with strokes two pixels wide (# = +1, . = −1). Zoppo et al.
/// (Fig. 1) show 16 letter-like patterns and their Pearson correlation matrix without giving their
/// size; ours are correlated the same way (shared strokes: E/F, the common
/// left bar of B D E F H K L M N P; the round C, G, O), which is what defeats the Hebbian and Storkey rules.
/// Pixel k = row·10 + column.
/// </summary>
public static class LetterPatterns
{
    /// <summary>Grid side (10).</summary>
    public const int Side = 10;
    /// <summary>Pixels per pattern (100).</summary>
    public const int Size = Side * Side;

    private static readonly string[][] Glyphs =
    [
        ["...####...", "..######..", ".##....##.", ".##....##.", ".##....##.", ".########.", ".########.", ".##....##.", ".##....##.", ".##....##."], // A
        [".#######..", ".########.", ".##....##.", ".##....##.", ".#######..", ".#######..", ".##....##.", ".##....##.", ".########.", ".#######.."], // B
        ["..######..", ".########.", ".##....##.", ".##.......", ".##.......", ".##.......", ".##.......", ".##....##.", ".########.", "..######.."], // C
        [".######...", ".#######..", ".##...###.", ".##....##.", ".##....##.", ".##....##.", ".##....##.", ".##...###.", ".#######..", ".######..."], // D
        [".########.", ".########.", ".##.......", ".##.......", ".######...", ".######...", ".##.......", ".##.......", ".########.", ".########."], // E
        [".########.", ".########.", ".##.......", ".##.......", ".######...", ".######...", ".##.......", ".##.......", ".##.......", ".##......."], // F
        ["..######..", ".########.", ".##....##.", ".##.......", ".##.......", ".##..####.", ".##..####.", ".##....##.", ".########.", "..######.."], // G
        [".##....##.", ".##....##.", ".##....##.", ".##....##.", ".########.", ".########.", ".##....##.", ".##....##.", ".##....##.", ".##....##."], // H
        ["..######..", "..######..", "....##....", "....##....", "....##....", "....##....", "....##....", "....##....", "..######..", "..######.."], // I
        ["...######.", "...######.", ".......##.", ".......##.", ".......##.", ".......##.", ".##....##.", ".##....##.", ".########.", "..######.."], // J
        [".##....##.", ".##...##..", ".##..##...", ".##.##....", ".####.....", ".####.....", ".##.##....", ".##..##...", ".##...##..", ".##....##."], // K
        [".##.......", ".##.......", ".##.......", ".##.......", ".##.......", ".##.......", ".##.......", ".##.......", ".########.", ".########."], // L
        [".##....##.", ".###..###.", ".########.", ".##.##.##.", ".##.##.##.", ".##....##.", ".##....##.", ".##....##.", ".##....##.", ".##....##."], // M
        [".##....##.", ".###...##.", ".####..##.", ".##.#..##.", ".##.##.##.", ".##..#.##.", ".##..####.", ".##...###.", ".##....##.", ".##....##."], // N
        ["..######..", ".########.", ".##....##.", ".##....##.", ".##....##.", ".##....##.", ".##....##.", ".##....##.", ".########.", "..######.."], // O
        [".#######..", ".########.", ".##....##.", ".##....##.", ".########.", ".#######..", ".##.......", ".##.......", ".##.......", ".##......."], // P
    ];

    /// <summary>Letter names, A–P.</summary>
    public static IReadOnlyList<string> Names { get; } = Enumerable.Range(0, 16).Select(i => ((char)('A' + i)).ToString()).ToArray();

    /// <summary>The 16 patterns as ±1 vectors of <see cref="Size"/> pixels.</summary>
    public static IReadOnlyList<double[]> Create()
    {
        var list = new List<double[]>();
        foreach (var rows in Glyphs)
        {
            var p = new double[Size];
            for (int r = 0; r < Side; r++)
                for (int c = 0; c < Side; c++) p[r * Side + c] = rows[r][c] == '#' ? 1 : -1;
            list.Add(p);
        }
        return list;
    }

    /// <summary>
    /// Corrupts a ±1 pattern: every pixel flips (white ↔ black) independently with probability
    /// <paramref name="p"/>, drawn from <paramref name="random"/>. Writes into <paramref name="result"/>.
    /// </summary>
    public static void Corrupt(ReadOnlySpan<double> pattern, double p, ref DeviceRandom random, Span<double> result)
    {
        for (int k = 0; k < pattern.Length; k++) result[k] = random.NextUniform() < p ? -pattern[k] : pattern[k];
    }

    /// <summary>Pearson correlation matrix r_ab = cov(a, b)/(σ_a σ_b) of the patterns (Fig. 1, right).</summary>
    public static double[,] Correlation(IReadOnlyList<double[]> patterns)
    {
        int m = patterns.Count;
        var r = new double[m, m];
        var mean = patterns.Select(p => p.Average()).ToArray();
        var sd = patterns.Select((p, a) => Math.Sqrt(p.Sum(x => (x - mean[a]) * (x - mean[a])))).ToArray();
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++)
            {
                double s = 0;
                for (int k = 0; k < patterns[a].Length; k++) s += (patterns[a][k] - mean[a]) * (patterns[b][k] - mean[b]);
                r[a, b] = s / (sd[a] * sd[b]);
            }
        return r;
    }
}
