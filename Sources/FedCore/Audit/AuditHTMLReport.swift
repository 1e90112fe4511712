import Foundation

/// The HTML audit report: one self-contained file (inline CSS, no scripts, no external assets) with two inline SVG
/// charts — cumulative ε over rounds with the budget as a dashed line, and survivors per round. Chart marks carry
/// their exact values in `data-*` attributes (`data-round`, `data-epsilon`, `data-budget`, `data-survivors`).
enum AuditHTMLReport {
    static let width = 640.0
    static let height = 240.0
    static let margin = (left: 56.0, right: 16.0, top: 16.0, bottom: 36.0)

    static func render(_ v: AuditVerification, _ rounds: [AuditRoundSummary]) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>secagg audit report</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
            th { background: #f3f3f3; }
            .valid { color: #1a7f37; } .broken { color: #b42318; }
            svg { border: 1px solid #ddd; margin: 0.5em 0; }
            .axis { stroke: #555; stroke-width: 1; } .budget { stroke: #b42318; stroke-dasharray: 6 4; }
            .eps { fill: none; stroke: #1f5fbf; stroke-width: 2; } .bar { fill: #7aa7e0; }
            text { font-size: 11px; fill: #333; }
            </style>
            </head>
            <body>
            <h1>Audit report</h1>

            """
        html += "<p class=\"\(v.valid ? "valid" : "broken")\"><strong>\(escape(AuditReport.verdict(v)))</strong></p>\n"
        html += "<p>\(escape(AuditReport.budgetLine(v)))</p>\n"
        if !v.problems.isEmpty {
            html += "<h2>Problems</h2>\n<ul>\n"
            for p in v.problems {
                html += "<li>record \(p.seq) (<code>\(escape(p.kind))</code>): \(escape(p.message))</li>\n"
            }
            html += "</ul>\n"
        }
        html += "<h2>Privacy spent</h2>\n" + epsilonChart(rounds, budget: v.budgetEpsilon) + "\n"
        html += "<h2>Survivors per round</h2>\n" + survivorsChart(rounds) + "\n"
        html += "<h2>Rounds</h2>\n" + table(rounds) + "</body>\n</html>\n"
        return html
    }

    private static func table(_ rounds: [AuditRoundSummary]) -> String {
        let headers = [
            "round", "outcome", "participants", "survivors", "dropouts", "k", "t", "bits", "clip",
            "mechanism", "noise multiplier", "ε round", "ε cumulative",
        ]
        var out = "<table>\n<tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for r in rounds {
            let cells = [
                "\(r.round)", AuditReport.outcome(r), "\(r.participants.count)", r.survivors.map(String.init) ?? "–",
                AuditReport.phases(r.dropoutsByPhase), "\(r.degree)", "\(r.threshold)", "\(r.bits)",
                AuditReport.number(r.clip), r.mechanism, AuditReport.number(r.noiseMultiplier),
                AuditReport.number(r.epsilonRound), AuditReport.number(r.epsilonCumulative),
            ]
            out += "<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// x of the i-th of n rounds (centre of its slot).
    private static func x(_ i: Int, of n: Int) -> Double {
        let plot = width - margin.left - margin.right
        return margin.left + (Double(i) + 0.5) * plot / Double(max(n, 1))
    }

    private static func y(_ value: Double, max top: Double) -> Double {
        let plot = height - margin.top - margin.bottom
        return margin.top + plot * (1 - value / top)
    }

    private static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    private static func frame(label: String, top: Double, rounds: [AuditRoundSummary]) -> String {
        let bottom = height - margin.bottom
        var s =
            "<line class=\"axis\" x1=\"\(f(margin.left))\" y1=\"\(f(margin.top))\" x2=\"\(f(margin.left))\" y2=\"\(f(bottom))\"/>"
        s +=
            "<line class=\"axis\" x1=\"\(f(margin.left))\" y1=\"\(f(bottom))\" x2=\"\(f(width - margin.right))\" y2=\"\(f(bottom))\"/>"
        s += "<text x=\"4\" y=\"\(f(margin.top + 4))\">\(escape(AuditReport.number(top)))</text>"
        s += "<text x=\"4\" y=\"\(f(bottom))\">0</text>"
        s += "<text x=\"\(f(margin.left))\" y=\"\(f(height - 4))\">\(escape(label))</text>"
        for (i, r) in rounds.enumerated() {
            s += "<text x=\"\(f(x(i, of: rounds.count) - 4))\" y=\"\(f(bottom + 14))\">\(r.round)</text>"
        }
        return s
    }

    static func epsilonChart(_ rounds: [AuditRoundSummary], budget: Double?) -> String {
        let spent = rounds.compactMap(\.epsilonCumulative)
        let top = Swift.max(budget ?? 0, spent.max() ?? 0, 1e-12) * 1.1
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"epsilon-chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"cumulative epsilon over rounds\">"
        s += frame(label: "round (cumulative ε)", top: top, rounds: rounds)
        if let budget {
            let yb = f(y(budget, max: top))
            s +=
                "<line class=\"budget\" data-budget=\"\(budget)\" x1=\"\(f(margin.left))\" y1=\"\(yb)\" "
                + "x2=\"\(f(width - margin.right))\" y2=\"\(yb)\"/>"
            s +=
                "<text x=\"\(f(width - margin.right - 90))\" y=\"\(f(y(budget, max: top) - 4))\">budget \(escape(AuditReport.number(budget)))</text>"
        }
        var points: [String] = []
        var marks = ""
        for (i, r) in rounds.enumerated() {
            guard let e = r.epsilonCumulative else { continue }
            let px = f(x(i, of: rounds.count))
            let py = f(y(e, max: top))
            points.append("\(px),\(py)")
            marks +=
                "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"3\" fill=\"#1f5fbf\" data-round=\"\(r.round)\" data-epsilon=\"\(e)\">"
                + "<title>round \(r.round): ε \(escape(AuditReport.number(e)))</title></circle>"
        }
        if !points.isEmpty { s += "<polyline class=\"eps\" points=\"\(points.joined(separator: " "))\"/>" }
        return s + marks + "</svg>"
    }

    static func survivorsChart(_ rounds: [AuditRoundSummary]) -> String {
        let counts = rounds.map { $0.survivors ?? 0 }
        let top = Double(Swift.max(rounds.map(\.participants.count).max() ?? 1, 1)) * 1.1
        let slot = (width - margin.left - margin.right) / Double(max(rounds.count, 1))
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"survivors-chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"survivors per round\">"
        s += frame(label: "round (survivors)", top: top, rounds: rounds)
        for (i, r) in rounds.enumerated() {
            let yTop = y(Double(counts[i]), max: top)
            s +=
                "<rect class=\"bar\" x=\"\(f(x(i, of: rounds.count) - slot * 0.3))\" y=\"\(f(yTop))\" width=\"\(f(slot * 0.6))\" "
                + "height=\"\(f(height - margin.bottom - yTop))\" data-round=\"\(r.round)\" data-survivors=\"\(counts[i])\">"
                + "<title>round \(r.round): \(counts[i]) of \(r.participants.count) survived</title></rect>"
        }
        return s + "</svg>"
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
