/// Rényi differential privacy (RDP) of the mechanisms secagg uses, as pure functions of their parameters.
///
/// Conventions for every function in this namespace:
/// - `order` is the Rényi order α > 1; the result is the RDP ε(α) of ONE release (compose with `composed`).
/// - `Double.infinity` means "no finite bound at this order": the order is excluded from the conversion.
/// - Noise multipliers z are dimensionless: noise standard deviation ÷ L2 sensitivity.
public enum RenyiDP {
    /// RDP of the Gaussian mechanism with noise multiplier z: α / (2z²).
    public static func gaussian(order: Double, noiseMultiplier z: Double) -> Double {
        order / (2 * z * z)
    }

    /// T-fold adaptive composition: RDP adds up, so every order's value is multiplied by `steps`.
    public static func composed(_ rdp: [Double], steps: Int) -> [Double] {
        rdp.map { $0 * Double(steps) }
    }

    /// zCDP with an additive slack, ρ·α + ξ (the form of the first bound of Kairouz-Liu-Steinke 2021 Thm. 1,
    /// and of dp-accounting's `ZCDpEvent(rho, xi)`).
    public static func zeroConcentrated(order: Double, rho: Double, xi: Double) -> Double {
        xi + rho * order
    }
}
