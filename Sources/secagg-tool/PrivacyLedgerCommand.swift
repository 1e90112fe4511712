import ArgumentParser

/// `secagg-tool privacy ledger FILE`: the budget spent per round and in total, from a privacy ledger
/// (JSON lines) or an audit log (SQLite). It reads; `audit verify` is what checks a log.
struct PrivacyLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Budget spent per round and in total, from a privacy ledger or an audit log.",
        discussion: """
            Prints each charged round's cumulative epsilon (failed rounds that were charged count too) and the \
            budget the run was held to, if any. The file kind is detected from its content.

            Example:
              secagg-tool simulate --ledger run.ledger --rounds 5
              secagg-tool privacy ledger run.ledger --json
            """)

    @Argument(help: "Ledger or audit-log file.")
    var file: String

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() async throws {
        let summary = try ledgerSummary(path: file)
        if json { try JSONOutput.print(summary) } else { print(summary.text) }
    }
}
