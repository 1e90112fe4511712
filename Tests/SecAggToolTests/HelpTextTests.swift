import Foundation
import Testing

/// Golden `--help` per command: the key lines a newcomer relies on (usage, canonical flags, teaching text)
/// are present, and neither old spellings (hidden aliases) nor test hooks are shown. Not a byte-exact snapshot
/// of ArgumentParser's layout.
@Suite struct HelpTextTests {
    struct Case: Sendable, CustomStringConvertible {
        let command: [String]
        /// Canonical flags the help must list.
        let flags: [String]
        /// Teaching text (abstract, discussion, example) the help must contain.
        let teaching: [String]
        /// Flags that must not appear (hidden aliases, options of another command).
        let absent: [String]
        var description: String { command.joined(separator: " ") }
    }

    static let hooks = ["--exit-after", "--misbehave", "oversized-vector", "oversized-message", "Test hook"]

    static let cases: [Case] = [
        Case(
            command: ["simulate"],
            flags: [
                "--clients", "--rounds", "--dropout", "--min-survivors", "--no-dp", "--noise-multiplier",
                "--target-epsilon", "--delta", "--budget-epsilon", "--sampling-rate", "--clip", "--bits", "--weighted",
                "--seed", "--model", "--updates", "--out", "--model-out", "--ledger", "--audit-log", "--identity",
                "--registry", "--json",
            ],
            teaching: ["Run masked, noised federated-averaging rounds in one process.", "secagg-tool simulate --no-dp --json"],
            absent: ["--l2-clip", "--steps", "--dropout-rate"]),
        Case(
            command: ["serve"],
            flags: [
                "--listen", "--clients", "--rounds", "--registry", "--identity", "--tls-cert", "--tls-key", "--port-file",
                "--phase-timeout", "--join-timeout", "--audit-log", "--ledger", "--clip", "--json",
            ],
            teaching: ["Run masked, noised federated-averaging rounds as a gRPC server", "secagg-tool serve --listen 0.0.0.0:7443"],
            absent: ["--updates", "--l2-clip", "--steps", "--dropout-rate"]),
        Case(
            command: ["client"],
            flags: [
                "--server", "--identity", "--registry", "--update", "--tls-ca", "--insecure", "--join-timeout",
                "--idle-timeout", "--max-epsilon", "--colluding-clients", "--allow-no-dp", "--ledger", "--json",
            ],
            teaching: ["Take part in the rounds of a `serve` process", "secagg-tool client --server 10.0.0.5:7443"],
            absent: hooks),
        Case(
            command: ["params"],
            flags: ["--clients", "--adversarial-rate", "--dropout", "--adversary", "--json"],
            teaching: ["SecAgg+ neighbourhood size and threshold.", "secagg-tool params --clients 1000"],
            absent: ["--dropout-rate"]),
        Case(
            command: ["privacy", "epsilon"],
            flags: [
                "--mechanism", "--noise-multiplier", "--rounds", "--delta", "--sampling-rate", "--min-survivors",
                "--cohort", "--dimension", "--clip", "--bits", "--accountant", "--json",
            ],
            teaching: ["secagg-tool privacy epsilon --mechanism sampled-gaussian"],
            absent: ["--steps", "--l2-clip", "--clients"]),
        Case(
            command: ["privacy", "calibrate"],
            flags: ["--target-epsilon", "--mechanism", "--rounds", "--delta", "--min-survivors", "--clip", "--json"],
            teaching: ["Smallest noise multiplier meeting a target", "secagg-tool privacy calibrate --target-epsilon 3"],
            absent: ["--steps", "--l2-clip", "--clients"]),
        Case(command: ["privacy", "ledger"], flags: ["--json"], teaching: ["<file>"], absent: []),
        Case(
            command: ["keygen"], flags: ["--out", "--clients", "--passphrase-env", "--force", "--json"],
            teaching: ["registry.json"], absent: []),
        Case(command: ["audit", "verify"], flags: ["--registry", "--json"], teaching: ["<file>"], absent: []),
        Case(
            command: ["audit", "report"], flags: ["--format", "--registry", "--out", "--json"], teaching: ["<file>"],
            absent: []),
        Case(
            command: ["make-updates"], flags: ["--out", "--clients", "--model", "--seed", "--json"],
            teaching: ["safetensors"], absent: []),
    ]

    /// Whether `text` names `flag` as a whole option (`--clip` but not `--clip-x` or `--l2-clip`).
    static func mentions(_ flag: String, in text: String) -> Bool {
        var searchFrom = text.startIndex
        while let range = text.range(of: flag, range: searchFrom..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            let isPart: (Character?) -> Bool = { c in c.map { $0.isLetter || $0.isNumber || $0 == "-" } ?? false }
            if !isPart(before) && !isPart(after) { return true }
            searchFrom = range.upperBound
        }
        return false
    }

    @Test func mentionsMatchesWholeFlagsOnly() {
        #expect(Self.mentions("--clip", in: "use --clip C"))
        #expect(!Self.mentions("--clip", in: "use --l2-clip C"))
        #expect(!Self.mentions("--clients", in: "--colluding-clients K"))
        #expect(!Self.mentions("--dropout", in: "--dropout-rate D"))
        #expect(Self.mentions("--dropout", in: "[--dropout <dropout>]"))
    }

    @Test(arguments: cases)
    func helpListsCanonicalFlagsAndTeachingTextOnly(_ c: Case) throws {
        let r = try CLIRunner.run(c.command + ["--help"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("USAGE: secagg-tool \(c.command.joined(separator: " "))"), "\(r.stdout)")
        for flag in c.flags { #expect(Self.mentions(flag, in: r.stdout), "\(c): \(flag) missing from --help") }
        for text in c.teaching { #expect(r.stdout.contains(text), "\(c): '\(text)' missing from --help") }
        for flag in c.absent + Self.hooks {
            #expect(!Self.mentions(flag, in: r.stdout), "\(c): \(flag) must not be in --help")
        }
    }

    /// Every line of an "Example:"/"Examples:" block is indented: a command ArgumentParser wrapped at 80
    /// columns would continue at column 0 and could not be copied.
    static func wrappedExampleLines(_ help: String) -> [String] {
        var inExample = false
        var wrapped: [String] = []
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("Example") && line.hasSuffix(":") {
                inExample = true
            } else if line.isEmpty {
                inExample = false
            } else if inExample && !line.hasPrefix("  ") {
                wrapped.append(line)
            }
        }
        return wrapped
    }

    @Test func wrappedExampleLinesAreFound() {
        #expect(Self.wrappedExampleLines("Example:\n  tool a --b\nc\n\nUSAGE: x").count == 1)
        #expect(Self.wrappedExampleLines("Example:\n  tool a \\\n    --b c\n\nUSAGE: x").isEmpty)
    }

    @Test(arguments: cases.map(\.command) + [["privacy"], ["audit"], []])
    func examplesFitTheHelpWidth(_ command: [String]) throws {
        let r = try CLIRunner.run(command + ["--help"])
        #expect(r.exitCode == 0)
        #expect(Self.wrappedExampleLines(r.stdout).isEmpty, "\(command): wrapped example: \(r.stdout)")
    }

    /// Even `--help-hidden` (which shows the hidden aliases) shows no test hook: they are not in the tool.
    @Test(arguments: cases)
    func hiddenHelpHasNoTestHooks(_ c: Case) throws {
        let r = try CLIRunner.run(c.command + ["--help-hidden"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        for hook in Self.hooks { #expect(!r.stdout.contains(hook), "\(c): \(hook) in --help-hidden") }
    }

    @Test func theShippedClientRefusesTestHooks() throws {
        for hook in [["--exit-after", "share-keys"], ["--misbehave", "oversized-vector"]] {
            let r = try CLIRunner.run(
                ["client", "--server", "127.0.0.1:1", "--identity", "k", "--registry", "r", "--update", "u"] + hook)
            #expect(r.exitCode == 2, "\(r.stderr)")
            #expect(r.stderr.contains("Unknown option '\(hook[0])'"), "\(r.stderr)")
        }
    }

    @Test func rootHelpListsEveryCommandAndTheExitCodes() throws {
        let r = try CLIRunner.run(["--help"])
        #expect(r.exitCode == 0)
        for command in ["simulate", "params", "privacy", "keygen", "audit", "serve", "client", "make-updates"] {
            #expect(r.stdout.contains("  \(command)"), "\(command) missing from the root help")
        }
        #expect(r.stdout.contains("Exit codes: 0 success, 1 the round or check failed, 2 bad usage or bad input."))
    }
}
