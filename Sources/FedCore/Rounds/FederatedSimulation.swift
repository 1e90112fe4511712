import DPNoise
import Foundation
import SecureAgg
import Sodium

/// Masked, noised FedAvg rounds in one process: every client encodes (clip → rotate → scale → round → noise
/// → mod 2^b), masks and hands its vector to the server one after another, so memory holds one client's
/// vectors plus the server's accumulator whatever the cohort size. The server unmasks only the sum, decodes
/// the average over survivors and applies `global += lr · average`.
///
/// The privacy ledger (if any) is charged after the consistency check and before any unmasking share is
/// released; a round that fails afterwards stays charged and is recorded as failed.
public struct FederatedSimulation {
    public let settings: SimulationSettings
    public let source: any ClientUpdateSource
    /// The global model as a flat vector in layout order (updated after every round), in the precision
    /// ``FlatParameters`` chooses for the layout.
    public var parameters: FlatParameters { orchestrator.model }
    /// The accountant the run's ε is computed with (``RoundOrchestrator/accountant``).
    public var accountant: Accountant { orchestrator.accountant }
    /// The last round's recovered average (model units), in the model's precision.
    public private(set) var lastAverageParameters: FlatParameters?
    /// Where the last round's time went (nil before the first round).
    public private(set) var lastRoundTimings: RoundTimings?
    /// The global model as `Double`s (a full-length copy when the model is held as `Float`).
    public var model: [Double] { parameters.doubles }
    /// The last round's recovered average as `Double`s (a copy when held as `Float`).
    public var lastAverage: [Double]? { lastAverageParameters?.doubles }
    /// Planning, the server state machine, bookkeeping and decoding: the code path `serve` shares.
    private var orchestrator: RoundOrchestrator
    /// The simulated clients.
    private var clients: InProcessCohort
    private var rng: ChaChaRandom

    /// - Parameters:
    ///   - model: the global model, flat, in `source.layout` order.
    ///   - ledger: an opened privacy ledger; earlier charged rounds count toward the budget.
    ///   - audit: a freshly created audit log; every round's events are appended and the run is closed at the
    ///     end (also when a round fails), so a truncated log is detectable.
    public init(
        settings: SimulationSettings, model: [Double], source: any ClientUpdateSource, ledger: PrivacyLedger?,
        audit: (any RoundAuditTrail)? = nil
    ) throws(FedCoreError) {
        try self.init(
            settings: settings, parameters: FlatParameters(model, for: source.layout), source: source, ledger: ledger,
            audit: audit)
    }

    /// As ``init(settings:model:source:ledger:audit:)`` with the model already in its storage precision (no
    /// `Double` copy of an F32 model is ever made).
    public init(
        settings: SimulationSettings, parameters model: FlatParameters, source: any ClientUpdateSource,
        ledger: PrivacyLedger?, audit: (any RoundAuditTrail)? = nil
    ) throws(FedCoreError) {
        if let size = settings.cohortSize, size > source.clientIDs.count {
            throw .invalidSettings("--clients \(size) exceeds the \(source.clientIDs.count) updates available")
        }
        var rng = settings.seed.map { ChaChaRandom.seeded($0) } ?? ChaChaRandom.system()
        var identities = [UInt32: Ed25519.SecretKey]()
        var registry = [UInt32: Ed25519.PublicKey]()
        for id in source.clientIDs {
            // Ephemeral identities for an in-process run; `serve`/`client` use keygen's key files instead.
            let key: Ed25519.SecretKey
            do { key = try Ed25519.SecretKey(seed: rng.secureBytes(count: Ed25519.seedByteCount)) } catch {
                throw .invalidSettings("identity generation failed")
            }
            identities[id] = key
            registry[id] = key.publicKey
        }
        orchestrator = try RoundOrchestrator(
            settings: settings, layout: source.layout, model: model, registry: registry, ledger: ledger, audit: audit)
        self.settings = settings
        self.source = source
        self.rng = rng
        clients = InProcessCohort(settings: settings, source: source, identities: identities, rng: rng.fork(label: "clients"))
    }

    /// Runs every round; `events` receives progress. Returns one report per round.
    public mutating func run(events: (SimulationEvent) -> Void = { _ in }) throws(FedCoreError) -> [RoundReport] {
        try orchestrator.planRun(population: source.clientIDs.count)
        let lastRound = orchestrator.firstRound + settings.rounds - 1
        var reports: [RoundReport] = []
        do {
            for _ in 0..<settings.rounds {
                let cohort = orchestrator.nextCohort(from: source.clientIDs)
                let round = orchestrator.firstRound + orchestrator.roundsStarted
                events(.roundStarted(round: round, of: lastRound, cohort: cohort.count))
                // Only the last round's average is kept: dropping the previous one keeps a round's peak memory
                // the same in every round.
                lastAverageParameters = nil
                guard let report = try runRound(cohort: cohort, events: events) else { continue }
                reports.append(report)
                events(.roundFinished(report))
            }
        } catch {
            try? orchestrator.closeRun()
            throw error
        }
        try orchestrator.closeRun()
        return reports
    }

    /// One round: the orchestrator's messages delivered to the simulated clients one after another and their
    /// answers handed back, phase by phase, then the sum decoded and measured against the true average.
    /// Nil for a sampled round whose sample could not run (charged and recorded as skipped).
    private mutating func runRound(
        cohort: [UInt32], events: (SimulationEvent) -> Void
    ) throws(FedCoreError) -> RoundReport? {
        let roundStart = ContinuousClock.now
        let before = (read: clients.readTime, encode: clients.encodeTime, mask: clients.maskTime)
        var sum = Duration.zero
        var unmask = Duration.zero
        var clientPhase2 = Duration.zero
        let round = orchestrator.firstRound + orchestrator.roundsStarted
        var step = try orchestrator.startRound(cohort: cohort, roundSeed: rng.bytes(count: 32))
        while case .exchange(let phase, _, _) = step {
            // Phase 2 holds one masked vector per message of a batch: one batch per worker there.
            let batchSize = phase == .maskedInput ? clients.workers : 64 * clients.workers
            // Delivered messages are released batch by batch (the share broadcasts hold all n·k encrypted
            // shares, which need not outlive their delivery): the step gives up its array, and the messages wait
            // in reverse so each batch is taken off the end, in the original order.
            var pending = [ServerRoundMessage]()
            if case .exchange(_, let messages, _) = step { pending = messages.reversed() }
            step = .unmasked
            let total = pending.count
            var done = 0
            while !pending.isEmpty {
                let batch = Array(pending.suffix(batchSize).reversed())
                pending.removeLast(batch.count)
                let replies: [ClientRoundMessage?]
                let start = ContinuousClock.now
                do { replies = try clients.respond(to: batch) } catch { throw orchestrator.failRound(error) }
                let received = ContinuousClock.now
                for (message, reply) in zip(batch, replies) {
                    if let reply { _ = orchestrator.receive(reply, from: message.receiver) }
                }
                if phase == .maskedInput {
                    clientPhase2 += received - start
                    sum += ContinuousClock.now - received
                }
                done += batch.count
                events(.phaseProgress(round: round, phase: phase, done: done, of: total))
            }
            if phase == .unmasking { events(.serverUnmasking(round: round)) }
            let start = ContinuousClock.now
            step = try orchestrator.endPhase()
            if phase == .unmasking { unmask += ContinuousClock.now - start }
        }
        if case .skipped(let reason) = step {
            events(.roundSkipped(round: round, reason: reason.description))
            return nil
        }
        let decodeStart = ContinuousClock.now
        var measure: AverageMeasurement
        do {
            measure = try AverageMeasurement(
                survivors: orchestrator.unmaskedSurvivors ?? [], inputScales: clients.inputScales, source: source,
                blockSize: orchestrator.currentRound?.encoding.blockSize ?? 1)
        } catch { throw orchestrator.failRound(.update(error)) }
        let divisor = orchestrator.unmaskedDivisor ?? 1
        let completion = try orchestrator.finishRound { (offset, block) throws(FedCoreError.Update) in
            try measure.compare(block, at: offset, divisor: divisor)
        }
        lastAverageParameters = completion.average
        let measured = measure.result(dimension: source.layout.parameterCount)
        // The clients' phase 2 ran on several workers: split its wall time in the proportions of their summed
        // reading, encoding and masking. Decoding includes re-reading the survivors' updates to measure the error.
        let read = clients.readTime - before.read
        let encode = clients.encodeTime - before.encode
        let mask = clients.maskTime - before.mask
        let busy = RoundTimings.seconds(read + encode + mask)
        func share(_ part: Duration) -> Duration { busy > 0 ? clientPhase2 * (RoundTimings.seconds(part) / busy) : .zero }
        lastRoundTimings = RoundTimings(
            read: share(read) + measured.readTime, encode: share(encode), mask: share(mask), sum: sum, unmask: unmask,
            decode: ContinuousClock.now - decodeStart - measured.readTime, total: ContinuousClock.now - roundStart)
        return RoundReport(completion, maxAbsError: measured.maxAbsError, rmsError: measured.rmsError)
    }
}
