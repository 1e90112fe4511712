import Foundation
import Testing

/// Byte-exact golden `--help` of every command (issue 16): a change to what a user reads must be deliberate
/// and reviewed as a diff of `Tests/SecAggToolTests/Golden/help/*.txt`. Regenerate after an intended change with
/// `SECAGG_UPDATE_GOLDEN=1 swift test --filter HelpGoldenTests` and review `git diff`. `HelpTextTests` checks
/// the properties the text must have (canonical flags, no aliases or hooks, examples that fit the width).
@Suite struct HelpGoldenTests {
    static let commands: [[String]] = [
        [], ["simulate"], ["params"], ["privacy"], ["privacy", "epsilon"], ["privacy", "calibrate"], ["privacy", "ledger"],
        ["keygen"], ["audit"], ["audit", "verify"], ["audit", "report"], ["serve"], ["client"], ["make-updates"],
    ]

    static var goldenDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/help")
    }

    static func goldenFile(_ command: [String]) -> URL {
        goldenDirectory.appendingPathComponent((command.isEmpty ? "root" : command.joined(separator: "-")) + ".txt")
    }

    @Test(arguments: commands)
    func helpIsTheCheckedInText(_ command: [String]) throws {
        let r = try CLIRunner.run(command + ["--help"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let file = Self.goldenFile(command)
        if ProcessInfo.processInfo.environment["SECAGG_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try r.stdout.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        let got = r.stdout.components(separatedBy: "\n")
        let want = golden.components(separatedBy: "\n")
        let firstDifference = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? (got.count == want.count ? nil : min(got.count, want.count))
        #expect(
            firstDifference == nil,
            """
            secagg-tool \(command.joined(separator: " ")) --help differs from \(file.lastPathComponent) at line \
            \((firstDifference ?? 0) + 1): got "\(firstDifference.map { $0 < got.count ? got[$0] : "<end>" } ?? "")", \
            want "\(firstDifference.map { $0 < want.count ? want[$0] : "<end>" } ?? "")". If the change is intended, \
            regenerate with SECAGG_UPDATE_GOLDEN=1 and review the diff.
            """)
    }

    /// The golden directory holds exactly the commands above: a command added to the tool without a golden
    /// file, or a stale file, is caught.
    @Test func everyCommandHasOneGoldenFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.goldenDirectory.path).filter { $0.hasSuffix(".txt") }
        #expect(Set(files) == Set(Self.commands.map { Self.goldenFile($0).lastPathComponent }))
        let root = try CLIRunner.run(["--help"])
        var inSubcommands = false
        var listed = 0
        for line in root.stdout.components(separatedBy: "\n") {
            if line == "SUBCOMMANDS:" { inSubcommands = true; continue }
            if line.isEmpty { inSubcommands = false }
            // A subcommand line: two spaces, then its name (continuation lines are indented further).
            guard inSubcommands, line.hasPrefix("  "), !line.hasPrefix("   "),
                let name = line.split(separator: " ").first.map(String.init), name != "See"
            else { continue }
            listed += 1
            #expect(Self.commands.contains([name]), "root help lists \(name) without a golden --help")
        }
        #expect(listed >= 8, "found only \(listed) subcommands in the root help")
    }
}
