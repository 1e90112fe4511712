/// Who the SecAgg+ parameters must protect against (Bell et al. 2020, Sections 3–4).
///
/// The raw values are the names used on the command line and in JSON.
public enum AdversaryClass: String, Sendable, CaseIterable, Codable {
    /// Honest-but-curious server colluding with a fraction γ of the clients: it follows the protocol but tries to
    /// learn an individual input from what it sees. Feasible while γ + δ ≤ 0.9.
    case curious
    /// Semi-malicious server colluding with a fraction γ of the clients: it may lie about which clients dropped
    /// out, so the threshold must also exceed half of each neighbourhood plus the adversarial share.
    /// Feasible while γ + 2δ ≤ 0.9.
    case semiMalicious = "semi-malicious"
    /// No adversary, only dropouts (γ must be 0); the parameters only guarantee that the sum can be recovered.
    /// Feasible while δ ≤ 0.9.
    case none
}
