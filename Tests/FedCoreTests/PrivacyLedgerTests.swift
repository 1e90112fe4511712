import Foundation
import Testing
@testable import FedCore

@Suite struct PrivacyLedgerTests {
    static func charged(_ round: Int, cumulative: Double) -> LedgerRecord {
        .roundCharged(RoundCharged(
            round: round, mechanism: "ddgauss", noiseMultiplier: 1.1, clients: 10, minSurvivors: 7, samplingRate: 1,
            dimension: 4096, clip: 1, bits: 20, scale: 0.001, localVarianceNumerator: 123_456_789_012,
            localVarianceDenominator: 1 << 40, delta: 1e-5, epsilonRound: 0.5, epsilonCumulative: cumulative,
            budgetEpsilon: round == 1 ? 8 : nil, timestamp: "2026-01-02T03:04:05.678Z"))
    }

    static func completed(_ round: Int) -> LedgerRecord {
        .roundCompleted(RoundCompleted(round: round, survivors: 3, survivorIds: [1, 4, 9], outputHash: "ab01", timestamp: nil))
    }

    static let header = #"{"format":"secagg-ledger","version":1}"# + "\n"

    static func ledgerFile(_ text: String) throws -> (URL, URL) {
        let directory = try TestFiles.temporaryDirectory()
        let url = directory.appendingPathComponent("ledger.jsonl")
        try Data(text.utf8).write(to: url)
        return (directory, url)
    }

    @Test func appendedRecordsReadBackInOrderWithSnakeCaseKeys() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("ledger.jsonl")
        let ledger = try PrivacyLedger.open(url)
        let records: [LedgerRecord] = [
            Self.charged(1, cumulative: 0.5), Self.completed(1), Self.charged(2, cumulative: 0.9),
            .roundFailed(RoundFailed(round: 2, reason: "too few survivors: 2 < 3", charged: true, timestamp: "t")),
        ]
        for r in records { try ledger.append(r) }
        #expect(try ledger.records() == records)
        #expect(try ledger.chargedRounds.map(\.round) == [1, 2])
        #expect(try ledger.lastCumulativeEpsilon == 0.9)
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6 && lines.last == "")
        #expect(lines[0].contains(#""format":"secagg-ledger""#) && lines[0].contains(#""version":1"#))
        for key in ["\"type\":\"round_charged\"", "\"noise_multiplier\":", "\"min_survivors\":7", "\"sampling_rate\":",
                    "\"local_variance_numerator\":123456789012", "\"local_variance_denominator\":1099511627776",
                    "\"epsilon_round\":", "\"epsilon_cumulative\":", "\"budget_epsilon\":8"] {
            #expect(lines[1].contains(key), "\(key)")
        }
        #expect(lines[2].contains(#""survivor_ids":[1,4,9]"#) && lines[2].contains(#""output_hash":"ab01""#))
        #expect(!lines[3].contains("budget_epsilon"))
        // Reopening a clean ledger changes nothing.
        #expect(try PrivacyLedger.open(url).repairedByteCount == 0)
        #expect(try String(contentsOf: url, encoding: .utf8) == text)
    }

    @Test func emptyLedgerHasNoChargedRounds() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try PrivacyLedger.open(directory.appendingPathComponent("l"))
        #expect(try ledger.records().isEmpty)
        #expect(try ledger.lastCumulativeEpsilon == nil)
        #expect(throws: FedCoreError.Ledger.self) {
            _ = try PrivacyLedger.open(directory.appendingPathComponent("missing"), createIfMissing: false)
        }
    }

    @Test func nonFiniteRecordIsRefusedWithoutTouchingTheFile() throws {
        let (directory, url) = try Self.ledgerFile(Self.header)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try PrivacyLedger.open(url)
        let bad = LedgerRecord.roundCharged(RoundCharged(
            round: 1, mechanism: "ddgauss", noiseMultiplier: .nan, clients: 1, minSurvivors: 1, samplingRate: 1,
            dimension: 1, clip: 1, bits: 8, scale: 1, localVarianceNumerator: 1, localVarianceDenominator: 1,
            delta: 1e-5, epsilonRound: 1, epsilonCumulative: 1))
        #expect(throws: FedCoreError.Ledger.self) { try ledger.append(bad) }
        #expect(try String(contentsOf: url, encoding: .utf8) == Self.header)
    }

    @Test func tornFinalLineIsReportedByReadersAndRemovedByOpen() throws {
        let complete = Self.header + #"{"type":"round_completed","round":1,"survivors":2,"survivor_ids":[1,2],"output_hash":"00"}"# + "\n"
        let torn = #"{"type":"round_charged","round":2,"mech"#
        let (directory, url) = try Self.ledgerFile(complete + torn)
        defer { try? FileManager.default.removeItem(at: directory) }
        let contents = try PrivacyLedger.read(contentsOf: url)
        #expect(contents.records.map(\.round) == [1])
        #expect(contents.tornTailByteCount == torn.utf8.count)
        #expect(try String(contentsOf: url, encoding: .utf8) == complete + torn)  // reading never modifies
        let ledger = try PrivacyLedger.open(url)
        #expect(ledger.repairedByteCount == torn.utf8.count)
        #expect(try String(contentsOf: url, encoding: .utf8) == complete)
        try ledger.append(Self.completed(2))
        #expect(try ledger.records().map(\.round) == [1, 2])
    }

    @Test func appendRepairsATornTailLeftAfterOpen() throws {
        let (directory, url) = try Self.ledgerFile(Self.header)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try PrivacyLedger.open(url)
        try ledger.append(Self.completed(1))
        let handle = try FileHandle(forWritingTo: url)  // a crashed writer's half line
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"type":"round_comp"#.utf8))
        try handle.close()
        try ledger.append(Self.completed(2))
        let contents = try ledger.read()
        #expect(contents.records.map(\.round) == [1, 2])
        #expect(contents.tornTailByteCount == 0)
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        let expected: FedCoreError.Ledger
        var testDescription: String { label }
    }

    static let goodLine = #"{"type":"round_completed","round":1,"survivors":2,"survivor_ids":[1,2],"output_hash":"00"}"#
    static let malformed: [Malformed] = [
        Malformed(label: "empty file", text: "", expected: .missingHeader(file: "F")),
        Malformed(label: "torn header", text: #"{"format":"secagg-led"#, expected: .missingHeader(file: "F")),
        Malformed(label: "header not JSON", text: "hello\n", expected: .invalidHeader(file: "F", detail: "")),
        Malformed(label: "unknown format", text: #"{"format":"other","version":1}"# + "\n", expected: .unknownFormat(file: "F", format: "other")),
        Malformed(label: "unknown version", text: #"{"format":"secagg-ledger","version":2}"# + "\n",
                  expected: .unsupportedVersion(file: "F", version: 2)),
        Malformed(label: "bad JSON in the middle", text: header + goodLine + "\n" + "{not json\n" + goodLine + "\n",
                  expected: .corruptRecord(file: "F", line: 3, detail: "")),
        Malformed(label: "truncated line in the middle", text: header + #"{"type":"round_completed","round":1"# + "\n" + goodLine + "\n",
                  expected: .corruptRecord(file: "F", line: 2, detail: "")),
        Malformed(label: "empty line in the middle", text: header + "\n" + goodLine + "\n", expected: .corruptRecord(file: "F", line: 2, detail: "")),
        Malformed(label: "unknown record type", text: header + #"{"type":"round_exploded","round":1}"# + "\n",
                  expected: .unknownRecordType(file: "F", line: 2, type: "round_exploded")),
        Malformed(label: "mistyped field", text: header + #"{"type":"round_failed","round":"one","reason":"x","charged":true}"# + "\n",
                  expected: .corruptRecord(file: "F", line: 2, detail: "")),
    ]

    @Test(arguments: malformed)
    func malformedLedgerIsRefusedWithATypedError(_ testCase: Malformed) throws {
        let (directory, url) = try Self.ledgerFile(testCase.text)
        defer { try? FileManager.default.removeItem(at: directory) }
        for attempt in 0..<2 {
            let error = #expect(throws: FedCoreError.Ledger.self) {
                if attempt == 0 { _ = try PrivacyLedger.read(contentsOf: url) } else { _ = try PrivacyLedger.open(url) }
            }
            guard let error else { continue }
            #expect(TestFiles.caseName(error) == TestFiles.caseName(testCase.expected), "\(error)")
            switch (error, testCase.expected) {
            case (.corruptRecord(_, let line, _), .corruptRecord(_, let expectedLine, _)): #expect(line == expectedLine)
            case (.unsupportedVersion(_, let v), .unsupportedVersion(_, let e)): #expect(v == e)
            case (.unknownRecordType(_, let l, let t), .unknownRecordType(_, let el, let et)): #expect(l == el && t == et)
            default: break
            }
            #expect(error.description.hasPrefix(url.path))
        }
        #expect(try Data(contentsOf: url) == Data(testCase.text.utf8))  // a corrupt ledger is never "repaired"
    }

    /// A writer that emits each record in two `write`s is SIGKILLed mid-loop; whatever it left, the ledger
    /// opens, every complete record is intact and in order, and a torn tail is removed.
    @Test func ledgerSurvivesAWriterKilledMidAppend() throws {
        let (directory, url) = try Self.ledgerFile(Self.header)
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", """
            i=1
            while :; do
              printf '{"type":"round_completed","round":%d,' "$i" >> "$1"
              printf '"survivors":3,"survivor_ids":[1,2,3],"output_hash":"%08x"}\\n' "$i" >> "$1"
              i=$((i+1))
            done
            """, "writer", url.path]
        try writer.run()
        // Wait (bounded) until a few hundred records exist, then kill without warning.
        var size = 0
        for _ in 0..<2_000 where size < 40_000 {
            usleep(5_000)
            size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        }
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)
        #expect(size >= 40_000, "writer did not make progress")

        let before = try PrivacyLedger.read(contentsOf: url)
        let ledger = try PrivacyLedger.open(url)
        #expect(ledger.repairedByteCount == before.tornTailByteCount)
        let records = try ledger.records()
        #expect(records == before.records)
        #expect(records.count > 300)
        for (i, record) in records.enumerated() {
            #expect(record == .roundCompleted(RoundCompleted(
                round: i + 1, survivors: 3, survivorIds: [1, 2, 3], outputHash: String(format: "%08x", i + 1), timestamp: nil)))
        }
        try ledger.append(Self.completed(records.count + 1))
        #expect(try ledger.records().count == records.count + 1)
    }
}
