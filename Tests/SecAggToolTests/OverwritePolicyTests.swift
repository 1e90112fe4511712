import Foundation
import Testing

/// Issue 16.7: one overwrite policy everywhere: an existing output file is refused before any work starts
/// (exit 2, a sentence naming the flag and --force), and `--force` overwrites it.
@Suite struct OverwritePolicyTests {
    @Test func simulateRefusesAnExistingOutputBeforeRunningAndForceOverwrites() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("avg.safetensors")
        try Data("keep me".utf8).write(to: out)
        let ledger = dir.appendingPathComponent("run.ledger").path
        let refused = try CLIRunner.run([
            "simulate", "--no-dp", "--clients", "4", "--rounds", "1", "--out", out.path, "--ledger", ledger,
        ])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("--out") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep me")
        // Refused before any work: no round was run or recorded.
        #expect(!FileManager.default.fileExists(atPath: ledger))
        let forced = try CLIRunner.run([
            "simulate", "--no-dp", "--clients", "4", "--rounds", "1", "--out", out.path, "--force",
        ])
        #expect(forced.exitCode == 0, "\(forced.stderr)")
        #expect((try Data(contentsOf: out)).count > 100)
    }

    @Test func sameFileForBothOutputsIsRefused() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.safetensors").path
        let r = try CLIRunner.run(["simulate", "--no-dp", "--out", path, "--model-out", path])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("same file"), "\(r.stderr)")
    }

    @Test func auditReportRefusesAnExistingOutput() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let audit = dir.appendingPathComponent("audit.db").path
        let sim = try CLIRunner.run(["simulate", "--no-dp", "--clients", "4", "--rounds", "1", "--audit-log", audit])
        #expect(sim.exitCode == 0, "\(sim.stderr)")
        let report = dir.appendingPathComponent("report.html")
        try Data("keep me".utf8).write(to: report)
        let refused = try CLIRunner.run(["audit", "report", audit, "--out", report.path])
        #expect(refused.exitCode == 2)
        #expect(try String(contentsOf: report, encoding: .utf8) == "keep me")
        let forced = try CLIRunner.run(["audit", "report", audit, "--out", report.path, "--force"])
        #expect(forced.exitCode == 0, "\(forced.stderr)")
        #expect(try String(contentsOf: report, encoding: .utf8).contains("<html"))
    }
}
