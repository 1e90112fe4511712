import Foundation
import Testing

/// Byte-exact golden stderr and exit code of one failing command per error family (issue 16): what a user reads
/// when something is wrong must change only deliberately, reviewed as a diff of
/// `Tests/SecAggToolTests/Golden/errors/*.txt`. Each golden file is the exit code on its first line, then stderr
/// with the test's temporary directory written as `$DIR`. Regenerate after an intended change with
/// `SECAGG_UPDATE_GOLDEN=1 swift test --filter ErrorGoldenTests` and review `git diff`. `ErrorSentenceTests` checks
/// the properties every file error must have (one line, the path once, no Foundation or Swift type dump).
@Suite struct ErrorGoldenTests {
    struct Family: Sendable, CustomStringConvertible {
        /// The golden file's name (without `.txt`).
        let name: String
        let args: [String]
        var description: String { name }
    }

    /// One command per family; every one fails before any round starts, so the set runs in seconds. Paths are
    /// relative to a temporary directory holding `text.txt` (not a model) and `future.ledger` (a ledger of an
    /// unknown format version).
    static let families: [Family] = [
        Family(name: "file-missing", args: ["simulate", "--model", "missing.safetensors"]),
        Family(name: "file-wrong-kind", args: ["simulate", "--model", "text.txt"]),
        Family(name: "format-version", args: ["privacy", "ledger", "future.ledger"]),
        Family(name: "flag-value", args: ["simulate", "--sampling-rate", "2"]),
        Family(name: "flag-combination", args: ["simulate", "--no-dp", "--target-epsilon", "4"]),
        Family(
            name: "accounting",
            args: ["privacy", "epsilon", "--mechanism", "gaussian", "--noise-multiplier", "1", "--rounds", "1", "--delta", "2"]),
        Family(
            name: "budget",
            args: ["simulate", "--rounds", "10", "--target-epsilon", "4", "--budget-epsilon", "1", "--ledger", "run.ledger"]),
        Family(name: "sampler-range", args: ["simulate", "--clients", "10", "--rounds", "1", "--bits", "32"]),
        Family(name: "colluders", args: ["simulate", "--clients", "100", "--noise-colluders", "1"]),
        Family(
            name: "sampled-skip",
            args: ["simulate", "--clients", "40", "--sampling-rate", "0.5", "--rounds", "5", "--target-epsilon", "4"]),
    ]

    static var goldenDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/errors")
    }

    @Test(arguments: families)
    func errorIsTheCheckedInText(_ family: Family) throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("this is a text file, not a model\n".utf8).write(to: directory.appendingPathComponent("text.txt"))
        try Data("{\"format\":\"secagg-ledger\",\"version\":99}\n".utf8)
            .write(to: directory.appendingPathComponent("future.ledger"))
        let r = try CLIRunner.run(family.args, in: directory)
        #expect(r.exitCode != 0, "\(family) succeeded: \(r.stdout)")
        let got = "exit \(r.exitCode)\n" + r.stderr.replacingOccurrences(of: directory.standardizedFileURL.path, with: "$DIR")
        let file = Self.goldenDirectory.appendingPathComponent(family.name + ".txt")
        if ProcessInfo.processInfo.environment["SECAGG_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try got.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let want = try String(contentsOf: file, encoding: .utf8)
        #expect(got == want, "secagg-tool \(family.args.joined(separator: " ")) now says:\n\(got)\nThe golden \(file.lastPathComponent) says:\n\(want)")
        #expect(!ErrorSentenceTests.looksLikeADump(r.stderr), "\(family): \(r.stderr)")
    }

    /// The golden directory holds exactly the families above (a stale file is caught).
    @Test func everyFamilyHasOneGoldenFile() throws {
        guard ProcessInfo.processInfo.environment["SECAGG_UPDATE_GOLDEN"] != "1" else { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.goldenDirectory.path).filter { $0.hasSuffix(".txt") }
        #expect(Set(files) == Set(Self.families.map { $0.name + ".txt" }))
    }
}
