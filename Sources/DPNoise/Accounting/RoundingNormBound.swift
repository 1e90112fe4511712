import Foundation

/// Norm bounds of a vector after conditional randomized rounding to the integer grid
/// (Kairouz, Liu, Steinke 2021, Thm. 1 / Prop. 22). All values in INTEGER (scaled) units.
public enum RoundingNormBound {
    /// Δ2' for an input of L2 norm ≤ `l2Norm` in dimension d, when rounding is retried until the rounded norm is
    /// at most the returned bound (which holds with probability ≥ 1 − β per try):
    /// min(L + √d, √(L² + d/4 + √(2 ln(1/β))·(L + √d/2))); β = 0 gives L + √d.
    /// Preconditions: L > 0, d ≥ 1, 0 ≤ β < 1.
    public static func l2(_ l2Norm: Double, beta: Double, dimension: Int) -> Double {
        let d = Double(dimension)
        let plain = l2Norm + d.squareRoot()
        guard beta > 0 else { return plain }
        let squared = l2Norm * l2Norm + 0.25 * d
            + (2 * Foundation.log(1 / beta)).squareRoot() * (l2Norm + 0.5 * d.squareRoot())
        return min(plain, squared.squareRoot())
    }

    /// Δ1' of an integer vector of L2 norm ≤ `l2Bound` in dimension d: L·min(√d, L)
    /// (L1 ≤ √d·L2 in general, and L1 ≤ L2² for integer coordinates).
    public static func l1(l2Bound: Double, dimension: Int) -> Double {
        l2Bound * min(Double(dimension).squareRoot(), l2Bound)
    }
}
