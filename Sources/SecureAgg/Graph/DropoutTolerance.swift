/// How likely a round with a known number of dropouts fails for lack of shares.
///
/// The parameter finder's correctness bound is asymptotic: for small cohorts (say n = 6, k = 2, t = 2) a
/// single dropout already leaves a neighbour with fewer than t share holders. Planners use this check to
/// fall back to the complete graph when the sparse graph does not tolerate the dropouts they expect.
public enum DropoutTolerance {
    /// Union bound over the n clients on P[some client keeps fewer than t surviving neighbours] when exactly
    /// `dropouts` of the n clients, chosen uniformly, drop: n · P[X > k − t] with
    /// X ~ Hypergeometric(total n − 1, marked dropouts, sampled k). Returns 1 when it is certain or > 1.
    public static func failureBound(clients n: Int, degree k: Int, threshold t: Int, dropouts: Int) -> Double {
        guard n >= 2, k >= 1, k <= n - 1, t >= 1, t <= k, dropouts >= 0 else { return 1 }
        let d = min(dropouts, n - 1)
        guard d > k - t else { return 0 }
        guard let x = HypergeometricDistribution(total: n - 1, marked: d, sampled: k) else { return 1 }
        // P[X ≥ k − t + 1], summed term by term so tiny tails keep their precision.
        var tail = 0.0
        for lost in (k - t + 1)...min(k, d) { tail += x.probability(of: Double(lost)) }
        return min(1, Double(n) * tail)
    }
}
