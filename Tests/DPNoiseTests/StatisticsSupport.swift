import Foundation

/// Goodness-of-fit helpers for the sampler tests (floating point is fine in tests).
enum Statistics {
    /// Pearson χ² of `samples` against `pmf` on the integers in `support`; consecutive integers are merged into
    /// bins of expected count ≥ `minimumExpected`, and everything outside `support` (plus the leftover mass)
    /// forms the two tail bins. Returns (statistic, degrees of freedom).
    static func chiSquare(
        _ samples: [Int64], support: ClosedRange<Int64>, minimumExpected: Double = 40, pmf: (Int64) -> Double
    ) -> (statistic: Double, degreesOfFreedom: Int) {
        let n = Double(samples.count)
        var counts: [Int64: Int] = [:]
        for s in samples { counts[s, default: 0] += 1 }
        var bins: [(expected: Double, observed: Int)] = []
        var expected = 0.0
        var observed = 0
        var inside = 0.0
        for y in support {
            let p = pmf(y)
            inside += p
            expected += n * p
            observed += counts[y] ?? 0
            if expected >= minimumExpected {
                bins.append((expected, observed))
                expected = 0
                observed = 0
            }
        }
        // Merge the remainder into the last bin, and everything outside the support into one tail bin.
        if var last = bins.popLast() {
            last.expected += expected
            last.observed += observed
            bins.append(last)
        }
        let outsideObserved = samples.count(where: { !support.contains($0) })
        let outsideExpected = max(0, 1 - inside) * n
        if outsideExpected >= 1 || outsideObserved > 0 {
            bins.append((outsideExpected, outsideObserved))
        }
        var statistic = 0.0
        for bin in bins {
            let diff = Double(bin.observed) - bin.expected
            statistic += bin.expected > 0 ? diff * diff / bin.expected : (bin.observed > 0 ? .infinity : 0)
        }
        return (statistic, bins.count - 1)
    }

    /// A generous acceptance threshold for χ² with `df` degrees of freedom: df + 6·√(2·df) + 10
    /// (about 6 standard deviations; false-failure probability far below 10^-6 for a correct sampler).
    static func chiSquareThreshold(_ df: Int) -> Double {
        Double(df) + 6 * (2 * Double(df)).squareRoot() + 10
    }

    static func mean(_ xs: [Int64]) -> Double { xs.reduce(0.0) { $0 + Double($1) } / Double(xs.count) }

    static func variance(_ xs: [Int64]) -> Double {
        let m = mean(xs)
        return xs.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(xs.count - 1)
    }

    /// The discrete Gaussian pmf N_ℤ(0, σ²), normalised over |y| ≤ 14σ + 40 (the mass beyond is below e^-98).
    static func discreteGaussianPMF(sigmaSquared: Double) -> (Int64) -> Double {
        let limit = Int64(14 * sigmaSquared.squareRoot() + 40)
        var total = 0.0
        for y in -limit...limit { total += exp(-Double(y * y) / (2 * sigmaSquared)) }
        return { y in exp(-Double(y) * Double(y) / (2 * sigmaSquared)) / total }
    }

    /// The variance of N_ℤ(0, σ²) (differs from σ² visibly only for σ < 1).
    static func discreteGaussianVariance(sigmaSquared: Double) -> Double {
        let pmf = discreteGaussianPMF(sigmaSquared: sigmaSquared)
        let limit = Int64(14 * sigmaSquared.squareRoot() + 40)
        var v = 0.0
        for y in -limit...limit { v += Double(y * y) * pmf(y) }
        return v
    }

    static func poissonPMF(lambda: Double) -> (Int64) -> Double {
        { k in k < 0 ? 0 : exp(Double(k) * log(lambda) - lambda - lgamma(Double(k) + 1)) }
    }
}
