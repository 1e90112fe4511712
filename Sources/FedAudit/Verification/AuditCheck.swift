/// One family of checks ``AuditVerifier`` runs on every audit log; each ``AuditVerification/Problem`` belongs to
/// exactly one. Reports list every check with what it covers and whether it held.
public enum AuditCheck: String, Sendable, Codable, CaseIterable {
    /// Records are numbered without gaps, each links to the hash of the one before, each hash matches its content.
    case chain
    /// Every record's Ed25519 signature verifies under the signer key.
    case signatures
    /// The signer is the registry's server key (only when a registry was given).
    case signer
    /// Records are well-formed and in protocol order (run_started, rounds, run_closed; one δ for the run).
    case grammar
    /// Each round's ε and the cumulative ε equal what the accountant computes from the recorded parameters.
    case accounting
    /// The cumulative ε never exceeds the run's budget, and no sum is released uncharged or below M survivors.
    case budget
    /// The log ends with its signed closing record (not truncated).
    case closing

    /// What the check covers, for people.
    public var summary: String {
        switch self {
        case .chain:
            "hash chain: records numbered without gaps, each linked to the hash of the one before, "
                + "every hash recomputed from its content"
        case .signatures: "signatures: every record's Ed25519 signature verifies under the signer key"
        case .signer: "signer: the signing key is the server key of the registry given with --registry"
        case .grammar: "record order: run_started first, rounds in order, one δ for the whole run"
        case .accounting:
            "privacy accounting: every round's ε and the cumulative ε recomputed from the recorded parameters"
        case .budget:
            "budget: cumulative ε within the budget; no sum released uncharged or with fewer than M survivors"
        case .closing: "completeness: the log ends with its signed closing record (not truncated)"
        }
    }
}
