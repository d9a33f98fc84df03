using AnalogNN.Circuit;

namespace AnalogNN.Components;

/// <summary>
/// Matrix slots of a conductance between two nodes, resolved once. Stamps KCL rows
/// p: +g(vp − vn) and n: −g(vp − vn); ground rows and columns fall into the discard slot.
/// </summary>
public struct ConductanceSlots
{
    /// <summary>Slot (p,p).</summary>
    public int PP;
    /// <summary>Slot (p,n).</summary>
    public int PN;
    /// <summary>Slot (n,p).</summary>
    public int NP;
    /// <summary>Slot (n,n).</summary>
    public int NN;

    /// <summary>Resolves the four slots of a conductance between unknowns p and n.</summary>
    public static ConductanceSlots Bind(ISetupContext setup, int p, int n) => new()
    {
        PP = setup.MatrixSlot(p, p), PN = setup.MatrixSlot(p, n),
        NP = setup.MatrixSlot(n, p), NN = setup.MatrixSlot(n, n),
    };

    /// <summary>Adds conductance g (S).</summary>
    public readonly void Add(double[] matrix, double g)
    {
        matrix[PP] += g; matrix[PN] -= g; matrix[NP] -= g; matrix[NN] += g;
    }
}

/// <summary>
/// Matrix slots coupling a branch-current unknown b to its terminals p, n: the KCL columns
/// (p,b)=+1, (n,b)=−1 and the branch-equation row (b,p)=+1, (b,n)=−1, i.e. vp − vn on row b.
/// </summary>
public struct BranchSlots
{
    /// <summary>Slot (p,b).</summary>
    public int PB;
    /// <summary>Slot (n,b).</summary>
    public int NB;
    /// <summary>Slot (b,p).</summary>
    public int BP;
    /// <summary>Slot (b,n).</summary>
    public int BN;

    /// <summary>Resolves the four incidence slots of branch b between p and n.</summary>
    public static BranchSlots Bind(ISetupContext setup, int p, int n, int b) => new()
    {
        PB = setup.MatrixSlot(p, b), NB = setup.MatrixSlot(n, b),
        BP = setup.MatrixSlot(b, p), BN = setup.MatrixSlot(b, n),
    };

    /// <summary>Stamps the ±1 incidence entries.</summary>
    public readonly void Add(double[] matrix)
    {
        matrix[PB] += 1; matrix[NB] -= 1; matrix[BP] += 1; matrix[BN] -= 1;
    }
}
