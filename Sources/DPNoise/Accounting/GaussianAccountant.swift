/// (ε, δ) of T compositions of the (Poisson-subsampled) continuous Gaussian mechanism, as dp-accounting's
/// `RdpAccountant` computes it for `PoissonSampledDpEvent(q, GaussianDpEvent(z))` composed T times.
public enum GaussianAccountant {
    /// - Parameters:
    ///   - noiseMultiplier: z = noise stddev ÷ L2 sensitivity, > 0.
    ///   - samplingRate: q in (0, 1]; 1 = every step uses the whole population (no amplification).
    ///   - steps: T ≥ 1 compositions.
    ///   - delta: δ in (0, 1).
    ///   - orders: the RDP grid (default: dp-accounting's 156 orders).
    ///   - rule: the RDP→(ε, δ) conversion (default: improved, as dp-accounting).
    public static func epsilon(noiseMultiplier: Double, samplingRate: Double = 1, steps: Int, delta: Double,
                               orders: [Double] = RDPOrders.dpAccountingDefault,
                               rule: RDPConversion.Rule = .improved) throws(DPNoiseError.Accounting) -> PrivacyGuarantee {
        try Check.positive(noiseMultiplier, .noiseMultiplier)
        try Check.samplingRate(samplingRate)
        try Check.steps(steps)
        try Check.delta(delta)
        try Check.orders(orders)
        let rdp = RenyiDP.poissonSubsampledGaussian(orders: orders, samplingRate: samplingRate,
                                                    noiseMultiplier: noiseMultiplier)
        return try RDPConversion.epsilon(orders: orders, rdp: RenyiDP.composed(rdp, steps: steps), delta: delta,
                                         rule: rule)
    }
}
