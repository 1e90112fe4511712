import ArgumentParser
import FedCore
import Foundation
import SecAggTransport
import SecureAgg

/// `secagg-test-client`: a test-only stand-in for `secagg-tool client` that misbehaves on purpose (vanishes
/// after a phase, sends an oversized vector or message). Built only for the loopback tests
/// (Tests/SecAggTransportTests spawn it); it is in no product, and its hooks are `package` API of
/// SecAggTransport, so neither the shipped tool nor the public library can reach them. Honest clients in those
/// tests run the real `secagg-tool client`.
@main
struct TestClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secagg-test-client",
        abstract: "Test-only client with hooks to misbehave (never shipped).")

    @Option var server: String
    @Option var identity: String
    @Option var registry: String
    @Option var update: String
    @Option(name: .customLong("tls-ca")) var tlsCA: String?
    @Option var timeout: Double = 120
    @Option(name: .customLong("join-timeout")) var joinTimeout: Double = 120
    @Option(name: .customLong("idle-timeout")) var idleTimeout: Double = 600
    @Flag(name: .customLong("allow-no-dp")) var allowNoDP = false
    @Option(name: .customLong("max-epsilon")) var maxEpsilon: Double?

    @Option(
        name: .customLong("exit-after"),
        help: "Vanish after sending this phase's message (advertise-keys, share-keys, masked-input, consistency-check, unmasking).")
    var exitAfter: String?

    @Option(help: "Misbehave on purpose: oversized-vector or oversized-message.")
    var misbehave: String?

    func validate() throws {
        if let exitAfter, Self.phase(exitAfter) == nil {
            throw ValidationError(
                "--exit-after must be advertise-keys, share-keys, masked-input, consistency-check or unmasking")
        }
        if let misbehave, ClientMisbehaviour(rawValue: misbehave) == nil {
            throw ValidationError("--misbehave must be oversized-vector or oversized-message")
        }
    }

    static func phase(_ argument: String) -> Phase? {
        Phase.allCases.first { Self.spelling($0) == argument }
    }

    private static func spelling(_ phase: Phase) -> String {
        switch phase {
        case .advertiseKeys: return "advertise-keys"
        case .shareKeys: return "share-keys"
        case .maskedInput: return "masked-input"
        case .consistencyCheck: return "consistency-check"
        case .unmasking: return "unmasking"
        }
    }

    func run() async throws {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ValidationError("--server must be HOST:PORT")
        }
        let host = String(server[..<colon])
        let registry = try Registry.load(from: URL(fileURLWithPath: self.registry))
        let (keyFile, secret) = try IdentityKeyFile.read(from: URL(fileURLWithPath: identity), passphrase: nil)
        let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: update))
        let layout = try ModelLayout(file: file)
        var policy = ClientPolicy()
        policy.allowNoDP = allowNoDP
        if let maxEpsilon { policy.maxEpsilon = maxEpsilon }
        var participant = ClientParticipant(
            identity: secret, id: keyFile.id, registry: registry, update: try FlatParameters(file: file, layout: layout),
            layoutHash: layout.layoutHash, exampleCount: file.metadata[SyntheticUpdates.exampleCountKey].flatMap { Int($0) },
            policy: policy)
        participant.exitAfter = exitAfter.flatMap(Self.phase)
        participant.misbehaviour = misbehave.flatMap(ClientMisbehaviour.init(rawValue:))
        let id = keyFile.id
        do {
            let outcome = try await AggregationClient.run(
                host: host, port: port, caCertificate: tlsCA, participant: participant,
                sessionTimeout: .milliseconds(Int64(timeout * 1000)), joinTimeout: .milliseconds(Int64(joinTimeout * 1000)),
                idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), log: { Self.printError("client \(id): \($0)") })
            if case .vanished(let phase) = outcome.ending {
                print("vanished after \(phase)")
            } else {
                print("completed \(outcome.rounds.count) rounds")
            }
        } catch {
            Self.printError("secagg-test-client: error: client \(id): \(error.description)")
            Foundation.exit(1)
        }
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
