import Foundation
import Sodium
import Testing

/// Issue 16.4: a command run with `--json` that fails prints exactly one JSON object on stdout,
/// `{"error": …, "exit_code": N}`, with the same sentence on stderr and the same exit code.
@Suite struct JSONFailureTests {
    static let failures: [[String]] = [
        // Bad usage caught by the parser (unknown option).
        ["params", "--clients", "10", "--no-such-flag", "--json"],
        // Bad value caught by validation.
        ["params", "--clients", "100", "--adversarial-rate", "0.1", "--dropout", "1", "--adversary", "curious", "--json"],
        // A missing input file.
        ["privacy", "ledger", "no-such.ledger", "--json"],
        // A refused noise multiplier.
        ["simulate", "--noise-multiplier=-1", "--json"],
    ]

    @Test(arguments: failures)
    func aFailedCommandPrintsOneErrorObject(_ args: [String]) throws {
        let r = try CLIRunner.run(args)
        #expect(r.exitCode != 0)
        let json = try r.json()
        #expect(Set(json.keys) == ["error", "exit_code"], "\(r.stdout)")
        #expect(json["exit_code"] as? Int == Int(r.exitCode))
        let error = try #require(json["error"] as? String)
        #expect(!error.isEmpty)
        #expect(r.stderr.contains(error), "stderr \(r.stderr) does not carry the sentence \(error)")
    }

    @Test func withoutJSONStdoutStaysEmpty() throws {
        let r = try CLIRunner.run(["privacy", "ledger", "no-such.ledger"])
        #expect(r.exitCode == 2)
        #expect(r.stdout.isEmpty)
    }

    /// `audit verify --json` on a broken (truncated) log prints its own report and exits 1: no second object.
    @Test func aCommandThatPrintedItsObjectPrintsNoSecond() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("audit.sqlite")
        try AuditCommandTests.writeLog(log, signer: Ed25519.SecretKey.generate(), close: false)
        let r = try CLIRunner.run(["audit", "verify", log.path, "--json"])
        #expect(r.exitCode == 1, "\(r.stderr)")
        let json = try r.json()
        #expect(json["valid"] as? Bool == false)
        #expect(json["error"] == nil)
    }
}
