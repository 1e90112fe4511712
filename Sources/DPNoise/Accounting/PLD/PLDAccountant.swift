import Foundation

/// An (ε, δ) guarantee from the PLD accountant.
public struct PLDGuarantee: Sendable, Equatable, Codable {
    /// ε ≥ 0 (`infinity` when no finite ε meets δ).
    public let epsilon: Double
    /// δ in (0, 1) the guarantee holds for.
    public let delta: Double
    /// The loss grid step h (nats) the guarantee was computed with; a smaller h gives a tighter (never looser
    /// than the truth) bound at higher cost.
    public let discretization: Double

    public init(epsilon: Double, delta: Double, discretization: Double) {
        self.epsilon = epsilon
        self.delta = delta
        self.discretization = discretization
    }
}

/// The privacy-loss-distribution accountant (Koskela, Jälkö, Honkela 2020; Doroshenko, Ghazi, Kamath, Kumar,
/// Manurangsi 2022), as dp-accounting 0.6's `PLDAccountant` with its defaults: pessimistic connect-the-dots
/// discretisation of each mechanism, composition by FFT, tails of mass ≤ 1e-15 per composition moved to +∞.
/// Every ε it returns is an upper bound on the mechanism's true ε at δ (up to floating-point rounding), and is
/// never larger than the RDP accountant's by more than the discretisation error.
public enum PLDAccountant {
    /// dp-accounting's default grid step, 1e-4 nats.
    public static let defaultDiscretization = 1e-4

    /// ε after `steps` rounds of the (Poisson-subsampled) Gaussian mechanism.
    ///
    /// - Parameters:
    ///   - noiseMultiplier: z = noise stddev ÷ L2 sensitivity, > 0.
    ///   - samplingRate: q in (0, 1]; 1 = no sampling (then T rounds are exactly one Gaussian with z/√T).
    ///   - steps: T ≥ 1.
    ///   - delta: δ in (0, 1).
    ///   - discretization: grid step h > 0 (nats).
    public static func epsilon(noiseMultiplier: Double, samplingRate: Double = 1, steps: Int, delta: Double,
                               discretization: Double = defaultDiscretization) throws(DPNoiseError.Accounting)
        -> PLDGuarantee
    {
        try epsilon(events: [gaussianRounds(noiseMultiplier, samplingRate, steps)], delta: delta,
                    discretization: discretization)
    }

    /// δ at `epsilon` ≥ 0 after `steps` rounds of the (Poisson-subsampled) Gaussian mechanism (parameters as
    /// `epsilon(noiseMultiplier:…)`).
    public static func delta(noiseMultiplier: Double, samplingRate: Double = 1, steps: Int, epsilon: Double,
                             discretization: Double = defaultDiscretization) throws(DPNoiseError.Accounting) -> Double
    {
        try delta(events: [gaussianRounds(noiseMultiplier, samplingRate, steps)], epsilon: epsilon,
                  discretization: discretization)
    }

    /// ε at `delta` for the composition of heterogeneous rounds (e.g. a ledger whose rounds differ).
    public static func epsilon(events: [RepeatedEvent], delta: Double,
                               discretization: Double = defaultDiscretization) throws(DPNoiseError.Accounting)
        -> PLDGuarantee
    {
        try Check.delta(delta)
        let pld = try distribution(events: events, discretization: discretization)
        return PLDGuarantee(epsilon: try pld.epsilon(delta: delta), delta: delta, discretization: discretization)
    }

    /// δ at `epsilon` ≥ 0 for the composition of heterogeneous rounds.
    public static func delta(events: [RepeatedEvent], epsilon: Double,
                             discretization: Double = defaultDiscretization) throws(DPNoiseError.Accounting) -> Double
    {
        try Check.nonNegative(epsilon, .epsilon)
        return try distribution(events: events, discretization: discretization).delta(epsilon: epsilon)
    }

    /// The composed PLD of `events` (in order; composition is commutative up to rounding). Identical Gaussian
    /// rounds without sampling are merged exactly (T Gaussians with z are one Gaussian with z/√T); other repeats
    /// are self-composed by one FFT power.
    public static func distribution(events: [RepeatedEvent], discretization: Double = defaultDiscretization)
        throws(DPNoiseError.Accounting) -> PrivacyLossDistribution
    {
        try Check.positive(discretization, .discretization)
        var result: PrivacyLossDistribution? = nil
        for repeated in events {
            try Check.steps(repeated.count, .count)
            try repeated.event.validate()
            let pld: PrivacyLossDistribution
            switch repeated.event {
            case .gaussian(let z), .sampledGaussian(let z, 1):
                pld = try PrivacyLossDistribution(
                    event: .gaussian(noiseMultiplier: z / Double(repeated.count).squareRoot()),
                    discretization: discretization)
            default:
                pld = try PrivacyLossDistribution(event: repeated.event, discretization: discretization)
                    .selfComposed(repeated.count)
            }
            result = try result.map { (r) throws(DPNoiseError.Accounting) in try r.composed(with: pld) } ?? pld
        }
        if let result { return result }
        return try .identity(discretization: discretization)
    }

    static func gaussianRounds(_ z: Double, _ q: Double, _ steps: Int) throws(DPNoiseError.Accounting) -> RepeatedEvent {
        try Check.positive(z, .noiseMultiplier)
        try Check.samplingRate(q)
        try Check.steps(steps)
        return RepeatedEvent(q == 1 ? .gaussian(noiseMultiplier: z) : .sampledGaussian(noiseMultiplier: z,
                                                                                       samplingRate: q),
                             count: steps)
    }
}
