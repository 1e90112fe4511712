import Foundation

/// (ε, δ) of a mechanism that equals an accounted one except on an event of small probability: a sampled run
/// whose round is skipped when its Poisson sample is too small (Docs/privacy.md, "Skipped rounds").
///
/// If, for a pair of neighbours D ∋ x and D′ = D − x, a mechanism A agrees with a mechanism B that is (ε, δ₀)-DP
/// on that pair except on an event of probability at most S under D (and A(D′) = B(D′)), then A is
/// (ε, δ₀ + e^ε·S)-DP on the pair: P[A(D) ∈ E] ≤ P[B(D) ∈ E] + S ≤ e^ε·P[A(D′) ∈ E] + δ₀ + S and
/// P[A(D′) ∈ E] ≤ e^ε·(P[A(D) ∈ E] + S) + δ₀. Here S = Σ_rounds η_r, the per-round skip slacks.
public enum SkipSlack {
    /// The least ε (up to a relative 1e-9) with `epsilonAt`(δ − e^ε·`slack`) ≤ ε: the run is then
    /// (ε, δ)-DP, the accounted part at δ − e^ε·slack and the skip event at e^ε·slack. `epsilonAt(δ')` is the
    /// accountant's ε at δ' (non-increasing in δ'). With `slack` = 0 this is `epsilonAt(delta)`.
    ///
    /// Solved by the increasing iteration ε_{k+1} = epsilonAt(δ − e^{ε_k}·slack) from ε_0 = epsilonAt(δ), and the
    /// returned value is checked to satisfy the inequality (a certificate, not a float fixed point).
    ///
    /// - Returns: ∞ when no ε works (the skip slack alone uses up δ).
    /// - Throws: what `epsilonAt` throws.
    public static func epsilon(
        delta: Double, slack: Double, epsilonAt: (Double) throws(DPNoiseError.Accounting) -> Double
    ) throws(DPNoiseError.Accounting) -> Double {
        guard slack > 0 else { return try epsilonAt(delta) }
        guard slack.isFinite else { return .infinity }
        func accounted(at epsilon: Double) throws(DPNoiseError.Accounting) -> Double? {
            let rest = delta - Foundation.exp(epsilon) * slack
            guard rest > 0, rest.isFinite else { return nil }
            return try epsilonAt(rest)
        }
        var current = try epsilonAt(delta)
        for _ in 0..<200 {
            guard current.isFinite else { return .infinity }
            let candidate = current * (1 + 1e-9) + 1e-12
            guard let next = try accounted(at: candidate) else { return .infinity }
            if next <= candidate { return candidate }
            current = next
        }
        return .infinity
    }

    /// The skip slack's share of δ for a run that reports ε: e^ε·`slack` (∞ when ε is).
    public static func delta(epsilon: Double, slack: Double) -> Double {
        slack > 0 ? Foundation.exp(epsilon) * slack : 0
    }
}
