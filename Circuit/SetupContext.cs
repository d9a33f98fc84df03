namespace AnalogNN.Circuit;

/// <summary>What kind of quantity an MNA unknown is; selects its convergence tolerance and signal name.</summary>
public enum UnknownKind
{
    /// <summary>A node voltage, V; tolerance vntol; signal <c>v(name)</c>.</summary>
    Voltage,
    /// <summary>A branch current, A; tolerance abstol; signal <c>i(name)</c>.</summary>
    Current,
    /// <summary>A dimensionless device state (e.g. memristor x); tolerance vntol; signal <c>x(name)</c>.</summary>
    State,
}

/// <summary>
/// Set-up services the simulation offers behaviours: mapping nodes to unknowns, creating branch
/// unknowns, resolving matrix slots and reserving integration states. Index 0 is ground: a slot
/// with row or column 0 is a discard slot, so stamps need no ground tests.
/// </summary>
public interface ISetupContext
{
    /// <summary>Engine options (gmin, tolerances, temperature).</summary>
    SimulationOptions Options { get; }

    /// <summary>TSTEP of the transient analysis being set up (s), which source waveforms use for their defaults; 0 outside transient.</summary>
    double TimeStep { get; }

    /// <summary>TSTOP of the transient analysis being set up (s); 0 outside transient.</summary>
    double StopTime { get; }

    /// <summary>Unknown index of a node (0 for <c>0</c> and <c>gnd</c>), creating it on first use.</summary>
    int MapNode(string node);

    /// <summary>Creates a branch-current unknown owned by <paramref name="owner"/>; saved as <c>i(owner)</c>.</summary>
    int CreateBranch(string owner);

    /// <summary>Creates an internal unknown (e.g. a diode's node behind RS); not saved by default.</summary>
    int CreateInternal(string name, UnknownKind kind, bool saved = false);

    /// <summary>The branch-current unknown of a voltage source or inductor, for F and H sources.</summary>
    /// <exception cref="CircuitException">No element of that name has a branch current.</exception>
    int FindBranch(string owner, string requester);

    /// <summary>Slot of matrix entry (row, column) in <see cref="LoadContext.Matrix"/>.</summary>
    int MatrixSlot(int row, int column);

    /// <summary>Reserves <paramref name="count"/> consecutive slots in the state vectors; returns the first.</summary>
    int CreateStates(int count);

    /// <summary>
    /// Declares that state <paramref name="charge"/> holds a charge-like quantity and
    /// <paramref name="charge"/>+1 its time derivative, as written by <see cref="LoadContext.Integrate"/>;
    /// the step control estimates truncation error on it.
    /// </summary>
    void RegisterCharge(int charge);
}
