import FedCore
import Foundation
import GRPCCore
import SecureAgg
import Sodium
import Synchronization
import Testing

@testable import SecAggTransport

/// A served run without processes or sockets (issue 13): a ``SessionCoordinator`` wired to in-memory sessions
/// the way ``AggregationService`` wires it to gRPC streams (`open` → token, `receive`, `disconnected`, an
/// outbox of ``SessionCoordinator/Outgoing``), each driven by a real ``ClientDriver``.
struct InMemoryCohort {
    let server: Ed25519.SecretKey
    /// Client identities by id (1…n).
    let identities: [UInt32: Ed25519.SecretKey]
    let registry: Registry
    let layout: ModelLayout
    /// Each client's update (F32, `dimension` values); client i's L2 norm grows with i (about 0.28 · i).
    let updates: [UInt32: [Float]]
    let ids: [UInt32]
    /// A key in no registry (for strangers and impostors).
    let stranger: Ed25519.SecretKey

    /// - Parameter revoked: ids listed in the registry but revoked.
    init(clients n: Int, revoked: Set<UInt32> = [], dimension: Int = 64) throws {
        var rng = ChaChaRandom.seeded(42)
        server = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
        var identities = [UInt32: Ed25519.SecretKey]()
        var updates = [UInt32: [Float]]()
        var entries = [Registry.Client]()
        for id in (1...n).map({ UInt32($0) }) {
            let key = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
            identities[id] = key
            entries.append(Registry.Client(id: id, signPublicKey: key.publicKey, revoked: revoked.contains(id)))
            let i = Double(id)
            updates[id] = (0..<dimension).map { j in Float(sin(Double(j + 1) * i * 0.7 + i) * 0.05 * i) }
        }
        self.identities = identities
        self.updates = updates
        ids = identities.keys.sorted()
        stranger = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
        registry = try Registry(serverPublicKey: server.publicKey, clients: entries)
        layout = try ModelLayout(tensors: [("w", .f32, [dimension])])
    }

    /// Client `id` as an honest participant that takes no-DP rounds (`identity` overrides its key; an id outside
    /// the registry signs with ``stranger``).
    func participant(_ id: UInt32, identity: Ed25519.SecretKey? = nil, exitAfter: Phase? = nil) -> ClientParticipant {
        var policy = ClientPolicy()
        policy.allowNoDP = true
        var participant = ClientParticipant(
            identity: identity ?? identities[id] ?? stranger, id: id, registry: registry,
            update: .float(updates[id] ?? []), layoutHash: layout.layoutHash, policy: policy)
        participant.exitAfter = exitAfter  // a test hook (package access)
        return participant
    }

    /// `--no-dp --clip 1` rounds over 64-value blocks; `minSurvivors` nil: max(t, n − ⌈dropout · n⌉).
    static func settings(rounds: Int = 1, dropout: Double = 0.2, minSurvivors: Int? = nil) -> SimulationSettings {
        var settings = SimulationSettings()
        settings.rounds = rounds
        settings.noise = .none
        settings.clip = 1
        settings.blockSize = 64
        settings.dropoutFraction = dropout
        settings.minSurvivors = minSurvivors
        return settings
    }

    /// Deadlines no honest in-memory client comes near: phases end as soon as every client answered, so a test
    /// waits on a phase deadline only when it makes a client stay silent (and then passes a short one).
    static func configuration(expected: Int, phaseTimeout: Duration = .seconds(10)) -> ServeConfiguration {
        var configuration = ServeConfiguration(expectedClients: expected, phaseTimeout: phaseTimeout, joinTimeout: .seconds(10))
        configuration.handshakeTimeout = .seconds(10)
        return configuration
    }

    /// `channel`: the channel the coordinator states it serves (Docs/wire.md § 4.2).
    func coordinator(
        _ configuration: ServeConfiguration, channel: ChannelBinding = .plaintext, log: LogLines = LogLines()
    ) -> SessionCoordinator {
        SessionCoordinator(
            configuration: configuration, registry: registry, identity: server, channel: channel, log: log.append)
    }

    func inputs(_ settings: SimulationSettings) -> ServedRunInputs {
        ServedRunInputs(
            settings: settings, layout: layout, model: .float([Float](repeating: 0, count: layout.parameterCount)),
            ledger: nil, audit: nil)
    }

    /// The L2 norm of client `id`'s update.
    func norm(_ id: UInt32) -> Double {
        (updates[id] ?? []).reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    /// The plain average of `survivors`' updates, each clipped to L2 norm `clip` (multiplied by min(1, clip/‖u‖)).
    func clippedAverage(of survivors: [UInt32], clip: Double) -> [Double] {
        var sum = [Double](repeating: 0, count: layout.parameterCount)
        for id in survivors {
            let factor = min(1, clip / norm(id))
            for (j, v) in (updates[id] ?? []).enumerated() { sum[j] += factor * Double(v) }
        }
        return sum.map { $0 / Double(survivors.count) }
    }

    /// The largest |actual − expected| over the allowed error (`bound` per coordinate plus the F32 rounding of
    /// the model-precision average): ≤ 1 means every coordinate is within it.
    static func worstError(_ actual: [Double], _ expected: [Double], bound: Double) -> Double {
        guard actual.count == expected.count else { return .infinity }
        var worst = 0.0
        for i in expected.indices {
            let allowed = bound + 1.2e-7 * abs(expected[i]) + 1e-12
            worst = max(worst, abs(actual[i] - expected[i]) / allowed)
        }
        return worst
    }
}

/// The coordinator's log lines, for failure messages.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// How an in-memory session ended.
enum SessionEnd: Sendable {
    /// The coordinator closed it: nil = normally (status OK), otherwise with this status.
    case closed(RPCError?)
    /// The outbox finished without a close (the coordinator saw the client disconnect).
    case finished
    /// The client left on its own (after its driver failed, or on purpose).
    case left
}

/// What one in-memory client saw.
struct ClientRecord: Sendable {
    let id: UInt32
    /// `open` refused the session with this status.
    var refused: RPCError?
    var received: [Secagg_V1_ServerMessage] = []
    var end: SessionEnd?
    /// The client's own state machine failed with this error (it then disconnected).
    var driverError: TransportError?
    var outcomes: [ClientRoundOutcome] = []

    /// The status the coordinator closed the session with (nil when it closed normally or not at all).
    var closeStatus: RPCError? { if case .closed(let e?) = end { e } else { nil } }
    var closedNormally: Bool { if case .closed(nil) = end { true } else { false } }
    var sawRoundAborted: Bool { received.contains { if case .roundAborted = $0.body { true } else { false } } }
}

/// One client on a coordinator session: reads its outbox, feeds every server message to a real ``ClientDriver``
/// and hands the replies back with `receive`, as the gRPC service and `AggregationClient` together would.
struct InMemoryClient: Sendable {
    /// What the client does once the message of ``ClientParticipant/exitAfter`` left.
    enum Leave: Sendable, CustomTestStringConvertible {
        /// Keeps its session open and answers nothing more (the phase deadline must drop it).
        case staySilent
        /// Ends its stream (the coordinator sees a disconnect).
        case disconnect
        var testDescription: String { self == .staySilent ? "stays silent" : "disconnects" }
    }

    var participant: ClientParticipant
    var peer: String
    var leave: Leave = .staySilent
    /// Rewrites every message the driver produces before it reaches the coordinator (default: unchanged).
    var tamper: @Sendable (Secagg_V1_ClientMessage) -> [Secagg_V1_ClientMessage] = { [$0] }

    init(_ participant: ClientParticipant, leave: Leave = .staySilent) {
        self.participant = participant
        peer = "ipv4:127.0.0.1:\(40_000 + Int(participant.id))"
        self.leave = leave
    }

    func run(on coordinator: SessionCoordinator) async -> ClientRecord {
        var record = ClientRecord(id: participant.id)
        let (outbox, continuation) = AsyncStream.makeStream(of: SessionCoordinator.Outgoing.self)
        let token: Int
        do { token = try await coordinator.open(continuation, peer: peer) } catch {
            record.refused = error
            return record
        }
        var random = SystemRandom()
        let nonce = random.bytes(count: SessionAuthentication.nonceByteCount)
        var driver: ClientDriver
        do { driver = try ClientDriver(participant: participant, clientNonce: nonce) } catch {
            record.driverError = error
            await coordinator.disconnected(token)
            record.end = .left
            return record
        }
        await coordinator.receive(token, ClientDriver.hello(participant: participant, clientNonce: nonce))
        var silent = false
        for await item in outbox {
            switch item {
            case .close(let status):
                record.end = .closed(status)
            case .message(let message):
                record.received.append(message)
                if silent { continue }
                do {
                    for reply in try driver.handle(message) {
                        for sent in tamper(reply) { await coordinator.receive(token, sent) }
                    }
                } catch {
                    record.driverError = error
                    record.outcomes = driver.outcomes
                    await coordinator.disconnected(token)
                    record.end = .left
                    return record
                }
                if driver.vanishAfterPhase != nil {
                    if leave == .disconnect {
                        record.outcomes = driver.outcomes
                        await coordinator.disconnected(token)
                        record.end = .left
                        return record
                    }
                    silent = true
                }
            }
        }
        if record.end == nil { record.end = .finished }
        record.outcomes = driver.outcomes
        return record
    }
}

/// A served run: `runRounds` and every client concurrently, until all of them ended.
struct ServedRun {
    let outcome: Result<ServeOutcome, any Error>
    let records: [UInt32: ClientRecord]
    let log: [String]

    static func run(
        _ cohort: InMemoryCohort, settings: SimulationSettings, configuration: ServeConfiguration, clients: [InMemoryClient]
    ) async -> ServedRun {
        let log = LogLines()
        let coordinator = cohort.coordinator(configuration, log: log)
        let inputs = cohort.inputs(settings)
        let rounds = Task { () -> Result<ServeOutcome, any Error> in
            do { return .success(try await coordinator.runRounds(inputs, onRound: { _ in })) } catch { return .failure(error) }
        }
        let records = await withTaskGroup(of: ClientRecord.self) { group in
            for client in clients { group.addTask { await client.run(on: coordinator) } }
            var records = [UInt32: ClientRecord]()
            for await record in group { records[record.id] = record }
            return records
        }
        return ServedRun(outcome: await rounds.value, records: records, log: log.all)
    }

    /// The served outcome, or a test failure naming the error and the coordinator's log.
    func served(sourceLocation: SourceLocation = #_sourceLocation) throws -> ServeOutcome {
        switch outcome {
        case .success(let outcome): return outcome
        case .failure(let error):
            Issue.record("the run failed: \(error)\n\(log.joined(separator: "\n"))", sourceLocation: sourceLocation)
            throw error
        }
    }
}

/// A bare session for handshake and admission tests: raw messages in, the outbox read item by item.
struct RawSession {
    let token: Int
    private var iterator: AsyncStream<SessionCoordinator.Outgoing>.Iterator

    static func open(_ coordinator: SessionCoordinator, peer: String) async throws(RPCError) -> RawSession {
        let (outbox, continuation) = AsyncStream.makeStream(of: SessionCoordinator.Outgoing.self)
        let token = try await coordinator.open(continuation, peer: peer)
        return RawSession(token: token, iterator: outbox.makeAsyncIterator())
    }

    /// The next item of the outbox; nil once it finished.
    mutating func next() async -> SessionCoordinator.Outgoing? { await iterator.next() }

    /// Reads up to the end of the session: `.closed(status)` if the coordinator closed it, else `.finished`.
    mutating func end() async -> SessionEnd {
        while let item = await next() {
            if case .close(let status) = item { return .closed(status) }
        }
        return .finished
    }

    /// Runs the handshake of `participant` (Hello, Challenge, Authenticate) with a real driver; returns what
    /// followed the Authenticate (a Welcome, or the close), or whatever ended the handshake earlier.
    /// `channel`: the channel the client's connection runs over, as its driver sees it.
    mutating func handshake(
        _ participant: ClientParticipant, on coordinator: SessionCoordinator, channel: ChannelBinding = .plaintext,
        hello: ((inout Secagg_V1_Hello) -> Void)? = nil
    ) async throws -> SessionCoordinator.Outgoing? {
        var random = SystemRandom()
        let nonce = random.bytes(count: SessionAuthentication.nonceByteCount)
        var driver = try ClientDriver(participant: participant, clientNonce: nonce, channel: { channel })
        var first = ClientDriver.hello(participant: participant, clientNonce: nonce)
        if let hello, case .hello(var h)? = first.body {
            hello(&h)
            first.body = .hello(h)
        }
        await coordinator.receive(token, first)
        guard let answer = await next() else { return nil }
        guard case .message(let challenge) = answer else { return answer }
        for reply in try driver.handle(challenge) { await coordinator.receive(token, reply) }
        return await next()
    }
}

extension SessionCoordinator.Outgoing {
    var isWelcome: Bool { if case .message(let m) = self, case .welcome? = m.body { true } else { false } }
    var isChallenge: Bool { if case .message(let m) = self, case .challenge? = m.body { true } else { false } }
    /// The status of a `.close` with one (nil for messages and normal closes).
    var closeStatus: RPCError? { if case .close(let e?) = self { e } else { nil } }
}

extension SessionEnd {
    var status: RPCError? { if case .closed(let e?) = self { e } else { nil } }
}
