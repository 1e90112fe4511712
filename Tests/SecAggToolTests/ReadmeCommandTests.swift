import ArgumentParser
import Foundation
import Testing

@testable import secagg_tool

/// Issue 16.1/16.6: the README's commands are the newcomer's first contact. Every `$tool …` line of its `sh`
/// blocks must parse with today's flags (ArgumentParser's own parser and validation, nothing run), and the
/// cheap block (keys, a signed audit log, verify, report, ledger) is run verbatim in a temporary directory.
@Suite struct ReadmeCommandTests {
    static var readmeURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
    }

    /// The README's fenced `sh` blocks, in order, with their lines.
    static func shellBlocks() throws -> [[String]] {
        let text = try String(contentsOf: readmeURL, encoding: .utf8)
        var blocks: [[String]] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if current == nil, line.hasPrefix("```sh") {
                current = []
            } else if current != nil, line.hasPrefix("```") {
                blocks.append(current ?? [])
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// Every `$tool` command line of `block` as arguments: continuation lines joined, comments and a
    /// trailing `&` dropped, the loop variable `$i` read as 1 and `"$model"` as a file name.
    static func toolCommands(_ block: [String]) -> [[String]] {
        var logical: [String] = []
        var pending = ""
        for raw in block {
            var line = raw
            if let hash = line.range(of: " #") { line = String(line[..<hash.lowerBound]) }
            line = line.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
                continue
            }
            logical.append(pending + line)
            pending = ""
        }
        return logical.compactMap { line in
            guard let start = line.range(of: "$tool ") else { return nil }
            var command = String(line[start.upperBound...])
            for end in ["; done; wait", "&"] where command.hasSuffix(end) { command = String(command.dropLast(end.count)) }
            command = command.replacingOccurrences(of: "$i", with: "1")
                .replacingOccurrences(of: "\"$model\"", with: "model.safetensors")
            return command.split(whereSeparator: { $0 == " " }).map(String.init)
        }
    }

    @Test func everyReadmeCommandLineParses() throws {
        let commands = try Self.shellBlocks().flatMap(Self.toolCommands)
        // The README has more than a dozen tool lines; finding few means this parser lost them.
        #expect(commands.count >= 12, "found only \(commands.count) $tool lines in README.md")
        for args in commands {
            do {
                _ = try SecAggTool.parseAsRoot(args)
            } catch {
                // --help and --version end parsing with a clean exit: they parsed.
                #expect(
                    SecAggTool.exitCode(for: error) == .success,
                    "README: secagg-tool \(args.joined(separator: " ")): \(SecAggTool.message(for: error))")
            }
        }
    }

    @Test func theHiddenAliasesAreNotInTheReadme() throws {
        let text = try String(contentsOf: Self.readmeURL, encoding: .utf8)
        for old in ["--steps", "--l2-clip", "--dropout-rate"] { #expect(!text.contains(old), "README uses \(old)") }
    }

    /// Runs `lines` with bash in `directory` (`tool` set to the built tool, `Scripts/` linked in), at most
    /// `seconds`; returns the exit status and the combined output.
    static func runVerbatim(_ lines: [String], in directory: URL, seconds: Int = 300) throws -> (Int32, String) {
        let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts")
        try? FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent("Scripts"), withDestinationURL: scripts)
        let script = "set -e\ntool='\(CLIRunner.toolURL.path)'\n" + lines.joined(separator: "\n") + "\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["\(seconds)", "/bin/bash", "-c", script]
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("block.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// "The tool", as written, except its first two lines (`swift build -c release` and `tool=…`): `tool` is the
    /// tool under test, already built.
    @Test func theToolBlockRunsVerbatim() throws {
        let block = try #require(
            try Self.shellBlocks().first { $0.contains { $0.contains("$tool params") } }, "no tool block")
        let commands = block.filter { !$0.hasPrefix("swift build") && !$0.hasPrefix("tool=") }
        #expect(commands.count == block.count - 2, "the tool block no longer starts with the build and tool= lines")
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try Self.runVerbatim(commands, in: directory)
        #expect(status == 0, "README block failed:\n\(output)")
        #expect(output.contains("\"epsilon\""), "no JSON result in:\n\(output)")
    }

    /// "The same rounds between processes (gRPC, TLS)", as written (after the keygen line it relies on): the
    /// clients start right after the server, retry until it listens, and all finish.
    @Test func theNetworkedBlockRunsVerbatim() throws {
        let blocks = try Self.shellBlocks()
        let keygen = try #require(
            blocks.flatMap { $0 }.first { $0.hasPrefix("$tool keygen") }, "no keygen line")
        let block = try #require(blocks.first { $0.contains { $0.contains("$tool serve") } }, "no serve block")
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try Self.runVerbatim([keygen] + block, in: directory)
        #expect(status == 0, "README block failed:\n\(output)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("average.safetensors").path))
    }

    /// "Keys, a signed audit log, and proof of the privacy spent", as written, with `tool` set to the built tool.
    @Test func theAuditLogBlockRunsVerbatim() throws {
        let block = try #require(
            try Self.shellBlocks().first { $0.contains { $0.contains("$tool keygen") } }, "no keygen block")
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try Self.runVerbatim(block, in: directory)
        #expect(status == 0, "README block failed:\n\(output)")
        for file in ["keys/registry.json", "run.ledger", "audit.db", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(output.contains("report.html"), "audit report did not print the path it wrote:\n\(output)")
    }
}
