import Testing

@Suite struct ParamsCommandTests {
    @Test func jsonReportsTheReferenceDegreeAndThreshold() throws {
        // First row of secagg_params.csv: 100 clients, γ = δ = 0.45, curious → k = 92, t = 46.
        let r = try CLIRunner.run([
            "params", "--clients", "100", "--adversarial-rate", "0.45", "--dropout", "0.45",
            "--adversary", "curious", "--json",
        ])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        #expect(json["degree"] as? Int == 92)
        #expect(json["threshold"] as? Int == 46)
        #expect(json["clients"] as? Int == 100)
        #expect(json["adversarial_rate"] as? Double == 0.45)
        #expect(json["dropout_rate"] as? Double == 0.45)
        #expect(json["adversary"] as? String == "curious")
        #expect(json["security_bits"] as? Double == 40)
        #expect(json["correctness_bits"] as? Double == 20)
    }

    @Test func semiMaliciousIsAcceptedByItsCommandLineName() throws {
        let r = try CLIRunner.run([
            "params", "--clients", "1000", "--adversarial-rate", "0.05", "--dropout", "0.05",
            "--adversary", "semi-malicious", "--json",
        ])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        #expect(json["degree"] as? Int == 52)
        #expect(json["threshold"] as? Int == 37)
        #expect(json["adversary"] as? String == "semi-malicious")
    }

    @Test func humanOutputNamesDegreeAndThreshold() throws {
        let r = try CLIRunner.run([
            "params", "--clients", "1000", "--adversarial-rate", "0.05", "--dropout", "0.05",
            "--adversary", "curious",
        ])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("degree 30, threshold 17"))
        #expect(r.stderr.isEmpty)
    }

    static let infeasible: [([String], String)] = [
        (["--clients", "0", "--adversarial-rate", "0.1", "--dropout", "0.1", "--adversary", "curious"],
         "--clients"),
        (["--clients", "2000000", "--adversarial-rate", "0.1", "--dropout", "0.1", "--adversary", "curious"],
         "--clients"),
        (["--clients", "100", "--adversarial-rate", "1.5", "--dropout", "0.1", "--adversary", "curious"],
         "--adversarial-rate"),
        (["--clients", "100", "--adversarial-rate", "0.1", "--dropout", "1", "--adversary", "curious"],
         "--dropout"),
        (["--clients", "1000", "--adversarial-rate", "0.5", "--dropout", "0.5", "--adversary", "curious"],
         "--dropout"),
        (["--clients", "1000", "--adversarial-rate", "0.33", "--dropout", "0.33", "--adversary",
          "semi-malicious"], "--dropout"),
        (["--clients", "1000", "--adversarial-rate", "0.1", "--dropout", "0.1", "--adversary", "none"],
         "--adversarial-rate"),
        (["--clients", "10", "--adversarial-rate", "0.45", "--dropout", "0.45", "--adversary", "curious"],
         "--clients"),
    ]

    @Test(arguments: infeasible)
    func infeasibleParametersExitTwoWithOneLineNamingTheParameter(_ input: ([String], String)) throws {
        let (args, option) = input
        let r = try CLIRunner.run(["params"] + args + ["--json"])
        #expect(r.exitCode == 2)
        // With --json the failure is the one object on stdout (issue 16.4), naming the same option.
        #expect((try r.json()["error"] as? String)?.contains(option) == true, "\(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(option), "\(r.stderr)")
    }

    @Test func unknownAdversaryIsBadUsage() throws {
        let r = try CLIRunner.run([
            "params", "--clients", "100", "--adversarial-rate", "0.1", "--dropout", "0.1", "--adversary", "evil",
        ])
        #expect(r.exitCode == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("--adversary"))
    }

    @Test func helpExplainsDegreeThresholdAndGuarantees() throws {
        let r = try CLIRunner.run(["params", "--help"])
        #expect(r.exitCode == 0)
        for phrase in ["degree", "threshold", "2^-40", "2^-20", "secagg-tool params --clients", "semi-malicious"] {
            #expect(r.stdout.contains(phrase), "help lacks \(phrase)")
        }
    }
}
