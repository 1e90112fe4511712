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

    /// The upper 10^-4 quantile of χ² with `df` degrees of freedom (Wilson–Hilferty, z = 3.719; slightly above the
    /// exact quantile for df ≤ 2, within 1 % beyond): a correct sampler fails a test at this threshold with
    /// probability about 10^-4 — and the tests' seeds are fixed, so they never flake.
    static func chiSquareCritical(_ df: Int) -> Double {
        let k = Double(df)
        let c = 2 / (9 * k)
        let root = 1 - c + 3.719 * c.squareRoot()
        return k * root * root * root
    }

    /// The 10^-4 two-sided normal quantile, for means and variances.
    static let zCritical = 3.891

    /// Kolmogorov–Smirnov distance sup_k |F_n(k) − F(k)| of integer samples against `pmf`, over `support` (which
    /// must hold all but a negligible part of the mass).
    static func ksDistance(_ samples: [Int64], support: ClosedRange<Int64>, pmf: (Int64) -> Double) -> Double {
        var counts: [Int64: Int] = [:]
        for s in samples { counts[s, default: 0] += 1 }
        let n = Double(samples.count)
        var below = Double(samples.count(where: { $0 < support.lowerBound }))
        var cdf = 0.0
        var distance = below / n
        for y in support {
            cdf += pmf(y)
            below += Double(counts[y] ?? 0)
            distance = max(distance, abs(below / n - cdf))
        }
        return distance
    }

    /// The KS critical distance at level 10^-4 for n samples, by the Dvoretzky–Kiefer–Wolfowitz–Massart bound
    /// P(sup |F_n − F| > ε) ≤ 2·e^{−2nε²}, valid for discrete distributions too.
    static func ksCritical(_ n: Int) -> Double { (log(2 / 1e-4) / (2 * Double(n))).squareRoot() }

    /// Two-sample χ² between equal-size samples: bins over `support` merged until a + b ≥ `minimumCount` (the rest
    /// and everything outside in one bin each side); Σ (a − b)²/(a + b) with (bins − 1) degrees of freedom.
    static func twoSampleChiSquare(
        _ a: [Int64], _ b: [Int64], support: ClosedRange<Int64>, minimumCount: Int = 80
    ) -> (statistic: Double, degreesOfFreedom: Int) {
        precondition(a.count == b.count)
        var ca: [Int64: Int] = [:]
        var cb: [Int64: Int] = [:]
        for s in a { ca[s, default: 0] += 1 }
        for s in b { cb[s, default: 0] += 1 }
        var bins: [(Int, Int)] = [(a.count(where: { $0 < support.lowerBound }), b.count(where: { $0 < support.lowerBound }))]
        var current = (0, 0)
        for y in support {
            current.0 += ca[y] ?? 0
            current.1 += cb[y] ?? 0
            if current.0 + current.1 >= minimumCount {
                bins.append(current)
                current = (0, 0)
            }
        }
        current.0 += a.count(where: { $0 > support.upperBound })
        current.1 += b.count(where: { $0 > support.upperBound })
        bins.append(current)
        let used = bins.filter { $0.0 + $0.1 > 0 }
        let statistic = used.reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) / Double($1.0 + $1.1) }
        return (statistic, used.count - 1)
    }

    /// The symmetric Skellam pmf with variance μ, e^{−μ}·I_|k|(μ), by Miller's backward recurrence
    /// I_{k−1} = I_{k+1} + (2k/μ)·I_k from far beyond the support (stable: I is the minimal solution), normalised
    /// by I_0 + 2·Σ_{k≥1} I_k = e^μ. Values beyond the start (20σ + 60) are 0.
    static func skellamPMF(mu: Double) -> (Int64) -> Double {
        let top = Int(20 * mu.squareRoot()) + 60
        var f = [Double](repeating: 0, count: top + 2)
        f[top] = 1e-280
        for k in stride(from: top, through: 1, by: -1) {
            f[k - 1] = f[k + 1] + 2 * Double(k) / mu * f[k]
            if f[k - 1] > 1e250 {
                for i in (k - 1)...top { f[i] *= 1e-250 }
            }
        }
        let total = f[0] + 2 * f[1...].reduce(0, +)
        return { k in Int(k.magnitude) <= top ? f[Int(k.magnitude)] / total : 0 }
    }
}
