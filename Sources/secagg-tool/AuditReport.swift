import ArgumentParser
import FedAudit
import FedCore
import Foundation

/// `secagg-tool audit report FILE [--format text|json|markdown|html | --json] [--registry FILE] [--out FILE]`.
struct AuditReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A report of an audit log for people (text, markdown, html) or scripts (json).",
        discussion: """
            Verifies the log, then states the guarantee in plain words (epsilon, delta, accountant, adjacency, \
            colluders and minimum survivors assumed, who holds which keys, run date, model), lists what was \
            checked and any problems, and every round's parameters. html is one self-contained page with charts \
            of epsilon against the budget and of survivors, and a sign-off block; print it to PDF from a browser.

            With --out the report goes to that file (format from its extension unless --format is given) and \
            the path written is printed on stdout. Without --registry the signer is reported as not checked.

            Examples:
              secagg-tool audit report run/audit.sqlite --out report.html
              secagg-tool audit report run/audit.sqlite --json
            """)

    @Argument(help: "Audit log file (SQLite).")
    var file: String

    @Option(help: "Output format (default: from the extension of --out, else text).")
    var format: AuditReport.Format?

    @Flag(help: "Same as --format json.")
    var json = false

    @Option(help: "registry.json whose server key must have signed the log.")
    var registry: String?

    @Option(help: "Write the report to this file and print its path instead of the report.")
    var out: String?

    @Flag(help: "Overwrite an existing --out file (without it an existing file is refused).")
    var force = false

    func validate() throws {
        if json, let format, format != .json {
            throw ValidationError("--json conflicts with --format \(format.rawValue)")
        }
    }

    /// The format to write: --json, --format, the extension of --out, or text.
    var resolvedFormat: AuditReport.Format {
        if json { return .json }
        if let format { return format }
        switch out.map({ URL(fileURLWithPath: $0).pathExtension.lowercased() }) {
        case "html"?, "htm"?: return .html
        case "md"?, "markdown"?: return .markdown
        case "json"?: return .json
        default: return .text
        }
    }

    func run() async throws {
        if let out { try OutputFile.refuseExisting(out, flag: "--out", force: force) }
        let serverKey = try registry.map { path throws(ToolFailure) in try AuditRegistryKey.serverKey(path) }
        let url = URL(fileURLWithPath: file)
        let text: String
        do {
            let records = try AuditLogReader.records(at: url)
            let verification = try AuditVerifier.verify(
                url, registryServerKey: serverKey, accountant: DPNoiseAuditAccountant())
            text = AuditReport.render(verification, records: records, format: resolvedFormat)
        } catch {
            throw ToolFailure.badInput(error.description)
        }
        guard let out else {
            print(text, terminator: "")
            return
        }
        let destination = URL(fileURLWithPath: out).standardizedFileURL
        do { try Data(text.utf8).write(to: destination, options: .atomic) } catch {
            throw ToolFailure.badInput("\(out): cannot write the report")
        }
        print("wrote \(destination.path)")
    }
}

extension AuditReport.Format: ExpressibleByArgument {}
