import Foundation

/// A per-coordinate Gaussian-DP bound for one coordinate of summed integer noise X (symmetric, discrete
/// log-concave) under integer shifts: for every shift s with 1 ≤ |s| ≤ `maxShift`, the pair (X, X + s) is
/// dominated by the pair of a Gaussian shift s·``unitShiftMu`` with an atom of mass ``tailMass`` on each side
/// (A = (1−η)N(sμ₁, 1) + η·δ_a, B = (1−η)N(0, 1) + η·δ_b, a ≠ b: hockey-stick H_c(A‖B) = η + (1−η)H_c(Gauss)).
///
/// Why (Docs/privacy.md, "PLD for the distributed mechanisms"): for a log-concave PMF the likelihood ratio of
/// X + s against X is monotone, so the optimal tests are thresholds and the trade-off curve of (X, X + s) is the
/// polygon through (T(j), 1 − T(j − s)), T(j) = P(X ≥ j). With x_j = Φ̄⁻¹(T(j)) it lies above the Gaussian
/// curve G_μ wherever x_j − x_{j−s} ≤ μ, and x_j − x_{j−s} is a sum of s unit increments x_i − x_{i−1}. So the
/// largest unit increment μ₁ over the window covers every shift up to `maxShift` with μ = s·μ₁. Vertices
/// with T(j − s) ≤ η or T(j) ≥ 1 − η lie above the atom pair's curve (1−η)·G_μ(α/(1−η)) without any check,
/// which is what keeps the window finite; symmetry maps the increments at i ≤ 0 to 2 − i.
///
/// For the distributed discrete Gaussian the sum of n shares is within max-divergence τ of N_ℤ(0, V) in both
/// directions (Kairouz, Liu, Steinke 2021, the closeness behind their Thm. 1): every tail is taken at e^{∓τ}
/// times the discrete Gaussian's, on the pessimistic side.
public struct UnitShiftGDP: Sendable, Equatable {
    /// μ₁: the Gaussian-DP parameter that covers a shift by one integer unit (a shift s is covered by s·μ₁).
    public let unitShiftMu: Double
    /// η: the atom mass per coordinate (the noise's tail beyond the verified window), in (0, 1e-12].
    public let tailMass: Double
    /// The largest |shift| covered.
    public let maxShift: Int
    /// √V: the summed noise's standard deviation in integer units.
    public let stddev: Double

    /// The tail mass per coordinate the window is sized for.
    public static let defaultTailMass = 1e-16

    /// Why no bound was computed (the accountant then uses RDP and says so).
    public enum Unavailable: Error, Equatable, Sendable, CustomStringConvertible {
        /// The window the noise needs is longer than ``IntegerNoiseTails/maximumLength``.
        case windowTooLong(stddev: Double, maxShift: Int)
        /// τ is too large for the discrete Gaussian's tails to bound the sum's.
        case tauTooLarge(Double)
        /// A parameter is not finite or not positive.
        case invalid(String)

        public var description: String {
            switch self {
            case .windowTooLong(let s, let shift):
                "the noise's standard deviation (\(s) integer units) and sensitivity (\(shift)) need a window longer than "
                    + "\(IntegerNoiseTails.maximumLength) integers"
            case .tauTooLarge(let tau):
                "the sum of discrete Gaussian shares is too far from one discrete Gaussian (τ = \(tau) > 1e-6)"
            case .invalid(let reason): reason
            }
        }
    }

    /// The bound for `mechanism` with summed variance `variance` (integer units²), shifts up to `maxShift`, and
    /// τ (distributed discrete Gaussian only; 0 for Skellam).
    public static func verify(
        mechanism: DistributedMechanism, variance: Double, tau: Double, maxShift: Int,
        tailMass: Double = defaultTailMass
    ) throws(Unavailable) -> UnitShiftGDP {
        guard variance.isFinite, variance > 0 else { throw .invalid("variance must be > 0, got \(variance)") }
        guard maxShift >= 1 else { throw .invalid("the sensitivity must be ≥ 1 integer unit, got \(maxShift)") }
        guard tailMass > 0, tailMass <= 1e-12 else { throw .invalid("tail mass must be in (0, 1e-12]") }
        let t = mechanism == .ddgauss ? tau : 0
        guard t.isFinite, t >= 0, t <= 1e-6 else { throw .tauTooLarge(tau) }
        let sigma = variance.squareRoot()
        // T(j) ≤ tailMass by j ≈ σ·√(2 ln(1/η)) for sub-Gaussian tails; Skellam's are heavier when V is small.
        let reach = sigma * (2 * Foundation.log(1 / tailMass)).squareRoot() + 4 * sigma + 64
        let lengthEstimate = reach + Double(maxShift) + 2
        guard lengthEstimate < Double(IntegerNoiseTails.maximumLength) else {
            throw .windowTooLong(stddev: sigma, maxShift: maxShift)
        }
        let length = Int(lengthEstimate.rounded(.up))
        let tails = mechanism == .ddgauss
            ? IntegerNoiseTails.discreteGaussian(variance: variance, length: length)
            : IntegerNoiseTails.skellam(variance: variance, length: length)
        let logEta = Foundation.log(tailMass)
        // J_η: the first j ≥ 1 whose (pessimistic) tail is at most η.
        guard let cut = (1..<length).first(where: { tails.logTailUpper[$0] + t <= logEta }),
            cut + maxShift < length
        else { throw .windowTooLong(stddev: sigma, maxShift: maxShift) }
        var largest = 0.0
        for j in 1...(cut + maxShift) {
            let lower = Foundation.exp(tails.logTailLower[j] - t)
            let upper = Foundation.exp(tails.logTailUpper[j - 1] + t)
            guard upper < 1, lower > 0 else { throw .tauTooLarge(tau) }
            let increment = inverseNormalTail(lower) - inverseNormalTail(upper)
            largest = max(largest, increment)
        }
        // Headroom for the inverse's ~1e-14 relative error.
        let mu = largest * (1 + 1e-9) + 1e-12
        let eta = Foundation.exp(tails.logTailUpper[cut] + t)
        return UnitShiftGDP(unitShiftMu: mu, tailMass: eta, maxShift: maxShift, stddev: sigma)
    }

    /// Φ̄⁻¹(p) = √2·erfc⁻¹(2p) for p in (0, 1).
    static func inverseNormalTail(_ p: Double) -> Double {
        2.0.squareRoot() * SpecialFunctions.erfcinv(2 * p)
    }
}
