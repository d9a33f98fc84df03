namespace AnalogNN.Solvers.Sparse;

/// <summary>
/// The matrix that the Markowitz ordering of <see cref="SparseLU"/> eliminates in place: each row's
/// entries in growable arrays at fixed positions (entries are only ever appended, as fill-ins), each
/// column's list of (row, position) and each row's diagonal position, so that every lookup of the
/// elimination is an array read. Entries of eliminated columns stay in their rows, so at the end
/// every row holds exactly its L\U pattern. (Dictionaries per row did the same with a hash lookup
/// per update: 0.4 s for the one ordering of the condensed 64×64 crossbar.)
/// </summary>
internal sealed class ActiveMatrix
{
    private readonly int[][] _rowColumns;
    private readonly double[][] _rowValues;
    private readonly int[] _rowLength;
    private readonly int[][] _columnRows, _columnPositions;
    private readonly int[] _columnLength;
    private readonly int[] _diagonal;

    /// <summary>
    /// An <paramref name="n"/>×<paramref name="n"/> matrix with entry k at (rows[k], columns[k]);
    /// entries given twice are summed.
    /// </summary>
    public ActiveMatrix(int n, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<double> values)
    {
        var rowCount = new int[n];
        var columnCount = new int[n];
        for (int k = 0; k < rows.Length; k++) { rowCount[rows[k]]++; columnCount[columns[k]]++; }
        _rowColumns = new int[n][];
        _rowValues = new double[n][];
        _columnRows = new int[n][];
        _columnPositions = new int[n][];
        for (int i = 0; i < n; i++)
        {
            _rowColumns[i] = new int[Math.Max(4, 2 * rowCount[i])];
            _rowValues[i] = new double[_rowColumns[i].Length];
            _columnRows[i] = new int[Math.Max(4, 2 * columnCount[i])];
            _columnPositions[i] = new int[_columnRows[i].Length];
        }
        _rowLength = new int[n];
        _columnLength = new int[n];
        _diagonal = new int[n];
        Array.Fill(_diagonal, -1);
        var position = new Dictionary<long, int>(rows.Length, EntryKey.Comparer);
        for (int k = 0; k < rows.Length; k++)
        {
            long key = EntryKey.Of(rows[k], columns[k]);
            if (position.TryGetValue(key, out int p)) _rowValues[rows[k]][p] += values[k];
            else position.Add(key, Append(rows[k], columns[k], values[k]));
        }
    }

    /// <summary>Entries stored in <paramref name="row"/> (eliminated columns included).</summary>
    public int RowLength(int row) => _rowLength[row];

    /// <summary>Entries stored in <paramref name="column"/> (eliminated rows included).</summary>
    public int ColumnLength(int column) => _columnLength[column];

    /// <summary>Column of the entry at <paramref name="position"/> of <paramref name="row"/>.</summary>
    public int Column(int row, int position) => _rowColumns[row][position];

    /// <summary>The columns of <paramref name="row"/>, in the order their entries were stored.</summary>
    public ReadOnlySpan<int> Columns(int row) => _rowColumns[row].AsSpan(0, _rowLength[row]);

    /// <summary>The values of <paramref name="row"/>, parallel to <see cref="Columns"/> (invalid after an <see cref="Append"/> to the row).</summary>
    public ReadOnlySpan<double> Values(int row) => _rowValues[row].AsSpan(0, _rowLength[row]);

    /// <summary>The value at <paramref name="position"/> of <paramref name="row"/>.</summary>
    public ref double Value(int row, int position) => ref _rowValues[row][position];

    /// <summary>Row and position of the <paramref name="k"/>-th entry of <paramref name="column"/>.</summary>
    public (int Row, int Position) ColumnEntry(int column, int k) => (_columnRows[column][k], _columnPositions[column][k]);

    /// <summary>Position of the diagonal entry of <paramref name="row"/>, or −1.</summary>
    public int Diagonal(int row) => _diagonal[row];

    /// <summary>Position of (<paramref name="row"/>, <paramref name="column"/>), or −1.</summary>
    public int Find(int row, int column)
    {
        if (row == column) return _diagonal[row];
        return Columns(row).IndexOf(column);
    }

    /// <summary>Stores a new entry and returns its position in the row.</summary>
    public int Append(int row, int column, double value)
    {
        int p = _rowLength[row]++;
        Store(ref _rowColumns[row], ref _rowValues[row], p, column, value);
        int q = _columnLength[column]++;
        Store(ref _columnRows[column], ref _columnPositions[column], q, row, p);
        if (row == column) _diagonal[row] = p;
        return p;
    }

    /// <summary>Writes (key, value) at index <paramref name="at"/> of two parallel arrays, doubling them when full.</summary>
    private static void Store<T>(ref int[] keys, ref T[] values, int at, int key, T value)
    {
        if (at == keys.Length)
        {
            Array.Resize(ref keys, 2 * at);
            Array.Resize(ref values, 2 * at);
        }
        keys[at] = key;
        values[at] = value;
    }
}
