import ArgumentParser

/// `secagg-tool privacy ledger FILE`: budget spent, from a ledger or audit log (placeholder; replaced later).
struct PrivacyLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Budget spent, from a ledger or audit log (not implemented yet).")

    @Argument(help: "Ledger or audit-log file.")
    var file: String

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() async throws {
        throw ToolFailure.badInput("not implemented yet")
    }
}
