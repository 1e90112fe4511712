import Foundation

/// The standard normal distribution's CDF, log-CDF and quantile, accurate far into both tails.
enum StandardNormal {
    /// Φ(t) = P(N(0,1) ≤ t).
    static func cdf(_ t: Double) -> Double {
        0.5 * Foundation.erfc(-t / 2.0.squareRoot())
    }

    /// log Φ(t), finite down to t ≈ −10¹⁵⁰ (asymptotic erfc beyond where Φ underflows).
    static func logCDF(_ t: Double) -> Double {
        if t > 0 { return Foundation.log1p(-0.5 * Foundation.erfc(t / 2.0.squareRoot())) }
        return Foundation.log(0.5) + LogSpace.logErfc(-t / 2.0.squareRoot())
    }

    /// Φ⁻¹(p) for p in (0, 1) (NaN outside).
    static func quantile(_ p: Double) -> Double {
        -(2.0.squareRoot()) * SpecialFunctions.erfcinv(2 * p)
    }
}
