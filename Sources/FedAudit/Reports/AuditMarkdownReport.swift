/// The Markdown audit report: the statement as a definition list, checks, problems and the rounds table.
enum AuditMarkdownReport {
    static func render(_ v: AuditVerification, _ s: AuditStatement, _ rounds: [AuditRoundSummary]) -> String {
        var lines = ["# Audit report", "", "**\(escape(s.verdict))**", ""]
        for e in s.entries { lines.append("- **\(escape(e.label))**: \(escape(e.text))") }
        lines += ["", "## Checks", ""]
        for c in s.checks { lines.append("- \(escape(c.status)): \(escape(c.check.summary))") }
        lines.append("")
        if !v.problems.isEmpty {
            lines += ["## Problems", ""]
            for p in v.problems {
                lines.append("- record \(p.seq) (`\(p.kind)`, \(p.check.rawValue)): \(escape(p.message))")
            }
            lines.append("")
        }
        let textColumns: Set<String> = ["outcome", "dropouts", "mechanism"]
        lines += [
            "## Rounds", "", escape(AuditReport.budgetLine(v)), "",
            "| " + AuditReport.columns.joined(separator: " | ") + " |",
            "|" + AuditReport.columns.map { textColumns.contains($0) ? "---|" : "---:|" }.joined(),
        ]
        for r in rounds { lines.append("| " + AuditReport.cells(r).map(escape).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
