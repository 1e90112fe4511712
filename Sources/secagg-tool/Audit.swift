import ArgumentParser

/// `secagg-tool audit`: verify and report tamper-evident audit logs.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify or report a signed, hash-chained audit log.",
        discussion: """
            An audit log (simulate/serve --audit-log FILE) is an SQLite file of records chained by BLAKE2b-256 \
            hashes and signed with the server's Ed25519 key. `verify` recomputes the chain, every signature and \
            every round's epsilon; `report` renders the rounds for people or scripts.
            """,
        subcommands: [AuditVerify.self, AuditReportCommand.self])
}
