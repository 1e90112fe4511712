import Foundation
import Testing

/// The tool says what the noise does (issue 19): `simulate` warns in words when the average is mostly noise
/// and reports noise_norm / noise_to_signal; `privacy calibrate --target-noise-ratio` answers the inverse.
@Suite struct NoiseWarningCommandTests {
    /// The embedded model (178,112 parameters) with 10 clients at ε = 8: noise dominates, and the tool says so
    /// on stderr with the cohort that would fix it; the JSON carries the ratio behind the warning.
    @Test func simulateWarnsWhenTheAverageIsMostlyNoise() throws {
        let r = try CLIRunner.run([
            "simulate", "--clients", "10", "--rounds", "1", "--target-epsilon", "8", "--seed", "4", "--json",
        ])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning:") && r.stderr.contains("mostly noise"), "\(r.stderr)")
        #expect(r.stderr.contains("clients per round"))
        let round = try #require((try r.json()["rounds"] as? [[String: Any]])?.first)
        let ratio = try #require(round["noise_to_signal"] as? Double)
        let norm = try #require(round["noise_norm"] as? Double)
        let stddev = try #require(round["noise_stddev"] as? Double)
        #expect(ratio > 1)
        #expect(abs(norm - stddev * Double(178_112).squareRoot()) <= 1e-9 * norm)
    }

    @Test func noDPRunDoesNotWarn() throws {
        let r = try CLIRunner.run(["simulate", "--no-dp", "--clients", "4", "--rounds", "1", "--seed", "4", "--json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("mostly noise"))
        let round = try #require((try r.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["noise_to_signal"] as? Double == 0)
    }

    /// clients_for_noise_ratio = ⌈z·√d / R⌉ at the calibrated z, and it needs --dimension.
    @Test func calibrateAnswersTheCohortForANoiseRatio() throws {
        let r = try CLIRunner.run([
            "privacy", "calibrate", "--target-epsilon", "8", "--delta", "1e-5", "--mechanism", "gaussian",
            "--steps", "1", "--dimension", "65536", "--target-noise-ratio", "0.5", "--json",
        ])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        let z = try #require(json["noise_multiplier"] as? Double)
        let n = try #require(json["clients_for_noise_ratio"] as? Int)
        #expect(n == Int((z * 256 / 0.5).rounded(.up)))
        let missing = try CLIRunner.run([
            "privacy", "calibrate", "--target-epsilon", "8", "--delta", "1e-5", "--mechanism", "gaussian", "--steps", "1",
            "--target-noise-ratio", "0.5",
        ])
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("--dimension"))
    }
}
