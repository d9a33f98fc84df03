using AnalogNN.Learning.Networks;

namespace AnalogNN.Learning.Rules;

/// <summary>
/// The associative-memory baselines in closed form, for ±1 patterns ξ^μ of length N. Both return
/// per-pair weights of a topology (pairs the topology does not connect are dropped); the experiment
/// then programs them into the devices from zero.
/// </summary>
public static class ClassicRules
{
    /// <summary>Hebbian rule (Hopfield 1982): w_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, i ≠ j.</summary>
    public static double[] Hebbian(HopfieldTopology topology, IReadOnlyList<double[]> patterns)
    {
        int n = topology.N;
        var w = new double[topology.PairCount];
        for (int p = 0; p < w.Length; p++)
        {
            int i = topology.PairI[p], j = topology.PairJ[p];
            double s = 0;
            foreach (var xi in patterns) s += xi[i] * xi[j];
            w[p] = s / n;
        }
        return w;
    }

    /// <summary>
    /// Storkey rule (Storkey 1997), patterns learnt one after another on the full matrix:
    /// w_ij ← w_ij + (1/N)(ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j), with the local field
    /// h_ij = Σ_{k ≠ i, j} w_ik ξ_k, i ≠ j, w_ii = 0. The result is then restricted to the topology's pairs.
    /// </summary>
    public static double[] Storkey(HopfieldTopology topology, IReadOnlyList<double[]> patterns)
    {
        int n = topology.N;
        var w = new double[n * n];
        var h = new double[n * n];
        foreach (var xi in patterns)
        {
            // h_ij = Σ_k w_ik ξ_k − w_ii ξ_i − w_ij ξ_j (w_ii = 0)
            for (int i = 0; i < n; i++)
            {
                double full = 0;
                for (int k = 0; k < n; k++) full += w[i * n + k] * xi[k];
                for (int j = 0; j < n; j++) h[i * n + j] = full - w[i * n + j] * xi[j];
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (i != j) w[i * n + j] += (xi[i] * xi[j] - xi[i] * h[j * n + i] - h[i * n + j] * xi[j]) / n;
        }
        var pairs = new double[topology.PairCount];
        for (int p = 0; p < pairs.Length; p++) pairs[p] = w[topology.PairI[p] * n + topology.PairJ[p]];
        return pairs;
    }
}
