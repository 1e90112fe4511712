import FedAudit
import FedCore
import Foundation
import Sodium
import Testing

/// `audit report` on the command line: `--json`, the path it prints for `--out`, the format taken from the
/// extension, and the exact `--help` text (golden).
@Suite struct AuditReportCommandTests {
    static func log(in directory: URL) throws -> URL {
        let log = directory.appendingPathComponent("audit.sqlite")
        try AuditCommandTests.writeLog(log, signer: try Ed25519.SecretKey(seed: SecureBytes(copying: AuditCommandTests.seed)))
        return log
    }

    @Test func jsonFlagPrintsTheJSONReport() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try Self.log(in: directory)
        let flag = try CLIRunner.run(["audit", "report", log.path, "--json"])
        let option = try CLIRunner.run(["audit", "report", log.path, "--format", "json"])
        #expect(flag.exitCode == 0 && flag.stdout == option.stdout, "\(flag.stderr)")
        let json = try flag.json()
        #expect((json["verification"] as? [String: Any])?["valid"] as? Bool == true)
        #expect((json["run"] as? [String: Any])?["delta"] as? Double == 1e-5)
        #expect((json["rounds"] as? [Any])?.count == 2)
        let conflict = try CLIRunner.run(["audit", "report", log.path, "--json", "--format", "html"])
        #expect(conflict.exitCode == 2 && conflict.stderr.contains("--json conflicts with --format html"))
    }

    @Test func outPrintsThePathWrittenAndTakesTheFormatFromTheExtension() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try Self.log(in: directory)
        for (name, starts) in [("r.html", "<!DOCTYPE html>"), ("r.md", "# Audit report"), ("r.json", "{"), ("r.txt", "secagg audit report")] {
            let result = try CLIRunner.run(["audit", "report", log.path, "--out", name], in: directory)
            let written = directory.appendingPathComponent(name).standardizedFileURL.resolvingSymlinksInPath()
            #expect(result.exitCode == 0, "\(result.stderr)")
            let printed = try #require(result.stdout.wholeMatch(of: /wrote (.+)\n/)).1
            #expect(URL(fileURLWithPath: String(printed)).resolvingSymlinksInPath() == written, "\(result.stdout)")
            #expect(try String(contentsOf: written, encoding: .utf8).hasPrefix(starts), "\(name)")
        }
        let forced = try CLIRunner.run(["audit", "report", log.path, "--format", "text", "--out", "x.html"], in: directory)
        #expect(forced.exitCode == 0)
        #expect(
            try String(contentsOf: directory.appendingPathComponent("x.html"), encoding: .utf8)
                .hasPrefix("secagg audit report"))
    }

    @Test func helpIsTheGoldenText() throws {
        let result = try CLIRunner.run(["audit", "report", "--help"], environment: ["COLUMNS": "100"])
        #expect(result.exitCode == 0)
        #expect(result.stdout == Self.goldenHelp, "\(result.stdout)")
    }

    static let goldenHelp = """
        OVERVIEW: A report of an audit log for people (text, markdown, html) or scripts (json).

        Verifies the log, then states the guarantee in plain words (epsilon, delta, accountant, adjacency,
        colluders and minimum survivors assumed, who holds which keys, run date, model), lists what was
        checked and any problems, and every round's parameters. html is one self-contained page with charts
        of epsilon against the budget and of survivors, and a sign-off block; print it to PDF from a
        browser.

        With --out the report goes to that file (format from its extension unless --format is given) and
        the path written is printed on stdout. Without --registry the signer is reported as not checked.

        Examples:
          secagg-tool audit report run/audit.sqlite --out report.html
          secagg-tool audit report run/audit.sqlite --json

        USAGE: secagg-tool audit report <file> [--format <format>] [--json] [--registry <registry>] [--out <out>] [--force]

        ARGUMENTS:
          <file>                  Audit log file (SQLite).

        OPTIONS:
          --format <format>       Output format (default: from the extension of --out, else text). (values:
                                  text, json, markdown, html)
          --json                  Same as --format json.
          --registry <registry>   registry.json whose server key must have signed the log.
          --out <out>             Write the report to this file and print its path instead of the report.
          --force                 Overwrite an existing --out file (without it an existing file is refused).
          --version               Show the version.
          -h, --help              Show help information.


        """
}
