import Foundation

/// An (ε, δ) guarantee obtained from an RDP curve, with the grid order that attains it.
public struct PrivacyGuarantee: Sendable, Equatable, Codable {
    /// ε ≥ 0 (may be `infinity` when no order gives a finite bound).
    public let epsilon: Double
    /// δ the guarantee holds for.
    public let delta: Double
    /// The grid order α attaining the minimum (the first one on ties, as dp-accounting's argmin).
    public let order: Double

    public init(epsilon: Double, delta: Double, order: Double) {
        self.epsilon = epsilon
        self.delta = delta
        self.order = order
    }
}

/// RDP → (ε, δ) conversion over a grid of orders.
public enum RDPConversion {
    /// The rule used to turn RDP at one order into ε.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// Mironov 2017, Prop. 3: ε = R(α) + log(1/δ)/(α−1).
        case classic
        /// Canonne, Kamath, Steinke 2020, Prop. 12 (Balle et al. 2020), as dp-accounting's `compute_epsilon`:
        /// ε = R(α) + log((α−1)/α) − (log δ + log α)/(α−1) for α > 1.01; ε = 0 when δ² + expm1(−R) > 0.
        case improved
    }

    /// ε for `delta` from the RDP values `rdp` at `orders` (same length); `infinity`/NaN values exclude an order.
    public static func epsilon(orders: [Double], rdp: [Double], delta: Double,
                               rule: Rule = .improved) throws(DPNoiseError.Accounting) -> PrivacyGuarantee {
        try Check.delta(delta)
        try Check.orders(orders)
        guard orders.count == rdp.count else {
            throw .invalidParameter(.rdp, reason: "needs one value per order (\(orders.count)), got \(rdp.count)")
        }
        var bestIndex = 0
        var best = Double.infinity
        for (index, (alpha, r)) in zip(orders, rdp).enumerated() {
            let candidate = epsilonAtOrder(alpha: alpha, rdp: r, delta: delta, rule: rule)
            if candidate < best {
                best = candidate
                bestIndex = index
            }
        }
        return PrivacyGuarantee(epsilon: max(0, best), delta: delta, order: orders[bestIndex])
    }

    /// ε at one order (NaN-free: undefined cases give `infinity`).
    static func epsilonAtOrder(alpha: Double, rdp r: Double, delta: Double, rule: Rule) -> Double {
        guard !r.isNaN, alpha > 1 else { return .infinity }
        switch rule {
        case .classic:
            if r < 0 { return 0 }
            return r + Foundation.log(1 / delta) / (alpha - 1)
        case .improved:
            if r < 0 { return 0 }
            if delta * delta + Foundation.expm1(-r) > 0 { return 0 }
            if alpha > 1.01 {
                return r + Foundation.log1p(-1 / alpha) - Foundation.log(delta * alpha) / (alpha - 1)
            }
            return .infinity
        }
    }
}
