import Foundation

/// The privacy loss of the (Poisson-subsampled) Gaussian mechanism with L2 sensitivity 1 and noise standard
/// deviation σ, in one adjacency direction (dp-accounting's `GaussianPrivacyLoss`).
///
/// With μ = N(0, σ²) and sampling rate q:
/// - remove: upper = (1−q)·μ(x) + q·μ(x+1), lower = μ(x); loss(x) = log(1 − q + q·e^{(−1/2 − x)/σ²}).
/// - add: upper = μ(x), lower = (1−q)·μ(x) + q·μ(x−1); loss(x) = −loss_remove(−x).
/// The loss is decreasing in x, so δ(ε) = upper_cdf(x_ε) − e^ε·lower_cdf(x_ε) with x_ε the point of loss ε.
struct GaussianPrivacyLoss: Sendable {
    let sigma: Double
    let samplingRate: Double
    let adjacency: Adjacency

    /// dp-accounting's tail rule: each of μ's tails beyond the truncation points holds ½·e^{−50}.
    static let logMassTruncationBound = -50.0

    private var q: Double { samplingRate }
    private var sigmaSquared: Double { sigma * sigma }

    /// Loss without subsampling for the remove direction: (−1/2 − x)/σ².
    private func removeLossWithoutSampling(_ x: Double) -> Double { (-0.5 - x) / sigmaSquared }

    private func removeLoss(_ x: Double) -> Double {
        let l0 = removeLossWithoutSampling(x)
        if q == 1 { return l0 }
        return LogSpace.add(Foundation.log(q) + l0, Foundation.log1p(-q))
    }

    /// The privacy loss at x.
    func loss(_ x: Double) -> Double {
        switch adjacency {
        case .remove: removeLoss(x)
        case .add: -removeLoss(-x)
        }
    }

    /// The x with remove-loss ε (the largest x with loss ≥ ε); +∞ when ε ≤ log(1 − q).
    private func removeInverse(_ epsilon: Double) -> Double {
        if q == 1 { return -0.5 - epsilon * sigmaSquared }
        if epsilon <= Foundation.log1p(-q) { return .infinity }
        // Loss without sampling ℓ0 with 1 − q + q·e^{ℓ0} = e^ε.
        let l0 = epsilon > 0
            ? epsilon - Foundation.log(q) + Foundation.log1p(-(1 - q) * Foundation.exp(-epsilon))
            : Foundation.log1p(Foundation.expm1(epsilon) / q)
        return -0.5 - l0 * sigmaSquared
    }

    /// The largest x with loss(x) ≥ ε.
    func inverse(_ epsilon: Double) -> Double {
        switch adjacency {
        case .remove: removeInverse(epsilon)
        case .add: -removeInverse(-epsilon)
        }
    }

    /// P_upper(X ≤ x).
    func upperCDF(_ x: Double) -> Double {
        switch adjacency {
        case .add: return StandardNormal.cdf(x / sigma)
        case .remove:
            if q == 1 { return StandardNormal.cdf((x + 1) / sigma) }
            return (1 - q) * StandardNormal.cdf(x / sigma) + q * StandardNormal.cdf((x + 1) / sigma)
        }
    }

    /// (P_upper(X ≤ x), P_lower(X ≤ x)) sharing the normal CDF at x/σ.
    func cdfs(_ x: Double) -> (upper: Double, lower: Double) {
        let here = StandardNormal.cdf(x / sigma)
        switch adjacency {
        case .remove:
            let shifted = StandardNormal.cdf((x + 1) / sigma)
            return (q == 1 ? shifted : (1 - q) * here + q * shifted, here)
        case .add:
            let shifted = StandardNormal.cdf((x - 1) / sigma)
            return (here, q == 1 ? shifted : (1 - q) * here + q * shifted)
        }
    }

    /// P_upper(X > x), computed from the upper tail directly (no cancellation).
    func upperSurvival(_ x: Double) -> Double {
        switch adjacency {
        case .add: return StandardNormal.cdf(-x / sigma)
        case .remove:
            if q == 1 { return StandardNormal.cdf(-(x + 1) / sigma) }
            return (1 - q) * StandardNormal.cdf(-x / sigma) + q * StandardNormal.cdf(-(x + 1) / sigma)
        }
    }

    /// log P_lower(X ≤ x).
    func lowerLogCDF(_ x: Double) -> Double {
        switch adjacency {
        case .remove: return StandardNormal.logCDF(x / sigma)
        case .add:
            if q == 1 { return StandardNormal.logCDF((x - 1) / sigma) }
            return LogSpace.add(Foundation.log1p(-q) + StandardNormal.logCDF(x / sigma),
                                Foundation.log(q) + StandardNormal.logCDF((x - 1) / sigma))
        }
    }

    /// The hockey-stick divergence δ(ε) = sup_S P_upper(S) − e^ε·P_lower(S), in [0, 1].
    func delta(epsilon: Double) -> Double {
        if q < 1 {
            switch adjacency {
            case .remove where epsilon <= Foundation.log1p(-q): return min(1, max(0, -Foundation.expm1(epsilon)))
            case .add where epsilon >= -Foundation.log1p(-q): return 0
            default: break
            }
        }
        let x = inverse(epsilon)
        if x == .infinity { return min(1, max(0, -Foundation.expm1(epsilon))) }
        if x == -.infinity { return 0 }
        // Both CDFs from two erfc evaluations; log space only where the lower CDF underflows or e^ε overflows.
        let (upper, lower) = cdfs(x)
        let value = lower > 1e-280 && epsilon < 700
            ? upper - Foundation.exp(epsilon) * lower
            : upper - Foundation.exp(epsilon + lowerLogCDF(x))
        return min(1, max(0, value))
    }

    /// The finite mass of the PLD strictly below the loss ε: P_upper(loss(X) < ε) = P_upper(X > x_ε).
    func massBelow(epsilon: Double) -> Double {
        if q < 1 {
            switch adjacency {
            case .remove where epsilon <= Foundation.log1p(-q): return 0
            case .add where epsilon >= -Foundation.log1p(-q): return 1
            default: break
            }
        }
        let x = inverse(epsilon)
        if x == .infinity { return 0 }
        if x == -.infinity { return 1 }
        return upperSurvival(x)
    }

    /// The loss range [ε_lower, ε_upper] outside which μ_upper has mass ≤ e^{−50} (dp-accounting's
    /// `connect_dots_bounds`).
    func lossRange() -> (lower: Double, upper: Double) {
        var lowerX = sigma * StandardNormal.quantile(0.5 * Foundation.exp(Self.logMassTruncationBound))
        var upperX = -lowerX
        switch adjacency {
        case .add: upperX += 1
        case .remove: lowerX -= 1
        }
        return (loss(upperX), loss(lowerX))
    }
}
