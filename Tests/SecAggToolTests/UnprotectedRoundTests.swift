import Foundation
import Testing

/// Issue 14: a round that releases an average without noise is charged ε = ∞ wherever a ledger, a budget or an
/// audit log is in use, and is refused when a budget is set.
@Suite struct UnprotectedRoundTests {
    /// The review's case: a DP ledger with a budget, then a no-DP run on it: refused before anything starts.
    @Test func noDPRoundOnABudgetedLedgerIsRefused() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("run.ledger").path
        let dp = try CLIRunner.run(
            ["simulate", "--rounds", "1", "--clients", "6", "--seed", "2", "--ledger", ledger, "--budget-epsilon", "10"])
        #expect(dp.exitCode == 0, "\(dp.stderr)")
        let before = try String(contentsOfFile: ledger, encoding: .utf8)
        let noDP = try CLIRunner.run(
            ["simulate", "--no-dp", "--rounds", "2", "--clients", "6", "--seed", "2", "--ledger", ledger,
             "--budget-epsilon", "10", "--json"])
        #expect(noDP.exitCode == 1)
        #expect(noDP.stderr.contains("without noise") && noDP.stderr.contains("infinity"), "\(noDP.stderr)")
        #expect(try String(contentsOfFile: ledger, encoding: .utf8) == before, "the refused run wrote to the ledger")
        // The ledger keeps its budget: the same run without --budget-epsilon is refused as well.
        let implicit = try CLIRunner.run(
            ["simulate", "--no-dp", "--rounds", "1", "--clients", "6", "--seed", "2", "--ledger", ledger])
        #expect(implicit.exitCode == 1)
        #expect(implicit.stderr.contains("without noise") && implicit.stderr.contains("budget is 10"), "\(implicit.stderr)")
        #expect(try String(contentsOfFile: ledger, encoding: .utf8) == before, "the refused run wrote to the ledger")
    }

    /// Without a budget the no-DP round runs, and its ledger, `privacy ledger` and `audit verify` say ε = ∞.
    @Test func noDPRoundIsChargedInfinity() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("run.ledger").path
        let audit = dir.appendingPathComponent("audit.sqlite").path
        let run = try CLIRunner.run(
            ["simulate", "--rounds", "1", "--clients", "6", "--seed", "3", "--ledger", ledger, "--audit-log", audit])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let noDP = try CLIRunner.run(
            ["simulate", "--no-dp", "--rounds", "1", "--clients", "6", "--seed", "3", "--ledger", ledger, "--json"])
        #expect(noDP.exitCode == 0, "\(noDP.stderr)")
        #expect(try noDP.json()["epsilon"] as? String == "inf")
        let text = try String(contentsOfFile: ledger, encoding: .utf8)
        #expect(text.contains("\"type\":\"round_unprotected\""))
        let summary = try CLIRunner.run(["privacy", "ledger", ledger, "--json"])
        #expect(summary.exitCode == 0, "\(summary.stderr)")
        #expect(try summary.json()["epsilon"] as? String == "inf")
        let human = try CLIRunner.run(["privacy", "ledger", ledger])
        #expect(human.stdout.contains("∞"), "\(human.stdout)")
        // An audit log of a no-DP run verifies, and reports ε = ∞.
        let audit2 = dir.appendingPathComponent("audit2.sqlite").path
        let noDPAudited = try CLIRunner.run(
            ["simulate", "--no-dp", "--rounds", "1", "--clients", "6", "--seed", "3", "--audit-log", audit2])
        #expect(noDPAudited.exitCode == 0, "\(noDPAudited.stderr)")
        let verify = try CLIRunner.run(["audit", "verify", audit2, "--json"])
        #expect(verify.exitCode == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(try verify.json()["epsilon_cumulative"] as? String == "inf")
    }
}
