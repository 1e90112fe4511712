/// Federated averaging in plain `Double` arithmetic, written without any of the simulation's machinery: the
/// oracle that recovered (masked, encoded, decoded) averages are held to.
///
/// Weighted means use bounded weights: each raw weight (a client's example count) is clamped to
/// `[1, maxWeight]` before normalising, as weighted rounds do.
public enum PlainFedAvg {
    /// Coordinate-wise mean `(1/n) Σ vᵢ`. - Precondition: at least one vector, all of one length.
    public static func mean(_ vectors: [[Double]]) -> [Double] {
        weightedSum(vectors, weights: [Double](repeating: 1, count: vectors.count))
    }

    /// `Σ wᵢ vᵢ / Σ wᵢ` with `wᵢ = min(max(rawWeights[i], 1), maxWeight)`.
    /// - Precondition: one finite, non-negative raw weight per vector; `maxWeight ≥ 1`.
    public static func weightedMean(_ vectors: [[Double]], rawWeights: [Double], maxWeight: Double) -> [Double] {
        precondition(rawWeights.count == vectors.count && maxWeight >= 1, "one raw weight per vector, maxWeight ≥ 1")
        return weightedSum(vectors, weights: rawWeights.map { min(max($0, 1), maxWeight) })
    }

    private static func weightedSum(_ vectors: [[Double]], weights: [Double]) -> [Double] {
        precondition(!vectors.isEmpty && vectors.allSatisfy { $0.count == vectors[0].count }, "vectors of one length")
        var sum = [Double](repeating: 0, count: vectors[0].count)
        for (v, w) in zip(vectors, weights) {
            for j in v.indices { sum[j] += w * v[j] }
        }
        let total = weights.reduce(0, +)
        return sum.map { $0 / total }
    }
}
