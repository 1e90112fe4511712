import FedCore
import Foundation

/// The report's inline SVG charts, scaled to the page by their viewBox. Both have labelled axes with tick values
/// and gridlines: cumulative ε per round with the budget as a dashed line, and survivors per round against the
/// cohort and the minimum M. Marks carry their exact values in `data-*` attributes (`data-round`,
/// `data-epsilon`, `data-budget`, `data-survivors`, `data-min-survivors`).
enum AuditHTMLCharts {
    static let width = 480.0
    static let height = 260.0
    static let margin = (left: 60.0, right: 14.0, top: 30.0, bottom: 46.0)
    static let bottom = height - margin.bottom
    static let right = width - margin.right

    /// Tick values 0, step, …, top with a 1-2-5 step, `top` ≥ `maximum` (a multiple of the step).
    static func ticks(maximum: Double, integer: Bool = false) -> [Double] {
        let target = Swift.max(maximum, integer ? 1 : 1e-12)
        let raw = target / 4
        let magnitude = pow(10, floor(log10(raw)))
        let normalised = raw / magnitude
        var step = (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10) * magnitude
        if integer { step = Swift.max(1, step.rounded(.up)) }
        let count = Int((target / step).rounded(.up))
        return (0...Swift.max(count, 1)).map { Double($0) * step }
    }

    /// x of the centre of the i-th of n round slots.
    static func x(_ i: Int, of n: Int) -> Double {
        margin.left + (Double(i) + 0.5) * (right - margin.left) / Double(Swift.max(n, 1))
    }

    static func y(_ value: Double, top: Double) -> Double {
        margin.top + (bottom - margin.top) * (1 - value / top)
    }

    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    private static func open(id: String, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\" class=\"chart\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(AuditHTMLReport.escape(label))\">"
    }

    /// Gridlines, y ticks and title, x ticks (at most 12 labels) and title.
    private static func frame(yTitle: String, ticks: [Double], rounds: [AuditRoundSummary]) -> String {
        let top = ticks.last ?? 1
        var s = ""
        for t in ticks {
            let ty = f(y(t, top: top))
            s += "<line class=\"grid\" x1=\"\(f(margin.left))\" y1=\"\(ty)\" x2=\"\(f(right))\" y2=\"\(ty)\"/>"
            s +=
                "<text class=\"tick\" x=\"\(f(margin.left - 6))\" y=\"\(f(y(t, top: top) + 4))\" "
                + "text-anchor=\"end\">\(AuditHTMLReport.escape(AuditReport.number(t)))</text>"
        }
        s += "<line class=\"axis\" x1=\"\(f(margin.left))\" y1=\"\(f(margin.top))\" x2=\"\(f(margin.left))\" y2=\"\(f(bottom))\"/>"
        s += "<line class=\"axis\" x1=\"\(f(margin.left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\"/>"
        let stride = Swift.max(1, Int((Double(rounds.count) / 12).rounded(.up)))
        for (i, r) in rounds.enumerated() where i % stride == 0 || i == rounds.count - 1 {
            s +=
                "<text class=\"tick\" x=\"\(f(x(i, of: rounds.count)))\" y=\"\(f(bottom + 16))\" "
                + "text-anchor=\"middle\">\(r.round)</text>"
        }
        s +=
            "<text class=\"title\" x=\"\(f((margin.left + right) / 2))\" y=\"\(f(height - 8))\" "
            + "text-anchor=\"middle\">round</text>"
        let midY = f((margin.top + bottom) / 2)
        s +=
            "<text class=\"title\" x=\"16\" y=\"\(midY)\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 16 \(midY))\">\(AuditHTMLReport.escape(yTitle))</text>"
        return s
    }

    /// Cumulative ε after each charged round, with the budget as a dashed line.
    static func epsilon(_ rounds: [AuditRoundSummary], budget: Double?, delta: Double?) -> String {
        let spent = rounds.compactMap(\.epsilonCumulative)
        let ticks = Self.ticks(maximum: Swift.max(budget ?? 0, spent.max() ?? 0) * 1.05)
        let top = ticks.last ?? 1
        var s = open(id: "epsilon-chart", label: "cumulative epsilon over rounds")
        let title = "cumulative ε" + (delta.map { " (δ = \(AuditReport.number($0)))" } ?? "")
        s += frame(yTitle: title, ticks: ticks, rounds: rounds)
        if let budget {
            let yb = y(budget, top: top)
            s +=
                "<line class=\"budget\" data-budget=\"\(budget)\" x1=\"\(f(margin.left))\" y1=\"\(f(yb))\" "
                + "x2=\"\(f(right))\" y2=\"\(f(yb))\"/>"
            s +=
                "<text class=\"budget-label\" x=\"\(f(right))\" y=\"\(f(yb - 5))\" text-anchor=\"end\">"
                + "budget ε = \(AuditHTMLReport.escape(AuditReport.number(budget)))</text>"
        }
        var points: [String] = []
        var marks = ""
        for (i, r) in rounds.enumerated() {
            guard let e = r.epsilonCumulative else { continue }
            let px = f(x(i, of: rounds.count))
            let py = f(y(e, top: top))
            points.append("\(px),\(py)")
            marks +=
                "<circle class=\"eps-point\" cx=\"\(px)\" cy=\"\(py)\" r=\"3.5\" data-round=\"\(r.round)\" "
                + "data-epsilon=\"\(e)\"><title>round \(r.round): cumulative ε "
                + "\(AuditHTMLReport.escape(AuditReport.number(e)))</title></circle>"
        }
        if !points.isEmpty { s += "<polyline class=\"eps\" points=\"\(points.joined(separator: " "))\"/>" }
        return s + marks + "</svg>"
    }

    /// Survivors of each round as bars inside the cohort's outline, with the largest M as a dashed line (labelled
    /// above the plot, where no bar can cover it).
    static func survivors(_ rounds: [AuditRoundSummary]) -> String {
        let cohort = rounds.map(\.participants.count).max() ?? 1
        let ticks = Self.ticks(maximum: Double(cohort), integer: true)
        let top = ticks.last ?? 1
        let slot = (right - margin.left) / Double(Swift.max(rounds.count, 1))
        var s = open(id: "survivors-chart", label: "survivors per round")
        s += frame(yTitle: "clients", ticks: ticks, rounds: rounds)
        for (i, r) in rounds.enumerated() {
            let count = r.survivors ?? 0
            let left = f(x(i, of: rounds.count) - slot * 0.3)
            let barWidth = f(slot * 0.6)
            let yCohort = y(Double(r.participants.count), top: top)
            let yTop = y(Double(count), top: top)
            s +=
                "<rect class=\"cohort\" x=\"\(left)\" y=\"\(f(yCohort))\" width=\"\(barWidth)\" "
                + "height=\"\(f(bottom - yCohort))\"/>"
            s +=
                "<rect class=\"bar\" x=\"\(left)\" y=\"\(f(yTop))\" width=\"\(barWidth)\" "
                + "height=\"\(f(bottom - yTop))\" data-round=\"\(r.round)\" data-survivors=\"\(count)\">"
                + "<title>round \(r.round): \(count) of \(r.participants.count) survived"
                + "\(r.survivors == nil ? " (no sum released)" : "")</title></rect>"
        }
        if let m = rounds.map(\.minSurvivors).max(), m > 0 {
            let ym = y(Double(m), top: top)
            s +=
                "<line class=\"floor\" data-min-survivors=\"\(m)\" x1=\"\(f(margin.left))\" y1=\"\(f(ym))\" "
                + "x2=\"\(f(right))\" y2=\"\(f(ym))\"/>"
            s +=
                "<text class=\"floor-label\" x=\"\(f(right))\" y=\"\(f(margin.top - 10))\" text-anchor=\"end\">"
                + "minimum survivors M = \(m)</text>"
        }
        return s + "</svg>"
    }
}
