import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SecureAgg
import Sodium

/// `client`: connects to `serve`, authenticates, and takes part in every round until the last result.
public enum AggregationClient {
    /// How a session ended without error.
    public enum Ending: Sendable, Equatable {
        /// The last round's result arrived.
        case completed
        /// The client vanished on purpose after this phase (test hook `--exit-after`).
        case vanished(after: Phase)
    }

    public struct Outcome: Sendable {
        public var ending: Ending
        public var rounds: [ClientRoundOutcome]
    }

    /// Connects to `host:port` (TLS when `caCertificate` is given) and runs the session.
    ///
    /// - Parameters:
    ///   - sessionTimeout: deadline of the whole session (all rounds).
    ///   - allowPlaintext: plaintext to a non-loopback host (``PlaintextPolicy``); refused before connecting
    ///     unless true.
    /// - Throws: ``TransportError``: `.permissionDenied` when the server refuses this client, `.remote` for a
    ///   failed round or status, `.deadlineExceeded` when the session outlives `sessionTimeout`.
    public static func run(
        host: String, port: Int, caCertificate: String?, participant: ClientParticipant, sessionTimeout: Duration,
        allowPlaintext: Bool = false, log: @escaping @Sendable (String) -> Void
    ) async throws(TransportError) -> Outcome {
        try PlaintextPolicy.check(host: host, port: port, tls: caCertificate != nil, insecure: allowPlaintext)
        // An invalid policy or unreadable client ledger is a local error, found before connecting.
        _ = try ClientDriver(participant: participant, clientNonce: [])
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let caCertificate {
            security = try TLSFiles.clientSecurity(ca: caCertificate)
        } else {
            security = .plaintext
        }
        let target: any ResolvableTarget =
            isIPv4(host)
            ? ResolvableTargets.IPv4(addresses: [.init(host: host, port: port)])
            : ResolvableTargets.DNS(host: host, port: port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: security)
        } catch { throw .configuration("cannot connect to \(host):\(port): \(error)") }
        do {
            return try await withGRPCClient(transport: transport) { grpc in
                try await session(Secagg_V1_Aggregation.Client(wrapping: grpc), participant, sessionTimeout, log)
            }
        } catch let error as TransportError {
            throw error
        } catch let error as RPCError {
            switch error.code {
            case .permissionDenied: throw .permissionDenied(error.message)
            case .deadlineExceeded: throw .deadlineExceeded(error.message)
            case .resourceExhausted: throw .limitExceeded(error.message)
            default: throw .remote("\(error.code): \(error.message)")
            }
        } catch {
            throw .remote("\(error)")
        }
    }

    private static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    private struct Vanish: Error { let phase: Phase }

    private static func session(
        _ client: Secagg_V1_Aggregation.Client<HTTP2ClientTransport.Posix>, _ participant: ClientParticipant,
        _ timeout: Duration, _ log: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        let (outbox, continuation) = AsyncStream.makeStream(of: Secagg_V1_ClientMessage.self)
        var random = SystemRandom()
        let nonce = random.bytes(count: SessionAuthentication.nonceByteCount)
        continuation.yield(ClientDriver.hello(participant: participant, clientNonce: nonce))
        var options = CallOptions.defaults
        options.timeout = timeout
        options.maxResponseMessageBytes = WireProtocol.maxMessageBytes
        do {
            return try await client.session(
                options: options,
                requestProducer: { writer in
                    for await message in outbox { try await writer.write(message) }
                },
                onResponse: { response in
                    var driver = try ClientDriver(participant: participant, clientNonce: nonce)
                    defer { continuation.finish() }
                    for try await message in response.messages {
                        if let phase = driver.vanishAfterPhase { throw Vanish(phase: phase) }
                        for out in try driver.handle(message) { continuation.yield(out) }
                        if driver.isFinished {
                            log("all rounds done")
                            return Outcome(ending: .completed, rounds: driver.outcomes)
                        }
                    }
                    if let phase = driver.vanishAfterPhase { throw Vanish(phase: phase) }
                    throw TransportError.remote("the server ended the session before the last round's result")
                })
        } catch let vanish as Vanish {
            log("vanishing after \(vanish.phase) (test hook)")
            return Outcome(ending: .vanished(after: vanish.phase), rounds: [])
        }
    }
}
