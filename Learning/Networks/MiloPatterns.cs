namespace AnalogNN.Learning.Networks;

/// <summary>
/// The two 8×8 patterns of Milo et al. Fig. 4a–b as sets of neurons (0-based index row·8 + column;
/// neuron number = index + 1): 'X' (the two diagonals of the inner 6×6 square) and 'C' (top and bottom
/// bars and the left side, corners cut), 12 active pixels each and no pixel in common.
/// </summary>
public static class MiloPatterns
{
    /// <summary>Side of the square pattern.</summary>
    public const int Side = 8;

    /// <summary>'X': (r, r) and (r, 7 − r) for r = 1…6.</summary>
    public static readonly int[] X = [.. Enumerable.Range(1, 6).SelectMany(r => new[] { r * Side + r, r * Side + Side - 1 - r }).Order()];

    /// <summary>'C': (0, 1…4), (2…5, 0), (7, 1…4).</summary>
    public static readonly int[] C = [.. Enumerable.Range(1, 4).Select(c => c)
        .Concat(Enumerable.Range(2, 4).Select(r => r * Side))
        .Concat(Enumerable.Range(1, 4).Select(c => 7 * Side + c)).Order()];

    /// <summary>The pattern as 8 lines of '#' and '.'.</summary>
    public static string Render(IReadOnlyCollection<int> pattern) =>
        string.Join('\n', Enumerable.Range(0, Side).Select(r => new string(Enumerable.Range(0, Side).Select(c => pattern.Contains(r * Side + c) ? '#' : '.').ToArray())));
}
