import Foundation
import Testing

/// A run whose round fails still leaves an audit log that verifies: the failed round is recorded and counted.
@Suite struct SimulateAuditFailureTests {
    @Test func auditLogOfARunAbortedForTooFewSurvivorsVerifies() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let audit = dir.appendingPathComponent("audit.sqlite").path
        let run = try CLIRunner.run([
            "simulate", "--no-dp", "--clients", "10", "--rounds", "2", "--dropout", "0.3", "--min-survivors", "8",
            "--seed", "3", "--audit-log", audit,
        ])
        #expect(run.exitCode == 1, "the round should fail: \(run.stderr)")
        let verify = try CLIRunner.run(["audit", "verify", audit, "--json"])
        #expect(verify.exitCode == 0, "\(verify.stdout) \(verify.stderr)")
        let report = try verify.json()
        #expect(report["valid"] as? Bool == true)
        #expect(report["rounds"] as? Int == 1)
    }
}
