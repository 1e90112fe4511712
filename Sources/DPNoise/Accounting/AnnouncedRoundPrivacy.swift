import Foundation

/// The privacy of one round as a client can compute it from the server's announcement alone: the encoding it
/// will apply (clip, scale, rounding β, padded dimension, local noise) and the announced minimum survivors M,
/// less the c colluders the client itself assumes. Nothing the server merely claims about ε is trusted.
///
/// The honest noise in the released sum is that of M − c clients (a sum with more survivors only adds noise);
/// the sensitivity is the conditional-rounding bound of the clip at that scale. Client sampling is not
/// credited (q = 1): a client cannot check that the server sampled.
public struct AnnouncedRoundPrivacy: Sendable, Equatable {
    /// The mechanism the announced noise belongs to.
    public let mechanism: DistributedMechanism
    /// n_eff = M − c honest noise shares counted on (≥ 1).
    public let effectiveClients: Int
    /// z = central stddev ÷ L2 clip, in model units (dimensionless).
    public let noiseMultiplier: Double
    private let parameters: RenyiDP.DistributedDiscreteGaussian
    private let inflatedL2: Double
    private let inflatedL1: Double
    private let scale: Double
    private let localVariance: Double
    /// The round's Gaussian equivalent for the PLD accountant (q = 1), nil when the noise has none.
    public let gaussianEquivalent: GaussianEquivalentRound?

    /// - Throws: ``DPNoiseError/Accounting/invalidParameter(_:reason:)`` when the round has no noise, c ≥ M, or a
    ///   parameter is out of range.
    public init(encoding: EncodingParameters, minimumSurvivors m: Int, colluders c: Int) throws(DPNoiseError.Accounting) {
        let variance: Double
        switch encoding.noise {
        case .none:
            throw .invalidParameter(.noise, reason: "the round adds no noise")
        case .discreteGaussian:
            mechanism = .ddgauss
            variance = encoding.noise.variance
        case .skellam:
            mechanism = .skellam
            variance = encoding.noise.variance
        }
        guard variance.isFinite, variance > 0 else {
            throw .invalidParameter(.noise, reason: "variance must be positive, got \(variance)")
        }
        guard c >= 0, c < m else {
            throw .invalidParameter(.colludingClients, reason: "must be in 0..<\(m) (min survivors), got \(c)")
        }
        guard encoding.scale.isFinite, encoding.scale > 0, encoding.l2Clip.isFinite, encoding.l2Clip > 0 else {
            throw .invalidParameter(.encoding, reason: "scale and clip must be positive")
        }
        let d = encoding.paddedDimension
        let s = encoding.scale
        effectiveClients = m - c
        localVariance = variance
        scale = s
        let scaledL2 = RoundingNormBound.l2(encoding.l2Clip * s, beta: encoding.beta, dimension: d)
        inflatedL2 = scaledL2 / s
        inflatedL1 = RoundingNormBound.l1(l2Bound: scaledL2, dimension: d) / s
        let localStddev = variance.squareRoot()
        parameters = RenyiDP.DistributedDiscreteGaussian(
            clients: m - c, localStddev: localStddev, dimension: d, l2Sensitivity: scaledL2,
            l1Sensitivity: inflatedL1 * s,
            tau: mechanism == .ddgauss
                ? RenyiDP.distributedDiscreteGaussianTau(clients: m - c, localStddev: localStddev) : 0)
        noiseMultiplier = (Double(m - c) * variance).squareRoot() / s / encoding.l2Clip
        gaussianEquivalent = try? GaussianEquivalentRound(
            mechanism: mechanism, variance: Double(m - c) * variance, tau: parameters.tau, l2: scaledL2,
            l1: inflatedL1 * s, dimension: d, samplingRate: 1)
    }

    /// Unsampled RDP of the round on ``DistributedDPConfiguration/orders``.
    public var rdpCurve: [Double] {
        DistributedDPConfiguration.orders.map { order in
            switch mechanism {
            case .ddgauss:
                return RenyiDP.distributedDiscreteGaussian(order: order, parameters)
            case .skellam:
                return RenyiDP.skellam(
                    order: order, l2Sensitivity: inflatedL2, l1Sensitivity: inflatedL1,
                    centralVariance: Double(effectiveClients) * localVariance / (scale * scale), scale: scale)
            }
        }
    }

    /// (ε, δ) of several rounds composed with `accountant`: PLD of their Gaussian equivalents when asked for and
    /// every round has one, else their RDP curves added (the rule of ``DistributedPLD``'s
    /// `epsilon(accountant:equivalents:…)`; the result names the accountant used).
    public static func epsilon(
        composing rounds: [AnnouncedRoundPrivacy], delta: Double, accountant: Accountant
    ) throws(DPNoiseError.Accounting) -> AccountedGuarantee {
        var order: Double?
        let (e, used) = try DistributedPLD.epsilon(
            accountant: accountant, equivalents: rounds.map(\.gaussianEquivalent), delta: delta
        ) { () throws(DPNoiseError.Accounting) in
            let g = try epsilon(composing: rounds, delta: delta)
            order = g.order
            return g.epsilon
        }
        return AccountedGuarantee(epsilon: e, delta: delta, accountant: used, order: order,
                                  discretization: used == .pld ? PLDAccountant.defaultDiscretization : nil)
    }

    /// (ε, δ) of several rounds composed (their RDP curves added), on ``DistributedDPConfiguration/orders``.
    public static func epsilon(composing rounds: [AnnouncedRoundPrivacy], delta: Double) throws(DPNoiseError.Accounting)
        -> PrivacyGuarantee
    {
        var total = [Double](repeating: 0, count: DistributedDPConfiguration.orders.count)
        for round in rounds {
            for (i, r) in round.rdpCurve.enumerated() { total[i] += r }
        }
        return try RDPConversion.epsilon(orders: DistributedDPConfiguration.orders, rdp: total, delta: delta)
    }
}
