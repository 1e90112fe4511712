import Foundation
import Testing

/// Issue 16.7, per error family: a missing, unreadable or wrong-kind file, and a non-safetensors model, each
/// read as one line naming the file and what is wrong (exit 2), never Foundation's domain/code dump or a Swift
/// type dump.
@Suite struct ErrorSentenceTests {
    struct Case: Sendable, CustomStringConvertible {
        let args: [String]
        /// Text the one line must contain.
        let says: [String]
        var description: String { args.joined(separator: " ") }
    }

    /// Paths are relative to a directory holding `text.txt` (not safetensors), `tiny.bin` (3 bytes) and
    /// `folder/` (a directory).
    static let cases: [Case] = [
        Case(args: ["simulate", "--model", "missing.safetensors"], says: ["missing.safetensors: no such file"]),
        Case(args: ["simulate", "--model", "text.txt"], says: ["text.txt: not a safetensors file", "give a .safetensors file"]),
        Case(args: ["simulate", "--model", "tiny.bin"], says: ["tiny.bin: not a safetensors file"]),
        Case(args: ["simulate", "--model", "folder"], says: ["folder", "is a directory, not a file"]),
        Case(args: ["simulate", "--updates", "missing"], says: ["missing", "no such directory"]),
        Case(args: ["simulate", "--updates", "text.txt"], says: ["text.txt", "not a directory"]),
        Case(args: ["privacy", "ledger", "missing.ledger"], says: ["missing.ledger", "no such file"]),
        Case(args: ["privacy", "ledger", "folder"], says: ["folder", "is a directory, not a file"]),
        Case(args: ["audit", "verify", "missing.db"], says: ["missing.db", "no such file"]),
        Case(args: ["simulate", "--rounds", "1", "--ledger", "folder"], says: ["folder", "is a directory, not a file"]),
        Case(
            args: [
                "client", "--server", "127.0.0.1:1", "--identity", "missing.key", "--registry", "missing.json",
                "--update", "u",
            ], says: ["missing.json", "No such file"]),
    ]

    static func looksLikeADump(_ text: String) -> Bool {
        ["NSCocoaErrorDomain", "Error Domain=", "file error", "Error.", "(file:", "(path:"].contains { text.contains($0) }
    }

    @Test(arguments: cases)
    func aBadFileIsOneSentenceNamingIt(_ c: Case) throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("this is a text file, not a model\n".utf8).write(to: directory.appendingPathComponent("text.txt"))
        try Data([1, 2, 3]).write(to: directory.appendingPathComponent("tiny.bin"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("folder"), withIntermediateDirectories: false)
        let r = try CLIRunner.run(c.args, in: directory)
        #expect(r.exitCode == 2, "\(c): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(c): one line expected: \(r.stderr)")
        for text in c.says { #expect(r.stderr.contains(text), "\(c): '\(text)' missing from \(r.stderr)") }
        #expect(!Self.looksLikeADump(r.stderr), "\(c): \(r.stderr)")
        // No path printed twice ("x: x: …").
        let line = String(lines.first ?? "")
        let first = line.dropFirst("secagg-tool: error: ".count).split(separator: ":").first.map(String.init) ?? ""
        #expect(first.isEmpty || line.components(separatedBy: first + ": ").count <= 2, "\(c): \(line)")
    }
}
