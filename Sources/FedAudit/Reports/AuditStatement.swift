import FedCore
import Foundation

/// The plain-language statement at the top of every audit report: what guarantee the run's released sums carry,
/// under which assumptions, how it was computed and who holds which keys, each as a labelled sentence. Only
/// what the log records is stated; anything else is said to be not recorded.
public struct AuditStatement: Sendable, Equatable {
    /// One labelled line of the statement.
    public struct Entry: Sendable, Equatable {
        public let label: String
        public let text: String
    }

    /// One verification check and its outcome in words (`held`, `FAILED (n problems)` or why it was not run).
    public struct CheckLine: Sendable, Equatable {
        public let check: AuditCheck
        /// True when the check ran and found nothing; false when it failed; nil when it was not run.
        public let held: Bool?
        public let status: String
    }

    /// One-line verdict, e.g. `VALID: all checks held over 30 records and 3 rounds`.
    public let verdict: String
    public let entries: [Entry]
    public let checks: [CheckLine]

    static let notRecorded = "not recorded in this log"

    public init(_ v: AuditVerification, facts: AuditRunFacts) {
        let failed = AuditCheck.allCases.filter { (v.problemCount($0) ?? 0) > 0 }
        verdict =
            v.valid
            ? "VALID: every check that ran held, over \(v.records) records and \(v.rounds) rounds"
            : "BROKEN: \(v.problems.count) problem\(v.problems.count == 1 ? "" : "s") "
                + "(\(failed.map(\.rawValue).joined(separator: ", "))) in \(v.records) records and \(v.rounds) rounds"
        checks = AuditCheck.allCases.map { check in
            switch v.problemCount(check) {
            case nil:
                let why = check == .signer ? "not checked: no --registry given" : "not checked: no accountant"
                return CheckLine(check: check, held: nil, status: why)
            case 0?:
                return CheckLine(check: check, held: true, status: "held")
            case let n?:
                return CheckLine(check: check, held: false, status: "FAILED (\(n) problem\(n == 1 ? "" : "s"))")
            }
        }
        entries = Self.entries(v, facts)
    }

    private static func entries(_ v: AuditVerification, _ f: AuditRunFacts) -> [Entry] {
        let n = AuditReport.number
        let dp = f.mechanisms.contains { $0 != AuditMechanism.none.rawValue }
        let delta = f.delta.map { n($0) } ?? notRecorded
        var out: [Entry] = []
        if dp {
            out.append(
                Entry(
                    label: "Guarantee",
                    text: "Everything this run released, taken together, is client-level (ε, δ)-differentially "
                        + "private with ε = \(n(v.epsilonCumulative)) and δ = \(delta): whether or not any one "
                        + "client took part changes the probability of anything that can be learned from the "
                        + "released sums by at most a factor e^ε, except with probability δ."
                        + (f.mechanisms.contains(AuditMechanism.none.rawValue)
                            ? " Rounds without noise (mechanism none) are protected by secure aggregation only." : "")
                ))
            out.append(Entry(label: "Holds if", text: assumptions(f)))
        } else {
            out.append(
                Entry(
                    label: "Guarantee",
                    text: "None from differential privacy: no round added noise (mechanism none), so the released "
                        + "sums are protected by secure aggregation only and this log promises no ε."))
        }
        let spent: String
        if let budget = f.budgetEpsilon ?? v.budgetEpsilon {
            spent =
                "ε \(n(v.epsilonCumulative)) of the run's budget of \(n(budget)) "
                + "(\(String(format: "%.0f", 100 * v.epsilonCumulative / budget)) %) over \(f.chargedRounds) charged "
                + "round\(f.chargedRounds == 1 ? "" : "s")"
        } else {
            spent =
                "ε \(n(v.epsilonCumulative)) over \(f.chargedRounds) charged round\(f.chargedRounds == 1 ? "" : "s"); "
                + "the run set no total budget (--budget-epsilon), so none could be exceeded"
        }
        out.append(Entry(label: "Privacy spent", text: spent))
        out.append(Entry(label: "δ", text: f.delta.map { "\(n($0)) for every ε in this report" } ?? notRecorded))
        if dp { out.append(Entry(label: "Accountant", text: accountant(v, f))) }
        out.append(
            Entry(
                label: "Adjacency",
                text: "client level: two runs are neighbours when one client's whole update (clipped to the L2 norm "
                    + "in the rounds table) is added or removed"))
        out.append(Entry(label: "Colluders assumed", text: colluders(f)))
        out.append(Entry(label: "Minimum survivors", text: minimumSurvivors(f)))
        out.append(Entry(label: "Sampling", text: sampling(f)))
        out.append(Entry(label: "Keys", text: keys(v, f)))
        out.append(Entry(label: "Model", text: f.model ?? notRecorded))
        out.append(Entry(label: "Run started", text: f.startedAt ?? notRecorded))
        out.append(Entry(label: "Written by", text: f.toolVersion ?? notRecorded))
        return out
    }

    private static func range<T: Comparable>(_ r: ClosedRange<T>, _ show: (T) -> String) -> String {
        r.lowerBound == r.upperBound ? show(r.lowerBound) : "\(show(r.lowerBound))–\(show(r.upperBound))"
    }

    private static func assumptions(_ f: AuditRunFacts) -> String {
        let m = f.minSurvivors.map { range($0) { "\($0)" } } ?? "M"
        let honest: String
        let colluders: String
        if let k = f.colludingClients, k.upperBound == 0 {
            colluders = "no client colludes with the server (K = 0)"
            honest = "the \(m) survivors' shares"
        } else {
            let k = f.colludingClients.map { range($0) { "\($0)" } } ?? "K"
            colluders = "at most \(k) clients collude with the server"
            honest = "the \(m) − \(k) honest survivors' shares"
        }
        return "\(colluders), every round that released a sum had at least \(m) survivors (each client's noise is "
            + "calibrated so that \(honest) alone give the round's ε), and secure aggregation held (the server "
            + "learns only the sum of the masked inputs)."
    }

    private static func accountant(_ v: AuditVerification, _ f: AuditRunFacts) -> String {
        let names = f.mechanisms.compactMap { m -> String? in
            switch AuditMechanism(rawValue: m) {
            case .ddgauss?: "distributed discrete Gaussian (Kairouz, Liu, Steinke 2021)"
            case .skellam?: "distributed Skellam (Agarwal, Kairouz, Liu 2021)"
            default: nil
            }
        }
        let rdp = "Rényi DP of the \(names.joined(separator: " and ")) per round, composed over the charged rounds and "
            + "converted to (ε, δ) with the rule of Canonne, Kamath, Steinke 2020 (as Google's dp-accounting). "
        let pld = "Privacy-loss distributions (Google's dp-accounting PLD, pessimistic) of each round's Gaussian "
            + "equivalent: the \(names.joined(separator: " and ")) per coordinate is dominated by a Gaussian shift "
            + "(verified numerically from the noise's exact distribution), composed over coordinates, sampling and the "
            + "charged rounds, with the left-out tail mass added to δ (Docs/privacy.md, \"PLD for the distributed "
            + "mechanisms\"); Rényi DP for a run whose noise has no such equivalent. "
        return (f.accountants == ["pld"] ? pld : rdp)
            + (v.accountingChecked
                ? "This report recomputed every round's ε from its recorded parameters."
                : "The recorded ε were not recomputed for this report.")
    }

    private static func colluders(_ f: AuditRunFacts) -> String {
        guard let k = f.colludingClients else { return notRecorded }
        if k.upperBound == 0 {
            return "K = 0: the noise assumes no client shares its keys, Shamir shares or noise with the server"
        }
        return "K = \(range(k) { "\($0)" }) client\(k.upperBound == 1 ? "" : "s") per round may pool their keys, "
            + "shares and noise with the server; their noise is not counted"
    }

    private static func minimumSurvivors(_ f: AuditRunFacts) -> String {
        guard let m = f.minSurvivors else { return notRecorded }
        return "M = \(range(m) { "\($0)" }): a round with fewer survivors releases nothing, and the noise is "
            + "calibrated for M, so dropouts above that never weaken ε"
    }

    private static func sampling(_ f: AuditRunFacts) -> String {
        guard let q = f.samplingRate else { return notRecorded }
        if q.upperBound >= 1 && q.lowerBound >= 1 { return "fixed cohort (q = 1): no amplification by sampling" }
        return "Poisson sampling at q = \(range(q) { AuditReport.number($0) }); the amplification this gives "
            + "holds only against parties who cannot see who was sampled (Docs/privacy.md)"
    }

    private static func keys(_ v: AuditVerification, _ f: AuditRunFacts) -> String {
        let signer = v.signerPublicKey ?? f.signerPublicKey
        var s =
            "Each client creates its own masking keys every round and keeps them; its secrets leave it only as "
            + "Shamir shares encrypted to its neighbours, so the server holds no key that unmasks one client. "
        s += "The server's Ed25519 key " + (signer ?? "(not recorded)") + " signed this log"
        if v.signerChecked {
            s +=
                v.signerPinned
                ? "; it is the server key of the registry given (checked)."
                : "; it is NOT the server key of the registry given (see the problems)."
        } else if f.signerRecordedPinned == true {
            s += "; the run recorded it as the registry's server key (not checked here: repeat --registry to check)."
        } else if f.signerRecordedPinned == false {
            s +=
                "; the run used a one-off key, not a registry key, so compare it with a key you trust before "
                + "relying on who wrote the log."
        } else {
            s += "."
        }
        return s
    }
}
