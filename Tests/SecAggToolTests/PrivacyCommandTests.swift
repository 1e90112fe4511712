import Foundation
import Testing

@Suite struct PrivacyCommandTests {
    static let sampled = ["privacy", "epsilon", "--mechanism", "sampled-gaussian", "--noise-multiplier", "1.1",
                          "--sampling-rate", "0.01", "--rounds", "1000", "--delta", "1e-05", "--accountant", "rdp",
                          "--json"]

    @Test func epsilonEqualsTheReferenceAccountantValue() throws {
        // dp_public.csv, conversion "q=0.01,sigma=1.1,T=1000,delta=1e-05": improved rule ε = 1.7117701662429012 at 9.6.
        let r = try CLIRunner.run(Self.sampled)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        let epsilon = try #require(json["epsilon"] as? Double)
        #expect(abs(epsilon - 1.7117701662429012) / 1.7117701662429012 < 1e-9)
        #expect(json["order"] as? Double == 9.6)
        #expect(json["delta"] as? Double == 1e-5)
        #expect(json["accountant"] as? String == "rdp")
    }

    @Test func pldIsTheDefaultForTheSampledGaussianAndIsTighter() throws {
        // The cross-device example of issue 17: dp-accounting's PLDAccountant gives 0.20869, RDP 0.69.
        let r = try CLIRunner.run(["privacy", "epsilon", "--mechanism", "sampled-gaussian", "--noise-multiplier", "1",
                                   "--sampling-rate", "0.001", "--rounds", "2000", "--delta", "1e-5", "--json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        #expect(json["accountant"] as? String == "pld")
        #expect(json["discretization"] as? Double == 1e-4)
        #expect(json["order"] == nil)
        let epsilon = try #require(json["epsilon"] as? Double)
        #expect(abs(epsilon - 0.20869395268857516) / 0.20869395268857516 < 1e-3)
    }

    @Test func distributedMechanismsUsePLDAndSayWhenTheyFallBackToRDP() throws {
        func run(bits: String, _ accountant: String) throws -> [String: Any] {
            let r = try CLIRunner.run([
                "privacy", "epsilon", "--mechanism", "ddgauss", "--noise-multiplier", "1", "--min-survivors", "100",
                "--dimension", "1024", "--clip", "1", "--bits", bits, "--rounds", "10", "--delta", "1e-5",
                "--accountant", accountant, "--json"])
            #expect(r.exitCode == 0, "\(r.stderr)")
            return try r.json()
        }
        let pld = try run(bits: "20", "pld")
        let rdp = try run(bits: "20", "rdp")
        #expect(pld["accountant"] as? String == "pld")
        #expect(pld["accountant_note"] == nil)
        let e = try #require(pld["epsilon"] as? Double)
        #expect(e < (try #require(rdp["epsilon"] as? Double)))
        // 32 bits: the noise is too wide for the PLD window; RDP, and the note says why.
        let wide = try run(bits: "32", "pld")
        #expect(wide["accountant"] as? String == "rdp")
        #expect((wide["accountant_note"] as? String)?.contains("no PLD bound") == true)
    }

    @Test func nonsenseDiscretizationExitsTwoNamingIt() throws {
        let r = try CLIRunner.run(Self.sampled.filter { $0 != "--json" } + ["--discretization", "0"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("--discretization"), "\(r.stderr)")
    }

    @Test func distributedEpsilonReproducesTheReferenceRow() throws {
        // dp_public.csv, ddg_fl "d=65536,z=1,bits=18,ddgauss": ε = 7.47546592486302 at order 3.
        let r = try CLIRunner.run([
            "privacy", "epsilon", "--mechanism", "ddgauss", "--noise-multiplier", "1", "--min-survivors", "100",
            "--dimension", "65536", "--clip", "1", "--bits", "18", "--rounds", "1500",
            "--sampling-rate", "0.029411764705882353", "--delta", "0.0002941176470588235", "--json",
            "--accountant", "rdp",
            // The reference sums exactly 100 inputs (a run would size its modulus for a larger Poisson sample).
            "--cohort", "100", "--max-summands", "100", "--adversarial-rate", "0"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        let epsilon = try #require(json["epsilon"] as? Double)
        #expect(abs(epsilon - 7.47546592486302) / 7.47546592486302 < 1e-3)
        #expect(abs(try #require(json["scale"] as? Double) - 31380.30919993173) < 1e-6)
        #expect(json["bits"] as? Int == 18)
    }

    @Test(arguments: ["sampled-gaussian", "skellam"])
    func calibrateMeetsTheTarget(mechanism: String) throws {
        var args = ["privacy", "calibrate", "--target-epsilon", "2", "--delta", "1e-5", "--mechanism", mechanism,
                    "--rounds", "50", "--json"]
        if mechanism == "skellam" {
            args += ["--min-survivors", "50", "--dimension", "4096", "--clip", "1"]
        } else {
            args += ["--sampling-rate", "0.05"]
        }
        let r = try CLIRunner.run(args)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try r.json()
        let epsilon = try #require(json["epsilon"] as? Double)
        let z = try #require(json["noise_multiplier"] as? Double)
        #expect(epsilon <= 2 && epsilon > 1.99)
        #expect(try #require(json["local_stddev"] as? Double) > 0)
        if mechanism == "sampled-gaussian" { #expect(json["local_stddev"] as? Double == z) }
    }

    static let nonsense: [(flag: String, replace: String, with: String)] = [
        ("--noise-multiplier", "1.1", "0"),
        ("--noise-multiplier", "1.1", "nan"),
        ("--sampling-rate", "0.01", "1.5"),
        ("--sampling-rate", "0.01", "0"),
        ("--rounds", "1000", "0"),
        ("--delta", "1e-05", "1"),
        ("--delta", "1e-05", "0"),
    ]

    @Test(arguments: 0..<nonsense.count)
    func nonsenseEpsilonParameterExitsTwoNamingIt(index: Int) throws {
        let (flag, old, new) = Self.nonsense[index]
        var args = Self.sampled
        let position = try #require(args.firstIndex(of: flag))
        #expect(args[position + 1] == old)
        args[position + 1] = new
        let r = try CLIRunner.run(args)
        #expect(r.exitCode == 2)
        // With --json the failure is the one object on stdout (issue 16.4).
        #expect(try r.json()["exit_code"] as? Int == 2, "\(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && r.stderr.contains(flag), "\(r.stderr)")
    }

    static let distributedNonsense: [(flag: String, value: String)] = [
        ("--bits", "33"), ("--bits", "2"), ("--min-survivors", "0"), ("--colluding-clients", "100"),
        ("--dimension", "0"), ("--clip", "0"), ("--beta", "1"), ("--mod-clip-probability", "0"),
    ]

    @Test(arguments: 0..<distributedNonsense.count)
    func nonsenseDistributedParameterExitsTwoNamingIt(index: Int) throws {
        let (flag, value) = Self.distributedNonsense[index]
        var options = ["--min-survivors": "100", "--dimension": "1024", "--clip": "1", "--bits": "20"]
        options[flag] = value
        var args = ["privacy", "epsilon", "--mechanism", "ddgauss", "--noise-multiplier", "1", "--rounds", "10",
                    "--delta", "1e-5"]
        for (key, v) in options.sorted(by: { $0.key < $1.key }) { args += [key, v] }
        let r = try CLIRunner.run(args)
        #expect(r.exitCode == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(flag), "\(r.stderr)")
    }

    @Test func calibrateRefusesANonPositiveTarget() throws {
        let r = try CLIRunner.run(["privacy", "calibrate", "--target-epsilon", "0", "--delta", "1e-5",
                                   "--mechanism", "gaussian", "--rounds", "10"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("--target-epsilon"))
    }

    @Test func helpTeachesWithAnExample() throws {
        let r = try CLIRunner.run(["privacy", "epsilon", "--help"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("secagg-tool privacy epsilon --mechanism sampled-gaussian \\\n    --noise-multiplier 1.1"))
    }
}
