import Foundation

/// Renders a verified audit log for people (text, Markdown, self-contained HTML with charts) or scripts (JSON).
/// Per round: participants, dropouts per phase, (k, t), bits, clip, noise multiplier, ε of the round and
/// cumulative ε against the budget. The verdict and every problem come first.
public enum AuditReport {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, markdown, html
    }

    /// The report of `records` (as read by ``AuditLogReader``) with their `verification`.
    public static func render(_ verification: AuditVerification, records: [AuditRecord], format: Format) -> String {
        let rounds = AuditRoundSummary.summaries(of: records)
        switch format {
        case .text: return text(verification, rounds)
        case .json: return json(verification, rounds)
        case .markdown: return markdown(verification, rounds)
        case .html: return AuditHTMLReport.render(verification, rounds)
        }
    }

    /// The JSON report object: `verification` (as `audit verify --json`) and `rounds[]`.
    struct JSONReport: Encodable {
        let verification: AuditVerification
        let rounds: [AuditRoundSummary]
    }

    static func json(_ verification: AuditVerification, _ rounds: [AuditRoundSummary]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(JSONReport(verification: verification, rounds: rounds)) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A number for people: up to 6 significant digits.
    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.6g", value)
    }

    static func verdict(_ v: AuditVerification) -> String {
        let state = v.valid ? "VALID" : "BROKEN (\(v.problems.count) problem\(v.problems.count == 1 ? "" : "s"))"
        return "\(state); \(v.records) records, \(v.rounds) rounds; signer \(v.signerPublicKey ?? "unknown") "
            + (v.signerPinned ? "(pinned by the registry)" : "(not pinned)")
    }

    static func budgetLine(_ v: AuditVerification) -> String {
        "epsilon spent \(number(v.epsilonCumulative)) of budget \(v.budgetEpsilon.map { number($0) } ?? "none")"
    }

    static func phases(_ counts: [AuditRoundSummary.PhaseCount]) -> String {
        counts.isEmpty ? "–" : counts.map { "\($0.phase) \($0.count)" }.joined(separator: ", ")
    }

    static func outcome(_ r: AuditRoundSummary) -> String {
        if let reason = r.failureReason { return "failed: \(reason)" }
        return r.outcome
    }

    private static func text(_ v: AuditVerification, _ rounds: [AuditRoundSummary]) -> String {
        var lines = ["audit log: " + verdict(v), budgetLine(v)]
        for p in v.problems { lines.append("  problem at record \(p.seq) (\(p.kind)): \(p.message)") }
        for r in rounds {
            lines.append(
                "round \(r.round): \(outcome(r)); \(r.participants.count) participants, "
                    + "survivors \(r.survivors.map(String.init) ?? "–"); k \(r.degree), t \(r.threshold), bits \(r.bits), "
                    + "clip \(number(r.clip)), \(r.mechanism) noise multiplier \(number(r.noiseMultiplier)); "
                    + "epsilon round \(number(r.epsilonRound)), cumulative \(number(r.epsilonCumulative))")
            lines.append("  dropouts: \(phases(r.dropoutsByPhase))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func markdown(_ v: AuditVerification, _ rounds: [AuditRoundSummary]) -> String {
        var lines = ["# Audit report", "", "**\(verdict(v))**", "", budgetLine(v), ""]
        if !v.problems.isEmpty {
            lines += ["## Problems", ""]
            for p in v.problems { lines.append("- record \(p.seq) (`\(p.kind)`): \(markdownEscape(p.message))") }
            lines.append("")
        }
        lines += [
            "## Rounds", "",
            "| round | outcome | participants | survivors | dropouts | k | t | bits | clip | mechanism | noise multiplier | ε round | ε cumulative |",
            "|---:|---|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|",
        ]
        for r in rounds {
            let cells: [String] = [
                "\(r.round)", markdownEscape(outcome(r)), "\(r.participants.count)",
                r.survivors.map(String.init) ?? "–",
                phases(r.dropoutsByPhase), "\(r.degree)", "\(r.threshold)", "\(r.bits)", number(r.clip), r.mechanism,
                number(r.noiseMultiplier), number(r.epsilonRound), number(r.epsilonCumulative),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func markdownEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
