namespace AnalogNN.Solvers.Sparse;

/// <summary>
/// Keys for dictionaries of matrix entries: (row, column) packed into one <see cref="long"/>, with a
/// hash that spreads them. The default hash of a long is low word XOR high word, i.e. row XOR column,
/// which sends every entry of a band (row − column small) to a handful of buckets: on the 64×64
/// crossbar's 12k unknowns the set-up's slot lookups took about a second, nearly all in probe chains.
/// </summary>
public sealed class EntryKey : IEqualityComparer<long>
{
    /// <summary>The comparer to pass to a <see cref="Dictionary{TKey, TValue}"/> of entry keys.</summary>
    public static EntryKey Comparer { get; } = new();

    private EntryKey() { }

    /// <summary>The key of entry (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public static long Of(int row, int column) => ((long)row << 32) | (uint)column;

    /// <inheritdoc/>
    public bool Equals(long x, long y) => x == y;

    /// <inheritdoc/>
    /// <remarks>Fibonacci hashing: the high word of key × 2⁶⁴/φ mixes every bit of row and column.</remarks>
    public int GetHashCode(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> 32);
}
