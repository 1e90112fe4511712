import FedCore
import Foundation

/// The HTML audit report: one self-contained page (inline CSS, no scripts, no external assets) a privacy officer
/// can read and sign — verdict, the plain-language statement, what was checked, problems, two charts
/// (``AuditHTMLCharts``), every round's parameters and a sign-off block. Prints to PDF from a browser
/// (print CSS: A4). The document after the doctype is well-formed XML.
enum AuditHTMLReport {
    static func render(
        _ v: AuditVerification, _ s: AuditStatement, _ facts: AuditRunFacts, _ rounds: [AuditRoundSummary]
    ) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>secagg audit report</title>
            <style>
            \(AuditHTMLStyle.css)
            </style>
            </head>
            <body>
            <main>
            <h1>Audit report</h1>

            """
        html += "<p class=\"verdict \(v.valid ? "valid" : "broken")\">\(escape(s.verdict))</p>\n"
        html += "<section id=\"statement\">\n<h2>Privacy guarantee</h2>\n<dl class=\"statement\">\n"
        for e in s.entries { html += "<dt>\(escape(e.label))</dt><dd>\(escape(e.text))</dd>\n" }
        html += "</dl>\n</section>\n"
        html += "<section id=\"checks\">\n<h2>Verification</h2>\n<ul class=\"checks\">\n"
        for c in s.checks {
            let cls = c.held.map { $0 ? "held" : "failed" } ?? "skipped"
            html +=
                "<li class=\"\(cls)\" data-check=\"\(c.check.rawValue)\"><span class=\"status\">\(escape(c.status))"
                + "</span><span>\(escape(c.check.summary))</span></li>\n"
        }
        html += "</ul>\n</section>\n"
        if !v.problems.isEmpty {
            html += "<section id=\"problems\">\n<h2>Problems</h2>\n<ul class=\"problems\">\n"
            for p in v.problems {
                html +=
                    "<li>record \(p.seq) (<code>\(escape(p.kind))</code>, \(escape(p.check.rawValue))): "
                    + "\(escape(p.message))</li>\n"
            }
            html += "</ul>\n</section>\n"
        }
        html += "<section id=\"privacy-spent\">\n<h2>Privacy spent</h2>\n<figure>\n"
        html += AuditHTMLCharts.epsilon(rounds, budget: v.budgetEpsilon, delta: facts.delta) + "\n"
        html += "<figcaption>\(escape(AuditReport.budgetLine(v))): cumulative ε after each charged round"
        html += v.budgetEpsilon == nil ? ".</figcaption>\n" : "; the dashed line is the run's budget.</figcaption>\n"
        html += "</figure>\n</section>\n"
        html += "<section id=\"survivors\">\n<h2>Survivors per round</h2>\n<figure>\n"
        html += AuditHTMLCharts.survivors(rounds) + "\n"
        html +=
            "<figcaption>Bars: clients whose masked input entered the released sum (0 when the round released "
            + "nothing); dotted outline: the round's cohort; dashed line: the minimum survivors M.</figcaption>\n"
        html += "</figure>\n</section>\n"
        html += "<section id=\"rounds\">\n<h2>Rounds</h2>\n" + table(rounds) + "</section>\n"
        html += """
            <section class="signoff" id="signoff">
            <h2>Sign-off</h2>
            <dl><dt>Reviewed by</dt><dd></dd><dt>Role</dt><dd></dd><dt>Date</dt><dd></dd><dt>Signature</dt><dd></dd></dl>
            </section>
            </main>
            </body>
            </html>

            """
        return html
    }

    private static let textColumns: Set<String> = ["outcome", "dropouts", "mechanism"]
    private static let wideColumns: Set<String> = ["dropouts"]

    private static func table(_ rounds: [AuditRoundSummary]) -> String {
        let headers = AuditReport.columns
        var out = "<table class=\"rounds\">\n<thead><tr>"
        out += zip(AuditReport.shortColumns, headers).map { short, long in
            "<th scope=\"col\"\(textColumns.contains(long) ? " class=\"text\"" : "") title=\"\(escape(long))\">"
                + "\(escape(short))</th>"
        }.joined()
        out += "</tr></thead>\n<tbody>\n"
        for r in rounds {
            out += "<tr data-round=\"\(r.round)\">"
            for (header, cell) in zip(headers, AuditReport.cells(r)) {
                let cls =
                    wideColumns.contains(header)
                    ? " class=\"text wide\"" : textColumns.contains(header) ? " class=\"text\"" : ""
                // Dropouts break between phases only ("share_keys 1" stays on one line).
                let text = wideColumns.contains(header) ? keepPhasesWhole(cell) : cell
                out += "<td\(cls) data-label=\"\(escape(header))\">\(escape(text))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n<p class=\"legend\">\(escape(AuditReport.columnLegend))</p>\n"
    }

    private static func keepPhasesWhole(_ phases: String) -> String {
        phases.replacingOccurrences(of: " ", with: "\u{00A0}").replacingOccurrences(of: ",\u{00A0}", with: ", ")
    }

    /// Escapes text for HTML/XML content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
