import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SecureAgg
import Sodium
import Synchronization

/// `client`: connects to `serve`, authenticates, and takes part in every round until the last result.
public enum AggregationClient {
    /// How a session ended without error (package access only: only a test hook makes it other than
    /// `.completed`).
    package enum Ending: Sendable, Equatable {
        /// The last round's result arrived.
        case completed
        /// The client vanished on purpose after this phase (test hook ``ClientParticipant/exitAfter``).
        case vanished(after: Phase)
    }

    /// What a session that ended without error saw.
    public struct Outcome: Sendable {
        package var ending: Ending
        /// Every round this client saw the result of, in order (sampled or sat out).
        public var rounds: [ClientRoundOutcome]
    }

    /// Connects to `host:port` (TLS when `caCertificate` is given) and runs the session.
    ///
    /// Until the server's Welcome arrives, a refused or failed connection (`UNAVAILABLE`, `RESOURCE_EXHAUSTED`
    /// other than "the cohort is complete") is retried with jittered exponential backoff
    /// (``JoinBackoff``) until `joinTimeout` has passed since the first attempt. After that, the server must
    /// send something at least every `idleTimeout` (the next round message, or RoundStart), else the client
    /// gives up; before Welcome, every `min(idleTimeout, joinTimeout)`. A message over the gRPC limit is
    /// reported with its size (when this client sent it) and the limit.
    ///
    /// - Parameters:
    ///   - sessionTimeout: deadline of the whole session (all rounds, retries included).
    ///   - allowPlaintext: plaintext to a non-loopback host (``PlaintextPolicy``); refused before connecting
    ///     unless true.
    /// - Throws: ``TransportError``: `.permissionDenied` when the server refuses this client, `.remote` for a
    ///   failed round or status, `.deadlineExceeded` when the session outlives `sessionTimeout` or the server
    ///   is silent for `idleTimeout`, `.limitExceeded` for a message over the limit; `.remote` naming the
    ///   last failure and the attempts when the server was still unreachable or full at the join deadline.
    public static func run(
        host: String, port: Int, caCertificate: String?, participant: ClientParticipant, sessionTimeout: Duration,
        joinTimeout: Duration = .seconds(120), idleTimeout: Duration = .seconds(600),
        allowPlaintext: Bool = false, log: @escaping @Sendable (String) -> Void
    ) async throws(TransportError) -> Outcome {
        try PlaintextPolicy.check(host: host, port: port, tls: caCertificate != nil, insecure: allowPlaintext)
        // An invalid policy or unreadable client ledger is a local error, found before connecting.
        _ = try ClientDriver(participant: participant, clientNonce: [])
        // With TLS, the CA file is read once; each attempt gets its own certificate check (a new transport and
        // connection), whose accepted certificate the handshake binds (Docs/wire.md § 4.2).
        var tlsRoots: (path: String, der: [[UInt8]])?
        if let caCertificate { tlsRoots = try TLSFiles.clientRoots(ca: caCertificate) }
        let target: any ResolvableTarget =
            isIPv4(host)
            ? ResolvableTargets.IPv4(addresses: [.init(host: host, port: port)])
            : ResolvableTargets.DNS(host: host, port: port)
        let start = ContinuousClock.now
        var backoff = JoinBackoff()
        var attempts = 0
        while true {
            attempts += 1
            let security: HTTP2ClientTransport.Posix.TransportSecurity
            let channel: @Sendable () throws(TransportError) -> ChannelBinding
            if let tlsRoots {
                let check = try ServerCertificateCheck(caCertificates: tlsRoots.der)
                security = TLSFiles.clientSecurity(ca: tlsRoots.path, check: check)
                channel = { () throws(TransportError) in try check.binding() }
            } else {
                security = .plaintext
                channel = { .plaintext }
            }
            let transport: HTTP2ClientTransport.Posix
            do {
                transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: security)
            } catch { throw .configuration("cannot connect to \(host):\(port): \(error)") }
            let progress = SessionProgress()
            let remaining = sessionTimeout - (ContinuousClock.now - start)
            do {
                // Once the last result is in, the call's teardown and the gRPC client's graceful shutdown get
                // `shutdownGrace`, not forever (BoundedShutdown).
                return try await BoundedShutdown.run(grace: shutdownGrace) { report in
                    try await withGRPCClient(transport: transport) { grpc in
                        try await session(
                            Secagg_V1_Aggregation.Client(wrapping: grpc), participant, channel, remaining, idleTimeout,
                            joinTimeout, progress, report, log)
                    }
                }
            } catch {
                let (failure, retryable) = classify(error, progress)
                guard retryable, !progress.joined else { throw failure }
                let delay = backoff.next()
                guard ContinuousClock.now + delay - start < min(joinTimeout, sessionTimeout) else {
                    throw JoinHint.finalFailure(
                        failure, gaveUp: "gave up after \(attempts) attempts in --join-timeout "
                            + "\(PeerAddress.seconds(joinTimeout)) s", host: host, port: port,
                        tls: caCertificate != nil)
                }
                log(
                    "\(JoinHint.attemptFailure(failure, host: host, port: port, tls: caCertificate != nil)); "
                        + "retrying in \(Int((delay / .milliseconds(1)).rounded())) ms")
                do { try await Task.sleep(for: delay) } catch { throw failure }
            }
        }
    }

    /// The error a failed attempt reports, and whether a new attempt may fix it (only before Welcome).
    private static func classify(_ error: any Error, _ progress: SessionProgress) -> (TransportError, Bool) {
        if let error = error as? TransportError { return (error, false) }
        guard let error = error as? RPCError else { return (.remote("\(error)"), false) }
        if let oversized = progress.oversizedReport(error) { return (.limitExceeded(oversized), false) }
        switch error.code {
        case .permissionDenied: return (.permissionDenied(error.message), false)
        case .deadlineExceeded: return (.deadlineExceeded(error.message), false)
        case .resourceExhausted:
            return (.limitExceeded(error.message), !error.message.hasPrefix("the cohort is complete"))
        case .unavailable:
            // The cause says more than the message (a TLS certificate refused, a connection refused).
            let cause = error.cause.map { " (\($0))" } ?? ""
            return (.remote("\(error.code): \(error.message)\(cause)"), true)
        default: return (.remote("\(error.code): \(error.message)"), false)
        }
    }

    private static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    private struct Vanish: Error { let phase: Phase }

    /// How long the call's teardown and the gRPC client's shutdown may take once the last result is in.
    static let shutdownGrace: Duration = .seconds(2)

    private static func session(
        _ client: Secagg_V1_Aggregation.Client<HTTP2ClientTransport.Posix>, _ participant: ClientParticipant,
        _ channel: @escaping @Sendable () throws(TransportError) -> ChannelBinding, _ timeout: Duration,
        _ idleTimeout: Duration, _ joinTimeout: Duration, _ progress: SessionProgress,
        _ report: @escaping @Sendable (Outcome) -> Void, _ log: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        let (outbox, continuation) = AsyncStream.makeStream(of: Secagg_V1_ClientMessage.self)
        var random = SystemRandom()
        let nonce = random.bytes(count: SessionAuthentication.nonceByteCount)
        continuation.yield(ClientDriver.hello(participant: participant, clientNonce: nonce))
        var options = CallOptions.defaults
        options.timeout = timeout
        options.maxResponseMessageBytes = WireProtocol.maxMessageBytes
        // Test hook: a hostile client sends its oversized message instead of refusing it itself.
        let checkOutgoing = participant.misbehaviour != .oversizedMessage

        /// Handles the server's messages until the last round's result, while a watchdog enforces the idle limit.
        @Sendable func handleResponses(_ response: StreamingClientResponse<Secagg_V1_ServerMessage>) async throws
            -> Outcome
        {
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    var driver = try ClientDriver(participant: participant, clientNonce: nonce, channel: channel)
                    defer { continuation.finish() }
                    for try await message in response.messages {
                        progress.received()
                        if let phase = driver.vanishAfterPhase { throw Vanish(phase: phase) }
                        for out in try driver.handle(message) {
                            try progress.sending(out, check: checkOutgoing)
                            continuation.yield(out)
                        }
                        if case .welcome(let w)? = message.body {
                            progress.welcomed(maxMessageBytes: w.maxMessageBytes)
                        }
                        if driver.isFinished {
                            log("all rounds done")
                            let outcome = Outcome(ending: .completed, rounds: driver.outcomes)
                            report(outcome)
                            return outcome
                        }
                    }
                    if let phase = driver.vanishAfterPhase { throw Vanish(phase: phase) }
                    throw TransportError.remote("the server ended the session before the last round's result")
                }
                group.addTask {
                    try await progress.watchIdle(idleTimeout, handshake: min(idleTimeout, joinTimeout))
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let outcome = result { return outcome }
                }
                throw TransportError.remote("the session ended without an outcome")
            }
        }

        let (producerEnded, producerEnd) = AsyncStream.makeStream(of: Void.self)
        do {
            return try await client.session(
                options: options,
                requestProducer: { writer in
                    defer { producerEnd.finish() }
                    for await message in outbox {
                        if progress.stopped { break }
                        try await writer.write(message)
                    }
                },
                onResponse: { response in
                    // When the session fails, the request writer stops and gets up to 2 s to finish its write in
                    // flight before the RPC is torn down: the NIO transport traps on a write that reaches a
                    // stream it has already half-closed.
                    do {
                        return try await handleResponses(response)
                    } catch {
                        progress.stop()
                        continuation.finish()
                        Task {
                            try? await Task.sleep(for: .seconds(2))
                            producerEnd.finish()
                        }
                        for await _ in producerEnded {}
                        throw error
                    }
                })
        } catch let vanish as Vanish {
            log("vanishing after \(vanish.phase) (test hook)")
            return Outcome(ending: .vanished(after: vanish.phase), rounds: [])
        }
    }
}

/// Delays between join attempts: 0.1 s doubling to 2 s, each scaled by a factor uniform in [0.5, 1.5) from the
/// system RNG, so clients refused together do not return together.
struct JoinBackoff {
    var base: Duration = .milliseconds(100)
    var cap: Duration = .seconds(2)

    mutating func next() -> Duration {
        var rng = SystemRandomNumberGenerator()
        let delay = base * Double.random(in: 0.5..<1.5, using: &rng)
        base = min(base * 2, cap)
        return delay
    }
}

/// What one session attempt has seen so far, shared by its message loop, its idle watchdog and the caller.
final class SessionProgress: Sendable {
    private struct State {
        var joined = false
        var lastMessage = ContinuousClock.now
        var largestSent = 0
        var serverLimit = WireProtocol.maxMessageBytes
        var stopped = false
    }
    private let state = Mutex(State())

    /// The session failed: the request writer sends nothing more.
    var stopped: Bool { state.withLock { $0.stopped } }

    func stop() { state.withLock { $0.stopped = true } }

    /// Welcome arrived: from now on a failure is not retried.
    var joined: Bool { state.withLock { $0.joined } }

    func received() { state.withLock { $0.lastMessage = .now } }

    func welcomed(maxMessageBytes: UInt64) {
        state.withLock {
            $0.joined = true
            if maxMessageBytes > 0 { $0.serverLimit = Int(clamping: maxMessageBytes) }
        }
    }

    /// Records an outgoing message's size; with `check`, refuses one over the server's limit.
    func sending(_ message: Secagg_V1_ClientMessage, check: Bool) throws(TransportError) {
        let size = ((try? message.serializedBytes() as [UInt8]) ?? []).count
        let limit = state.withLock {
            $0.largestSent = max($0.largestSent, size)
            return $0.serverLimit
        }
        if check, size > limit {
            throw .limitExceeded("message of \(size) bytes exceeds the limit of \(limit) bytes (not sent)")
        }
    }

    /// How a failure reads when a message over the limit was involved. gRPC itself only says "Failed to decode
    /// message" / "…maximum payload size…" (or, on the sender's side, that the server reset the stream); the
    /// server says "a message exceeds the limit". Nil when no message over a limit is known to be involved.
    func oversizedReport(_ error: RPCError) -> String? {
        let (sent, limit) = state.withLock { ($0.largestSent, $0.serverLimit) }
        if sent > limit {
            return "message of \(sent) bytes exceeds the limit of \(limit) bytes (the server refused it)"
        }
        if error.code == .resourceExhausted && error.message.hasPrefix("a message exceeds the limit") {
            return error.message
        }
        if (error.code == .internalError && error.message.hasPrefix("Failed to decode message"))
            || error.message.contains("maximum payload size")
        {
            return "a message from the server exceeds this client's limit of \(WireProtocol.maxMessageBytes) bytes"
        }
        return nil
    }

    /// Throws once the server has sent nothing for `idle` after Welcome, or for `handshake` before it.
    func watchIdle(_ idle: Duration, handshake: Duration) async throws {
        while true {
            let (last, joined) = state.withLock { ($0.lastMessage, $0.joined) }
            let limit = joined ? idle : handshake
            let wake = last + limit
            if ContinuousClock.now >= wake {
                throw TransportError.deadlineExceeded(
                    joined
                        ? "the server sent nothing for \(PeerAddress.seconds(idle)) s (--idle-timeout) while this "
                            + "client waited for its next message after Welcome; giving up"
                        : "the server did not answer the handshake within \(PeerAddress.seconds(handshake)) s "
                            + "(the smaller of --idle-timeout and --join-timeout); giving up")
            }
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }
}
