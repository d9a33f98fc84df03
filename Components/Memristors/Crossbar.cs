using System.Globalization;
using System.Text;
using AnalogNN.Circuit;

namespace AnalogNN.Components.Memristors;

/// <summary>How a crossbar's initial states were given (kept for writing the card back).</summary>
public abstract record CrossbarInitialStates
{
    /// <summary>Every device at one state.</summary>
    public sealed record Constant(double X0) : CrossbarInitialStates;
    /// <summary>x = clamp(mean + std·z), z ~ N(0, 1) from a seed.</summary>
    public sealed record Spread(double Mean, double Std, ulong Seed) : CrossbarInitialStates;
    /// <summary>N lines of M comma-separated states.</summary>
    public sealed record FromFile(string Path) : CrossbarInitialStates;
}

/// <summary>
/// An N×M memristor crossbar declared on one line:
/// <code>
/// YCROSSBAR name rowbus colbus model ROWS=N COLS=M [RROW=ohm] [RCOL=ohm]
/// +   [X0=x | X0MEAN=m X0STD=s X0SEED=k | X0FILE="states.csv"] [XOUT="final.csv"]
/// </code>
/// Row i's terminal is node <c>&lt;rowbus&gt;i</c> and column j's is <c>&lt;colbus&gt;j</c> (i, j from 0);
/// device (i, j) sits between row line i and column line j with its state saved as
/// <c>x(name_i_j)</c>. With RROW &gt; 0 each row line is a chain of M segments of RROW ohms: from the row
/// terminal to device (i, 0), then between neighbouring devices (internal nodes <c>name.r_i_j</c>).
/// With RCOL &gt; 0 each column line is N segments: between neighbouring devices (internal nodes
/// <c>name.c_i_j</c>), then from device (N−1, j) to the column terminal. RROW = RCOL = 0 (default)
/// connects the devices directly to the terminals. The states are one <see cref="MemristorArray"/>
/// and the stamp is a loop over flat slot arrays.
/// </summary>
public sealed class Crossbar : Element, INetlistCard
{
    /// <summary>Creates the array; <paramref name="rowBus"/>/<paramref name="columnBus"/> are the node-name prefixes.</summary>
    public Crossbar(string name, string rowBus, string columnBus, MemristorModel model, int rows, int columns,
        double rowResistance = 0, double columnResistance = 0, CrossbarInitialStates? initial = null, string? finalStatesPath = null)
        : base(name, rowBus, columnBus)
    {
        Require(rows >= 1 && columns >= 1, "ROWS/COLS", $"a crossbar needs at least 1×1 devices (got {rows}×{columns})");
        Require(double.IsFinite(rowResistance) && rowResistance >= 0, "RROW", "wire resistance must be >= 0");
        Require(double.IsFinite(columnResistance) && columnResistance >= 0, "RCOL", "wire resistance must be >= 0");
        Require(!AnalogNN.Circuit.Circuit.IsGround(rowBus) && !AnalogNN.Circuit.Circuit.IsGround(columnBus), "bus", "a bus prefix cannot be the ground node");
        Model = model;
        RowCount = rows;
        ColumnCount = columns;
        RowResistance = rowResistance;
        ColumnResistance = columnResistance;
        Initial = initial ?? new CrossbarInitialStates.Constant(0.5);
        FinalStatesPath = finalStatesPath;
        States = new MemristorArray(name, model, rows, columns);
        switch (Initial)
        {
            case CrossbarInitialStates.Constant c:
                Require(c.X0 >= 0 && c.X0 <= 1, "X0", "initial state must be in [0, 1]");
                Array.Fill(States.X, c.X0);
                break;
            case CrossbarInitialStates.Spread s: States.Randomize(s.Mean, s.Std, s.Seed); break;
            case CrossbarInitialStates.FromFile f:
                try { States.LoadCsv(f.Path); }
                catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
                { throw new CircuitException(name, $"X0FILE: {ex.Message}"); }
                break;
        }
    }

    /// <summary>The model of every device.</summary>
    public MemristorModel Model { get; }
    /// <summary>Rows N.</summary>
    public int RowCount { get; }
    /// <summary>Columns M.</summary>
    public int ColumnCount { get; }
    /// <summary>Row wire segment resistance, Ω (0: ideal).</summary>
    public double RowResistance { get; }
    /// <summary>Column wire segment resistance, Ω (0: ideal).</summary>
    public double ColumnResistance { get; }
    /// <summary>How the initial states were given.</summary>
    public CrossbarInitialStates Initial { get; }
    /// <summary>CSV file that receives the states at the end of each transient, or null.</summary>
    public string? FinalStatesPath { get; }
    /// <summary>Persistent states, variability, pulse counts and energy of the N×M devices.</summary>
    public MemristorArray States { get; }

    /// <summary>Node name of row terminal i.</summary>
    public string RowNode(int i) => Nodes[0] + i.ToString(CultureInfo.InvariantCulture);
    /// <summary>Node name of column terminal j.</summary>
    public string ColumnNode(int j) => Nodes[1] + j.ToString(CultureInfo.InvariantCulture);
    /// <summary>State unknown name of device (i, j) (signal <c>x(name_i_j)</c>).</summary>
    public string StateName(int i, int j) => $"{Name}_{i}_{j}";

    /// <inheritdoc/>
    public override IBehavior CreateBehavior() => new CrossbarBehavior(this);

    /// <inheritdoc/>
    public string ToNetlistCard()
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var b = new StringBuilder($"YCROSSBAR {Name} {Nodes[0]} {Nodes[1]} {Model.Name} ROWS={RowCount} COLS={ColumnCount}");
        if (RowResistance > 0) b.Append($" RROW={N(RowResistance)}");
        if (ColumnResistance > 0) b.Append($" RCOL={N(ColumnResistance)}");
        b.Append(Initial switch
        {
            CrossbarInitialStates.Constant c => $" X0={N(c.X0)}",
            CrossbarInitialStates.Spread s => $" X0MEAN={N(s.Mean)} X0STD={N(s.Std)} X0SEED={s.Seed}",
            CrossbarInitialStates.FromFile f => $" X0FILE=\"{f.Path}\"",
            _ => "",
        });
        if (FinalStatesPath is not null) b.Append($" XOUT=\"{FinalStatesPath}\"");
        return b.ToString();
    }
}

/// <summary>Crossbar stamp: one <see cref="MemristorStamp"/> per device and one conductance per wire segment, in flat arrays.</summary>
internal sealed class CrossbarBehavior(Crossbar xb) : IBehavior, IAcceptBehavior
{
    private readonly MemristorArray _a = xb.States;
    private readonly MemristorKernel _kernel = xb.States.Kernel;
    private MemristorStamp[] _dev = [];
    private (int P, int N)[] _segNodes = [];
    private ConductanceSlots[] _seg = [];
    private double _gRow, _gCol;
    private int _rowSegments;
    private double _stop;

    public void CreateUnknowns(ISetupContext setup)
    {
        int n = xb.RowCount, m = xb.ColumnCount;
        _stop = setup.StopTime;
        var rowJ = new int[n * m];
        var colJ = new int[n * m];
        var segs = new List<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            int term = setup.MapNode(xb.RowNode(i));
            for (int j = 0; j < m; j++)
            {
                if (xb.RowResistance > 0)
                {
                    rowJ[i * m + j] = setup.CreateInternal($"{xb.Name}.r_{i}_{j}", UnknownKind.Voltage);
                    segs.Add((j == 0 ? term : rowJ[i * m + j - 1], rowJ[i * m + j]));
                }
                else rowJ[i * m + j] = term;
            }
        }
        _rowSegments = segs.Count;
        for (int j = 0; j < m; j++)
        {
            int term = setup.MapNode(xb.ColumnNode(j));
            for (int i = 0; i < n; i++)
            {
                if (xb.ColumnResistance > 0)
                {
                    colJ[i * m + j] = setup.CreateInternal($"{xb.Name}.c_{i}_{j}", UnknownKind.Voltage);
                    if (i > 0) segs.Add((colJ[(i - 1) * m + j], colJ[i * m + j]));
                }
                else colJ[i * m + j] = term;
            }
            if (xb.ColumnResistance > 0) segs.Add((colJ[(n - 1) * m + j], term));
        }
        _segNodes = segs.ToArray();
        _dev = new MemristorStamp[n * m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                _dev[i * m + j].Create(setup, rowJ[i * m + j], colJ[i * m + j], xb.StateName(i, j), saved: true);
        _gRow = xb.RowResistance > 0 ? 1 / xb.RowResistance : 0;
        _gCol = xb.ColumnResistance > 0 ? 1 / xb.ColumnResistance : 0;
    }

    public void Bind(ISetupContext setup)
    {
        _seg = new ConductanceSlots[_segNodes.Length];
        for (int k = 0; k < _seg.Length; k++) _seg[k] = ConductanceSlots.Bind(setup, _segNodes[k].P, _segNodes[k].N);
        for (int k = 0; k < _dev.Length; k++) _dev[k].Bind(setup);
    }

    public void Load(LoadContext context)
    {
        var mtx = context.Matrix;
        for (int k = 0; k < _rowSegments; k++) _seg[k].Add(mtx, _gRow);
        for (int k = _rowSegments; k < _seg.Length; k++) _seg[k].Add(mtx, _gCol);
        var kernel = _kernel;
        double[] x = _a.X, up = _a.Up, down = _a.Down;
        var dev = _dev;
        for (int k = 0; k < dev.Length; k++) dev[k].Load(context, kernel, up[k], down[k], x[k]);
    }

    public void Accept(LoadContext context)
    {
        var last = _a.LastX;
        for (int k = 0; k < _dev.Length; k++) last[k] = _dev[k].Accept(context);
        if (xb.FinalStatesPath is { } path && _stop > 0 && context.Analysis == AnalysisKind.Transient
            && context.Time >= _stop * (1 - 1e-9))
            _a.SaveCsv(path, last);
    }
}
