import Foundation

/// One line of the privacy ledger. The JSON object carries a `type` discriminator
/// (`round_charged`, `round_completed`, `round_failed`) next to the record's own snake_case fields.
///
/// To extend the schema add a case with its own `Codable` struct and a new `type` string; fields added
/// to an existing record must be optional so older lines still decode (unknown fields are ignored).
public enum LedgerRecord: Codable, Sendable, Equatable {
    /// The privacy budget of a round, written before Unmasking starts (from then on the noisy sum may be released).
    case roundCharged(RoundCharged)
    /// The round released its aggregate.
    case roundCompleted(RoundCompleted)
    /// The round failed; `charged` tells whether its budget had already been charged (it stays charged).
    case roundFailed(RoundFailed)
    /// A round without noise may release its sum from here on: ε = ∞ for this ledger from then on.
    case roundUnprotected(RoundUnprotected)

    /// The `type` strings, as written.
    public enum Kind: String, Sendable, CaseIterable {
        case roundCharged = "round_charged"
        case roundCompleted = "round_completed"
        case roundFailed = "round_failed"
        case roundUnprotected = "round_unprotected"
    }

    public var kind: Kind {
        switch self {
        case .roundCharged: .roundCharged
        case .roundCompleted: .roundCompleted
        case .roundFailed: .roundFailed
        case .roundUnprotected: .roundUnprotected
        }
    }

    /// The round number the record is about.
    public var round: Int {
        switch self {
        case .roundCharged(let r): r.round
        case .roundCompleted(let r): r.round
        case .roundFailed(let r): r.round
        case .roundUnprotected(let r): r.round
        }
    }

    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch Kind(rawValue: type) {
        case .roundCharged: self = .roundCharged(try RoundCharged(from: decoder))
        case .roundCompleted: self = .roundCompleted(try RoundCompleted(from: decoder))
        case .roundFailed: self = .roundFailed(try RoundFailed(from: decoder))
        case .roundUnprotected: self = .roundUnprotected(try RoundUnprotected(from: decoder))
        case nil:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown record type '\(type)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(kind.rawValue, forKey: .type)
        switch self {
        case .roundCharged(let r): try r.encode(to: encoder)
        case .roundCompleted(let r): try r.encode(to: encoder)
        case .roundFailed(let r): try r.encode(to: encoder)
        case .roundUnprotected(let r): try r.encode(to: encoder)
        }
    }

    /// An ISO 8601 UTC timestamp with milliseconds, the format of every `timestamp` field.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// A round released (or about to release) its sum without noise, written where a DP round would be charged:
/// after the consistency check, before unmasking. Its ε is ∞ (JSON has no infinity: no ε field is written,
/// and every reader reports the ledger's ε as ∞ / `null` from here on). A ledger with a budget never gets
/// one: such a round is refused before it starts.
public struct RoundUnprotected: Codable, Sendable, Equatable {
    public var round: Int
    /// Cohort size of the round.
    public var clients: Int
    public var timestamp: String

    public init(round: Int, clients: Int, timestamp: String = LedgerRecord.timestamp()) {
        self.round = round
        self.clients = clients
        self.timestamp = timestamp
    }
}

/// The budget charged for one round. Units: `clip` in model units (L2); `scale` is the encoder's γ
/// (model units per integer step); the local noise variance per client is
/// `local_variance_numerator / local_variance_denominator` in integer steps² (the exact rational the
/// sampler used); `epsilon_round` and `epsilon_cumulative` are (ε, δ)-DP with the recorded `delta`.
public struct RoundCharged: Codable, Sendable, Equatable {
    public var round: Int
    /// `ddgauss`, `skellam`, … (the CLI's mechanism names).
    public var mechanism: String
    public var noiseMultiplier: Double
    /// The most inputs the round's sum was sized for (its scale and modulus): the cohort size of a fixed cohort;
    /// for a sampled run (q < 1), the bound on the sample size planned from the expected cohort
    /// (`CohortSampling.summandsBound`), the same in every round.
    public var clients: Int
    /// The minimum number of survivors the noise is calibrated for (a sampled run: the expected cohort's).
    public var minSurvivors: Int
    /// Poisson sampling rate q (1 for a fixed cohort).
    public var samplingRate: Double
    /// Length of the encoded vector (after padding for the rotation).
    public var dimension: Int
    public var clip: Double
    /// Modulus bits b.
    public var bits: Int
    public var scale: Double
    public var localVarianceNumerator: UInt64
    public var localVarianceDenominator: UInt64
    public var delta: Double
    public var epsilonRound: Double
    public var epsilonCumulative: Double
    /// Total budget the run was held to, if any.
    public var budgetEpsilon: Double?
    /// Clients whose noise shares the server is assumed to know, the noise colluders K (absent in older
    /// records: 0).
    public var colludingClients: Int?
    /// Conditional-rounding β (absent: the default e^−0.5).
    public var beta: Double?
    /// Modular-clipping probability p (absent: the default 1e-4).
    public var modClipProbability: Double?
    /// η of a sampled run's round: the probability that one client's presence changes whether the round is
    /// skipped (absent: 0, a fixed cohort). ε is accounted at `delta` − e^ε·Σ η, so (ε, `delta`) covers skips.
    public var skipSlack: Double?
    /// The accountant `epsilon_round` and `epsilon_cumulative` were computed with, `pld` or `rdp` (absent: `rdp`).
    public var accountant: String?
    /// PLD only: the loss grid step h in nats.
    public var discretization: Double?
    public var timestamp: String

    public init(
        round: Int, mechanism: String, noiseMultiplier: Double, clients: Int, minSurvivors: Int,
        samplingRate: Double, dimension: Int, clip: Double, bits: Int, scale: Double,
        localVarianceNumerator: UInt64, localVarianceDenominator: UInt64, delta: Double,
        epsilonRound: Double, epsilonCumulative: Double, budgetEpsilon: Double? = nil,
        colludingClients: Int? = nil, beta: Double? = nil, modClipProbability: Double? = nil, skipSlack: Double? = nil,
        accountant: String? = nil, discretization: Double? = nil, timestamp: String = LedgerRecord.timestamp()
    ) {
        self.skipSlack = skipSlack
        self.accountant = accountant
        self.discretization = discretization
        self.colludingClients = colludingClients
        self.beta = beta
        self.modClipProbability = modClipProbability
        self.round = round
        self.mechanism = mechanism
        self.noiseMultiplier = noiseMultiplier
        self.clients = clients
        self.minSurvivors = minSurvivors
        self.samplingRate = samplingRate
        self.dimension = dimension
        self.clip = clip
        self.bits = bits
        self.scale = scale
        self.localVarianceNumerator = localVarianceNumerator
        self.localVarianceDenominator = localVarianceDenominator
        self.delta = delta
        self.epsilonRound = epsilonRound
        self.epsilonCumulative = epsilonCumulative
        self.budgetEpsilon = budgetEpsilon
        self.timestamp = timestamp
    }

    enum CodingKeys: String, CodingKey {
        case round, mechanism, clients, dimension, clip, bits, scale, delta, timestamp
        case noiseMultiplier = "noise_multiplier"
        case minSurvivors = "min_survivors"
        case samplingRate = "sampling_rate"
        case localVarianceNumerator = "local_variance_numerator"
        case localVarianceDenominator = "local_variance_denominator"
        case epsilonRound = "epsilon_round"
        case epsilonCumulative = "epsilon_cumulative"
        case budgetEpsilon = "budget_epsilon"
        case colludingClients = "colluding_clients"
        case beta
        case modClipProbability = "mod_clip_probability"
        case skipSlack = "skip_slack"
        case accountant, discretization
    }
}

/// A round that released its aggregate.
public struct RoundCompleted: Codable, Sendable, Equatable {
    public var round: Int
    /// Number of clients whose masked input is in the sum.
    public var survivors: Int
    /// Sorted 1-based client ids of the survivors.
    public var survivorIds: [Int]
    /// Lower-case hex hash of the released output (e.g. BLAKE2b-256 of the averaged update file).
    public var outputHash: String
    public var timestamp: String?
    /// Hash of the audit log's `round_closed` record for this round (lower-case hex), when an audit log is kept.
    public var auditHeadHash: String?

    public init(round: Int, survivors: Int, survivorIds: [Int], outputHash: String, timestamp: String? = LedgerRecord.timestamp(),
                auditHeadHash: String? = nil) {
        self.round = round
        self.survivors = survivors
        self.survivorIds = survivorIds
        self.outputHash = outputHash
        self.timestamp = timestamp
        self.auditHeadHash = auditHeadHash
    }

    enum CodingKeys: String, CodingKey {
        case round, survivors, timestamp
        case survivorIds = "survivor_ids"
        case outputHash = "output_hash"
        case auditHeadHash = "audit_head_hash"
    }
}

/// A round that failed.
public struct RoundFailed: Codable, Sendable, Equatable {
    public var round: Int
    /// Human-readable cause (no secrets).
    public var reason: String
    /// True when a `round_charged` record for this round precedes it (the budget stays spent).
    public var charged: Bool
    public var timestamp: String?
    /// Hash of the audit log's `round_closed` record for this round (lower-case hex), when an audit log is kept.
    public var auditHeadHash: String?

    public init(round: Int, reason: String, charged: Bool, timestamp: String? = LedgerRecord.timestamp(),
                auditHeadHash: String? = nil) {
        self.round = round
        self.reason = reason
        self.charged = charged
        self.timestamp = timestamp
        self.auditHeadHash = auditHeadHash
    }

    enum CodingKeys: String, CodingKey {
        case round, reason, charged, timestamp
        case auditHeadHash = "audit_head_hash"
    }
}
