import Foundation
import Testing

/// Plans that cannot work are refused before round 1, with a sentence that says what to change, and leave a
/// closed, verifiable audit log (issues 12 and 14).
@Suite struct PlanRefusalTests {
    /// `--bits 32` with DP asks for noise beyond the exact sampler's range: refused up front naming the largest
    /// usable b, and that b then runs.
    @Test func bitsBeyondTheSamplersRangeAreRefusedNamingTheLargestUsable() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let audit = dir.appendingPathComponent("audit.sqlite").path
        let r = try CLIRunner.run(["simulate", "--bits", "32", "--rounds", "1", "--seed", "1", "--audit-log", audit])
        #expect(r.exitCode == 2)
        #expect(!r.stderr.contains("DPNoiseError.Sampler"), "\(r.stderr)")
        let pattern = /the largest usable --bits is (\d+)/
        let match = try #require(r.stderr.firstMatch(of: pattern), "\(r.stderr)")
        let usable = try #require(Int(match.1))
        #expect(usable < 32)
        let verify = try CLIRunner.run(["audit", "verify", audit, "--json"])
        #expect(verify.exitCode == 0, "\(verify.stdout) \(verify.stderr)")
        let ok = try CLIRunner.run(["simulate", "--bits", "\(usable)", "--rounds", "1", "--seed", "1"])
        #expect(ok.exitCode == 0, "\(ok.stderr)")
    }

    /// The review's small cohort: 3 clients with a planned dropout cannot be made safe; the message names 4.
    @Test func unsafeSmallCohortIsRefusedNamingTheSmallestSafeOne() throws {
        let r = try CLIRunner.run(["simulate", "--clients", "3", "--rounds", "1", "--seed", "1"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("smallest safe cohort is 4"), "\(r.stderr)")
        let four = try CLIRunner.run(["simulate", "--clients", "4", "--rounds", "1", "--seed", "1"])
        #expect(four.exitCode == 0, "\(four.stderr)")
    }
}

/// Issue 16.4: a budget the planned rounds cannot fit is refused before round 1, with nothing charged.
@Suite struct BudgetPrecheckTests {
    @Test func budgetBelowTheRunsTargetIsRefusedBeforeRoundOne() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("run.ledger").path
        let r = try CLIRunner.run(["simulate", "--budget-epsilon", "5", "--seed", "1", "--ledger", ledger])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("budget too small for the run") && r.stderr.contains("nothing was started"), "\(r.stderr)")
        #expect(!r.stderr.contains("round 1/"), "a round started: \(r.stderr)")
        let text = (try? String(contentsOfFile: ledger, encoding: .utf8)) ?? ""
        #expect(!text.contains("round_charged"))
    }
}
