/// The verdict on one audit log. `valid` is true exactly when `problems` is empty.
public struct AuditVerification: Sendable, Equatable, Codable {
    /// One broken record: its `seq` (0 when the log has no records), stored `kind`, what is wrong and which
    /// ``AuditCheck`` found it (`check`; absent in JSON written before checks were named, then `grammar`).
    public struct Problem: Sendable, Equatable, Codable {
        public let seq: Int
        public let kind: String
        public let message: String
        public let check: AuditCheck

        public init(seq: Int, kind: String, message: String, check: AuditCheck = .grammar) {
            self.seq = seq
            self.kind = kind
            self.message = message
            self.check = check
        }

        enum CodingKeys: String, CodingKey { case seq, kind, message, check }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            seq = try c.decode(Int.self, forKey: .seq)
            kind = try c.decode(String.self, forKey: .kind)
            message = try c.decode(String.self, forKey: .message)
            check = try c.decodeIfPresent(AuditCheck.self, forKey: .check) ?? .grammar
        }
    }

    /// Whether each check held: `nil` when it was not run (`signer` without a registry, `accounting` without
    /// an accountant), otherwise the number of problems it found (0: it held).
    public func problemCount(_ check: AuditCheck) -> Int? {
        if check == .signer, !signerChecked { return nil }
        if check == .accounting, !accountingChecked { return nil }
        return problems.filter { $0.check == check }.count
    }

    public var valid: Bool { problems.isEmpty }
    /// Number of rounds planned in the log.
    public var rounds: Int
    /// True only when the log was checked against a registry key and signed by it.
    public var signerPinned: Bool
    /// The key recorded in `run_started` (lower-case hex), nil when absent.
    public var signerPublicKey: String?
    /// Number of records read.
    public var records: Int
    /// `epsilon_cumulative` of the last `round_charged` record (0 when nothing was charged).
    public var epsilonCumulative: Double
    /// The run's budget from `run_started`, if any.
    public var budgetEpsilon: Double?
    /// In record order; the first names the first broken record.
    public var problems: [Problem]
    /// True when the signer was checked against a registry key (`--registry`).
    public var signerChecked: Bool
    /// True when every charged round's ε was recomputed by an accountant.
    public var accountingChecked: Bool

    enum CodingKeys: String, CodingKey {
        case valid, rounds, records, problems
        case signerPinned = "signer_pinned"
        case signerPublicKey = "signer_public_key"
        case epsilonCumulative = "epsilon_cumulative"
        case budgetEpsilon = "budget_epsilon"
        case signerChecked = "signer_checked"
        case accountingChecked = "accounting_checked"
    }

    public init(
        rounds: Int, signerPinned: Bool, signerPublicKey: String?, records: Int, epsilonCumulative: Double,
        budgetEpsilon: Double?, problems: [Problem], signerChecked: Bool = false, accountingChecked: Bool = false
    ) {
        self.rounds = rounds
        self.signerPinned = signerPinned
        self.signerPublicKey = signerPublicKey
        self.records = records
        self.epsilonCumulative = epsilonCumulative
        self.budgetEpsilon = budgetEpsilon
        self.problems = problems
        self.signerChecked = signerChecked
        self.accountingChecked = accountingChecked
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rounds = try c.decode(Int.self, forKey: .rounds)
        signerPinned = try c.decode(Bool.self, forKey: .signerPinned)
        signerPublicKey = try c.decodeIfPresent(String.self, forKey: .signerPublicKey)
        records = try c.decode(Int.self, forKey: .records)
        epsilonCumulative = try c.decode(Double.self, forKey: .epsilonCumulative)
        budgetEpsilon = try c.decodeIfPresent(Double.self, forKey: .budgetEpsilon)
        problems = try c.decode([Problem].self, forKey: .problems)
        signerChecked = try c.decodeIfPresent(Bool.self, forKey: .signerChecked) ?? false
        accountingChecked = try c.decodeIfPresent(Bool.self, forKey: .accountingChecked) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(valid, forKey: .valid)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(signerPinned, forKey: .signerPinned)
        try c.encodeIfPresent(signerPublicKey, forKey: .signerPublicKey)
        try c.encode(records, forKey: .records)
        try c.encode(epsilonCumulative, forKey: .epsilonCumulative)
        try c.encodeIfPresent(budgetEpsilon, forKey: .budgetEpsilon)
        try c.encode(problems, forKey: .problems)
        try c.encode(signerChecked, forKey: .signerChecked)
        try c.encode(accountingChecked, forKey: .accountingChecked)
    }
}
