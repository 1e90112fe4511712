import FedCore
import Foundation
import GRPCCore
import SecureAgg
import Sodium

/// The server's single point of truth: every connected session, who is authenticated, and the round in
/// progress. Sessions hand it incoming messages (``receive(_:_:)``); it answers by yielding into each session's
/// outbox, so it never waits on a slow client. Rounds advance at phase barriers (``awaitBarrier(timeout:)``):
/// when every expected client answered, when the deadline passes, or when the rest disconnected.
actor SessionCoordinator {
    /// What a session's writer loop receives.
    enum Outgoing: Sendable {
        case message(Secagg_V1_ServerMessage)
        /// Ends the session: nil = normally (status OK), otherwise with this status.
        case close(RPCError?)
    }

    enum SessionState {
        case awaitingHello
        case awaitingAuthentication(client: UInt32, clientNonce: [UInt8], serverNonce: [UInt8])
        case joined(UInt32)
    }

    struct Session {
        var outbox: AsyncStream<Outgoing>.Continuation
        var state: SessionState
        /// The peer's address key (``PeerAddress/key(_:)``), for the per-peer cap on unauthenticated sessions.
        var peer: String
        var opened: ContinuousClock.Instant

        var isJoined: Bool { if case .joined = state { return true } else { return false } }
        /// Set once the client authenticated: every later message is signed for this session and run.
        var signing: ServerMessageAuthentication?
    }

    /// The phase being collected: who still owes a message, and partial masked vectors.
    struct PhaseCollection {
        let phase: Phase
        var pending: Set<UInt32>
        var assemblies: [UInt32: MaskedInputAssembly] = [:]
        /// Clients whose message of this phase the server accepted, in arrival order.
        var accepted: [UInt32] = []
    }

    let configuration: ServeConfiguration
    let registry: Registry
    /// Active (non-revoked) client keys: the SecAgg registry of every round.
    let clientKeys: [UInt32: Ed25519.PublicKey]
    let identity: Ed25519.SecretKey
    let log: @Sendable (String) -> Void
    /// 32 random bytes drawn for this run: announced in Welcome, bound into every server signature and every
    /// round context, so nothing signed in one run verifies in another.
    let runID: [UInt8]
    /// The channel this server serves (its TLS leaf certificate, or plaintext): stated in every Challenge and
    /// bound into both authentication transcripts (Docs/wire.md § 4.2).
    let channel: ChannelBinding

    private var sessions: [Int: Session] = [:]
    private var nextToken = 0
    /// Authenticated client id → session token.
    private(set) var members: [UInt32: Int] = [:]
    private var acceptingJoins = true
    private var waitingForJoins = false

    /// The run's planning, server state machine and bookkeeping (set once the clients joined).
    var orchestrator: RoundOrchestrator?
    var collection: PhaseCollection?
    private var barrier: CheckedContinuation<Void, Never>?
    private var barrierGeneration = 0

    init(
        configuration: ServeConfiguration, registry: Registry, identity: Ed25519.SecretKey,
        channel: ChannelBinding = .plaintext, log: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.channel = channel
        self.registry = registry
        var keys = [UInt32: Ed25519.PublicKey]()
        for client in registry.activeClients { keys[client.id] = client.signPublicKey }
        clientKeys = keys
        self.identity = identity
        self.log = log
        var random = SystemRandom()
        runID = random.bytes(count: ServerMessageAuthentication.runIDByteCount)
    }

    // MARK: Sessions

    /// Registers a new session from `peer` (gRPC's `ServerContext.remotePeer`). Unauthenticated sessions have
    /// their own budget (``ServeConfiguration/maxPendingConnections``, ``ServeConfiguration/maxPendingPerPeer``)
    /// and deadline (``ServeConfiguration/handshakeTimeout``); authenticated clients never count against it.
    /// At a full budget the oldest pending session under that limit is evicted if it is older than
    /// ``ServeConfiguration/pendingEvictionAge``, else the new one is refused with `RESOURCE_EXHAUSTED`.
    func open(_ outbox: AsyncStream<Outgoing>.Continuation, peer: String) throws(RPCError) -> Int {
        let key = PeerAddress.key(peer)
        let pending = sessions.filter { !$0.value.isJoined }
        let fromPeer = pending.filter { $0.value.peer == key }
        if fromPeer.count >= configuration.maxPendingPerPeer {
            try makeRoom(
                among: fromPeer,
                limit: "too many unauthenticated connections from \(key) (--max-pending-per-peer "
                    + "\(configuration.maxPendingPerPeer))")
        }
        if sessions.count(where: { !$0.value.isJoined }) >= configuration.maxPendingConnections {
            try makeRoom(
                among: sessions.filter { !$0.value.isJoined },
                limit: "too many unauthenticated connections (--max-pending-connections "
                    + "\(configuration.maxPendingConnections))")
        }
        nextToken += 1
        let token = nextToken
        sessions[token] = Session(outbox: outbox, state: .awaitingHello, peer: key, opened: .now)
        let timeout = configuration.handshakeTimeout
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.authenticationDeadline(token)
        }
        return token
    }

    /// Evicts the oldest of `candidates` when it is old enough, else refuses the newcomer (both with `limit`).
    private func makeRoom(among candidates: [Int: Session], limit: String) throws(RPCError) {
        guard let oldest = candidates.min(by: { $0.value.opened < $1.value.opened }),
            ContinuousClock.now - oldest.value.opened >= configuration.pendingEvictionAge
        else {
            throw RPCError(code: .resourceExhausted, message: limit)
        }
        close(
            oldest.key,
            RPCError(
                code: .resourceExhausted,
                message: limit + "; this connection had not authenticated and was evicted for a newer one"))
    }

    private func authenticationDeadline(_ token: Int) {
        guard let session = sessions[token], !session.isJoined else { return }
        close(
            token,
            RPCError(
                code: .deadlineExceeded,
                message: "authentication did not finish in time (--handshake-timeout "
                    + "\(PeerAddress.seconds(configuration.handshakeTimeout)) s)"))
    }

    /// The transport refused a message of this session over ``ServeConfiguration/maxMessageBytes`` (it reads
    /// the 5-byte length prefix and stops; the actual size is not passed on).
    func oversizedMessage(_ token: Int) {
        guard let session = sessions[token] else { return }
        let limit = configuration.maxMessageBytes
        if case .joined(let id) = session.state {
            log("client \(id) dropped: it sent a message over the limit of \(limit) bytes")
        } else {
            log("closed an unauthenticated connection from \(session.peer): a message over the limit of \(limit) bytes")
        }
        close(
            token,
            RPCError(
                code: .resourceExhausted,
                message: "a message exceeds the limit of \(limit) bytes (server maxMessageBytes)"))
    }

    /// The client's stream ended (it closed, vanished or its connection broke).
    func disconnected(_ token: Int) {
        guard let session = sessions.removeValue(forKey: token) else { return }
        session.outbox.finish()
        if case .joined(let id) = session.state, members[id] == token {
            members[id] = nil
            log("client \(id) disconnected")
            if collection?.pending.remove(id) != nil { collection?.assemblies[id] = nil }
            releaseBarrierIfSatisfied()
        }
    }

    func close(_ token: Int, _ error: RPCError?) {
        guard let session = sessions.removeValue(forKey: token) else { return }
        session.outbox.yield(.close(error))
        session.outbox.finish()
        if case .joined(let id) = session.state, members[id] == token {
            members[id] = nil
            if collection?.pending.remove(id) != nil { collection?.assemblies[id] = nil }
            releaseBarrierIfSatisfied()
        }
    }

    /// Removes client `id` from the run, telling it why.
    func drop(_ id: UInt32, _ error: RPCError) {
        log("client \(id) dropped: \(error.message)")
        guard let token = members[id] else { return }
        close(token, error)
    }

    /// Ends every session (normally, or with `error`).
    func closeAll(_ error: RPCError?) {
        for token in Array(sessions.keys) { close(token, error) }
        acceptingJoins = false
    }

    func send(_ id: UInt32, _ body: Secagg_V1_ServerMessage.OneOf_Body) {
        guard let token = members[id] else { return }
        sendToken(token, body)
    }

    /// Sends `body`, signed for the session once it is authenticated (Docs/wire.md § 4.1).
    private func sendToken(_ token: Int, _ body: Secagg_V1_ServerMessage.OneOf_Body) {
        guard let session = sessions[token] else { return }
        var message = Secagg_V1_ServerMessage()
        message.protocolVersion = WireProtocol.version
        message.body = body
        if let signing = session.signing {
            do { message.serverSignature = Data(try signing.sign(body, with: identity)) } catch {
                close(token, RPCError(code: .internalError, message: "cannot sign \(body.name): \(error)"))
                return
            }
        }
        session.outbox.yield(.message(message))
    }

    // MARK: Incoming

    func receive(_ token: Int, _ message: Secagg_V1_ClientMessage) {
        guard let session = sessions[token] else { return }
        guard message.protocolVersion == WireProtocol.version else {
            close(
                token,
                RPCError(
                    code: .failedPrecondition,
                    message: "unsupported wire protocol version \(message.protocolVersion) "
                        + "(this server speaks \(WireProtocol.version))"))
            return
        }
        switch session.state {
        case .awaitingHello:
            guard case .hello(let hello)? = message.body else {
                close(token, RPCError(code: .failedPrecondition, message: "expected Hello first"))
                return
            }
            handleHello(token, hello)
        case .awaitingAuthentication(let client, let clientNonce, let serverNonce):
            guard case .authenticate(let auth)? = message.body else {
                close(token, RPCError(code: .failedPrecondition, message: "expected Authenticate"))
                return
            }
            handleAuthentication(token, auth, client: client, clientNonce: clientNonce, serverNonce: serverNonce)
        case .joined(let id):
            handleRoundMessage(id, message)
        }
    }

    private func handleHello(_ token: Int, _ hello: Secagg_V1_Hello) {
        guard hello.version == 1 else {
            close(token, RPCError(code: .failedPrecondition, message: "unsupported Hello version \(hello.version)"))
            return
        }
        guard hello.clientNonce.count == SessionAuthentication.nonceByteCount else {
            close(token, RPCError(code: .invalidArgument, message: "client nonce must have 32 bytes"))
            return
        }
        let id = hello.clientID
        guard registry.client(id: id) != nil else {
            log("refused client \(id): not in the registry")
            close(token, RPCError(code: .permissionDenied, message: "client \(id) is not in the server's registry"))
            return
        }
        guard clientKeys[id] != nil else {
            log("refused client \(id): revoked")
            close(token, RPCError(code: .permissionDenied, message: "client \(id) is revoked in the server's registry"))
            return
        }
        var random = SystemRandom()
        let serverNonce = random.bytes(count: SessionAuthentication.nonceByteCount)
        let clientNonce = Array(hello.clientNonce)
        var challenge = Secagg_V1_Challenge()
        challenge.version = 2
        challenge.serverNonce = Data(serverNonce)
        challenge.tlsCertificateHash = Data(channel.wireField)
        challenge.serverSignature = Data(
            identity.sign(
                SessionAuthentication.serverTranscript(
                    registryHash: registry.registryHashBytes, client: id, clientNonce: clientNonce,
                    serverNonce: serverNonce, channel: channel)))
        sessions[token]?.state = .awaitingAuthentication(client: id, clientNonce: clientNonce, serverNonce: serverNonce)
        sendToken(token, .challenge(challenge))
    }

    private func handleAuthentication(
        _ token: Int, _ auth: Secagg_V1_Authenticate, client id: UInt32, clientNonce: [UInt8], serverNonce: [UInt8]
    ) {
        // Over the channel this server serves: a client that reached it through a relay (another certificate,
        // or TLS on one side only) signed another channel, and is refused here.
        let transcript = SessionAuthentication.clientTranscript(
            registryHash: registry.registryHashBytes, client: id, clientNonce: clientNonce, serverNonce: serverNonce,
            channel: channel)
        guard auth.version == 1, let key = clientKeys[id],
            key.isValidSignature(Array(auth.signature), for: transcript)
        else {
            log("refused client \(id): bad authentication signature")
            close(
                token,
                RPCError(
                    code: .permissionDenied,
                    message: "authentication signature of client \(id) does not verify against the server's registry "
                        + "and channel (wrong key file, a registry that differs from the server's, or a client that saw "
                        + "another TLS certificate, or none: something in the middle)"))
            return
        }
        guard members[id] == nil else {
            close(token, RPCError(code: .alreadyExists, message: "client \(id) is already connected"))
            return
        }
        guard acceptingJoins, members.count < configuration.expectedClients else {
            close(token, RPCError(code: .resourceExhausted, message: "the cohort is complete; no more clients join"))
            return
        }
        sessions[token]?.state = .joined(id)
        sessions[token]?.signing = ServerMessageAuthentication(
            registryHash: registry.registryHashBytes, client: id, clientNonce: clientNonce, serverNonce: serverNonce,
            runID: runID)
        members[id] = token
        log("client \(id) joined (\(members.count)/\(configuration.expectedClients))")
        var welcome = Secagg_V1_Welcome()
        welcome.version = 2
        welcome.runID = Data(runID)
        welcome.expectedClients = UInt32(configuration.expectedClients)
        welcome.maxMessageBytes = UInt64(configuration.maxMessageBytes)
        welcome.rounds = UInt32(clamping: roundsAnnounced)
        sendToken(token, .welcome(welcome))
        releaseBarrierIfSatisfied()
    }

    /// Rounds announced in Welcome (set by the round driver before joins start).
    var roundsAnnounced = 0

    func setRoundsAnnounced(_ rounds: Int) { roundsAnnounced = rounds }

    // MARK: Barriers

    /// Waits for `expectedClients` to join or `timeout`; afterwards nobody else joins.
    func awaitJoins(timeout: Duration) async -> [UInt32] {
        waitingForJoins = true
        await awaitBarrier(timeout: timeout)
        waitingForJoins = false
        acceptingJoins = false
        return members.keys.sorted()
    }

    /// Starts collecting `phase` from `expected` (only those still connected count).
    func beginPhase(_ phase: Phase, expected: [UInt32]) {
        collection = PhaseCollection(phase: phase, pending: Set(expected.filter { members[$0] != nil }))
    }

    /// Waits until the phase's pending set is empty or `timeout` passes; those still pending are dropped.
    /// Returns the clients whose message of the phase was accepted (sorted).
    @discardableResult
    func finishPhase(timeout: Duration) async -> [UInt32] {
        await awaitBarrier(timeout: timeout)
        guard let c = collection else { return [] }
        collection = nil
        for id in c.pending.sorted() {
            drop(id, RPCError(code: .deadlineExceeded, message: "no \(c.phase) message before the phase deadline"))
        }
        return c.accepted.sorted()
    }

    private var barrierSatisfied: Bool {
        if waitingForJoins { return members.count >= configuration.expectedClients }
        return collection?.pending.isEmpty ?? true
    }

    private func awaitBarrier(timeout: Duration) async {
        guard !barrierSatisfied else { return }
        barrierGeneration += 1
        let generation = barrierGeneration
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.barrierTimedOut(generation)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in barrier = c }
        timer.cancel()
    }

    private func barrierTimedOut(_ generation: Int) {
        guard generation == barrierGeneration, let b = barrier else { return }
        barrier = nil
        b.resume()
    }

    func releaseBarrierIfSatisfied() {
        guard barrierSatisfied, let b = barrier else { return }
        barrier = nil
        b.resume()
    }
}
