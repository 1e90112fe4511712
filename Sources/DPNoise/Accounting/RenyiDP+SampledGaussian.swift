import Foundation

extension RenyiDP {
    /// RDP of the Poisson-subsampled Gaussian (each record or client is included independently with probability
    /// `samplingRate` q; Gaussian noise with multiplier z), matching dp-accounting 0.6's
    /// `_compute_rdp_poisson_subsampled_gaussian` (Mironov 2017; Mironov, Talwar, Zhang 2019).
    ///
    /// - q = 1: α / (2z²). q = 0: 0.
    /// - Integer α: log Σ_k C(α,k)(1−q)^{α−k} q^k exp((k²−k)/(2z²)) / (α−1), exactly.
    /// - Fractional α: dp-accounting's two-sided series (which sums the magnitudes of the generalized binomial
    ///   terms, an upper bound) with the same stopping rule; `Double.infinity` when it does not converge within
    ///   1000 terms (order excluded), as dp-accounting does.
    /// Preconditions (checked by callers at the boundary): 0 ≤ q ≤ 1, z ≥ 0, α > 1.
    public static func poissonSubsampledGaussian(order alpha: Double, samplingRate q: Double,
                                                 noiseMultiplier z: Double) -> Double {
        if q == 0 { return 0 }
        if alpha.isInfinite || z == 0 { return .infinity }
        if q == 1 { return alpha / (2 * z * z) }
        let logA = alpha == alpha.rounded() && alpha < Double(Int.max)
            ? SampledGaussianSeries.logAInteger(q: q, sigma: z, alpha: Int(alpha))
            : SampledGaussianSeries.logAFractional(q: q, sigma: z, alpha: alpha)
        return logA / (alpha - 1)
    }

    /// The per-order RDP curve of the Poisson-subsampled Gaussian on `orders`.
    public static func poissonSubsampledGaussian(orders: [Double], samplingRate q: Double,
                                                 noiseMultiplier z: Double) -> [Double] {
        orders.map { poissonSubsampledGaussian(order: $0, samplingRate: q, noiseMultiplier: z) }
    }
}

/// log A_α of the sampled Gaussian (A_α = E[(μ(x)/μ0(x))^α] of the mixture), integer and fractional α.
enum SampledGaussianSeries {
    /// The fixed iteration cap of dp-accounting's fractional series; beyond it the order is excluded.
    static let maximumFractionalTerms = 1000

    /// Exact binomial expansion for integer α (0 < q < 1).
    static func logAInteger(q: Double, sigma: Double, alpha: Int) -> Double {
        var logA = -Double.infinity
        let logQ = Foundation.log(q)
        let log1mq = Foundation.log1p(-q)
        let a = Double(alpha)
        for i in 0...alpha {
            let k = Double(i)
            let logCoefficient = LogSpace.logBinomial(a, k) + k * logQ + (a - k) * log1mq
            logA = LogSpace.add(logA, logCoefficient + (k * k - k) / (2 * sigma * sigma))
        }
        return logA
    }

    /// Two-sided series for fractional α (Sec. 3.3 of Mironov, Talwar, Zhang 2019): the integral is split at
    /// z0 = σ² log(1/q − 1) + 1/2 and each side expanded; terms are added while both sides still grow or stay
    /// within e^30 of the running total, exactly as dp-accounting decides to stop.
    static func logAFractional(q: Double, sigma: Double, alpha: Double) -> Double {
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        let z0 = sigma * sigma * Foundation.log(1 / q - 1) + 0.5
        let logQ = Foundation.log(q)
        let log1mq = Foundation.log1p(-q)
        let logHalf = Foundation.log(0.5)
        let sqrt2Sigma = 2.0.squareRoot() * sigma
        var lastS0 = -Double.infinity
        var lastS1 = -Double.infinity
        for index in 0..<maximumFractionalTerms {
            let i = Double(index)
            let logCoefficient = LogSpace.logBinomial(alpha, i)
            let j = alpha - i
            let logT0 = logCoefficient + i * logQ + j * log1mq
            let logT1 = logCoefficient + j * logQ + i * log1mq
            let logE0 = logHalf + LogSpace.logErfc((i - z0) / sqrt2Sigma)
            let logE1 = logHalf + LogSpace.logErfc((z0 - j) / sqrt2Sigma)
            let logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            logA0 = LogSpace.add(logA0, logS0)
            logA1 = LogSpace.add(logA1, logS1)
            let total = LogSpace.add(logA0, logA1)
            if logS0 < lastS0, logS1 < lastS1, max(logS0, logS1) < total - 30 {
                return total
            }
            lastS0 = logS0
            lastS1 = logS1
        }
        return .infinity
    }
}
