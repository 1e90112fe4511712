import Foundation
import Testing

/// Issue 16.6: one spelling per concept across commands; the old spellings stay accepted as hidden aliases and
/// give the same results; giving both is refused. Numbers may be negative (refused with a sentence).
@Suite struct VocabularyTests {
    static let sampled = [
        "privacy", "epsilon", "--mechanism", "sampled-gaussian", "--noise-multiplier", "1.1", "--sampling-rate", "0.01",
        "--delta", "1e-5", "--json",
    ]

    @Test func privacyOldSpellingsGiveTheSameEpsilon() throws {
        let canonical = try CLIRunner.run(Self.sampled + ["--rounds", "100", "--clip", "2", "--min-survivors", "10"])
        let old = try CLIRunner.run(Self.sampled + ["--steps", "100", "--l2-clip", "2", "--clients", "10"])
        #expect(canonical.exitCode == 0, "\(canonical.stderr)")
        #expect(old.exitCode == 0, "\(old.stderr)")
        let a = try canonical.json()
        let b = try old.json()
        #expect(a["epsilon"] as? Double == b["epsilon"] as? Double)
        #expect(a["local_stddev"] as? Double == b["local_stddev"] as? Double)
        // A different value under the canonical name gives a different result: the alias is really read.
        let other = try CLIRunner.run(Self.sampled + ["--rounds", "200", "--clip", "2", "--min-survivors", "10"])
        #expect(try other.json()["epsilon"] as? Double != a["epsilon"] as? Double)
    }

    @Test func paramsOldSpellingGivesTheSameGraph() throws {
        let base = ["params", "--clients", "1000", "--adversarial-rate", "0.05", "--adversary", "curious", "--json"]
        let canonical = try CLIRunner.run(base + ["--dropout", "0.05"])
        let old = try CLIRunner.run(base + ["--dropout-rate", "0.05"])
        #expect(canonical.exitCode == 0 && old.exitCode == 0, "\(canonical.stderr) \(old.stderr)")
        #expect(try canonical.json()["degree"] as? Int == (try old.json()["degree"] as? Int))
        #expect(try canonical.json()["threshold"] as? Int == (try old.json()["threshold"] as? Int))
    }

    @Test(arguments: [
        (["--rounds", "10", "--steps", "10"], "--rounds"), (["--clip", "1", "--l2-clip", "1", "--rounds", "1"], "--clip"),
    ])
    func bothSpellingsAtOnceAreRefused(_ extra: [String], _ flag: String) throws {
        let r = try CLIRunner.run(Self.sampled + extra)
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("give \(flag) once"), "\(r.stderr)")
    }

    @Test func aMissingRoundCountNamesTheCanonicalFlag() throws {
        let r = try CLIRunner.run(Self.sampled)
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("--rounds is required"), "\(r.stderr)")
    }

    /// `--noise-multiplier -1` used to fail as "Missing value" (the parser took -1 for a flag).
    @Test(arguments: [["--noise-multiplier", "-1"], ["--noise-multiplier=-1"]])
    func aNegativeNoiseMultiplierIsRefusedWithASentence(_ flag: [String]) throws {
        let r = try CLIRunner.run(["simulate", "--clients", "4", "--rounds", "1"] + flag)
        #expect(r.exitCode == 2)
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
        #expect(r.stderr.contains("--noise-multiplier must be a positive number, got -1"), "\(r.stderr)")
        #expect(r.stderr.contains("--no-dp"), "\(r.stderr)")
    }

    @Test func aNegativePrivacyNoiseMultiplierIsRefusedWithASentence() throws {
        let r = try CLIRunner.run([
            "privacy", "epsilon", "--mechanism", "gaussian", "--noise-multiplier", "-1", "--rounds", "1", "--delta",
            "1e-5",
        ])
        #expect(r.exitCode == 2)
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
        #expect(r.stderr.contains("--noise-multiplier"), "\(r.stderr)")
    }
}
