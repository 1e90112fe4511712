import Foundation

/// Renders a verified audit log for people (text, Markdown, self-contained HTML with charts) or scripts (JSON).
/// Every format opens with the verdict and the plain-language ``AuditStatement`` (guarantee, δ, accountant,
/// adjacency, assumed colluders and minimum survivors, keys, run date, model), then the checks and any problems,
/// then per round: participants, dropouts per phase, (k, t), bits, clip, noise, M, K, q, ε of the round and
/// cumulative ε against the budget.
public enum AuditReport {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, markdown, html
    }

    /// The report of `records` (as read by ``AuditLogReader``) with their `verification`.
    public static func render(_ verification: AuditVerification, records: [AuditRecord], format: Format) -> String {
        let rounds = AuditRoundSummary.summaries(of: records)
        let facts = AuditRunFacts(records: records)
        let statement = AuditStatement(verification, facts: facts)
        switch format {
        case .text: return AuditTextReport.render(verification, statement, rounds)
        case .json: return json(verification, facts, statement, rounds)
        case .markdown: return AuditMarkdownReport.render(verification, statement, rounds)
        case .html: return AuditHTMLReport.render(verification, statement, facts, rounds)
        }
    }

    /// The JSON report object: `verification` (as `audit verify --json`), `run` (``AuditRunFacts``),
    /// `statement` (verdict, labelled entries, checks) and `rounds[]`.
    struct JSONReport: Encodable {
        let verification: AuditVerification
        let run: AuditRunFacts
        let statement: JSONStatement
        let rounds: [AuditRoundSummary]
    }

    struct JSONStatement: Encodable {
        struct Entry: Encodable {
            let label: String
            let text: String
        }
        struct Check: Encodable {
            let check: String
            let summary: String
            let held: Bool?
            let status: String
            enum CodingKeys: String, CodingKey { case check, summary, held, status }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(check, forKey: .check)
                try c.encode(summary, forKey: .summary)
                try c.encode(held, forKey: .held)
                try c.encode(status, forKey: .status)
            }
        }
        let verdict: String
        let entries: [Entry]
        let checks: [Check]
    }

    static func json(
        _ verification: AuditVerification, _ facts: AuditRunFacts, _ statement: AuditStatement,
        _ rounds: [AuditRoundSummary]
    ) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let jsonStatement = JSONStatement(
            verdict: statement.verdict,
            entries: statement.entries.map { .init(label: $0.label, text: $0.text) },
            checks: statement.checks.map {
                .init(check: $0.check.rawValue, summary: $0.check.summary, held: $0.held, status: $0.status)
            })
        let report = JSONReport(verification: verification, run: facts, statement: jsonStatement, rounds: rounds)
        guard let data = try? encoder.encode(report) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A number for people: up to 6 significant digits.
    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.6g", value)
    }

    /// `ε 0.6 of budget 10` or `ε 0.6, no budget set`.
    static func budgetLine(_ v: AuditVerification) -> String {
        "ε spent \(number(v.epsilonCumulative))"
            + (v.budgetEpsilon.map { " of the budget \(number($0))" } ?? " (no total budget was set)")
    }

    static func phases(_ counts: [AuditRoundSummary.PhaseCount]) -> String {
        counts.isEmpty ? "–" : counts.map { "\($0.phase) \($0.count)" }.joined(separator: ", ")
    }

    static func outcome(_ r: AuditRoundSummary) -> String {
        if let reason = r.failureReason { return "failed: \(reason)" }
        return r.outcome
    }

    /// Column headers of the rounds table (Markdown and HTML) and the cells of one round, in the same order.
    static let columns = [
        "round", "outcome", "participants", "survivors", "dropouts", "k", "t", "bits", "clip", "mechanism",
        "noise multiplier", "M (min survivors)", "K (colluders)", "q (sampling)", "ε round", "ε cumulative",
    ]

    /// Short headers of the same columns for the HTML table (its cards and ``columnLegend`` use the long names).
    static let shortColumns = [
        "round", "outcome", "cohort", "survivors", "dropouts", "k", "t", "bits", "clip", "mechanism", "z", "M", "K",
        "q", "ε round", "ε total",
    ]

    /// What the short headers stand for.
    static let columnLegend =
        "cohort: clients planned; k, t: SecAgg+ neighbours and Shamir threshold; bits: modulus bits; clip: L2 "
        + "clip of each update; z: noise multiplier; M: minimum survivors the noise is calibrated for; K: clients "
        + "assumed to collude with the server; q: sampling rate; ε total: cumulative ε after the round."

    static func cells(_ r: AuditRoundSummary) -> [String] {
        [
            "\(r.round)", outcome(r), "\(r.participants.count)", r.survivors.map(String.init) ?? "–",
            phases(r.dropoutsByPhase), "\(r.degree)", "\(r.threshold)", "\(r.bits)", number(r.clip), r.mechanism,
            number(r.noiseMultiplier), "\(r.minSurvivors)", "\(r.colludingClients)", number(r.samplingRate),
            number(r.epsilonRound), number(r.epsilonCumulative),
        ]
    }
}
