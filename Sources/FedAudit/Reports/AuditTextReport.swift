/// The plain-text audit report: lines wrapped at ``width`` columns for a terminal.
enum AuditTextReport {
    static let width = 100

    static func render(_ v: AuditVerification, _ s: AuditStatement, _ rounds: [AuditRoundSummary]) -> String {
        var lines = ["secagg audit report", "audit log: " + s.verdict, ""]
        for e in s.entries { lines += wrap(e.label + ": " + e.text, indent: "    ") }
        lines += ["", "Checks:"]
        for c in s.checks { lines += wrap("  \(c.status): \(c.check.summary)", indent: "      ") }
        if !v.problems.isEmpty {
            lines += ["", "Problems:"]
            for p in v.problems {
                lines += wrap("  record \(p.seq) (\(p.kind), \(p.check.rawValue)): \(p.message)", indent: "      ")
            }
        }
        lines += ["", "Rounds (\(AuditReport.budgetLine(v))):"]
        for r in rounds {
            let line =
                "round \(r.round): \(AuditReport.outcome(r)); \(r.participants.count) participants, "
                + "survivors \(r.survivors.map(String.init) ?? "–"); k \(r.degree), t \(r.threshold), bits \(r.bits), "
                + "clip \(AuditReport.number(r.clip)), \(r.mechanism) noise multiplier "
                + "\(AuditReport.number(r.noiseMultiplier)), M \(r.minSurvivors), K \(r.colludingClients), "
                + "q \(AuditReport.number(r.samplingRate)); epsilon round \(AuditReport.number(r.epsilonRound)), "
                + "cumulative \(AuditReport.number(r.epsilonCumulative))"
            lines += wrap(line, indent: "    ")
            lines += wrap("  dropouts: \(AuditReport.phases(r.dropoutsByPhase))", indent: "    ")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Splits `text` at spaces into lines of at most ``width`` characters (longer words stay whole); lines after
    /// the first start with `indent`. Leading spaces of the first line are kept.
    static func wrap(_ text: String, indent: String) -> [String] {
        var lines: [String] = []
        var current: String?
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let line = current else {
                current = String(word)
                continue
            }
            if line.count + 1 + word.count > width, line.contains(where: { $0 != " " }) {
                lines.append(line)
                current = indent + word
            } else {
                current = line + " " + word
            }
        }
        lines.append(current ?? "")
        return lines
    }
}
