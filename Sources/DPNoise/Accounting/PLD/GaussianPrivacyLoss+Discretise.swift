import Foundation

extension GaussianPrivacyLoss {
    /// Mass below which a tail of the single-step PLD is not resolved on the grid (it is moved pessimistically:
    /// the upper tail to +∞, the lower tail up to the first grid loss). dp-accounting's own tail rule leaves
    /// ~1e-22; this keeps the grid short without changing any reported ε beyond ~1e-15 in δ.
    static let negligibleTailMass = 1e-20

    /// The pessimistic connect-the-dots PMF on the grid h·ℤ, over dp-accounting's loss range (e^{−50} tails)
    /// narrowed to where the tails carry more than `negligibleTailMass`.
    /// Throws `invalidParameter(discretization)` when the grid would exceed `PLDComposition.maximumPoints`.
    func discretised(discretization h: Double) throws(DPNoiseError.Accounting) -> PrivacyLossPMF {
        let range = lossRange()
        // Grid indices as Double first: a tiny h or σ must give an error, not an Int overflow.
        let (lowestScaled, upperScaled) = ((range.lower / h).rounded(.down), (range.upper / h).rounded(.up))
        guard lowestScaled.isFinite, upperScaled.isFinite, upperScaled - lowestScaled < 1e15 else {
            throw .invalidParameter(.discretization, reason: "the loss range is too wide for the grid step \(h)")
        }
        let lowest = Int(lowestScaled)
        var upper = Int(upperScaled)
        var lower = lowest
        // Smallest grid point with δ ≤ negligible (δ is non-increasing in ε).
        if delta(epsilon: Double(upper) * h) <= Self.negligibleTailMass {
            var (bad, good) = (lower, upper)
            if delta(epsilon: Double(bad) * h) <= Self.negligibleTailMass { good = bad }
            while good - bad > 1 {
                let middle = bad + (good - bad) / 2
                if delta(epsilon: Double(middle) * h) <= Self.negligibleTailMass { good = middle } else { bad = middle }
            }
            upper = good
        }
        // Largest grid point with mass below it ≤ negligible (non-decreasing in ε).
        if massBelow(epsilon: Double(lower) * h) <= Self.negligibleTailMass {
            var (good, bad) = (lower, upper)
            if massBelow(epsilon: Double(bad) * h) <= Self.negligibleTailMass { good = bad }
            while bad - good > 1 {
                let middle = good + (bad - good) / 2
                if massBelow(epsilon: Double(middle) * h) <= Self.negligibleTailMass { good = middle } else { bad = middle }
            }
            lower = good
        }
        if lower >= upper { lower = max(lowest, upper - 1) }
        try PLDComposition.checkSize(upper - lower + 1)
        var deltas = [Double](repeating: 0, count: upper - lower + 1)
        for i in 0..<deltas.count { deltas[i] = delta(epsilon: Double(lower + i) * h) }
        return ConnectTheDots.pessimisticPMF(discretization: h, lowerIndex: lower, deltas: deltas)
    }
}
