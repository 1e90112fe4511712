import Foundation

/// Numerically careful helpers in log space for the accountant (floating point is fine here: accounting only).
enum LogSpace {
    /// log(exp(x) + exp(y)).
    static func add(_ x: Double, _ y: Double) -> Double {
        let (a, b) = (min(x, y), max(x, y))
        if a == -.infinity { return b }
        return Foundation.log1p(Foundation.exp(a - b)) + b
    }

    /// log|Γ(x)| (the logarithm of the absolute value, as scipy's `gammaln`).
    static func logGamma(_ x: Double) -> Double {
        Foundation.lgamma(x)
    }

    /// log |C(n, k)| through log-gamma, valid for real n (generalized binomial coefficient magnitudes).
    static func logBinomial(_ n: Double, _ k: Double) -> Double {
        logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
    }

    /// log(erfc(x)), accurate also where erfc underflows (x ≫ 1).
    static func logErfc(_ x: Double) -> Double {
        if x < 20 { return Foundation.log(Foundation.erfc(x)) }
        // Asymptotic series: erfc(x) = e^{-x²}/(x√π) · Σ_k (-1)^k (2k-1)!! / (2x²)^k; terms shrink fast for x ≥ 20.
        let twoXSquared = 2 * x * x
        var term = 1.0
        var sum = 1.0
        for k in 1...12 {
            term *= -Double(2 * k - 1) / twoXSquared
            sum += term
        }
        return -x * x - Foundation.log(x) - 0.5 * Foundation.log(Double.pi) + Foundation.log(sum)
    }

    /// log Σ_i w_i exp(a_i) for non-negative weights w_i (zero weights and −∞ terms are skipped).
    static func weightedSum(logs: [Double], weights: [Double]) -> Double {
        var maximum = -Double.infinity
        for (a, w) in zip(logs, weights) where w > 0 { maximum = max(maximum, a) }
        if maximum == -.infinity { return -.infinity }
        if maximum == .infinity { return .infinity }
        var total = 0.0
        for (a, w) in zip(logs, weights) where w > 0 { total += w * Foundation.exp(a - maximum) }
        return maximum + Foundation.log(total)
    }
}
