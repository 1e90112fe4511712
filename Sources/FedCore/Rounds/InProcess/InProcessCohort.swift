import DPNoise
import SecureAgg
import Sodium

/// The clients of an in-process run: one ``SecAggClient`` state machine per cohort member, each answering the
/// server's messages as a real client would: it builds its round from the announcement, encodes its update
/// (clip → rotate → scale → round → noise → mod 2^b) straight into the masking writer, and signs and unmasks
/// when asked. Exactly ⌊F·n⌋ clients, chosen with the run's generator, vanish after ShareKeys.
///
/// Memory: one client's encoded block and masked vector at a time; the updates are read from `source`.
struct InProcessCohort {
    let settings: SimulationSettings
    let source: any ClientUpdateSource
    let identities: [UInt32: Ed25519.SecretKey]
    /// Keys, shares and the dropout draw (seeded with `--seed`; not secure then).
    var rng: ChaChaRandom
    private var round: SimulatedRound?
    /// Time reading updates, encoding them (reads excluded) and in the clients' whole phase 2.
    private(set) var readTime = Duration.zero
    private(set) var encodeTime = Duration.zero
    private(set) var maskedInputTime = Duration.zero

    /// Each survivor's input scale (clip factor × weight) in the current round, to measure the average.
    var inputScales: [UInt32: Double] { round?.inputScales ?? [:] }

    init(
        settings: SimulationSettings, source: any ClientUpdateSource, identities: [UInt32: Ed25519.SecretKey],
        rng: ChaChaRandom
    ) {
        self.settings = settings
        self.source = source
        self.identities = identities
        self.rng = rng
    }

    /// Client `message.receiver`'s answer, or nil when it has dropped out (planned dropout, or it aborted on a
    /// bad message: a simulated client that aborts simply goes silent, as a real one does).
    ///
    /// - Throws: ``SimulationError`` for a local failure the run cannot go on from (an unreadable update, an
    ///   announcement no client could accept).
    mutating func respond(
        to message: ServerRoundMessage, events: (SimulationEvent) -> Void
    ) throws(SimulationError) -> ClientRoundMessage? {
        let id = message.receiver
        if case .roundStart(let announcement, _) = message, round?.number != announcement.configuration.round {
            try begin(announcement)
        }
        guard var current = round, var client = current.clients[id] else { return nil }
        let reply: ClientRoundMessage?
        switch message {
        case .roundStart: reply = try? .advertiseKeys(client.advertiseKeys())
        case .keyBroadcast(let broadcast): reply = try? .shareKeys(client.shareKeys(broadcast, using: &rng))
        case .shareBroadcast(let broadcast):
            if current.dropouts.contains(id) {
                reply = nil
            } else {
                let start = ContinuousClock.now
                defer { maskedInputTime += ContinuousClock.now - start }
                reply = try maskedInput(&client, broadcast, round: &current, events: events)
            }
        case .consistencyRequest(let request): reply = try? .consistencyCheck(client.consistencyCheck(request))
        case .unmaskingRequest(let request): reply = try? .unmaskingResponse(client.unmask(request))
        }
        // A client that sent nothing has dropped out (planned, or it aborted on a bad message) and stays silent.
        current.clients[id] = reply == nil ? nil : client
        round = current
        return reply
    }

    private mutating func begin(_ announcement: RoundAnnouncement) throws(SimulationError) {
        let configuration = announcement.configuration
        let number = Int(configuration.round)
        var clients = [UInt32: SecAggClient]()
        for id in configuration.cohort {
            guard let identity = identities[id] else { continue }
            do {
                clients[id] = try SecAggClient(
                    configuration: configuration, id: id, identity: identity, colluders: settings.colludingClients,
                    minimumSurvivors: announcement.minSurvivors, using: &rng)
            } catch { throw .roundFailed(round: number, error) }
        }
        let encoder: DPEncoder
        do { encoder = try DPEncoder(parameters: announcement.encoding) } catch { throw .encoding(error) }
        var order = configuration.cohort
        for i in order.indices.reversed() where i > 0 {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        let dropCount = Int((settings.dropoutFraction * Double(order.count)).rounded(.down))
        round = SimulatedRound(
            number: configuration.round, clients: clients, dropouts: Set(order.prefix(dropCount)), encoder: encoder,
            weights: announcement.weights, clientRNG: rng.fork(label: "client encodings round \(number)"),
            expectedInputs: order.count - dropCount)
    }

    /// Encodes client `id`'s update block by block straight into its masking writer (no full-length encoded
    /// vector exists), then its example-count limbs in a weighted round.
    private mutating func maskedInput(
        _ client: inout SecAggClient, _ broadcast: ShareBroadcast, round current: inout SimulatedRound,
        events: (SimulationEvent) -> Void
    ) throws(SimulationError) -> ClientRoundMessage? {
        let id = broadcast.receiver
        let number = Int(current.number)
        let reader: any ClientUpdateReader
        do { reader = try source.reader(for: id) } catch { throw .update(error) }
        let (weight, countLimbs) = ExampleCountLimbs.clientInput(
            exampleCount: reader.exampleCount, weights: current.weights)
        let encoder = current.encoder
        var clientRNG = current.clientRNG
        var reading = Duration.zero
        var masking = Duration.zero
        let start = ContinuousClock.now
        defer {
            readTime += reading
            encodeTime += ContinuousClock.now - start - reading - masking
        }
        var summary: EncodingSummary?
        let message: MaskedInput
        do throws(MaskedInputFailure<SimulationError>) {
            message = try client.maskedInput(shares: broadcast) { (writer) throws(SimulationError) in
                summary = try Self.encode(
                    reader, weight: weight, encoder: encoder, into: writer, using: &clientRNG, reading: &reading,
                    masking: &masking, round: number, client: id)
                let limbStart = ContinuousClock.now
                defer { masking += ContinuousClock.now - limbStart }
                do throws(SecureAggError) {
                    try countLimbs.withUnsafeBufferPointer { (limbs) throws(SecureAggError) in
                        try writer.write(limbs, at: encoder.paddedDimension)
                    }
                } catch { throw .roundFailed(round: number, error) }
            }
        } catch {
            switch error {
            case .input(let e): throw e
            case .masking(let e):
                if client.abortReason == nil { throw .roundFailed(round: number, e) }  // a local input error
                return nil  // the client aborted on bad shares: it goes silent
            }
        }
        current.inputScales[id] = (summary?.clipFactor ?? 0) * weight
        current.encoded += 1
        events(.clientEncoded(round: number, done: current.encoded, of: current.expectedInputs))
        return .maskedInput(message)
    }

    private static func encode(
        _ reader: any ClientUpdateReader, weight: Double, encoder: DPEncoder, into writer: MaskedInputWriter,
        using rng: inout ChaChaRandom, reading: inout Duration, masking: inout Duration, round: Int, client id: UInt32
    ) throws(SimulationError) -> EncodingSummary {
        do {
            return try encoder.encode(weight: weight, using: &rng) {
                (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(ClientInputFailure) in
                let start = ContinuousClock.now
                defer { reading += ContinuousClock.now - start }
                do throws(ClientUpdateError) { try reader.read(offset: offset, into: block) } catch { throw .update(error) }
            } emitting: { (offset: Int, block: UnsafeBufferPointer<UInt32>) throws(ClientInputFailure) in
                let start = ContinuousClock.now
                defer { masking += ContinuousClock.now - start }
                do throws(SecureAggError) { try writer.write(block, at: offset) } catch { throw .masking(error) }
            }
        } catch {
            switch error {
            case .encoding(let e): throw .encoding(e)
            case .reader(.update(let e)): throw .update(e)
            case .reader(.masking(let e)): throw .roundFailed(round: round, e)
            case .inputChangedBetweenPasses:
                throw .update(.invalidUpdate(path: "client \(id)", detail: "update changed while it was read"))
            }
        }
    }
}

/// One round as the simulated clients see it.
private struct SimulatedRound {
    let number: UInt64
    var clients: [UInt32: SecAggClient]
    /// Clients that vanish after ShareKeys.
    let dropouts: Set<UInt32>
    let encoder: DPEncoder
    let weights: ExampleCountLimbs?
    /// The clients' encoding randomness: an independent stream keyed from the run's generator.
    let clientRNG: ChaChaRandom
    let expectedInputs: Int
    var inputScales: [UInt32: Double] = [:]
    var encoded = 0
}

/// What can stop a client's streamed input: reading its update, or the masking writer refusing a block.
enum ClientInputFailure: Error {
    case update(ClientUpdateError)
    case masking(SecureAggError)
}
