import Foundation
import Testing

@testable import FedCore

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
        let rounds = try #require(object["rounds"] as? [[String: Any]])
        let charged = records.compactMap { r -> AuditRoundCharged? in
            if case .roundCharged(let c) = r.event { c } else { nil }
        }
        #expect(rounds.map { $0["epsilon_cumulative"] as? Double } == charged.map(\.epsilonCumulative))
        #expect(rounds.map { $0["noise_multiplier"] as? Double } == [1.25, 1.25, 1.25])
        #expect(verification.valid)
    }

    @Test func textAndMarkdownNameEveryRoundAndTheBudget() throws {
        let (text, _, _) = try fixtureReport(.text)
        #expect(text.hasPrefix("audit log: VALID"))
        #expect(text.contains("epsilon spent 0.6 of budget 10"))
        #expect(text.contains("round 2: failed: too few <unmasking> shares"))
        let (markdown, _, _) = try fixtureReport(.markdown)
        let tableRows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| round") }
        #expect(tableRows.count == 3)
        #expect(tableRows[0].contains("| 0.2 | 0.2 |"))
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
        #expect(text.hasPrefix("audit log: BROKEN (1 problem)"))
        #expect(text.contains("problem at record 30 (round_closed): log ends without a closing record (truncated?)"))
        let html = AuditReport.render(v, records: records, format: .html)
        #expect(html.contains("class=\"broken\""))
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
