import DPNoise

/// The running privacy spend of a sequence of rounds. RDP: rounds compose by adding their RDP at every order
/// (orders: integers 2…128 and 256, as the distributed mechanisms are accounted), then convert to (ε, δ) the
/// way dp-accounting does. PLD: every round's Gaussian equivalent (``GaussianEquivalentRound``) is composed by
/// the PLD accountant at δ less the rounds' tail slacks; when one round has no equivalent the whole spend uses
/// RDP (``effectiveAccountant``). Both are kept, so the spend can always answer in RDP.
public struct PrivacySpend: Sendable, Equatable {
    public static let orders = DistributedDPConfiguration.orders
    /// The accountant asked for.
    public let accountant: Accountant
    /// PLD grid step h (nats).
    public let discretization: Double
    public private(set) var curve: [Double]
    /// PLD: each noised round's Gaussian equivalent, in order.
    public private(set) var equivalents: [GaussianEquivalentRound] = []
    /// False once a noised round had no Gaussian equivalent (then ``effectiveAccountant`` is RDP).
    public private(set) var equivalentsComplete = true
    /// The last configuration added and its equivalent (rounds of a run share one: derived once).
    private var lastEquivalent: (DistributedDPConfiguration, Double, GaussianEquivalentRound)?
    public private(set) var rounds: Int = 0
    /// Rounds that released a sum without noise: any makes ε infinite.
    public private(set) var unprotectedRounds: Int = 0
    /// S = Σ η over the rounds added: the probability that one client's presence changed whether some sampled
    /// round was skipped. The spend's δ covers it: ε is accounted at δ − e^ε·S (Docs/privacy.md, "Skipped rounds").
    public private(set) var skipSlack: Double = 0

    public init(accountant: Accountant = .rdp, discretization: Double = PLDAccountant.defaultDiscretization) {
        self.accountant = accountant
        self.discretization = discretization
        curve = [Double](repeating: 0, count: Self.orders.count)
    }

    public static func == (a: PrivacySpend, b: PrivacySpend) -> Bool {
        a.accountant == b.accountant && a.discretization == b.discretization && a.curve == b.curve
            && a.equivalents == b.equivalents && a.equivalentsComplete == b.equivalentsComplete && a.rounds == b.rounds
            && a.unprotectedRounds == b.unprotectedRounds && a.skipSlack == b.skipSlack
    }

    /// The accountant ε is computed with: PLD when asked for and every round has a Gaussian equivalent, else RDP.
    public var effectiveAccountant: Accountant { accountant == .pld && equivalentsComplete ? .pld : .rdp }

    /// Adds one round of `configuration` at sampling rate `q`, with the skip slack η of a sampled run's round.
    public mutating func add(
        _ configuration: DistributedDPConfiguration, samplingRate q: Double, skipSlack: Double = 0
    ) throws(DPNoiseError.Accounting) {
        guard skipSlack.isFinite, skipSlack >= 0, skipSlack < 1 else {
            throw .invalidParameter(.skipSlack, reason: "must be in [0, 1), got \(skipSlack)")
        }
        let round = try configuration.rdpCurve(samplingRate: q)
        for i in curve.indices { curve[i] += round[i] }
        if accountant == .pld, equivalentsComplete {
            if let (c, rate, equivalent) = lastEquivalent, c == configuration, rate == q {
                equivalents.append(equivalent)
            } else if let equivalent = try? configuration.gaussianEquivalent(samplingRate: q) {
                equivalents.append(equivalent)
                lastEquivalent = (configuration, q, equivalent)
            } else {
                equivalentsComplete = false
                equivalents = []
            }
        }
        rounds += 1
        self.skipSlack += skipSlack
    }

    /// Adds a round released without noise: the run's ε is ∞ from now on (``releasedWithoutNoise``).
    public mutating func addUnprotected() { unprotectedRounds += 1 }

    /// True once a round without noise was added: no finite ε describes the run any more.
    public var releasedWithoutNoise: Bool { unprotectedRounds > 0 }

    /// ε at `delta` of the noised rounds added so far (0 when none was added): the least ε for which the RDP
    /// conversion at δ − e^ε·``skipSlack`` gives at most ε (``SkipSlack/epsilon(delta:slack:epsilonAt:)``), so
    /// (ε, `delta`) covers the skipped rounds too; ∞ when the skip slack alone uses up δ. The run's ε is this value
    /// only while ``releasedWithoutNoise`` is false, ∞ otherwise (see ``runEpsilon(delta:)``).
    public func epsilon(delta: Double) throws(DPNoiseError.Accounting) -> Double {
        guard rounds > 0 else { return 0 }
        let curve = curve
        return try DistributedPLD.epsilon(
            accountant: accountant, equivalents: roundEquivalents, delta: delta, skipSlack: skipSlack,
            discretization: discretization
        ) { () throws(DPNoiseError.Accounting) in
            try SkipSlack.epsilon(delta: delta, slack: skipSlack) { d throws(DPNoiseError.Accounting) in
                try RDPConversion.epsilon(orders: Self.orders, rdp: curve, delta: d).epsilon
            }
        }.epsilon
    }

    /// The noised rounds' Gaussian equivalents as ``DistributedPLD`` reads them: all of them, or (once a round had
    /// none and the rest were no longer derived) a single nil standing for that round.
    private var roundEquivalents: [GaussianEquivalentRound?] { equivalentsComplete ? equivalents : [nil] }

    /// The run's ε at `delta`: ∞ after a round without noise, else ``epsilon(delta:)``.
    public func runEpsilon(delta: Double) throws(DPNoiseError.Accounting) -> Double {
        releasedWithoutNoise ? .infinity : try epsilon(delta: delta)
    }

    /// Rebuilds the accounting configuration a ledger record was charged with.
    public static func configuration(of record: RoundCharged) throws(DPNoiseError.Accounting) -> DistributedDPConfiguration {
        guard let mechanism = DistributedMechanism(rawValue: record.mechanism) else {
            throw .invalidParameter(.mechanism, reason: "unknown mechanism \(record.mechanism) in ledger")
        }
        return try DistributedDPConfiguration(
            mechanism: mechanism, l2Clip: record.clip, dimension: record.dimension,
            minimumSurvivors: record.minSurvivors, colludingClients: record.colludingClients ?? 0,
            maximumSummands: record.clients, noiseMultiplier: record.noiseMultiplier, bits: record.bits,
            beta: record.beta ?? DistributedDPConfiguration.defaultBeta,
            modClipProbability: record.modClipProbability ?? DistributedDPConfiguration.defaultModClipProbability)
    }

    /// The spend of every round a ledger charged (failed rounds stay charged), with `unprotected` rounds
    /// released without noise (ε = ∞), accounted with `accountant` (every round, whichever accountant charged it:
    /// both accountants bound the same mechanism); nil: PLD when every record says it was charged with PLD,
    /// else RDP (records without the field were).
    public static func replaying(
        _ charged: [RoundCharged], unprotected: Int = 0, accountant: Accountant? = nil,
        discretization: Double = PLDAccountant.defaultDiscretization
    ) throws(DPNoiseError.Accounting) -> PrivacySpend {
        let recorded: Accountant = !charged.isEmpty && charged.allSatisfy { $0.accountant == Accountant.pld.rawValue }
            ? .pld : .rdp
        var spend = PrivacySpend(accountant: accountant ?? recorded, discretization: discretization)
        for record in charged {
            let c = try configuration(of: record)
            // The recorded scale and local variance must be what the recorded parameters give: a ledger edited to
            // show more noise than was added would otherwise understate ε.
            let v = c.localScaledVariance
            guard abs(c.scale - record.scale) <= 1e-9 * max(abs(c.scale), 1),
                v.numerator == record.localVarianceNumerator, v.denominator == record.localVarianceDenominator
            else {
                throw .invalidParameter(.ledger, reason: "round \(record.round) records scale \(record.scale) and variance "
                        + "\(record.localVarianceNumerator)/\(record.localVarianceDenominator), but its parameters give "
                        + "scale \(c.scale) and variance \(v.numerator)/\(v.denominator)")
            }
            try spend.add(c, samplingRate: record.samplingRate, skipSlack: record.skipSlack ?? 0)
        }
        for _ in 0..<max(0, unprotected) { spend.addUnprotected() }
        return spend
    }
}
