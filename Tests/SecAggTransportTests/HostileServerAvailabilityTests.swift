import FedCore
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Sodium
import Testing

@testable import SecAggTransport

/// The client against an in-process hostile gRPC server (loopback): one that never answers Hello, and one
/// that answers with a message over the client's 4 MiB limit. Each test is bounded by the client's own limits
/// (the silent server: the 1 s handshake limit; the oversized message: the transport's refusal, within 60 s).
@Suite struct HostileServerAvailabilityTests {
    /// A `Session` service that misbehaves on purpose.
    struct HostileService: Secagg_V1_Aggregation.SimpleServiceProtocol {
        enum Behaviour: Sendable {
            /// Accepts the stream and sends nothing.
            case silent
            /// Sends a Challenge carrying 5 MiB.
            case oversizedChallenge
        }
        let behaviour: Behaviour

        func session(
            request: RPCAsyncSequence<Secagg_V1_ClientMessage, any Error>,
            response: RPCWriter<Secagg_V1_ServerMessage>, context: ServerContext
        ) async throws {
            if behaviour == .oversizedChallenge {
                var challenge = Secagg_V1_Challenge()
                challenge.version = 1
                challenge.serverNonce = Data(count: 5 << 20)
                var message = Secagg_V1_ServerMessage()
                message.protocolVersion = WireProtocol.version
                message.body = .challenge(challenge)
                try await response.write(message)
            }
            try await Task.sleep(for: .seconds(60))
        }
    }

    /// Runs one client against `behaviour` and returns how it failed.
    func failure(against behaviour: HostileService.Behaviour, joinTimeout: Duration) async throws -> TransportError? {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext,
            config: .defaults { $0.rpc.maxRequestPayloadSize = WireProtocol.maxMessageBytes })
        let server = GRPCServer(transport: transport, services: [HostileService(behaviour: behaviour)])
        let serving = Task { try await server.serve() }
        defer { serving.cancel() }
        let port = try #require(try await transport.listeningAddress.ipv4?.port)
        let serverKey = Ed25519.SecretKey.generate()
        let clientKey = Ed25519.SecretKey.generate()
        let registry = try Registry(
            serverPublicKey: serverKey.publicKey, clients: [Registry.Client(id: 1, signPublicKey: clientKey.publicKey)])
        let participant = ClientParticipant(
            identity: clientKey, id: 1, registry: registry, update: .double([0]), layoutHash: "none")
        do {
            _ = try await AggregationClient.run(
                host: "127.0.0.1", port: port, caCertificate: nil, participant: participant,
                sessionTimeout: .seconds(60), joinTimeout: joinTimeout, idleTimeout: .seconds(600), log: { _ in })
        } catch {
            server.beginGracefulShutdown()
            return error
        }
        server.beginGracefulShutdown()
        return nil
    }

    @Test func aServerThatNeverAnswersHelloIsLeftAfterTheHandshakeLimit() async throws {
        let error = try await failure(against: .silent, joinTimeout: .seconds(1))
        guard case .deadlineExceeded(let message)? = error else {
            Issue.record("expected deadlineExceeded, got \(String(describing: error))")
            return
        }
        // Only the join/handshake limit words its failure this way (the 60 s session deadline does not): no wall
        // clock bound here, other suites' blocking waits can hold the cooperative threads this test runs on.
        #expect(message.contains("did not answer the handshake within 1 s"), "\(message)")
    }

    @Test func aServerMessageOverTheClientsLimitIsReportedAsSuch() async throws {
        // A join limit far above the time the refusal takes, even when other suites keep the threads busy.
        let error = try await failure(against: .oversizedChallenge, joinTimeout: .seconds(60))
        #expect(
            error == .limitExceeded(
                "a message from the server exceeds this client's limit of \(WireProtocol.maxMessageBytes) bytes"),
            "\(String(describing: error))")
    }
}
