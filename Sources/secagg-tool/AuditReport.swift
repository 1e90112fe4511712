import ArgumentParser
import FedCore
import Foundation

/// `secagg-tool audit report FILE --format text|json|markdown|html [--out FILE]`.
struct AuditReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Per-round report of an audit log (text, json, markdown or html).",
        discussion: """
            Verifies the log first and puts the verdict and any problems at the top, then per round: participants, \
            dropouts per phase, (k, t), bits, clip, noise multiplier, epsilon of the round and cumulative epsilon \
            against the budget. html is one self-contained file with a chart of epsilon over rounds.

            Example:
              secagg-tool audit report run/audit.sqlite --format html --out report.html
            """)

    @Argument(help: "Audit log file (SQLite).")
    var file: String

    @Option(help: "Output format.")
    var format: AuditReport.Format = .text

    @Option(help: "registry.json whose server key must have signed the log.")
    var registry: String?

    @Option(help: "Write the report to this file instead of stdout.")
    var out: String?

    func run() async throws {
        let serverKey = try registry.map { path throws(ToolFailure) in try AuditRegistryKey.serverKey(path) }
        let url = URL(fileURLWithPath: file)
        let text: String
        do {
            let records = try AuditLogReader.records(at: url)
            let verification = try AuditVerifier.verify(
                url, registryServerKey: serverKey, accountant: DPNoiseAuditAccountant())
            text = AuditReport.render(verification, records: records, format: format)
        } catch {
            throw ToolFailure.badInput(error.description)
        }
        if let out {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw ToolFailure.badInput("\(out): cannot write the report")
            }
        } else {
            print(text, terminator: "")
        }
    }
}

extension AuditReport.Format: ExpressibleByArgument {}
