import Foundation

extension RenyiDP {
    /// Upper bound on the RDP of a Poisson-subsampled mechanism at integer order α ≥ 2, from the RDP of the
    /// unsampled mechanism (Zhu & Wang 2019, "Poisson Subsampled Rényi Differential Privacy", Thm. 5):
    ///
    ///   (α−1)·ε'(α) ≤ log[ (1−q)^{α−1}(αq−q+1) + C(α,2) q² (1−q)^{α−2} e^{ε(2)}
    ///                       + 3 Σ_{l=3}^{α} C(α,l) q^l (1−q)^{α−l} e^{(l−1)ε(l)} ].
    ///
    /// `unsampled(l)` must return the unsampled RDP at integer order l (it is called for l = 2…α). The caller
    /// usually takes the minimum with the unsampled value at α (as Google's distributed-DP code and the
    /// reference rows do). q = 1 returns `unsampled(α)`; α < 2 returns ∞ (no bound).
    public static func zhuWangSubsampled(order alpha: Int, samplingRate q: Double,
                                         unsampled: (Int) -> Double) -> Double {
        guard alpha >= 2 else { return .infinity }  // the bound is stated for integer orders ≥ 2
        if q >= 1 { return unsampled(alpha) }
        if q <= 0 { return 0 }
        let a = Double(alpha)
        let logQ = Foundation.log(q)
        let log1mq = Foundation.log1p(-q)
        var logs: [Double] = [
            (a - 1) * log1mq + Foundation.log(a * q - q + 1),
            LogSpace.logBinomial(a, 2) + 2 * logQ + (a - 2) * log1mq + unsampled(2),
        ]
        var weights: [Double] = [1, 1]
        if alpha >= 3 {
            for l in 3...alpha {
                let ll = Double(l)
                logs.append((ll - 1) * unsampled(l) + LogSpace.logBinomial(a, ll) + (a - ll) * log1mq + ll * logQ)
                weights.append(3)
            }
        }
        return LogSpace.weightedSum(logs: logs, weights: weights) / (a - 1)
    }
}
