import Foundation

/// Special functions the distributed-DP parameter derivation needs.
public enum SpecialFunctions {
    /// The inverse complementary error function: the x with erfc(x) = p, for p in (0, 2).
    ///
    /// An initial rational approximation of the normal quantile (relative error ~1e-9) is refined with two
    /// Halley steps on erfc, giving close to full double precision (≤ ~1e-14 relative) over (1e-300, 2).
    /// Returns NaN outside (0, 2). Example: `erfcinv(1e-4) = 2.7510639057120607`, so √2·erfcinv(1e-4) = 3.8905918864.
    public static func erfcinv(_ p: Double) -> Double {
        guard p.isFinite, p > 0, p < 2 else { return .nan }
        if p == 1 { return 0 }
        if p > 1 { return -erfcinv(2 - p) }
        // erfc(x) = p  ⇔  x = -Φ⁻¹(p/2)/√2.
        var x = -normalQuantile(p / 2) / 2.0.squareRoot()
        for _ in 0..<3 {
            let f = Foundation.erfc(x) - p
            let derivative = -2 / Double.pi.squareRoot() * Foundation.exp(-x * x)
            guard derivative != 0 else { break }
            let ratio = f / derivative
            x -= ratio / (1 + x * ratio)
        }
        return x
    }

    /// Φ⁻¹(p) for p in (0, 0.5], a rational approximation (P. J. Acklam's coefficients), relative error ~1e-9.
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let lowTail = 0.02425
        if p < lowTail {
            let q = (-2 * Foundation.log(p)).squareRoot()
            let numerator = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
            let denominator = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
            return numerator / denominator
        }
        let q = p - 0.5
        let r = q * q
        let numerator = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        let denominator = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
        return numerator / denominator
    }
}
