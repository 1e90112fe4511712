import DPNoise
import FedCore

/// The audit verifier's accountant backed by DPNoise: rebuilds each round's ``DistributedDPConfiguration`` from
/// its recorded `round_planned` parameters, checks that the recorded `scale` and rational local variance are
/// the ones that configuration derives (the accountant uses the rounded variance), adds the rounds' RDP curves
/// on ``DistributedDPConfiguration/orders`` (with Poisson subsampling at each round's recorded sampling rate) and
/// converts the sum to (ε, δ) with the improved conversion. Rounds with different parameters compose exactly.
/// Rounds that recorded `accountant: pld` are recomputed with the PLD of their Gaussian equivalents instead
/// (``DistributedPLD``), at the recorded grid step.
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
        let (accountant, h) = try Self.requested(rounds)
        let rdp = RDPAuditAccountant(
            curve: Self.curve,
            toEpsilon: { curve, delta in
                try SkipSlack.epsilon(delta: delta, slack: total) { d throws(DPNoiseError.Accounting) in
                    try RDPConversion.epsilon(orders: DistributedDPConfiguration.orders, rdp: curve, delta: d).epsilon
                }
            })
        return try DistributedPLD.epsilon(
            accountant: accountant, equivalents: Self.equivalents(rounds), delta: delta, skipSlack: total,
            discretization: h, pldFailure: { $0 }, rdp: { try rdp.epsilon(composing: rounds, delta: delta) }
        ).epsilon
    }

    /// The accountant the rounds asked for and its PLD grid step: PLD only when every round recorded `pld`
    /// (``accountant(of:)``) and a step (``discretization(of:)``, read only then), else RDP (with the default step,
    /// unused).
    static func requested(_ rounds: [RoundPlanned]) throws -> (accountant: Accountant, discretization: Double) {
        guard try accountant(of: rounds) == .pld, let h = try discretization(of: rounds) else {
            return (.rdp, PLDAccountant.defaultDiscretization)
        }
        return (.pld, h)
    }

    /// Each round's Gaussian equivalent, derived once per distinct configuration; nil for a round that has none
    /// (or whose parameters describe no configuration) and, not derived, for every round after it.
    static func equivalents(_ rounds: [RoundPlanned]) -> [GaussianEquivalentRound?] {
        var known: [(DistributedDPConfiguration, Double, GaussianEquivalentRound)] = []
        var found: [GaussianEquivalentRound?] = []
        for p in rounds {
            guard let c = try? configuration(p) else { break }
            if let hit = known.first(where: { $0.0 == c && $0.1 == p.samplingRate }) {
                found.append(hit.2)
                continue
            }
            guard let e = try? c.gaussianEquivalent(samplingRate: p.samplingRate) else { break }
            known.append((c, p.samplingRate, e))
            found.append(e)
        }
        return found + [GaussianEquivalentRound?](repeating: nil, count: rounds.count - found.count)
    }

    /// The accountant the rounds asked for: PLD only when every round recorded `pld` (absent means `rdp`); as the
    /// run's spend, PLD then applies where every round has a Gaussian equivalent and RDP otherwise.
    static func accountant(of rounds: [RoundPlanned]) throws -> Accountant {
        var all = Accountant.pld
        for round in rounds {
            guard let name = round.accountant else {
                all = .rdp
                continue
            }
            guard let a = Accountant(rawValue: name) else {
                throw AuditError.Accounting.invalidParameters("round \(round.round): unknown accountant \(name)")
            }
            if a == .rdp { all = .rdp }
        }
        return all
    }

    /// The PLD grid step the rounds recorded (one for all; nil when none is recorded).
    static func discretization(of rounds: [RoundPlanned]) throws -> Double? {
        let steps = Set(rounds.compactMap(\.discretization))
        guard steps.count <= 1 else {
            throw AuditError.Accounting.invalidParameters("rounds record different PLD discretizations \(steps.sorted())")
        }
        guard let h = steps.first else { return nil }
        guard h.isFinite, h > 0 else {
            throw AuditError.Accounting.invalidParameters("discretization \(h) is not a positive number")
        }
        return h
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
