extension RenyiDP {
    /// RDP of the distributed Skellam mechanism (Agarwal, Kairouz, Liu 2021, Thm. 3.5 as used by Google's
    /// distributed-DP code), in UNSCALED (model) units:
    ///
    ///   ε(α) = αΔ2²/(2μ) + min( ((2α−1)Δ2²/s² + 6Δ1/s³) / (4μ²),  3Δ1/(2sμ) )
    ///
    /// - Parameters:
    ///   - l2Sensitivity: Δ2 (model units, after norm inflation by rounding).
    ///   - l1Sensitivity: Δ1 (model units).
    ///   - centralVariance: μ, variance of the summed noise in model units (n · local variance).
    ///   - scale: s = 1/γ, integer units per model unit.
    public static func skellam(order alpha: Double, l2Sensitivity: Double, l1Sensitivity: Double,
                               centralVariance mu: Double, scale s: Double) -> Double {
        let base = alpha / (2 * mu) * l2Sensitivity * l2Sensitivity
        let first = ((2 * alpha - 1) * l2Sensitivity * l2Sensitivity / (s * s) + 6 * l1Sensitivity / (s * s * s))
            / (4 * mu * mu)
        let second = 3 * l1Sensitivity / (2 * s * mu)
        return base + min(first, second)
    }
}
