import FedCore
import Foundation
import Testing

@testable import FedAudit

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct AuditReportTests {
    typealias Fixture = AuditLogFixture

    func fixtureReport(_ format: AuditReport.Format) throws -> (String, AuditVerification, [AuditRecord]) {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Fixture.write(url, signer: try Fixture.key(Fixture.seedA))
        let records = try AuditLogReader.records(at: url)
        let verification = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        return (AuditReport.render(verification, records: records, format: format), verification, records)
    }

    @Test func roundSummariesCountDropoutsPerPhaseAndCarryTheChargedEpsilon() throws {
        let (_, _, records) = try fixtureReport(.text)
        let rounds = AuditRoundSummary.summaries(of: records)
        #expect(rounds.map(\.round) == [1, 2, 3])
        #expect(rounds.map(\.outcome) == ["completed", "failed", "completed"])
        #expect(rounds[0].dropoutsByPhase.map(\.count) == [0, 1, 1, 0, 1])
        #expect(
            rounds[0].dropoutsByPhase.map(\.phase) == [
                "advertise_keys", "share_keys", "masked_input", "consistency_check", "unmasking",
            ])
        #expect(rounds[1].survivorsByPhase.map(\.count) == [9, 8, 8])
        #expect(rounds.map(\.epsilonCumulative) == [0.2, 0.4, 0.6])
        #expect(rounds[1].failureReason == "too few <unmasking> shares")
        #expect(
            rounds[0].degree == 8 && rounds[0].threshold == 5 && rounds[0].bits == 20
                && rounds[0].participants.count == 10)
    }

    @Test func jsonReportHasTheVerdictAndEveryRound() throws {
        let (text, verification, records) = try fixtureReport(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let v = try #require(object["verification"] as? [String: Any])
        #expect(v["valid"] as? Bool == true && v["rounds"] as? Int == 3 && v["signer_pinned"] as? Bool == false)
        let run = try #require(object["run"] as? [String: Any])
        #expect(run["delta"] as? Double == 1e-5 && run["budget_epsilon"] as? Double == 10)
        #expect(run["model"] is NSNull && run["signer_recorded_pinned"] as? Bool == true)
        #expect(run["min_survivors"] as? [Int] == [6, 6] && (run["started_at"] as? String)?.isEmpty == false)
        let statement = try #require(object["statement"] as? [String: Any])
        let checks = try #require(statement["checks"] as? [[String: Any]])
        #expect(checks.map { $0["check"] as? String } == AuditCheck.allCases.map(\.rawValue))
        #expect(checks.first { $0["check"] as? String == "signer" }?["held"] is NSNull)
        let rounds = try #require(object["rounds"] as? [[String: Any]])
        #expect(rounds.map { $0["colluding_clients"] as? Int } == [0, 0, 0])
        let charged = records.compactMap { r -> AuditRoundCharged? in
            if case .roundCharged(let c) = r.event { c } else { nil }
        }
        #expect(rounds.map { $0["epsilon_cumulative"] as? Double } == charged.map(\.epsilonCumulative))
        #expect(rounds.map { $0["noise_multiplier"] as? Double } == [1.25, 1.25, 1.25])
        #expect(verification.valid)
    }

    @Test func textAndMarkdownNameEveryRoundAndTheBudget() throws {
        let (text, _, _) = try fixtureReport(.text)
        #expect(text.hasPrefix("secagg audit report\naudit log: VALID"))
        #expect(text.contains("ε spent 0.6 of the budget 10"))
        #expect(text.contains("round 2: failed: too few <unmasking> shares"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= AuditTextReport.width })
        let (markdown, _, _) = try fixtureReport(.markdown)
        let tableRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| round") }
        #expect(tableRows.count == 3)
        #expect(tableRows[0].hasSuffix("| 0.2 | 0.2 |"))
        #expect(tableRows[0].contains("| 6 | 0 | 1 |"), "M, K and q of the round")
        #expect(markdown.contains("- **δ**: 1e-05 for every ε in this report"))
    }

    /// Every format states δ, the run date, the model (not recorded), the signer's status and the checks.
    @Test(arguments: AuditReport.Format.allCases)
    func everyFormatStatesTheGuaranteeAndItsAssumptions(_ format: AuditReport.Format) throws {
        let (rendered, verification, records) = try fixtureReport(format)
        // Text wraps its lines at 100 columns: undo that so phrases can be found.
        let report = format == .text ? rendered.replacing(/\n +/, with: " ") : rendered
        let started = try #require(
            records.compactMap { r -> RunStarted? in if case .runStarted(let s) = r.event { s } else { nil } }.first)
        for fact in [
            "1e-05", started.startedAt, "not recorded in this log", "client-level", "K = 0", "M = 6",
            "the run recorded it as the registry", "Rényi DP of the distributed discrete Gaussian",
            "not checked: no --registry given", "fixed cohort",
            try #require(verification.signerPublicKey),
        ] {
            #expect(report.contains(fact), "\(format): \(fact)")
        }
        #expect(!report.contains("not pinned") && !report.contains("budget none"))
    }

    @Test func statementSaysWhenNoBudgetWasSetAndWhenTheSignerWasChecked() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = Fixture.Options()
        options.budget = nil
        let signer = try Fixture.key(Fixture.seedA)
        try Fixture.write(url, signer: signer, options: options)
        let records = try AuditLogReader.records(at: url)
        let facts = AuditRunFacts(records: records)
        #expect(facts.budgetEpsilon == nil && facts.delta == 1e-5 && facts.model == nil && facts.chargedRounds == 3)
        #expect(facts.minSurvivors == 6...6 && facts.colludingClients == 0...0 && facts.mechanisms == ["ddgauss"])

        let checked = try AuditVerifier.verify(url, registryServerKey: signer.publicKey, accountant: Fixture.accountant)
        let statement = AuditStatement(checked, facts: facts)
        let spent = try #require(statement.entries.first { $0.label == "Privacy spent" }?.text)
        #expect(spent.contains("ε 0.6 over 3 charged rounds") && spent.contains("no total budget"))
        #expect(statement.entries.first { $0.label == "Keys" }?.text.contains("registry given (checked)") == true)
        #expect(statement.checks.allSatisfy { $0.held == true })

        let foreign = try Fixture.key(Fixture.seedB).publicKey
        let wrong = AuditStatement(
            try AuditVerifier.verify(url, registryServerKey: foreign, accountant: Fixture.accountant), facts: facts)
        #expect(wrong.verdict.hasPrefix("BROKEN"))
        #expect(wrong.checks.first { $0.check == .signer }?.held == false)
        #expect(wrong.checks.first { $0.check == .signatures }?.held == false)
        #expect(wrong.checks.first { $0.check == .chain }?.held == true)
    }

    @Test func chartTicksAreNiceAndReachTheData() {
        #expect(AuditHTMLCharts.ticks(maximum: 10.5) == [0, 5, 10, 15])
        #expect(AuditHTMLCharts.ticks(maximum: 0.63).count == 5)
        #expect(AuditHTMLCharts.ticks(maximum: 8, integer: true) == [0, 2, 4, 6, 8])
        #expect(AuditHTMLCharts.ticks(maximum: 3, integer: true) == [0, 1, 2, 3])
        for maximum in [1e-6, 0.3, 7, 123.4, 5e4] {
            let ticks = AuditHTMLCharts.ticks(maximum: maximum)
            #expect(ticks.count >= 3 && ticks.count <= 9 && ticks.last! >= maximum, "\(maximum): \(ticks)")
        }
    }

    @Test func htmlIsSelfContainedWellFormedAndChartsTheEvents() throws {
        let (html, _, records) = try fixtureReport(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for external in ["<script", "<link", "src=", "href=", "url("] {
            #expect(!html.contains(external), "\(external)")
        }
        #expect(html.contains("&lt;unmasking&gt;") && !html.contains("<unmasking>"))
        // The body after the doctype is XML-well-formed (void elements are self-closed), and so is each chart.
        let document = String(html.dropFirst("<!DOCTYPE html>\n".count))
        #expect(try XMLCheck.parse(document).elements.contains("svg"))
        let epsilonSVG = try #require(Self.fragment(html, id: "epsilon-chart"))
        let survivorsSVG = try #require(Self.fragment(html, id: "survivors-chart"))
        let epsilonChart = try XMLCheck.parse(epsilonSVG)
        let survivorsChart = try XMLCheck.parse(survivorsSVG)
        #expect(epsilonChart.elements.contains("polyline"))

        let charged = records.compactMap { r -> AuditRoundCharged? in
            if case .roundCharged(let c) = r.event { c } else { nil }
        }
        let points = epsilonChart.attributes.filter { $0["data-epsilon"] != nil }
        #expect(points.compactMap { $0["data-round"].flatMap(Int.init) } == [1, 2, 3])
        #expect(points.compactMap { $0["data-epsilon"].flatMap(Double.init) } == charged.map(\.epsilonCumulative))
        #expect(epsilonChart.attributes.contains { $0["data-budget"] == "10.0" })
        let bars = survivorsChart.attributes.compactMap { $0["data-survivors"].flatMap(Int.init) }
        #expect(bars == [8, 0, 8])
        #expect(survivorsChart.attributes.contains { $0["data-min-survivors"] == "6" })
        // Labelled axes: both charts name the round axis and their value axis, with at least three y ticks.
        #expect(epsilonSVG.contains(">round</text>") && epsilonSVG.contains(">cumulative ε (δ = 1e-05)</text>"))
        #expect(survivorsSVG.contains(">round</text>") && survivorsSVG.contains(">clients</text>"))
        let epsilonTicks = epsilonChart.attributes.filter { $0["class"] == "tick" && $0["text-anchor"] == "end" }
        #expect(epsilonTicks.count >= 3)
        // The page is built for narrow windows and print: viewport meta, wrapping of long words, print CSS.
        for rule in ["name=\"viewport\"", "overflow-wrap: anywhere", "@media print", "@media (max-width: 760px)", "@media (max-width: 1060px)"] {
            #expect(html.contains(rule), "\(rule)")
        }
        let cells = try XMLCheck.parse(document).attributes.compactMap { $0["data-label"] }
        #expect(Set(cells) == Set(AuditReport.columns) && cells.count == 3 * AuditReport.columns.count)
        #expect(html.contains("id=\"signoff\""))
    }

    @Test func brokenLogReportListsItsProblems() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = Fixture.Options()
        options.close = false
        try Fixture.write(url, signer: try Fixture.key(Fixture.seedA), options: options)
        let records = try AuditLogReader.records(at: url)
        let v = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        let text = AuditReport.render(v, records: records, format: .text)
        #expect(text.hasPrefix("secagg audit report\naudit log: BROKEN: 1 problem (closing)"))
        #expect(text.contains("record 30 (round_closed, closing): log ends without a closing record (truncated?)"))
        #expect(text.contains("FAILED (1 problem): completeness"))
        let html = AuditReport.render(v, records: records, format: .html)
        #expect(html.contains("class=\"verdict broken\""))
        #expect(html.contains("<li class=\"failed\" data-check=\"closing\">"))
        #expect(try XMLCheck.parse(String(html.dropFirst("<!DOCTYPE html>\n".count))).elements.contains("li"))
    }

    static func fragment(_ html: String, id: String) -> String? {
        guard let start = html.range(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\"") else { return nil }
        guard let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }
}

/// Parses XML with Foundation's XMLParser and records element names and attributes; throws when not well-formed.
final class XMLCheck: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [[String: String]] = []

    struct NotWellFormed: Error { let detail: String }

    static func parse(_ text: String) throws -> XMLCheck {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = check
        guard parser.parse() else {
            throw NotWellFormed(detail: parser.parserError.map { "\($0)" } ?? "unknown")
        }
        return check
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(elementName)
        attributes.append(attributeDict)
    }
}
