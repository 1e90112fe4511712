import FedCore
import Foundation
import SecureAgg
import Sodium

/// Test hooks of a client (package access only: set by the test-only `secagg-test-client`, never reachable
/// from the shipped `secagg-tool` command line or the public API).
package enum ClientMisbehaviour: String, Sendable, CaseIterable {
    /// Sends a masked vector 1 MiB longer than the round allows.
    case oversizedVector = "oversized-vector"
    /// Sends its first masked-input chunk padded past the gRPC message limit (one message over 4 MiB), without
    /// the client's own size check.
    case oversizedMessage = "oversized-message"
}

/// Everything one client brings to a session.
public struct ClientParticipant: Sendable {
    public var identity: Ed25519.SecretKey
    public var id: UInt32
    /// The client's own copy of `registry.json`: the server and every peer are checked against it.
    public var registry: Registry
    /// The client's update, flat in layout order (model units), in its storage precision (Float for an F32
    /// update: half the memory of Doubles, every value exact).
    public var update: FlatParameters
    public var layoutHash: String
    /// Examples behind the update (`__metadata__` num_examples), needed by weighted rounds; nil if unknown.
    public var exampleCount: Int?
    /// The client's own rules for a round: colluders assumed (security floor, quorum), ε limit, minimum
    /// noise and survivors, whether no-DP rounds are taken.
    public var policy: ClientPolicy
    /// The client ledger (``ClientLedger``): earlier runs' rounds count against ``policy``, and each accepted
    /// round is appended before any key is advertised. Nil: only this run counts.
    public var ledger: ClientLedger?
    /// Test hook (package access only): vanish (stop answering and drop the connection) after sending this
    /// phase's message.
    package var exitAfter: Phase?
    /// Test hook (package access only): misbehave on purpose.
    package var misbehaviour: ClientMisbehaviour?

    public init(
        identity: Ed25519.SecretKey, id: UInt32, registry: Registry, update: FlatParameters, layoutHash: String,
        exampleCount: Int? = nil, policy: ClientPolicy = ClientPolicy(), ledger: ClientLedger? = nil
    ) {
        self.policy = policy
        self.ledger = ledger
        self.identity = identity
        self.id = id
        self.registry = registry
        self.update = update
        self.layoutHash = layoutHash
        self.exampleCount = exampleCount
    }
}

/// One completed round as the client saw it.
public struct ClientRoundOutcome: Sendable, Equatable {
    public var round: UInt64
    public var survivors: [UInt32]
    public var outputHash: String
    /// False for a round this client was not sampled into (it received only the result, sent nothing).
    public var sampled: Bool
}

/// The client's side of a session as a pure state machine over proto messages: each server message in, the
/// client messages to send out. Every server message after Challenge must carry the server's signature for
/// this session and run (``ServerMessageAuthentication``), then is validated (versions, round, receiver,
/// lengths), and every neighbour's advertisement is checked by ``SecAggClient`` against the client's own
/// registry copy.
struct ClientDriver {
    enum Step {
        case awaitingChallenge
        case awaitingWelcome
        case betweenRounds
        case inRound(RoundState)
        case finished

        var name: String {
            switch self {
            case .awaitingChallenge: return "awaiting Challenge"
            case .awaitingWelcome: return "awaiting Welcome"
            case .betweenRounds: return "between rounds"
            case .inRound(let state): return "in \(state.phase)"
            case .finished: return "finished"
            }
        }
    }

    struct RoundState {
        var announced: AnnouncedRound
        var client: SecAggClient
        var input: ClientRoundInput
        var phase: Phase
    }

    let participant: ClientParticipant
    let clientKeys: [UInt32: Ed25519.PublicKey]
    let clientNonce: [UInt8]
    private(set) var step: Step = .awaitingChallenge
    private(set) var outcomes: [ClientRoundOutcome] = []
    private(set) var lastRound: UInt64 = 0
    /// Set once the message of ``ClientParticipant/exitAfter`` went out: the caller vanishes on the next message.
    private(set) var vanishAfterPhase: Phase?
    /// Every secret of a round (X25519 keys, self seed, Shamir coefficients, encoding attempt keys) is drawn
    /// straight from libsodium's system generator: no generator state outlives a round, so a later memory
    /// snapshot cannot recompute an earlier round's secrets. The round's secrets live in its ``SecAggClient``
    /// (SecureBytes, wiped when freed), dropped when the round ends.
    private var rng = SystemRandom()
    /// The session's signing context, known once the Challenge verified and Welcome announced the run id.
    private var serverNonce: [UInt8]?
    private var signing: ServerMessageAuthentication?
    /// The rounds this client has taken (its ledger's and this run's), against its policy.
    private var account: ClientPrivacyAccount

    /// The channel this client's connection runs over, asked when the Challenge arrives (by then the connection
    /// carrying the session exists and its certificate was verified).
    private let channel: @Sendable () throws(TransportError) -> ChannelBinding

    /// - Parameters:
    ///   - clientNonce: the 32 fresh random bytes sent in ``hello(participant:clientNonce:)``.
    ///   - channel: the channel the connection runs over (``ServerCertificateCheck/binding()`` with TLS).
    /// - Throws: ``TransportError/configuration(_:)`` for an invalid policy or an unreadable client ledger.
    init(
        participant: ClientParticipant, clientNonce: [UInt8],
        channel: @escaping @Sendable () throws(TransportError) -> ChannelBinding = { .plaintext }
    ) throws(TransportError) {
        self.participant = participant
        self.channel = channel
        do {
            account = try ClientPrivacyAccount(policy: participant.policy, history: try participant.ledger?.records() ?? [])
        } catch { throw .configuration(error.description) }
        var keys = [UInt32: Ed25519.PublicKey]()
        for c in participant.registry.activeClients { keys[c.id] = c.signPublicKey }
        clientKeys = keys
        self.clientNonce = clientNonce
    }

    var isFinished: Bool { if case .finished = step { return true } else { return false } }

    static func hello(participant: ClientParticipant, clientNonce: [UInt8]) -> Secagg_V1_ClientMessage {
        var h = Secagg_V1_Hello()
        h.version = 1
        h.clientID = participant.id
        h.clientNonce = Data(clientNonce)
        h.registryHash = Data(participant.registry.registryHashBytes)
        return Self.envelope(.hello(h))
    }

    static func envelope(_ body: Secagg_V1_ClientMessage.OneOf_Body) -> Secagg_V1_ClientMessage {
        var m = Secagg_V1_ClientMessage()
        m.protocolVersion = WireProtocol.version
        m.body = body
        return m
    }

    /// Handles one server message; returns the messages to send.
    mutating func handle(_ message: Secagg_V1_ServerMessage) throws(TransportError) -> [Secagg_V1_ClientMessage] {
        guard message.protocolVersion == WireProtocol.version else {
            throw .unsupportedProtocolVersion(message.protocolVersion)
        }
        guard let body = message.body else { throw .malformed("empty server message") }
        try authenticate(message, body)
        if case .roundAborted(let a) = body {
            // A sampled run's round whose sample could not run is skipped before it starts: between rounds, a
            // non-final abort of a new round only moves the round counter on.
            if case .betweenRounds = step, !a.lastRound, a.round > lastRound {
                lastRound = a.round
                return []
            }
            throw .remote("the server aborted round \(a.round): \(a.reason)")
        }
        switch (step, body) {
        case (.awaitingChallenge, .challenge(let c)):
            return [try answer(c)]
        case (.awaitingWelcome, .welcome):
            // Version and run id were checked, and the signature verified, by authenticate(_:_:).
            step = .betweenRounds
            return []
        case (.betweenRounds, .roundStart(let r)):
            return [try startRound(r)]
        case (.betweenRounds, .roundResult(let m)):
            // A round whose cohort (a Poisson sample) left this client out: it only learns the outcome.
            try sitOut(m)
            return []
        case (.inRound(let state), _):
            return try continueRound(state, body)
        default:
            throw .unexpectedMessage("server sent \(body.name) while the client is \(step.name)")
        }
    }

    /// Every message after Challenge must carry a valid server signature for this session (both nonces) and
    /// this run (Welcome's run id). Welcome fixes the run id: its own signature covers it.
    private mutating func authenticate(
        _ message: Secagg_V1_ServerMessage, _ body: Secagg_V1_ServerMessage.OneOf_Body
    ) throws(TransportError) {
        if case .awaitingChallenge = step {
            // Only a Challenge (signed by its own handshake transcript) is accepted before the session exists.
            guard case .challenge = body else {
                throw .unexpectedMessage("server sent \(body.name) while the client is \(step.name)")
            }
            return
        }
        if case .awaitingWelcome = step, case .welcome(let w) = body {
            guard w.version == 2 else { throw .unsupportedMessageVersion(what: "Welcome", version: w.version) }
            let runID = try ProtoFields.bytes(
                Array(w.runID), count: ServerMessageAuthentication.runIDByteCount, what: "run id")
            guard let serverNonce else { throw .unexpectedMessage("Welcome before Challenge") }
            signing = ServerMessageAuthentication(
                registryHash: participant.registry.registryHashBytes, client: participant.id,
                clientNonce: clientNonce, serverNonce: serverNonce, runID: runID)
        }
        guard let signing else {
            throw .unexpectedMessage("server sent \(body.name) while the client is \(step.name)")
        }
        do { try signing.verify(message, serverKey: participant.registry.serverPublicKey) } catch {
            self.signing = nil  // a Welcome that fails does not fix the run
            throw error
        }
    }

    /// Checks the Challenge's signature over the channel the server states, then that this is the channel the
    /// client's connection runs over (Docs/wire.md § 4.2), and signs the channel it saw.
    private mutating func answer(_ c: Secagg_V1_Challenge) throws(TransportError) -> Secagg_V1_ClientMessage {
        guard c.version == 2 else { throw .unsupportedMessageVersion(what: "Challenge", version: c.version) }
        let serverNonce = try ProtoFields.bytes(Array(c.serverNonce), count: 32, what: "server nonce")
        let signed = try ChannelBinding(wireField: Array(c.tlsCertificateHash))
        let hash = participant.registry.registryHashBytes
        let transcript = SessionAuthentication.serverTranscript(
            registryHash: hash, client: participant.id, clientNonce: clientNonce, serverNonce: serverNonce,
            channel: signed)
        guard participant.registry.serverPublicKey.isValidSignature(Array(c.serverSignature), for: transcript) else {
            throw .permissionDenied("the server's signature does not verify against the registry's server key")
        }
        let observed = try channel()
        guard signed == observed else { throw .channelMismatch(signed: signed, observed: observed) }
        var auth = Secagg_V1_Authenticate()
        auth.version = 1
        auth.signature = Data(
            participant.identity.sign(
                SessionAuthentication.clientTranscript(
                    registryHash: hash, client: participant.id, clientNonce: clientNonce, serverNonce: serverNonce,
                    channel: observed)))
        self.serverNonce = serverNonce
        step = .awaitingWelcome
        return Self.envelope(.authenticate(auth))
    }

    private mutating func startRound(_ r: Secagg_V1_RoundStart) throws(TransportError) -> Secagg_V1_ClientMessage {
        let announced = try AnnouncedRound(proto: r, maxClients: max(participant.registry.clients.count, 2))
        guard announced.round > lastRound else { throw .malformed("round \(announced.round) is not new") }
        guard announced.layoutHash == participant.layoutHash else {
            // A local mismatch (the wrong --update for this server's model), not a malformed message.
            throw .configuration(
                "--update does not have the layout of the server's model (its tensors, shapes or dtypes differ: "
                    + "layout hash \(participant.layoutHash.prefix(16))…, the server's "
                    + "\(announced.layoutHash.prefix(16))…); make the update from the model serve runs with "
                    + "(serve --model; make-updates --model writes matching trial updates)")
        }
        guard announced.encoding.dimension == participant.update.count else {
            throw .malformed(
                "the round has \(announced.encoding.dimension) parameters, the update "
                    + "\(participant.update.count)")
        }
        if announced.weights != nil, participant.exampleCount == nil {
            throw .configuration(
                "round \(announced.round) is weighted, but the update has no __metadata__ num_examples")
        }
        let configuration: RoundConfiguration
        do {
            configuration = try RoundConfiguration(
                round: announced.round, cohort: announced.cohort, degree: announced.degree,
                threshold: announced.threshold, bits: announced.bits, vectorLength: announced.vectorLength,
                registry: clientKeys, runID: signing?.runID ?? [])
        } catch { throw .protocolFailure(error) }
        guard configuration.registryHash == announced.registryHash else {
            throw .permissionDenied("the server's registry differs from this client's registry.json")
        }
        // The client's own rules, before any key exists: the security floor, then its privacy policy. The
        // accepted round is charged in the client ledger before the advertisement leaves.
        do { try SecurityFloor.check(configuration, colluders: participant.policy.colluders) } catch {
            throw .refused("round \(announced.round): \(error.description)")
        }
        do {
            var account = self.account
            let record = try account.admit(
                round: announced.round, encoding: announced.encoding, minSurvivors: announced.minSurvivors)
            try participant.ledger?.append(record)
            self.account = account
        } catch { throw .refused(error.description) }
        let input: ClientRoundInput
        do {
            input = try ClientRoundInput(round: Int(announced.round), encoding: announced.encoding, weights: announced.weights)
        } catch { throw .malformed("encoding parameters: \(error)") }
        var client: SecAggClient
        let advertisement: AdvertiseKeys
        do {
            client = try SecAggClient(
                configuration: configuration, id: participant.id, identity: participant.identity,
                colluders: participant.policy.colluders, minimumSurvivors: announced.minSurvivors, using: &rng)
            advertisement = try client.advertiseKeys()
        } catch { throw .protocolFailure(error) }
        lastRound = announced.round
        step = .inRound(RoundState(announced: announced, client: client, input: input, phase: .advertiseKeys))
        sent(.advertiseKeys)
        return Self.envelope(.advertiseKeys(advertisement.proto))
    }

    private mutating func sitOut(_ m: Secagg_V1_RoundResult) throws(TransportError) {
        guard m.version == 1 else { throw .unsupportedMessageVersion(what: "RoundResult", version: m.version) }
        guard m.round > lastRound else { throw .malformed("result for round \(m.round) is not new") }
        guard !m.survivors.contains(participant.id) else {
            throw .malformed("round \(m.round) lists this client as a survivor, but it never took part")
        }
        lastRound = m.round
        outcomes.append(
            ClientRoundOutcome(round: m.round, survivors: m.survivors, outputHash: m.outputHash, sampled: false))
        step = m.lastRound ? .finished : .betweenRounds
    }

    private mutating func sent(_ phase: Phase) {
        if participant.exitAfter == phase { vanishAfterPhase = phase }
    }

    private mutating func continueRound(
        _ state: RoundState, _ body: Secagg_V1_ServerMessage.OneOf_Body
    ) throws(TransportError) -> [Secagg_V1_ClientMessage] {
        var state = state
        let round = state.announced.round
        let n = state.announced.cohort.count
        func check(_ r: UInt64, _ receiver: UInt32) throws(TransportError) {
            guard r == round else { throw .malformed("message for round \(r) during round \(round)") }
            guard receiver == participant.id else { throw .malformed("message addressed to client \(receiver)") }
        }
        switch (state.phase, body) {
        case (.advertiseKeys, .keyBroadcast(let m)):
            let b = try KeyBroadcast(proto: m, maxClients: n)
            try check(b.round, b.receiver)
            let out = try protocolStep { () throws(SecureAggError) in try state.client.shareKeys(b, using: &rng) }
            state.phase = .shareKeys
            step = .inRound(state)
            sent(.shareKeys)
            return [Self.envelope(.shareKeys(out.proto))]
        case (.shareKeys, .shareBroadcast(let m)):
            let b = try ShareBroadcast(proto: m, maxClients: n)
            try check(b.round, b.receiver)
            var input = try maskedInput(state: &state, shares: b)
            if participant.misbehaviour == .oversizedVector {
                input.packed.append(contentsOf: [UInt8](repeating: 0, count: WireProtocol.maskedChunkBytes))
            }
            state.phase = .maskedInput
            step = .inRound(state)
            sent(.maskedInput)
            var chunks = MaskedInputChunks.split(input)
            if participant.misbehaviour == .oversizedMessage {
                chunks[0].data.append(Data(count: WireProtocol.maxMessageBytes))
            }
            return chunks.map { Self.envelope(.maskedInput($0)) }
        case (.maskedInput, .consistencyRequest(let m)):
            let r = try ConsistencyRequest(proto: m, maxClients: n)
            try check(r.round, r.receiver)
            let out = try protocolStep { () throws(SecureAggError) in try state.client.consistencyCheck(r) }
            state.phase = .consistencyCheck
            step = .inRound(state)
            sent(.consistencyCheck)
            return [Self.envelope(.consistencyCheck(out.proto))]
        case (.consistencyCheck, .unmaskingRequest(let m)):
            let r = try UnmaskingRequest(proto: m, maxClients: n)
            try check(r.round, r.receiver)
            let out = try protocolStep { () throws(SecureAggError) in try state.client.unmask(r) }
            state.phase = .unmasking
            step = .inRound(state)
            sent(.unmasking)
            return [Self.envelope(.unmaskingResponse(out.proto))]
        case (_, .roundResult(let m)):
            guard m.version == 1 else { throw .unsupportedMessageVersion(what: "RoundResult", version: m.version) }
            guard m.round == round else { throw .malformed("result for round \(m.round) during round \(round)") }
            outcomes.append(
                ClientRoundOutcome(round: m.round, survivors: m.survivors, outputHash: m.outputHash, sampled: true))
            step = m.lastRound ? .finished : .betweenRounds
            return []
        default:
            throw .unexpectedMessage("server sent \(body.name) during \(state.phase)")
        }
    }

    /// Writes the update through the round's ``ClientRoundInput`` (FedCore): encoded block by block straight into
    /// the masking writer, then a weighted round's count limbs; the encoded vector never exists in full.
    private mutating func maskedInput(
        state: inout RoundState, shares: ShareBroadcast
    ) throws(TransportError) -> MaskedInput {
        let reader = FlatUpdateReader(update: participant.update, exampleCount: participant.exampleCount ?? 1)
        let input = state.input
        let id = participant.id
        var random = rng
        var timing = ClientRoundInput.Timing()
        do throws(MaskedInputFailure<FedCoreError>) {
            return try state.client.maskedInput(shares: shares) { (writer) throws(FedCoreError) in
                _ = try input.write(reader, client: id, into: writer, using: &random, timing: &timing)
            }
        } catch {
            switch error {
            case .masking(let e), .input(.roundFailed(_, let e)): throw .protocolFailure(e)
            case .input(.encoding(let e)): throw .configuration("cannot encode the update: \(e)")
            case .input(let e): throw .configuration("cannot encode the update: \(e.description)")
            }
        }
    }

    private func protocolStep<T>(_ body: () throws(SecureAggError) -> T) throws(TransportError) -> T {
        do { return try body() } catch { throw .protocolFailure(error) }
    }
}
