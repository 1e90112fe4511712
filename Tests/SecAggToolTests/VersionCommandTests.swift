import Foundation
import Testing

/// `secagg-tool --version`: one `name version` line each for the tool, libsodium and every format. The
/// libsodium version comes from the system library, so only its shape is fixed; the format lines are exact.
@Suite struct VersionCommandTests {
    @Test func versionNamesTheToolLibsodiumAndEveryFormat() throws {
        let result = try CLIRunner.run(["--version"])
        #expect(result.exitCode == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count == 9 && lines.last == "", "\(result.stdout)")
        #expect(lines[0].wholeMatch(of: /secagg-tool [0-9]+(\.[0-9]+)+/) != nil, "\(lines[0])")
        #expect(lines[1].wholeMatch(of: /libsodium [0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*/) != nil, "\(lines[1])")
        #expect(
            Array(lines[2..<8]) == [
                "wire protocol 4", "audit log format 1", "privacy ledger format 1", "key file format 1",
                "registry format 1", "client policy format 1",
            ])
    }

    @Test func everyVersionLineIsANameAndAVersion() throws {
        let result = try CLIRunner.run(["--version"])
        for line in result.stdout.split(separator: "\n") {
            #expect(line.wholeMatch(of: /[a-z][a-z -]*[a-z] [0-9][0-9A-Za-z.+-]*/) != nil, "\(line)")
        }
    }
}
