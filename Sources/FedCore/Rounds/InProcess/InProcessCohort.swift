import DPNoise
import Dispatch
import Foundation
import SecureAgg
import Sodium

/// The clients of an in-process run: one ``SecAggClient`` state machine per cohort member, each answering the
/// server's messages as a real client would: it builds its round from the announcement, encodes its update
/// (clip → rotate → scale → round → noise → mod 2^b) straight into the masking writer, and signs and unmasks
/// when asked. Exactly ⌊F·n⌋ clients, chosen with the run's generator, vanish after ShareKeys.
///
/// Clients are independent, so a batch of messages is answered on ``workers`` threads at once; every client
/// has its own generator forked from the run's, so the answers do not depend on the number of workers.
/// Memory: one encoded block and one masked vector per worker; the updates are read from `source`.
struct InProcessCohort {
    let settings: SimulationSettings
    let source: any ClientUpdateSource
    let identities: [UInt32: Ed25519.SecretKey]
    /// Threads answering a batch at once (the machine's active cores).
    let workers: Int
    /// Keys, shares and the dropout draw (seeded with `--seed`; not secure then).
    private let rng: ChaChaRandom
    /// Every simulated client checks the quorum through it: each signature is verified once per round.
    private let quorumVerifier = SharedQuorumVerifier()
    /// Every simulated client takes what all derive alike from public data (session id, graph, list checks) from it.
    private let derivations = SharedRoundDerivations()
    private var round: SimulatedRound?
    /// Summed over clients: time reading updates, encoding them (reads excluded) and masking them.
    private(set) var readTime = Duration.zero
    private(set) var encodeTime = Duration.zero
    private(set) var maskTime = Duration.zero

    /// Each survivor's input scale (clip factor × weight) in the current round, to measure the average.
    var inputScales: [UInt32: Double] { round?.inputScales ?? [:] }

    init(
        settings: SimulationSettings, source: any ClientUpdateSource, identities: [UInt32: Ed25519.SecretKey],
        rng: ChaChaRandom, workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.settings = settings
        self.source = source
        self.identities = identities
        self.rng = rng
        self.workers = max(1, workers)
    }

    /// Client `message.receiver`'s answer, or nil when it has dropped out (see ``respond(to:)``).
    mutating func respond(to message: ServerRoundMessage) throws(FedCoreError) -> ClientRoundMessage? {
        try respond(to: [message])[0]
    }

    /// The answers to `messages` (one per message, in order; nil where the client has dropped out: a planned
    /// dropout, or a client that aborted on a bad message and, as a real one does, goes silent), computed on up
    /// to ``workers`` threads.
    ///
    /// - Throws: ``FedCoreError`` for a local failure the run cannot go on from (an unreadable update, an
    ///   announcement no client could accept).
    mutating func respond(to messages: [ServerRoundMessage]) throws(FedCoreError) -> [ClientRoundMessage?] {
        for case .roundStart(let announcement, _) in messages where round?.number != announcement.configuration.round {
            try begin(announcement)
        }
        guard var current = round else { return messages.map { _ in nil } }
        round = nil  // taken out while it changes, so its n clients are not copied per batch
        // Take each addressed client out of the round, answer in parallel, put back those that answered.
        var jobs = [ClientJob]()
        jobs.reserveCapacity(messages.count)
        for message in messages {
            let id = message.receiver
            var client = current.clients.removeValue(forKey: id)
            if case .shareBroadcast = message, current.dropouts.contains(id) { client = nil }
            jobs.append(ClientJob(message: message, client: client))
        }
        let shared = current.shared
        let source = self.source
        var work = jobs
        work.withUnsafeMutableBufferPointer { buffer in
            if workers == 1 || buffer.count == 1 {
                for i in buffer.indices { buffer[i].run(shared: shared, source: source) }
                return
            }
            // Each iteration touches only its own job (its own client and generators); the buffer outlives
            // the parallel section.
            nonisolated(unsafe) let jobs = buffer
            DispatchQueue.concurrentPerform(iterations: buffer.count) { i in jobs[i].run(shared: shared, source: source) }
        }
        var replies = [ClientRoundMessage?]()
        replies.reserveCapacity(work.count)
        var failure: FedCoreError?
        for job in work {
            readTime += job.reading
            encodeTime += job.encoding
            maskTime += job.masking
            if let error = job.failure, failure == nil { failure = error }
            if let scale = job.inputScale { current.inputScales[job.message.receiver] = scale }
            if job.reply != nil, let client = job.client { current.clients[job.message.receiver] = client }
            replies.append(job.reply)
        }
        round = current
        if let failure { throw failure }
        return replies
    }

    private mutating func begin(_ announcement: RoundAnnouncement) throws(FedCoreError) {
        let configuration = announcement.configuration
        let number = Int(configuration.round)
        var clients = [UInt32: SimulatedClient]()
        for id in configuration.cohort {
            guard let identity = identities[id] else { continue }
            var keys = rng.fork(label: "client \(id) protocol round \(number)")
            do {
                let client = try SecAggClient(
                    configuration: configuration, id: id, identity: identity, colluders: settings.colludingClients,
                    minimumSurvivors: announcement.minSurvivors, quorumVerifier: quorumVerifier,
                    derivations: derivations, using: &keys)
                clients[id] = SimulatedClient(
                    protocolState: client, keys: keys, encoding: rng.fork(label: "client \(id) encoding round \(number)"))
            } catch { throw .roundFailed(round: number, error) }
        }
        let input = try ClientRoundInput(round: number, encoding: announcement.encoding, weights: announcement.weights)
        var order = configuration.cohort
        for i in order.indices.reversed() where i > 0 {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        let dropCount = Int((settings.dropoutFraction * Double(order.count)).rounded(.down))
        round = SimulatedRound(
            number: configuration.round, clients: clients, dropouts: Set(order.prefix(dropCount)),
            shared: input,
            expectedInputs: order.count - dropCount)
    }
}

/// One simulated client: its protocol state and its own generators.
struct SimulatedClient {
    var protocolState: SecAggClient
    /// Keys and Shamir coefficients.
    var keys: ChaChaRandom
    /// Rounding and noise of its encoding.
    var encoding: ChaChaRandom
}

/// One round as the simulated clients see it.
private struct SimulatedRound {
    let number: UInt64
    var clients: [UInt32: SimulatedClient]
    /// Clients that vanish after ShareKeys.
    let dropouts: Set<UInt32>
    let shared: ClientRoundInput
    let expectedInputs: Int
    var inputScales: [UInt32: Double] = [:]
}
