import Foundation
import Testing

/// `privacy epsilon` plans a round as `simulate` does (issue 14.5): the model's dimension padded as the encoder
/// pads it, the cohort and minimum survivors simulate plans. Its ε equals what a run with the same flags charges.
@Suite struct PrivacyEpsilonMatchesRunTests {
    static let settings: [(clients: Int, dropout: String, z: String, rounds: Int)] = [
        (5, "0.2", "0.9", 2), (8, "0.1", "1.3", 1), (12, "0", "0.7", 2),
    ]

    @Test(arguments: 0..<settings.count)
    func privacyEpsilonEqualsTheChargedEpsilon(index: Int) throws {
        let (clients, dropout, z, rounds) = Self.settings[index]
        let sim = try CLIRunner.run([
            "simulate", "--clients", "\(clients)", "--rounds", "\(rounds)", "--dropout", dropout, "--noise-multiplier", z,
            "--seed", "4", "--json",
        ])
        #expect(sim.exitCode == 0, "\(sim.stderr)")
        let run = try sim.json()
        let charged = try #require(run["epsilon"] as? Double)
        let parameters = try #require(run["parameters"] as? Int)
        let firstRound = try #require((run["rounds"] as? [[String: Any]])?.first)
        let minSurvivors = try #require(firstRound["min_survivors"] as? Int)
        let common = [
            "privacy", "epsilon", "--mechanism", "ddgauss", "--noise-multiplier", z, "--steps", "\(rounds)",
            "--delta", "1e-5", "--l2-clip", "1", "--dropout", dropout, "--dimension", "\(parameters)", "--json",
        ]
        // The same flags as the run (its cohort), then only the run's M (the cohort is then simulate's).
        for extra in [["--cohort", "\(clients)"], ["--clients", "\(minSurvivors)"]] {
            let eps = try CLIRunner.run(common + extra)
            #expect(eps.exitCode == 0, "\(eps.stderr)")
            let json = try eps.json()
            let epsilon = try #require(json["epsilon"] as? Double)
            #expect(abs(epsilon - charged) <= 1e-9 * charged, "\(extra): privacy epsilon \(epsilon), run \(charged)")
            #expect(json["min_survivors"] as? Int == minSurvivors)
            #expect(json["max_summands"] as? Int == clients)
        }
        // The accountant's d is the padded one: whole blocks of 2^16, the last padded to a power of two.
        let json = try CLIRunner.run(common + ["--cohort", "\(clients)"]).json()
        let rest = parameters % 65536
        var last = rest
        if rest > 1 { last = 1; while last < rest { last *= 2 } }
        #expect(json["dimension"] as? Int == parameters / 65536 * 65536 + last)
    }

    /// A sampled run (q < 1): `privacy epsilon --sampling-rate q --population N --min-survivors M` reports the ε the
    /// run charges (its skip slack included) and the share of δ its skipped rounds take; `privacy calibrate`
    /// with the same flags and that ε as target finds a noise multiplier no larger than the run's.
    @Test func sampledPrivacyEpsilonEqualsTheChargedEpsilon() throws {
        let sim = try CLIRunner.run([
            "simulate", "--clients", "60", "--sampling-rate", "0.5", "--min-survivors", "8", "--rounds", "2",
            "--noise-multiplier", "1", "--seed", "4", "--json",
        ])
        #expect(sim.exitCode == 0, "\(sim.stderr)")
        let run = try sim.json()
        let charged = try #require(run["epsilon"] as? Double)
        let parameters = try #require(run["parameters"] as? Int)
        let eps = try CLIRunner.run([
            "privacy", "epsilon", "--mechanism", "ddgauss", "--noise-multiplier", "1", "--rounds", "2", "--delta", "1e-5",
            "--clip", "1", "--dimension", "\(parameters)", "--sampling-rate", "0.5", "--population", "60",
            "--min-survivors", "8", "--json",
        ])
        #expect(eps.exitCode == 0, "\(eps.stderr)")
        let json = try eps.json()
        let epsilon = try #require(json["epsilon"] as? Double)
        #expect(abs(epsilon - charged) <= 1e-9 * charged, "privacy epsilon \(epsilon), run \(charged)")
        let skipDelta = try #require(json["skip_delta"] as? Double)
        #expect(skipDelta > 0 && skipDelta < 1e-6)
        #expect(json["delta"] as? Double == 1e-5)
    }

    /// The sampled run (40 clients at q = 0.5, target ε = 4) is refused by `simulate` before round 1 and
    /// by `privacy calibrate` with the same sentence: its skipped rounds would take more than δ/10.
    @Test func aSampledRunWithANonNegligibleSkipSlackIsRefusedEverywhere() throws {
        let sim = try CLIRunner.run([
            "simulate", "--clients", "40", "--sampling-rate", "0.5", "--rounds", "5", "--target-epsilon", "4", "--seed", "3",
        ])
        #expect(sim.exitCode != 0)
        #expect(sim.stderr.contains("δ_skip") && sim.stderr.contains("--min-survivors"), "\(sim.stderr)")
        #expect(!sim.stderr.contains("FedCoreError") && !sim.stderr.contains("invalidSettings"), "\(sim.stderr)")
        let calibrate = try CLIRunner.run([
            "privacy", "calibrate", "--mechanism", "ddgauss", "--target-epsilon", "4", "--rounds", "5", "--delta", "1e-5",
            "--clip", "1", "--dimension", "300", "--sampling-rate", "0.5", "--population", "40", "--json",
        ])
        #expect(calibrate.exitCode == 2)
        #expect(calibrate.stderr.contains("δ_skip"), "\(calibrate.stderr)")
    }
}
