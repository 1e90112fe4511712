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

    /// The files a run writes as it goes, opened only once the server listens (so a server that cannot listen
    /// leaves nothing behind).
    public struct Outputs {
        /// The privacy ledger rounds are charged to before unmasking; nil: none.
        public var ledger: PrivacyLedger?
        /// A freshly created audit log (FedAudit's `AuditLog`, signed by the server's identity); nil: none.
        public var audit: (any RoundAuditTrail)?
        public init(ledger: PrivacyLedger? = nil, audit: (any RoundAuditTrail)? = nil) {
            self.ledger = ledger
            self.audit = audit
        }
    }

    /// Runs the server until every round finished or one failed, with outputs opened before the call.
    ///
    /// Prefer ``run(host:port:tls:configuration:registry:identity:settings:layout:model:openOutputs:onListening:onRound:log:)``,
    /// which opens them only once the server listens (so a start that fails leaves no file behind).
    ///
    /// - Parameters:
    ///   - audit: a freshly created audit log (signed by `identity`); receives the same events as
    ///     `simulate --audit-log` and is closed when the run ends, also when it fails.
    ///   - onListening: called once with the bound port (useful with port 0).
    /// - Throws: as the other overload.
    public static func run(
        host: String, port: Int, tls: TLS?, configuration: ServeConfiguration, registry: Registry,
        identity: Ed25519.SecretKey, settings: SimulationSettings, layout: ModelLayout, model: FlatParameters,
        ledger: PrivacyLedger?, audit: (any RoundAuditTrail)? = nil, onListening: @escaping @Sendable (Int) -> Void,
        onRound: @escaping @Sendable (ServedRound) -> Void, log: @escaping @Sendable (String) -> Void
    ) async throws -> ServeOutcome {
        let trail = audit.map(ServedAuditTrail.init)
        do {
            return try await run(
                host: host, port: port, tls: tls, configuration: configuration, registry: registry,
                identity: identity, settings: settings, layout: layout, model: model,
                openOutputs: { Outputs(ledger: ledger, audit: audit) }, trail: trail, onListening: onListening,
                onRound: onRound, log: log)
        } catch {
            try? trail?.closeRun(epsilonCumulative: 0)
            throw error
        }
    }

    /// Runs the server until every round finished or one failed.
    ///
    /// Order: checks the identity and TLS files, binds the listener, then calls `openOutputs` (creating the
    /// ledger and audit log), then `onListening`, then waits for the clients. A failure before the listener is
    /// up creates no file; a failure of `openOutputs` stops the listener before any client is served.
    ///
    /// - Parameters:
    ///   - openOutputs: opens the run's ledger and audit log; called once, after the listener is bound. The
    ///     audit log receives the same events as `simulate --audit-log` and is closed when the run ends, also
    ///     when it fails. Its errors are rethrown unchanged.
    ///   - onListening: called once with the bound port (useful with port 0), after `openOutputs`.
    ///   - onRound: called after each completed round.
    ///   - log: human-readable progress lines (no secrets).
    /// - Throws: ``TransportError/configuration(_:)`` for a bad address, TLS files, or an address another
    ///   process listens on (the message says so and what to do); ``FedCoreError`` when a round fails (exit 1
    ///   in the CLI); whatever `openOutputs` throws.
    public static func run(
        host: String, port: Int, tls: TLS?, configuration: ServeConfiguration, registry: Registry,
        identity: Ed25519.SecretKey, settings: SimulationSettings, layout: ModelLayout, model: FlatParameters,
        openOutputs: () throws -> Outputs, onListening: @escaping @Sendable (Int) -> Void,
        onRound: @escaping @Sendable (ServedRound) -> Void, log: @escaping @Sendable (String) -> Void
    ) async throws -> ServeOutcome {
        try await run(
            host: host, port: port, tls: tls, configuration: configuration, registry: registry, identity: identity,
            settings: settings, layout: layout, model: model, openOutputs: openOutputs, trail: nil,
            onListening: onListening, onRound: onRound, log: log)
    }

    /// `trail`: the audit trail of outputs opened by the caller (else the one `openOutputs` gives).
    private static func run(
        host: String, port: Int, tls: TLS?, configuration: ServeConfiguration, registry: Registry,
        identity: Ed25519.SecretKey, settings: SimulationSettings, layout: ModelLayout, model: FlatParameters,
        openOutputs: () throws -> Outputs, trail givenTrail: ServedAuditTrail?,
        onListening: @escaping @Sendable (Int) -> Void, onRound: @escaping @Sendable (ServedRound) -> Void,
        log: @escaping @Sendable (String) -> Void
    ) async throws -> ServeOutcome {
        guard registry.publicKey(for: Registry.serverId) == identity.publicKey else {
            throw TransportError.configuration("the server key does not match the registry's server entry")
        }
        let security: HTTP2ServerTransport.Posix.TransportSecurity
        let channel: ChannelBinding
        if let tls {
            (security, channel) = try TLSFiles.serverSecurity(certificate: tls.certificate, key: tls.privateKey)
        } else {
            (security, channel) = (.plaintext, .plaintext)
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
            configuration: configuration, registry: registry, identity: identity, channel: channel, log: log)
        let server = GRPCServer(transport: transport, services: [AggregationService(coordinator: coordinator)])
        let serving = Task { try await server.serve() }
        let address: GRPCNIOTransportCore.SocketAddress
        do { address = try await transport.listeningAddress } catch {
            // The listening address only says the server stopped; the serving task has the bind error.
            var cause: any Error = error
            do { try await serving.value } catch let serveError { cause = serveError }
            throw ListenFailure.describe(cause, host: host, port: port)
        }
        let trail: ServedAuditTrail?
        let inputs: ServedRunInputs
        do {
            let outputs = try openOutputs()
            trail = givenTrail ?? outputs.audit.map(ServedAuditTrail.init)
            inputs = ServedRunInputs(
                settings: settings, layout: layout, model: model, ledger: outputs.ledger, audit: trail)
        } catch {
            server.beginGracefulShutdown()
            serving.cancel()
            throw error
        }
        if let ipv4 = address.ipv4 {
            onListening(ipv4.port)
        } else if let ipv6 = address.ipv6 {
            onListening(ipv6.port)
        }
        let result: Result<ServeOutcome, any Error>
        do { result = .success(try await coordinator.runRounds(inputs, onRound: onRound)) } catch {
            // Failed around the rounds: the log still ends with run_closed (a no-op when the rounds already
            // closed it).
            try? trail?.closeRun(epsilonCumulative: 0)
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
