import FedCore
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SecureAgg
import Sodium

/// `serve`: listens on `host:port`, authenticates clients against the registry, waits for the cohort and runs
/// the rounds. Everything the operator chooses arrives through the arguments; nothing is global.
public enum AggregationServer {
    /// TLS material of the server (PEM paths); nil = plaintext (loopback tests and trusted networks only).
    public struct TLS: Sendable {
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    /// Runs the server until every round finished or one failed.
    ///
    /// - Parameters:
    ///   - audit: a freshly created audit log (signed by `identity`); receives the same events as
    ///     `simulate --audit-log` and is closed when the run ends, also when it fails.
    ///   - onListening: called once with the bound port (useful with port 0).
    ///   - onRound: called after each completed round.
    ///   - log: human-readable progress lines (no secrets).
    /// - Throws: ``TransportError/configuration(_:)`` for a bad address or TLS files; ``SimulationError`` when a
    ///   round fails (exit 1 in the CLI).
    public static func run(
        host: String, port: Int, tls: TLS?, configuration: ServeConfiguration, registry: Registry,
        identity: Ed25519.SecretKey, settings: SimulationSettings, layout: ModelLayout, model: FlatParameters,
        ledger: PrivacyLedger?, audit: AuditLog? = nil, onListening: @escaping @Sendable (Int) -> Void,
        onRound: @escaping @Sendable (ServedRound) -> Void, log: @escaping @Sendable (String) -> Void
    ) async throws -> ServeOutcome {
        let trail = audit.map(ServedAuditTrail.init)
        do {
            return try await start(
                host: host, port: port, tls: tls, configuration: configuration, registry: registry,
                identity: identity, settings: settings, layout: layout, model: model, ledger: ledger, audit: trail,
                onListening: onListening, onRound: onRound, log: log)
        } catch {
            // Failed before any round was planned (bad TLS files, cannot listen, …) or during the rounds: the log
            // still ends with run_closed (a no-op when the rounds already closed it).
            try? trail?.closeRun(epsilonCumulative: 0)
            throw error
        }
    }

    private static func start(
        host: String, port: Int, tls: TLS?, configuration: ServeConfiguration, registry: Registry,
        identity: Ed25519.SecretKey, settings: SimulationSettings, layout: ModelLayout, model: FlatParameters,
        ledger: PrivacyLedger?, audit trail: ServedAuditTrail?, onListening: @escaping @Sendable (Int) -> Void,
        onRound: @escaping @Sendable (ServedRound) -> Void, log: @escaping @Sendable (String) -> Void
    ) async throws -> ServeOutcome {
        guard registry.publicKey(for: Registry.serverId) == identity.publicKey else {
            throw TransportError.configuration("the server key does not match the registry's server entry")
        }
        let security: HTTP2ServerTransport.Posix.TransportSecurity
        if let tls {
            security = try TLSFiles.serverSecurity(certificate: tls.certificate, key: tls.privateKey)
        } else {
            security = .plaintext
        }
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port), transportSecurity: security,
            config: .defaults {
                $0.rpc.maxRequestPayloadSize = configuration.maxMessageBytes
                // A connection without an open stream (raw TCP, or streams refused or ended) is closed after the
                // handshake deadline, so idle connections do not pile up; one that stays silent for 30 s and
                // does not answer a PING within the handshake deadline is closed as well (an HTTP/2 stack
                // answers PINGs by itself; a peer that only holds the socket does not).
                $0.connection.maxIdleTime = configuration.handshakeTimeout
                $0.connection.keepalive.time = .seconds(30)
                $0.connection.keepalive.timeout = configuration.handshakeTimeout
            })
        let coordinator = SessionCoordinator(
            configuration: configuration, registry: registry, identity: identity, log: log)
        let inputs = ServedRunInputs(settings: settings, layout: layout, model: model, ledger: ledger, audit: trail)
        let server = GRPCServer(transport: transport, services: [AggregationService(coordinator: coordinator)])
        let serving = Task { try await server.serve() }
        let address: GRPCNIOTransportCore.SocketAddress
        do { address = try await transport.listeningAddress } catch {
            serving.cancel()
            throw TransportError.configuration("cannot listen on \(host):\(port): \(error)")
        }
        if let ipv4 = address.ipv4 {
            onListening(ipv4.port)
        } else if let ipv6 = address.ipv6 {
            onListening(ipv6.port)
        }
        let result: Result<ServeOutcome, any Error>
        do { result = .success(try await coordinator.runRounds(inputs, onRound: onRound)) } catch {
            result = .failure(error)
        }
        // A failed round still shuts the server down gracefully, so every client receives RoundAborted and an
        // orderly end of stream before the process exits. Graceful shutdown waits for every connection to
        // answer a PING and close, and for every stream to be closed by its client: a peer that only holds
        // its socket (or a stream it never ends) would hold it forever, so it gets `shutdownGrace`, after
        // which the run returns and the serving task is cancelled (the process exit closes what is left).
        server.beginGracefulShutdown()
        let (ended, signal) = AsyncStream.makeStream(of: Void.self)
        Task {
            _ = try? await serving.value
            signal.finish()
        }
        Task {
            try? await Task.sleep(for: configuration.shutdownGrace)
            signal.finish()
        }
        for await _ in ended {}
        serving.cancel()
        return try result.get()
    }
}
