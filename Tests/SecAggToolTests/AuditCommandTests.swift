import DPNoise
import FedAudit
import FedCore
import Foundation
import Sodium
import Testing

@testable import secagg_tool

/// `audit verify`, `audit report` and the ledger summary behind `privacy ledger`, on logs written with FedCore.
@Suite struct AuditCommandTests {
    static let seed: [UInt8] = (0..<32).map { UInt8(7 &* $0 &+ 1) }

    /// A two-round log charged with the DPNoise accountant; `close: false` leaves it truncated.
    static func writeLog(_ url: URL, signer: Ed25519.SecretKey, close: Bool = true) throws {
        let config = try DistributedDPConfiguration(
            mechanism: .ddgauss, l2Clip: 1, dimension: 512, minimumSurvivors: 4, maximumSummands: 5,
            noiseMultiplier: 1, bits: 18)
        let log = try AuditLog.create(at: url, signer: signer, pinned: true, budgetEpsilon: 100, delta: 1e-5)
        var cumulative = 0.0
        for r in 1...2 {
            try log.append(
                .roundPlanned(
                    RoundPlanned(
                        round: r, cohortIds: [1, 2, 3, 4, 5], degree: 4, threshold: 3, bits: 18, clip: 1,
                        mechanism: .ddgauss,
                        noiseMultiplier: 1, minSurvivors: 4, colludingClients: 0, samplingRate: 1, stepsSoFar: r - 1,
                        dimension: 512, scale: config.scale,
                        localVarianceNumerator: config.localScaledVariance.numerator,
                        localVarianceDenominator: config.localScaledVariance.denominator, beta: config.beta,
                        modClipProbability: config.modClipProbability, delta: 1e-5)))
            try log.append(.survivors(Survivors(round: r, phase: .maskedInput, clientIds: [1, 2, 3, 5])))
            let single = try config.epsilon(samplingRate: 1, steps: 1, delta: 1e-5).epsilon
            cumulative = try config.epsilon(samplingRate: 1, steps: r, delta: 1e-5).epsilon
            try log.append(
                .roundCharged(
                    AuditRoundCharged(
                        round: r, epsilonRound: single, epsilonCumulative: cumulative, budgetEpsilon: 100)))
            try log.append(.roundCompleted(AuditRoundCompleted(round: r, survivors: 4, outputHash: "00ff")))
            try log.closeRound(r)
        }
        if close { try log.closeRun(rounds: 2, epsilonCumulative: cumulative) }
    }

    static func registry(_ key: Ed25519.PublicKey, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("registry.json")
        let text = #"{"version":1,"server":{"id":0,"sign_public_key":"\#(key.hex)"},"clients":[]}"#
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func verifyAcceptsAValidLogAndPinsTheRegistryKey() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("audit.sqlite")
        let signer = try Ed25519.SecretKey(seed: SecureBytes(copying: Self.seed))
        try Self.writeLog(log, signer: signer)
        let registry = try Self.registry(signer.publicKey, in: directory)
        let result = try CLIRunner.run(["audit", "verify", log.path, "--registry", registry, "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["valid"] as? Bool == true && json["rounds"] as? Int == 2 && json["signer_pinned"] as? Bool == true)
        #expect((json["problems"] as? [Any])?.isEmpty == true)
        let unpinned = try CLIRunner.run(["audit", "verify", log.path, "--json"]).json()
        #expect(unpinned["signer_pinned"] as? Bool == false && unpinned["valid"] as? Bool == true)
    }

    @Test func verifyExitsOneNamingTheFirstBrokenRecord() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("audit.sqlite")
        try Self.writeLog(log, signer: try Ed25519.SecretKey(seed: SecureBytes(copying: Self.seed)), close: false)
        let result = try CLIRunner.run(["audit", "verify", log.path, "--json"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("record 11 (round_closed): log ends without a closing record (truncated?)"))
        let problems = try #require(try result.json()["problems"] as? [[String: Any]])
        #expect(problems.first?["seq"] as? Int == 11 && problems.first?["kind"] as? String == "round_closed")

        let other = Ed25519.SecretKey.generate()
        let wrongRegistry = try Self.registry(other.publicKey, in: directory)
        let pinned = try CLIRunner.run(["audit", "verify", log.path, "--registry", wrongRegistry])
        #expect(pinned.exitCode == 1 && pinned.stderr.contains("record 1 (run_started)"))
    }

    @Test func verifyRefusesFilesThatAreNotAuditLogsWithExitTwo() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ledger.jsonl")
        try Data(#"{"format":"secagg-ledger","version":1}"#.utf8 + [10]).write(to: file)
        let result = try CLIRunner.run(["audit", "verify", file.path])
        #expect(result.exitCode == 2 && result.stderr.contains(file.path))
        let badRegistry = try CLIRunner.run(["audit", "verify", file.path, "--registry", file.path])
        #expect(badRegistry.exitCode == 2)
    }

    @Test func reportWritesHTMLWithTheChart() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("audit.sqlite")
        try Self.writeLog(log, signer: Ed25519.SecretKey.generate())
        let out = directory.appendingPathComponent("report.html")
        let result = try CLIRunner.run(["audit", "report", log.path, "--format", "html", "--out", out.path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("data-epsilon") && html.contains("VALID"))
        let text = try CLIRunner.run(["audit", "report", log.path, "--format", "markdown"])
        #expect(text.exitCode == 0 && text.stdout.contains("| 1 | completed | 5 | 4 |"))
    }

    @Test func ledgerSummaryReadsLedgersAndAuditLogsAlike() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("audit.sqlite")
        try Self.writeLog(log, signer: Ed25519.SecretKey.generate())
        let fromAudit = try ledgerSummary(path: log.path)
        #expect(fromAudit.source == "audit_log" && fromAudit.rounds.map(\.round) == [1, 2] && fromAudit.budget == 100)
        #expect(fromAudit.epsilon == fromAudit.rounds.last?.epsilon && fromAudit.epsilon > 0)

        let ledgerURL = directory.appendingPathComponent("ledger.jsonl")
        let ledger = try PrivacyLedger.open(ledgerURL)
        try ledger.append(
            .roundCharged(
                RoundCharged(
                    round: 1, mechanism: "ddgauss", noiseMultiplier: 1, clients: 5, minSurvivors: 4, samplingRate: 1,
                    dimension: 512, clip: 1, bits: 18, scale: 2, localVarianceNumerator: 3, localVarianceDenominator: 1,
                    delta: 1e-5, epsilonRound: 1.5, epsilonCumulative: 1.5, budgetEpsilon: 4)))
        try ledger.append(
            .roundCompleted(
                RoundCompleted(
                    round: 1, survivors: 4, survivorIds: [1, 2, 3, 5],
                    outputHash: "00", auditHeadHash: "ab")))
        let fromLedger = try ledgerSummary(path: ledgerURL.path)
        #expect(fromLedger.source == "ledger" && fromLedger.epsilon == 1.5 && fromLedger.budget == 4)
        #expect(fromLedger.rounds.map(\.epsilonRound) == [1.5])
        #expect(throws: ToolFailure.self) { try ledgerSummary(path: directory.appendingPathComponent("none").path) }
    }
}
