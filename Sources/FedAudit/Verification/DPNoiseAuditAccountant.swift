import DPNoise
import FedCore

/// The audit verifier's accountant backed by DPNoise: rebuilds each round's ``DistributedDPConfiguration`` from
/// its recorded `round_planned` parameters, checks that the recorded `scale` and rational local variance are
/// the ones that configuration derives (the accountant uses the rounded variance), adds the rounds' RDP curves
/// on ``DistributedDPConfiguration/orders`` (with Poisson subsampling at each round's recorded sampling rate) and
/// converts the sum to (ε, δ) with the improved conversion. Rounds with different parameters compose exactly.
public struct DPNoiseAuditAccountant: AuditAccountant {
    public init() {}

    /// Sampled rounds' recorded skip slacks η are summed to S and ε is the least with the conversion at
    /// δ − e^ε·S at most ε (``SkipSlack/epsilon(delta:slack:epsilonAt:)``), as the run charged them.
    public func epsilon(composing rounds: [RoundPlanned], delta: Double) throws -> Double {
        var slack = 0.0
        for round in rounds {
            let eta = round.skipSlack ?? 0
            guard eta.isFinite, eta >= 0, eta < 1 else {
                throw AuditError.Accounting.invalidParameters("round \(round.round): skip_slack \(eta) is not in [0, 1)")
            }
            slack += eta
        }
        let total = slack
        let rdp = RDPAuditAccountant(
            curve: Self.curve,
            toEpsilon: { curve, delta in
                try SkipSlack.epsilon(delta: delta, slack: total) { d throws(DPNoiseError.Accounting) in
                    try RDPConversion.epsilon(orders: DistributedDPConfiguration.orders, rdp: curve, delta: d).epsilon
                }
            })
        return try rdp.epsilon(composing: rounds, delta: delta)
    }

    /// RDP of one recorded round on ``DistributedDPConfiguration/orders``.
    static func curve(_ p: RoundPlanned) throws -> [Double] {
        try configuration(p).rdpCurve(samplingRate: p.samplingRate)
    }

    /// The configuration the recorded parameters describe; throws when the recorded scale or variance differ.
    static func configuration(_ p: RoundPlanned) throws -> DistributedDPConfiguration {
        let mechanism: DistributedMechanism
        switch p.mechanism {
        case .ddgauss: mechanism = .ddgauss
        case .skellam: mechanism = .skellam
        case .none: throw AuditError.Accounting.invalidParameters("round \(p.round) has no DP mechanism")
        }
        let configuration = try DistributedDPConfiguration(
            mechanism: mechanism, l2Clip: p.clip, dimension: p.dimension, minimumSurvivors: p.minSurvivors,
            colludingClients: p.colludingClients, maximumSummands: p.maximumSummands ?? p.cohortIds.count,
            noiseMultiplier: p.noiseMultiplier, bits: p.bits, beta: p.beta, modClipProbability: p.modClipProbability)
        guard AuditVerifier.close(configuration.scale, p.scale) else {
            throw AuditError.Accounting.invalidParameters(
                "round \(p.round): recorded scale \(p.scale) but the parameters give \(configuration.scale)")
        }
        let variance = configuration.localScaledVariance
        guard variance.numerator == p.localVarianceNumerator, variance.denominator == p.localVarianceDenominator else {
            throw AuditError.Accounting.invalidParameters(
                "round \(p.round): recorded local variance \(p.localVarianceNumerator)/\(p.localVarianceDenominator) "
                    + "but the parameters give \(variance.numerator)/\(variance.denominator)")
        }
        return configuration
    }
}
