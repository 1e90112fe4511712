/// Which privacy accountant turns noise into (ε, δ): a choice recorded with every guarantee so it can be
/// recomputed the same way.
public enum Accountant: String, Sendable, Codable, CaseIterable {
    /// Privacy-loss distributions (`PLDAccountant`): the tightest known numerical bound for the Gaussian and
    /// sampled Gaussian; the default where it is sound.
    case pld
    /// Rényi DP with dp-accounting's default orders and improved conversion (`GaussianAccountant`); the only
    /// accountant for the distributed mechanisms (DDGauss, Skellam), whose bounds are stated in RDP.
    case rdp

    /// The accountant used when none is named.
    public static let `default`: Accountant = .pld

    /// ε after `steps` rounds of the (Poisson-subsampled) Gaussian mechanism with this accountant.
    public func gaussianEpsilon(noiseMultiplier: Double, samplingRate: Double = 1, steps: Int, delta: Double,
                                discretization: Double = PLDAccountant.defaultDiscretization) throws(DPNoiseError.Accounting)
        -> AccountedGuarantee
    {
        switch self {
        case .pld:
            let g = try PLDAccountant.epsilon(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate,
                                              steps: steps, delta: delta, discretization: discretization)
            return AccountedGuarantee(epsilon: g.epsilon, delta: g.delta, accountant: .pld, order: nil,
                                      discretization: g.discretization)
        case .rdp:
            let g = try GaussianAccountant.epsilon(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate,
                                                   steps: steps, delta: delta)
            return AccountedGuarantee(epsilon: g.epsilon, delta: g.delta, accountant: .rdp, order: g.order,
                                      discretization: nil)
        }
    }

    /// The smallest noise multiplier whose ε after `steps` rounds of the (Poisson-subsampled) Gaussian is
    /// ≤ `targetEpsilon` with this accountant, and the guarantee it achieves.
    public func calibrateGaussian(targetEpsilon: Double, delta: Double, samplingRate: Double = 1, steps: Int,
                                  discretization: Double = PLDAccountant.defaultDiscretization)
        throws(DPNoiseError.Accounting) -> (noiseMultiplier: Double, guarantee: AccountedGuarantee)
    {
        switch self {
        case .pld:
            let r = try NoiseCalibration.gaussianPLD(targetEpsilon: targetEpsilon, delta: delta,
                                                     samplingRate: samplingRate, steps: steps,
                                                     discretization: discretization)
            return (r.noiseMultiplier, AccountedGuarantee(epsilon: r.guarantee.epsilon, delta: delta,
                                                          accountant: .pld, order: nil,
                                                          discretization: discretization))
        case .rdp:
            let r = try NoiseCalibration.gaussian(targetEpsilon: targetEpsilon, delta: delta,
                                                  samplingRate: samplingRate, steps: steps)
            return (r.noiseMultiplier, AccountedGuarantee(epsilon: r.guarantee.epsilon, delta: delta,
                                                          accountant: .rdp, order: r.guarantee.order,
                                                          discretization: nil))
        }
    }
}

/// An (ε, δ) guarantee with the accountant that produced it and that accountant's own parameter.
public struct AccountedGuarantee: Sendable, Equatable, Codable {
    /// ε ≥ 0 (`infinity` when none is finite).
    public let epsilon: Double
    /// δ in (0, 1).
    public let delta: Double
    /// The accountant that computed `epsilon`.
    public let accountant: Accountant
    /// RDP only: the grid order attaining the minimum.
    public let order: Double?
    /// PLD only: the loss grid step h (nats).
    public let discretization: Double?

    public init(epsilon: Double, delta: Double, accountant: Accountant, order: Double?, discretization: Double?) {
        self.epsilon = epsilon
        self.delta = delta
        self.accountant = accountant
        self.order = order
        self.discretization = discretization
    }
}
