import Foundation

/// Upper tails T(j) = P(X ≥ j), j = 0…K, of a symmetric, discrete log-concave integer noise X, in log space:
/// the summed noise of one coordinate of a distributed-DP round (a discrete Gaussian N_ℤ(0, V) or a
/// Skellam of variance V, both in INTEGER units). Computed once per noise level; ``UnitShiftGDP`` reads it.
///
/// Numerics: the unnormalised log-PMF is exact for the discrete Gaussian (−k²/2V) and, for Skellam, the sum of
/// log I_i(V)/I_{i−1}(V) from the backward (stable) ratio recurrence of the modified Bessel functions. Tails
/// are accumulated from the far end in log space, with a geometric bound for the mass beyond K (log-concave
/// PMFs have decreasing successive ratios); `logTailUpper` includes that bound, `logTailLower` omits it.
struct IntegerNoiseTails: Sendable {
    /// log T(j) without the remainder beyond K (a lower bound, j = 0…K).
    let logTailLower: [Double]
    /// log T(j) with the remainder beyond K bounded from above (an upper bound, j = 0…K).
    let logTailUpper: [Double]

    /// The largest K computed (entries beyond it would not fit in memory comfortably).
    static let maximumLength = 1 << 23

    /// Tails of N_ℤ(0, V) (P(k) ∝ e^{−k²/(2V)}) for k = 0…`length` − 1; V > 0.
    static func discreteGaussian(variance v: Double, length: Int) -> IntegerNoiseTails {
        var logPMF = [Double](repeating: 0, count: length)
        for k in 0..<length {
            let x = Double(k)
            logPMF[k] = -x * x / (2 * v)
        }
        // Successive ratios decrease: beyond the last entry they are at most e^{−(2K+1)/(2V)}.
        let last = Double(length - 1)
        let ratio = Foundation.exp(-(2 * last + 1) / (2 * v))
        return IntegerNoiseTails(logPMF: logPMF, ratioBeyond: ratio)
    }

    /// Tails of the Skellam distribution with variance V (the difference of two Poisson(V/2)):
    /// P(k) = e^{−V}·I_k(V), for k = 0…`length` − 1; V > 0.
    static func skellam(variance v: Double, length: Int) -> IntegerNoiseTails {
        // ρ_i = I_i(V)/I_{i−1}(V) satisfies ρ_i = 1/(2i/V + ρ_{i+1}); backward from far enough out that the
        // starting guess (the asymptotic V/(i + √(i² + V²))) no longer matters.
        let extra = max(64, Int((v.squareRoot() * 4).rounded(.up)))
        let start = length + extra
        var rho = v / (Double(start) + (Double(start) * Double(start) + v * v).squareRoot())
        var ratios = [Double](repeating: 0, count: length + 1)
        var i = start
        while i >= 1 {
            rho = 1 / (2 * Double(i) / v + rho)
            if i <= length { ratios[i] = rho }
            i -= 1
        }
        var logPMF = [Double](repeating: 0, count: length)
        for k in 1..<max(length, 1) { logPMF[k] = logPMF[k - 1] + Foundation.log(ratios[k]) }
        // ρ is decreasing in i (log-concavity); twice the computed ratio is a generous bound beyond K.
        return IntegerNoiseTails(logPMF: logPMF, ratioBeyond: min(0.999, 2 * ratios[length]))
    }

    /// Accumulates the tails of a symmetric PMF given for k ≥ 0 (unnormalised logs) and a bound `ratioBeyond` on
    /// every successive ratio P(k+1)/P(k) past the last entry.
    init(logPMF: [Double], ratioBeyond: Double) {
        let n = logPMF.count
        var lower = [Double](repeating: -.infinity, count: n)
        var upper = [Double](repeating: -.infinity, count: n)
        let r = min(max(ratioBeyond, 0), 0.999_999)
        // Remainder beyond the last entry: P(K)·r/(1 − r).
        var accLower = -Double.infinity
        var accUpper = logPMF[n - 1] + Foundation.log(r) - Foundation.log1p(-r)
        for k in stride(from: n - 1, through: 0, by: -1) {
            accLower = Self.logAdd(accLower, logPMF[k])
            accUpper = Self.logAdd(accUpper, logPMF[k])
            lower[k] = accLower
            upper[k] = accUpper
        }
        // Z = P(0) + 2·Σ_{k≥1} P(k) (symmetric); the upper tails give an upper bound on Z, so they normalise the
        // lower tails (smaller) and the lower tails normalise the upper ones (larger).
        let zUpper = n > 1 ? Self.logAdd(logPMF[0], Foundation.log(2) + upper[1]) : upper[0]
        let zLower = n > 1 ? Self.logAdd(logPMF[0], Foundation.log(2) + lower[1]) : lower[0]
        logTailLower = lower.map { $0 - zUpper }
        logTailUpper = upper.map { min(0, $0 - zLower) }
    }

    /// log(e^a + e^b) without overflow.
    static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let (hi, lo) = a > b ? (a, b) : (b, a)
        return hi + Foundation.log1p(Foundation.exp(lo - hi))
    }
}
