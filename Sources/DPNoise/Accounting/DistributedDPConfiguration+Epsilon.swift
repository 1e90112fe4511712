import Foundation

extension DistributedDPConfiguration {
    /// The orders the distributed mechanisms are accounted on (integer, for the Zhu–Wang subsampling bound).
    public static let orders = RDPOrders.integer2to128And256

    /// Local stddev in integer units as the accountant sees it: √(rounded variance).
    public var localScaledStddev: Double { localScaledVariance.value.squareRoot() }

    /// Thm. 1 parameters in integer units, with the rounded variance and n_eff honest shares.
    public var ddgaussParameters: RenyiDP.DistributedDiscreteGaussian {
        let inflatedScaledL2 = inflatedL2 * scale
        return RenyiDP.DistributedDiscreteGaussian(
            clients: effectiveClients, localStddev: localScaledStddev, dimension: dimension,
            l2Sensitivity: inflatedScaledL2, l1Sensitivity: inflatedL1 * scale, tau: tau)
    }

    /// Unsampled RDP of one round at integer order α ≥ 2.
    public func rdp(order alpha: Int) -> Double {
        rdp(order: alpha, ddgauss: ddgaussParameters)
    }

    func rdp(order alpha: Int, ddgauss parameters: RenyiDP.DistributedDiscreteGaussian) -> Double {
        switch mechanism {
        case .ddgauss:
            return RenyiDP.distributedDiscreteGaussian(order: Double(alpha), parameters)
        case .skellam:
            let centralVariance = Double(effectiveClients) * localScaledVariance.value / (scale * scale)
            return RenyiDP.skellam(order: Double(alpha), l2Sensitivity: inflatedL2, l1Sensitivity: inflatedL1,
                                   centralVariance: centralVariance, scale: scale)
        }
    }

    /// RDP curve of one round on `DistributedDPConfiguration.orders`, with Poisson sampling of clients at rate q
    /// (Zhu–Wang Thm. 5, never above the unsampled value). q = 1 is a fixed cohort (no amplification).
    ///
    /// - Throws: `.invalidParameter` for q, or when the configuration is outside the privacy theorem's
    ///   preconditions (``checkTheoremPreconditions()``): no bound is claimed there.
    public func rdpCurve(samplingRate q: Double) throws(DPNoiseError.Accounting) -> [Double] {
        try Check.samplingRate(q)
        try checkTheoremPreconditions()
        let maxOrder = 256
        var unsampled = [Double](repeating: .infinity, count: maxOrder + 1)
        let parameters = ddgaussParameters
        for alpha in 2...maxOrder { unsampled[alpha] = rdp(order: alpha, ddgauss: parameters) }
        return Self.orders.map { order in
            let alpha = Int(order)
            let plain = unsampled[alpha]
            guard q < 1 else { return plain }
            let sampled = RenyiDP.zhuWangSubsampled(order: alpha, samplingRate: q) { unsampled[$0] }
            return min(sampled, plain)
        }
    }

    /// (ε, δ) after `steps` rounds with client sampling rate q, improved conversion on the integer orders.
    public func epsilon(samplingRate q: Double, steps: Int, delta: Double) throws(DPNoiseError.Accounting) -> PrivacyGuarantee {
        try Check.steps(steps)
        try Check.delta(delta)
        let curve = RenyiDP.composed(try rdpCurve(samplingRate: q), steps: steps)
        return try RDPConversion.epsilon(orders: Self.orders, rdp: curve, delta: delta)
    }
}
