import Foundation

/// A discretised privacy-loss distribution: mass `masses[k]` on the loss (`lowerIndex` + k)·`discretization`
/// and `infinityMass` on +∞.
///
/// Invariants: `discretization` > 0; every mass ≥ 0; Σ masses + `infinityMass` ≤ 1 (up to rounding); when built
/// pessimistically, δ(ε) computed from it is ≥ the true hockey-stick divergence of the mechanism for every ε
/// (Koskela et al. 2020; Doroshenko et al. 2022).
struct PrivacyLossPMF: Sendable, Equatable {
    /// Grid step h of the loss values (nats).
    let discretization: Double
    /// Index of `masses[0]` on the grid (its loss is `lowerIndex`·h).
    let lowerIndex: Int
    /// Mass on each grid loss, in ascending loss order.
    let masses: [Double]
    /// Mass on the loss +∞ (outcomes that only the upper distribution produces, plus pessimistic truncation).
    let infinityMass: Double

    /// The loss of `masses[k]`.
    @inline(__always)
    func loss(at k: Int) -> Double { Double(lowerIndex + k) * discretization }

    /// The hockey-stick divergence δ(ε) = ∞-mass + Σ_{loss > ε} (1 − e^{ε − loss})·mass.
    func delta(epsilon: Double) -> Double {
        var delta = infinityMass
        var k = masses.count - 1
        while k >= 0 {
            let loss = self.loss(at: k)
            if loss <= epsilon { break }
            delta += -Foundation.expm1(epsilon - loss) * masses[k]
            k -= 1
        }
        return min(max(delta, 0), 1)
    }

    /// The smallest ε ≥ 0 with δ(ε) ≤ `delta`; `infinity` when the ∞-mass alone exceeds `delta`.
    ///
    /// Walks the losses from the top, keeping U = Σ_{loss ≥ ℓ} mass and W = Σ_{loss ≥ ℓ} e^{−loss}·mass, so that
    /// δ(ε) = U − e^ε·W on the current segment; ε = log((U − δ)/W). Where e^{−loss} underflows (loss > ~745) the
    /// result is the loss at which the upper tail mass reaches δ, which is larger (conservative), as dp-accounting.
    func epsilon(delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var upper = infinityMass
        var lower = 0.0
        var k = masses.count - 1
        while k >= 0 {
            let loss = self.loss(at: k)
            let mass = masses[k]
            if upper > delta, lower > 0, Foundation.log((upper - delta) / lower) >= loss { break }
            if mass > 0 {
                upper += mass
                lower += Foundation.exp(-loss) * mass
            }
            if upper >= delta, lower == 0 { return max(0, loss) }
            k -= 1
        }
        if upper <= lower + delta { return 0 }
        return max(0, Foundation.log((upper - delta) / lower))
    }

    /// Removes the longest prefix and suffix each of mass ≤ `bound`/2. Pessimistic: the prefix mass moves up to
    /// the first kept loss, the suffix mass moves to +∞ (both can only increase δ(ε) for every ε).
    func truncatingTails(bound: Double) -> PrivacyLossPMF {
        guard bound > 0, masses.count > 1 else { return self }
        var left = 0
        var leftMass = 0.0
        while left < masses.count - 1, leftMass + masses[left] <= bound / 2 {
            leftMass += masses[left]
            left += 1
        }
        var right = masses.count
        var rightMass = 0.0
        while right - 1 > left, rightMass + masses[right - 1] <= bound / 2 {
            rightMass += masses[right - 1]
            right -= 1
        }
        if left == 0, right == masses.count { return self }
        var kept = Array(masses[left..<right])
        kept[0] += leftMass
        return PrivacyLossPMF(discretization: discretization, lowerIndex: lowerIndex + left, masses: kept,
                              infinityMass: min(1, infinityMass + rightMass))
    }

    /// Mean and variance of the finite part, in grid-index units relative to `masses[0]` (normalised by its mass).
    func indexMoments() -> (mean: Double, variance: Double) {
        var total = 0.0
        var first = 0.0
        for (k, m) in masses.enumerated() {
            total += m
            first += Double(k) * m
        }
        guard total > 0 else { return (0, 0) }
        let mean = first / total
        var second = 0.0
        for (k, m) in masses.enumerated() {
            let d = Double(k) - mean
            second += d * d * m
        }
        return (mean, second / total)
    }
}
