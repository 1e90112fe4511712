/// Payloads of the audit-log events. Each is stored as canonical JSON (sorted keys, snake_case field names
/// derived from the Swift names, e.g. `signerPublicKey` → `signer_public_key`). Only public values enter them:
/// public keys, client ids, parameters, hashes, counts — never a secret.

/// The first record of every log: who signs it and the run's privacy parameters.
public struct RunStarted: Codable, Sendable, Equatable {
    /// Lower-case hex Ed25519 public key that signs every record of this log.
    public var signerPublicKey: String
    /// True when the signer is the registry's server key (`--identity` + `--registry`), false for an ephemeral key.
    public var signerPinned: Bool
    public var toolVersion: String
    /// ISO 8601 UTC.
    public var startedAt: String
    /// Total ε the run is held to, if any.
    public var budgetEpsilon: Double?
    /// δ of every (ε, δ) figure in this log.
    public var delta: Double

    public init(
        signerPublicKey: String, signerPinned: Bool, toolVersion: String, startedAt: String,
        budgetEpsilon: Double?, delta: Double
    ) {
        self.signerPublicKey = signerPublicKey
        self.signerPinned = signerPinned
        self.toolVersion = toolVersion
        self.startedAt = startedAt
        self.budgetEpsilon = budgetEpsilon
        self.delta = delta
    }
}

/// The noise mechanism of a round (`none` for a round without differential privacy).
public enum AuditMechanism: String, Codable, Sendable, CaseIterable {
    case ddgauss, skellam, none
}

/// Everything fixed before any key is advertised: the cohort, SecAgg+ parameters and the DP parameters from which
/// the round's ε is recomputed. Units: `clip` in model units (L2); `scale` = integer steps per model unit;
/// local noise variance per client = `localVarianceNumerator / localVarianceDenominator` integer steps²;
/// `dimension` is the padded length the encoder rotates.
public struct RoundPlanned: Codable, Sendable, Equatable {
    public var round: Int
    /// Sorted 1-based client ids of the cohort.
    public var cohortIds: [Int]
    /// SecAgg+ neighbourhood size k and Shamir threshold t.
    public var degree: Int
    public var threshold: Int
    /// Modulus bits b.
    public var bits: Int
    public var clip: Double
    public var mechanism: AuditMechanism
    public var noiseMultiplier: Double
    /// M: the minimum number of survivors the noise is calibrated for.
    public var minSurvivors: Int
    /// K: clients assumed to collude with the server.
    public var colludingClients: Int
    /// Poisson sampling rate q (1 for a fixed cohort).
    public var samplingRate: Double
    /// Rounds charged before this one in the run.
    public var stepsSoFar: Int
    public var dimension: Int
    public var scale: Double
    public var localVarianceNumerator: UInt64
    public var localVarianceDenominator: UInt64
    /// Conditional-rounding β and per-coordinate modular clipping probability.
    public var beta: Double
    public var modClipProbability: Double
    public var delta: Double
    /// Largest number of summands the modulus was sized for (the cohort size when absent).
    public var maximumSummands: Int?
    /// η of a sampled run's round (absent: 0): the probability that one client's presence changes whether the
    /// round is skipped. ε is accounted at `delta` − e^ε·Σ η over the charged rounds (Docs/privacy.md).
    public var skipSlack: Double?
    /// The accountant the run asked for, `pld` or `rdp` (absent: `rdp`, logs written before PLD). ε uses PLD when
    /// every composed round asked for it and has a Gaussian equivalent, RDP otherwise; `audit verify` does the same.
    public var accountant: String?
    /// PLD only: the loss grid step h in nats.
    public var discretization: Double?

    public init(
        round: Int, cohortIds: [Int], degree: Int, threshold: Int, bits: Int, clip: Double,
        mechanism: AuditMechanism, noiseMultiplier: Double, minSurvivors: Int, colludingClients: Int,
        samplingRate: Double, stepsSoFar: Int, dimension: Int, scale: Double, localVarianceNumerator: UInt64,
        localVarianceDenominator: UInt64, beta: Double, modClipProbability: Double, delta: Double,
        maximumSummands: Int? = nil, skipSlack: Double? = nil, accountant: String? = nil, discretization: Double? = nil
    ) {
        self.skipSlack = skipSlack
        self.accountant = accountant
        self.discretization = discretization
        self.round = round
        self.cohortIds = cohortIds
        self.degree = degree
        self.threshold = threshold
        self.bits = bits
        self.clip = clip
        self.mechanism = mechanism
        self.noiseMultiplier = noiseMultiplier
        self.minSurvivors = minSurvivors
        self.colludingClients = colludingClients
        self.samplingRate = samplingRate
        self.stepsSoFar = stepsSoFar
        self.dimension = dimension
        self.scale = scale
        self.localVarianceNumerator = localVarianceNumerator
        self.localVarianceDenominator = localVarianceDenominator
        self.beta = beta
        self.modClipProbability = modClipProbability
        self.delta = delta
        self.maximumSummands = maximumSummands
    }

    /// True when `other` has the same privacy-relevant parameters (everything but round, cohort and step count).
    public func hasSameAccountingParameters(as other: RoundPlanned) -> Bool {
        var a = self
        var b = other
        a.round = 0
        b.round = 0
        a.cohortIds = []
        b.cohortIds = []
        a.stepsSoFar = 0
        b.stepsSoFar = 0
        a.degree = 0
        b.degree = 0
        a.threshold = 0
        b.threshold = 0
        a.maximumSummands = maximumSummands ?? cohortIds.count
        b.maximumSummands = other.maximumSummands ?? other.cohortIds.count
        return a == b
    }
}

/// Clients whose signed key advertisements the server accepted (phase 0).
public struct KeysAdvertised: Codable, Sendable, Equatable {
    public var round: Int
    public var clientIds: [Int]
    public init(round: Int, clientIds: [Int]) {
        self.round = round
        self.clientIds = clientIds
    }
}

/// A protocol phase after which survivors are recorded.
public enum AuditPhase: String, Codable, Sendable, CaseIterable {
    case shareKeys = "share_keys"
    case maskedInput = "masked_input"
    case consistencyCheck = "consistency_check"
    case unmasking
}

/// Clients still present after `phase`.
public struct Survivors: Codable, Sendable, Equatable {
    public var round: Int
    public var phase: AuditPhase
    public var clientIds: [Int]
    public init(round: Int, phase: AuditPhase, clientIds: [Int]) {
        self.round = round
        self.phase = phase
        self.clientIds = clientIds
    }
}

/// Outcome of phase 3: whether ≥ t valid signatures on the same survivor list arrived, and how many.
public struct ConsistencyCheck: Codable, Sendable, Equatable {
    public var round: Int
    public var ok: Bool
    public var signatures: Int
    public init(round: Int, ok: Bool, signatures: Int) {
        self.round = round
        self.ok = ok
        self.signatures = signatures
    }
}

/// The round's budget, charged before Unmasking; (ε, δ) with the run's δ.
public struct AuditRoundCharged: Codable, Sendable, Equatable {
    public var round: Int
    public var epsilonRound: Double
    public var epsilonCumulative: Double
    public var budgetEpsilon: Double?
    public init(round: Int, epsilonRound: Double, epsilonCumulative: Double, budgetEpsilon: Double?) {
        self.round = round
        self.epsilonRound = epsilonRound
        self.epsilonCumulative = epsilonCumulative
        self.budgetEpsilon = budgetEpsilon
    }
}

/// The round released its aggregate; `outputHash` is lower-case hex.
public struct AuditRoundCompleted: Codable, Sendable, Equatable {
    public var round: Int
    public var survivors: Int
    public var outputHash: String
    public init(round: Int, survivors: Int, outputHash: String) {
        self.round = round
        self.survivors = survivors
        self.outputHash = outputHash
    }
}

/// The round failed; `charged` tells whether its budget was already charged (it stays spent).
public struct AuditRoundFailed: Codable, Sendable, Equatable {
    public var round: Int
    public var reason: String
    public var charged: Bool
    public init(round: Int, reason: String, charged: Bool) {
        self.round = round
        self.reason = reason
        self.charged = charged
    }
}

/// Signed end of a round; `headHash` is the hash of the record before it.
public struct RoundClosed: Codable, Sendable, Equatable {
    public var round: Int
    public var headHash: String
    public init(round: Int, headHash: String) {
        self.round = round
        self.headHash = headHash
    }
}

/// Signed end of the run; `headHash` is the hash of the record before it.
public struct RunClosed: Codable, Sendable, Equatable {
    public var rounds: Int
    public var epsilonCumulative: Double
    public var headHash: String
    public init(rounds: Int, epsilonCumulative: Double, headHash: String) {
        self.rounds = rounds
        self.epsilonCumulative = epsilonCumulative
        self.headHash = headHash
    }
}
