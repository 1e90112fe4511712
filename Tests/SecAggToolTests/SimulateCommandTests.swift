import Foundation
import Testing

/// `simulate` through the real binary: the JSON contract, exit codes, and the operator flow
/// keygen → simulate --audit-log → audit verify → audit report.
@Suite struct SimulateCommandTests {
    @Test func noDPJSONFollowsTheContractAndStaysWithinTheErrorBound() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("avg.safetensors").path
        let r = try CLIRunner.run(["simulate", "--no-dp", "--clients", "6", "--rounds", "1", "--seed", "9",
                                   "--out", out, "--json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        // An average released without noise has ε = ∞ (never 0).
        #expect(json["epsilon"] as? String == "inf")
        #expect(json["delta"] as? Double == 1e-5)
        #expect(json["output"] as? String == out)
        let rounds = try #require(json["rounds"] as? [[String: Any]])
        #expect(rounds.count == 1)
        let round = try #require(rounds.first)
        #expect(round["round"] as? Int == 1)
        #expect(round["clients"] as? Int == 6)
        #expect(round["survivors"] as? Int == 6)  // ⌊0.1·6⌋ = 0 drop
        #expect((round["survivor_ids"] as? [Int]) == [1, 2, 3, 4, 5, 6])
        let bound = try #require(round["error_bound"] as? Double)
        let measured = try #require(round["max_abs_error"] as? Double)
        #expect(measured <= bound)
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test func ledgerEpsilonEqualsPrivacyEpsilonForTheSameParameters() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("run.ledger").path
        let sim = try CLIRunner.run(["simulate", "--clients", "5", "--rounds", "2", "--dropout", "0.2",
                                     "--noise-multiplier", "0.9", "--seed", "1", "--ledger", ledger, "--json"])
        #expect(sim.exitCode == 0, "\(sim.stderr)")
        let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n")
        let charged = try lines.compactMap { line -> [String: Any]? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String == "round_charged" ? object : nil
        }
        #expect(charged.count == 2)
        let last = try #require(charged.last)
        func value(_ key: String) throws -> String { "\(try #require(last[key]))" }
        let eps = try CLIRunner.run([
            "privacy", "epsilon", "--mechanism", "ddgauss", "--noise-multiplier", "0.9", "--rounds", "2",
            "--delta", try value("delta"), "--min-survivors", try value("min_survivors"), "--cohort", try value("clients"),
            "--dimension", try value("dimension"), "--clip", try value("clip"), "--bits", try value("bits"), "--json",
        ])
        #expect(eps.exitCode == 0, "\(eps.stderr)")
        let expected = try #require(try eps.json()["epsilon"] as? Double)
        let recorded = try #require(last["epsilon_cumulative"] as? Double)
        #expect(abs(recorded - expected) <= 1e-9 * expected)
        let summary = try CLIRunner.run(["privacy", "ledger", ledger, "--json"])
        #expect(summary.exitCode == 0)
        #expect(abs((try summary.json()["epsilon"] as? Double ?? 0) - expected) <= 1e-9 * expected)
    }

    @Test func budgetExhaustedIsExitOneWithOneLineSayingWhatIsLeft() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("run.ledger").path
        let args = ["simulate", "--clients", "4", "--rounds", "1", "--noise-multiplier", "1.0", "--seed", "2",
                    "--ledger", ledger]
        #expect(try CLIRunner.run(args).exitCode == 0)
        let r = try CLIRunner.run(args + ["--budget-epsilon", "0.5"])
        #expect(r.exitCode == 1)
        // Refused before the run's first round: what was spent, what the run needs, what to change.
        #expect(r.stderr.contains("budget too small for the run"), "\(r.stderr)")
        #expect(r.stderr.contains("already spent") && r.stderr.contains("raise --budget-epsilon"))
    }

    @Test func tooFewSurvivorsIsExitOne() throws {
        // 10 clients, 3 drop (0.3): 7 masked inputs against the 8 required (the plan itself is safe).
        let r = try CLIRunner.run(["simulate", "--no-dp", "--clients", "10", "--rounds", "1", "--dropout", "0.3",
                                   "--min-survivors", "8", "--seed", "3"])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("7 masked inputs arrived, at least 8 required"))
    }

    @Test func makeUpdatesFeedsSimulateUpdatesAndRefusesToOverwrite() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let updates = dir.appendingPathComponent("updates").path
        let made = try CLIRunner.run(["make-updates", "--out", updates, "--clients", "4", "--json"])
        #expect(made.exitCode == 0, "\(made.stderr)")
        #expect(try made.json()["clients"] as? Int == 4)
        let names = try FileManager.default.contentsOfDirectory(atPath: updates).sorted()
        #expect(names == (1...4).map { String(format: "client-%04d.safetensors", $0) })
        let again = try CLIRunner.run(["make-updates", "--out", updates, "--clients", "4"])
        #expect(again.exitCode == 2)
        #expect(again.stderr.contains("--force"))
        let sim = try CLIRunner.run(["simulate", "--updates", updates, "--no-dp", "--rounds", "1", "--json"])
        #expect(sim.exitCode == 0, "\(sim.stderr)")
        let round = try #require((try sim.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["clients"] as? Int == 4)  // every update in the directory
        #expect(try #require(round["max_abs_error"] as? Double) <= (try #require(round["error_bound"] as? Double)))
    }

    @Test func weightedRunsWithAMaxWeightAndRefusesABadOne() throws {
        let ok = try CLIRunner.run(
            ["simulate", "--rounds", "1", "--clients", "4", "--no-dp", "--weighted", "--max-weight", "50", "--seed", "3", "--json"])
        #expect(ok.exitCode == 0, "\(ok.stderr)")
        let round = try #require((try ok.json()["rounds"] as? [[String: Any]])?.first)
        #expect(try #require(round["max_abs_error"] as? Double) <= (try #require(round["error_bound"] as? Double)))
        let refused = try CLIRunner.run(["simulate", "--weighted", "--max-weight", "0"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("--max-weight"))
    }

    @Test func missingModelFileIsExitTwoNamingTheFile() throws {
        let r = try CLIRunner.run(["simulate", "--model", "/nonexistent/model.safetensors"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("/nonexistent/model.safetensors"))
        #expect(r.stdout.isEmpty)
    }

    @Test func keygenSimulateAuditVerifyAndReportWorkTogether() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        #expect(try CLIRunner.run(["keygen", "--out", keys, "--clients", "6"]).exitCode == 0)
        let audit = dir.appendingPathComponent("audit.db").path
        let sim = try CLIRunner.run([
            "simulate", "--clients", "6", "--rounds", "2", "--seed", "5", "--audit-log", audit,
            "--identity", keys + "/server.key", "--registry", keys + "/registry.json", "--json",
        ])
        #expect(sim.exitCode == 0, "\(sim.stderr)")
        let simEpsilon = try #require(try sim.json()["epsilon"] as? Double)
        let verify = try CLIRunner.run(["audit", "verify", audit, "--registry", keys + "/registry.json", "--json"])
        #expect(verify.exitCode == 0, "\(verify.stderr)")
        let v = try verify.json()
        #expect(v["valid"] as? Bool == true)
        #expect(v["rounds"] as? Int == 2)
        #expect(v["signer_pinned"] as? Bool == true)
        #expect((v["problems"] as? [Any])?.isEmpty == true)
        let html = try CLIRunner.run(["audit", "report", audit, "--format", "html"])
        #expect(html.exitCode == 0)
        #expect(html.stdout.contains("<svg"))
        let ledger = try CLIRunner.run(["privacy", "ledger", audit, "--json"])
        #expect(abs((try ledger.json()["epsilon"] as? Double ?? 0) - simEpsilon) <= 1e-9 * simEpsilon)
        // A key that is not the registry's server key is refused before anything runs.
        let other = dir.appendingPathComponent("other").path
        #expect(try CLIRunner.run(["keygen", "--out", other, "--clients", "1"]).exitCode == 0)
        let refused = try CLIRunner.run([
            "simulate", "--clients", "6", "--rounds", "1", "--audit-log", dir.appendingPathComponent("a2.db").path,
            "--identity", other + "/server.key", "--registry", keys + "/registry.json",
        ])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("not the server key"))
    }
}
