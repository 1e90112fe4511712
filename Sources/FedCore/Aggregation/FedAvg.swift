/// Federated averaging (McMahan et al. 2017) on flat parameter vectors.
///
/// Weighted averaging uses *bounded* weights: each client's raw weight (its example count) is clipped
/// to `[1, maxWeight]` before normalising, so no single client can dominate the average (and the
/// per-client sensitivity of the weighted sum stays within `maxWeight × clip`).
public enum FedAvg {
    /// Clips raw weights to `[1, maxWeight]`.
    /// - Throws: ``FedAvgError/invalidMaxWeight(_:)`` unless `1 ≤ maxWeight < ∞`;
    ///   ``FedAvgError/invalidWeight(index:detail:)`` for a NaN, infinite or negative weight.
    public static func boundedWeights(_ raw: [Double], maxWeight: Double) throws(FedAvgError) -> [Double] {
        guard maxWeight.isFinite, maxWeight >= 1 else { throw .invalidMaxWeight(maxWeight) }
        var out: [Double] = []
        out.reserveCapacity(raw.count)
        for (i, w) in raw.enumerated() {
            guard w.isFinite, w >= 0 else { throw .invalidWeight(index: i, detail: "\(w) is not a finite non-negative number") }
            out.append(min(max(w, 1), maxWeight))
        }
        return out
    }

    /// Coordinate-wise mean `(1/n) Σ vᵢ`.
    /// - Throws: ``FedAvgError/noUpdates``, ``FedAvgError/dimensionMismatch(index:expected:actual:)``,
    ///   ``FedAvgError/nonFiniteValue(index:coordinate:)``.
    public static func mean(_ vectors: [[Double]]) throws(FedAvgError) -> [Double] {
        try weightedSum(vectors, weights: [Double](repeating: 1, count: vectors.count), divisor: Double(vectors.count))
    }

    /// Weighted mean `Σ wᵢ vᵢ / Σ wᵢ` with `wᵢ = clip(rawWeights[i], 1, maxWeight)`.
    /// - Throws: the errors of ``mean(_:)`` and ``boundedWeights(_:maxWeight:)``, and
    ///   ``FedAvgError/invalidWeight(index:detail:)`` when the weight count differs from the vector count.
    public static func weightedMean(
        _ vectors: [[Double]], rawWeights: [Double], maxWeight: Double
    ) throws(FedAvgError) -> [Double] {
        guard rawWeights.count == vectors.count else {
            throw .invalidWeight(index: rawWeights.count, detail: "\(rawWeights.count) weights for \(vectors.count) updates")
        }
        let weights = try boundedWeights(rawWeights, maxWeight: maxWeight)
        return try weightedSum(vectors, weights: weights, divisor: weights.reduce(0, +))
    }

    /// `global += serverLearningRate · average`, coordinate-wise.
    /// - Throws: ``FedAvgError/invalidLearningRate(_:)``, ``FedAvgError/dimensionMismatch(index:expected:actual:)``
    ///   (index 0), ``FedAvgError/nonFiniteValue(index:coordinate:)`` (index 0) for a non-finite average.
    public static func apply(
        average: [Double], to global: inout [Double], serverLearningRate: Double = 1
    ) throws(FedAvgError) {
        guard serverLearningRate.isFinite else { throw .invalidLearningRate(serverLearningRate) }
        guard average.count == global.count else {
            throw .dimensionMismatch(index: 0, expected: global.count, actual: average.count)
        }
        if let bad = average.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(index: 0, coordinate: bad) }
        for i in global.indices { global[i] += serverLearningRate * average[i] }
    }

    private static func weightedSum(
        _ vectors: [[Double]], weights: [Double], divisor: Double
    ) throws(FedAvgError) -> [Double] {
        guard let first = vectors.first else { throw .noUpdates }
        var sum = [Double](repeating: 0, count: first.count)
        for (i, v) in vectors.enumerated() {
            guard v.count == sum.count else { throw .dimensionMismatch(index: i, expected: sum.count, actual: v.count) }
            let w = weights[i]
            for j in v.indices {
                guard v[j].isFinite else { throw .nonFiniteValue(index: i, coordinate: j) }
                sum[j] += w * v[j]
            }
        }
        return sum.map { $0 / divisor }
    }
}
