import Foundation
import Testing

@testable import FedCore

/// The one durable JSON-lines append behind both ledgers.
@Suite struct DurableFileTests {
    static func line(_ text: String) -> [UInt8] { Array(text.utf8) + [UInt8(ascii: "\n")] }

    @Test func appendCreatesTheFileWithTheGivenModeAndKeepsEveryEarlierLine() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.jsonl").path
        #expect(try DurableFile.appendLine(Self.line(#"{"n":1}"#), to: path, creatingWith: 0o600) == 0)
        #expect(try DurableFile.appendLine(Self.line(#"{"n":2}"#), to: path, creatingWith: 0o600) == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func aTornTailIsCutBeforeTheNewLineAndCounted() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("ledger.jsonl")
        let torn = #"{"n":2,"half"#
        try Data(("{\"n\":1}\n" + torn).utf8).write(to: url)
        #expect(try DurableFile.appendLine(Self.line(#"{"n":3}"#), to: url.path, creatingWith: nil) == torn.utf8.count)
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\"n\":1}\n{\"n\":3}\n")
        // A file that is one torn line (a crash during the very first append) is cut to nothing.
        try Data(torn.utf8).write(to: url)
        #expect(try DurableFile.appendLine(Self.line(#"{"n":4}"#), to: url.path, creatingWith: nil) == torn.utf8.count)
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\"n\":4}\n")
    }

    @Test func withoutPermissionsAMissingFileIsRefusedNotCreated() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing.jsonl").path
        #expect(throws: DurableFile.Failure.self) {
            try DurableFile.appendLine(Self.line("{}"), to: path, creatingWith: nil)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
