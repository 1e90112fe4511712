extension DistributedDPConfiguration {
    /// The smallest per-client discrete-Gaussian parameter σ (integer units) the distributed discrete Gaussian's
    /// privacy theorem covers: Kairouz, Liu, Steinke 2021, Thm. 1 (and Prop. 14, the sum of n discrete Gaussians
    /// being τ-close to one) are stated for shares N_ℤ(0, σ²) with σ ≥ 1/2. The accountant's τ term is only a
    /// bound under that assumption, so a configuration below it is refused, never accounted.
    public static let minimumDiscreteGaussianSigma = 0.5

    /// True when the per-client variance `v` (the sampler's σ², exactly as a rational) meets σ ≥ 1/2, i.e.
    /// 4·numerator ≥ denominator, checked in exact integer arithmetic.
    public static func meetsDiscreteGaussianPrecondition(_ v: ScaledVariance) -> Bool {
        let (high, low) = v.numerator.multipliedFullWidth(by: 4)
        return high > 0 || low >= v.denominator
    }

    /// Throws unless the configuration is inside the privacy theorem's preconditions: for `ddgauss`, each
    /// client's rounded variance must give σ ≥ ``minimumDiscreteGaussianSigma`` integer units (Skellam has no
    /// such precondition in Agarwal, Kairouz, Liu 2021).
    ///
    /// - Throws: ``DPNoiseError/Accounting/invalidParameter(_:reason:)`` for `noiseMultiplier`, a sentence naming the
    ///   minimum and what to change.
    public func checkTheoremPreconditions() throws(DPNoiseError.Accounting) {
        guard mechanism == .ddgauss, !Self.meetsDiscreteGaussianPrecondition(localScaledVariance) else { return }
        let sigma = localScaledVariance.value.squareRoot()
        throw .invalidParameter(.noiseMultiplier, reason: "each client's discrete Gaussian would have σ = \(sigma) integer units at \(bits) bits, below the "
                + "minimum σ = 1/2 under which the distributed discrete Gaussian's privacy theorem (Kairouz, Liu, "
                + "Steinke 2021, Thm. 1) holds; raise the noise multiplier or the bits (a finer scale)")
    }
}
