/// What the audit log records about the run as a whole (from `run_started` and the rounds' `round_planned`), for
/// the report's statement. A fact the log does not record is nil and is reported as not recorded, never guessed.
public struct AuditRunFacts: Sendable, Equatable, Codable {
    /// ISO 8601 UTC time of `run_started`.
    public var startedAt: String?
    /// Version string of the tool that wrote the log.
    public var toolVersion: String?
    /// δ of every (ε, δ) in the log.
    public var delta: Double?
    public var budgetEpsilon: Double?
    /// Lower-case hex Ed25519 key recorded in `run_started`.
    public var signerPublicKey: String?
    /// What the run recorded: true when it signed with the registry's server key, false for an ephemeral key.
    public var signerRecordedPinned: Bool?
    /// The model trained: audit logs (format version 1) do not record it, so this is always nil for now.
    public var model: String?
    /// Distinct noise mechanisms of the planned rounds, in first-use order (`ddgauss`, `skellam`, `none`).
    public var mechanisms: [String]
    /// Distinct accountants the noised rounds asked for, in first-use order (`pld`, `rdp`; absent in a record: `rdp`).
    public var accountants: [String] = []
    /// Smallest and largest K (clients assumed to collude with the server) over the planned rounds.
    public var colludingClients: ClosedRange<Int>?
    /// Smallest and largest M (minimum survivors the noise is calibrated for) over the planned rounds.
    public var minSurvivors: ClosedRange<Int>?
    /// Smallest and largest Poisson sampling rate q over the planned rounds (1: fixed cohort).
    public var samplingRate: ClosedRange<Double>?
    /// Rounds whose ε was charged.
    public var chargedRounds: Int

    enum CodingKeys: String, CodingKey {
        case delta, model, mechanisms, accountants
        case startedAt = "started_at"
        case toolVersion = "tool_version"
        case budgetEpsilon = "budget_epsilon"
        case signerPublicKey = "signer_public_key"
        case signerRecordedPinned = "signer_recorded_pinned"
        case colludingClients = "colluding_clients"
        case minSurvivors = "min_survivors"
        case samplingRate = "sampling_rate"
        case chargedRounds = "charged_rounds"
    }

    /// The facts of `records` (as read by ``AuditLogReader``); records that do not decode are skipped.
    public init(records: [AuditRecord]) {
        mechanisms = []
        chargedRounds = 0
        for record in records {
            switch record.event {
            case .runStarted(let s):
                startedAt = s.startedAt
                toolVersion = s.toolVersion
                delta = s.delta
                budgetEpsilon = s.budgetEpsilon
                signerPublicKey = s.signerPublicKey
                signerRecordedPinned = s.signerPinned
            case .roundPlanned(let p):
                if !mechanisms.contains(p.mechanism.rawValue) { mechanisms.append(p.mechanism.rawValue) }
                let accountant = p.accountant ?? "rdp"
                if p.mechanism != .none, !accountants.contains(accountant) { accountants.append(accountant) }
                colludingClients = Self.widen(colludingClients, p.colludingClients)
                minSurvivors = Self.widen(minSurvivors, p.minSurvivors)
                samplingRate = Self.widen(samplingRate, p.samplingRate)
            case .roundCharged:
                chargedRounds += 1
            default:
                break
            }
        }
    }

    private static func widen<T: Comparable>(_ range: ClosedRange<T>?, _ value: T) -> ClosedRange<T> {
        guard let range else { return value...value }
        return Swift.min(range.lowerBound, value)...Swift.max(range.upperBound, value)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(startedAt, forKey: .startedAt)
        try c.encodeIfPresent(toolVersion, forKey: .toolVersion)
        try c.encodeIfPresent(delta, forKey: .delta)
        try c.encodeIfPresent(budgetEpsilon, forKey: .budgetEpsilon)
        try c.encodeIfPresent(signerPublicKey, forKey: .signerPublicKey)
        try c.encodeIfPresent(signerRecordedPinned, forKey: .signerRecordedPinned)
        try c.encode(model, forKey: .model)
        try c.encode(mechanisms, forKey: .mechanisms)
        try c.encode(accountants, forKey: .accountants)
        try c.encodeIfPresent(colludingClients.map { [$0.lowerBound, $0.upperBound] }, forKey: .colludingClients)
        try c.encodeIfPresent(minSurvivors.map { [$0.lowerBound, $0.upperBound] }, forKey: .minSurvivors)
        try c.encodeIfPresent(samplingRate.map { [$0.lowerBound, $0.upperBound] }, forKey: .samplingRate)
        try c.encode(chargedRounds, forKey: .chargedRounds)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        startedAt = try c.decodeIfPresent(String.self, forKey: .startedAt)
        toolVersion = try c.decodeIfPresent(String.self, forKey: .toolVersion)
        delta = try c.decodeIfPresent(Double.self, forKey: .delta)
        budgetEpsilon = try c.decodeIfPresent(Double.self, forKey: .budgetEpsilon)
        signerPublicKey = try c.decodeIfPresent(String.self, forKey: .signerPublicKey)
        signerRecordedPinned = try c.decodeIfPresent(Bool.self, forKey: .signerRecordedPinned)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        mechanisms = try c.decode([String].self, forKey: .mechanisms)
        accountants = try c.decodeIfPresent([String].self, forKey: .accountants) ?? []
        colludingClients = try Self.range(c, .colludingClients)
        minSurvivors = try Self.range(c, .minSurvivors)
        samplingRate = try Self.range(c, .samplingRate)
        chargedRounds = try c.decode(Int.self, forKey: .chargedRounds)
    }

    private static func range<T: Decodable & Comparable>(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> ClosedRange<T>? {
        guard let pair = try c.decodeIfPresent([T].self, forKey: key) else { return nil }
        guard pair.count == 2, pair[0] <= pair[1] else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected [min, max]")
        }
        return pair[0]...pair[1]
    }
}
