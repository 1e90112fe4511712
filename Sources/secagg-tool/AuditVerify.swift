import ArgumentParser
import FedAudit
import FedCore
import Foundation
import Sodium

/// `secagg-tool audit verify FILE [--registry registry.json] [--json]`.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an audit log's hash chain, signatures and privacy accounting.",
        discussion: """
            Checks that no record was edited, deleted, inserted or reordered, that every record is signed by the \
            run's key, that the log ends with its closing record, and that each round's epsilon (and the \
            cumulative epsilon against the budget) equals what the accountant computes from the recorded \
            parameters. With --registry the signer must be the registry's server key (signer_pinned true).

            Exit codes: 0 all holds; 1 something is broken (the first broken record is named on stderr); \
            2 the file cannot be read as an audit log.

            Example:
              secagg-tool audit verify run/audit.sqlite --registry keys/registry.json --json
            """)

    @Argument(help: "Audit log file (SQLite).")
    var file: String

    @Option(help: "registry.json whose server key must have signed the log.")
    var registry: String?

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() async throws {
        let serverKey = try registry.map { path throws(ToolFailure) in try AuditRegistryKey.serverKey(path) }
        let url = URL(fileURLWithPath: file)
        let verification: AuditVerification
        do {
            verification = try AuditVerifier.verify(
                url, registryServerKey: serverKey, accountant: DPNoiseAuditAccountant())
        } catch {
            throw ToolFailure.badInput(error.description)
        }
        if json {
            try JSONOutput.print(verification)
        } else {
            print(verification.valid ? "valid" : "BROKEN", terminator: ": ")
            print(
                "\(verification.records) records, \(verification.rounds) rounds, signer "
                    + (verification.signerChecked
                        ? (verification.signerPinned ? "pinned by the registry" : "NOT the registry's server key")
                        : "not checked (pass --registry to check it)")
                    + ", epsilon \(verification.epsilonCumulative)"
                    + (verification.budgetEpsilon.map { " of budget \($0)" } ?? " (no budget set)"))
            for p in verification.problems { print("record \(p.seq) (\(p.kind)): \(p.message)") }
        }
        if let first = verification.problems.first {
            throw ToolFailure.failed("\(file): record \(first.seq) (\(first.kind)): \(first.message)")
        }
    }
}

/// Reads only the server's signing key from a registry.json (`{"version":1,"server":{"id":0,
/// "sign_public_key":HEX},"clients":[…]}`), so the audit commands need nothing else from the registry.
enum AuditRegistryKey {
    private struct File: Decodable {
        struct Server: Decodable {
            let signPublicKey: String
            enum CodingKeys: String, CodingKey { case signPublicKey = "sign_public_key" }
        }
        let version: Int
        let server: Server
    }

    static func serverKey(_ path: String) throws(ToolFailure) -> Ed25519.PublicKey {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .badInput("\(path): cannot read the registry")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data) else {
            throw .badInput("\(path): not a registry (expected version and server.sign_public_key)")
        }
        guard file.version == 1 else { throw .badInput("\(path): unsupported registry version \(file.version)") }
        guard let key = try? Ed25519.PublicKey(hex: file.server.signPublicKey) else {
            throw .badInput("\(path): server.sign_public_key is not a 32-byte hex Ed25519 key")
        }
        return key
    }
}
