import DPNoise
import SecureAgg
import Sodium

/// The server side of a run as one pure state machine, shared by `simulate` (in-process clients) and `serve`
/// (gRPC): it plans every round, owns the SecAgg server state, does all the bookkeeping through a
/// ``RoundRecorder`` (budget, audit events, the charge before unmasking, closing records), decodes the sum
/// and applies it to the model. It performs no I/O of its own besides the ledger and audit writes: its driver
/// delivers the ``ServerRoundMessage``s of each ``RoundStep``, feeds the replies to ``receive(_:from:)`` and
/// calls ``endPhase()`` when the phase is over.
///
/// Order of calls: ``planRun(population:)`` once; per round ``nextCohort(from:)`` →
/// ``startRound(cohort:roundSeed:)`` → (deliver, ``receive(_:from:)``…, ``endPhase()``) until
/// ``RoundStep/unmasked`` → ``finishRound(inspect:)``; ``closeRun()`` at the end, also after a failure.
///
/// Invariants: a round is charged at most once, after the consistency check and before any unmasking request
/// exists; every error after a round opened closes it as failed (charged rounds stay charged); the model
/// changes only after a whole average decoded.
public struct RoundOrchestrator {
    public let settings: SimulationSettings
    public let layout: ModelLayout
    /// The global model (updated after every completed round: `model += lr · average`).
    public internal(set) var model: FlatParameters
    /// The first round number of this run: one past the ledger's highest.
    public var firstRound: Int { recorder.firstRound }
    /// The accountant the run's ε is computed with so far (PLD, or RDP when some round has no Gaussian equivalent).
    public var accountant: Accountant { recorder.spend.effectiveAccountant }
    /// Rounds started so far.
    public private(set) var roundsStarted = 0
    /// The round in progress, if any.
    public var currentRound: RoundPlan? { active?.open.plan }

    private let registry: [UInt32: Ed25519.PublicKey]
    private let runID: [UInt8]
    var recorder: RoundRecorder
    private var noise: (multiplier: Double?, bits: Int?)?
    /// N, the clients the run was planned for (cohorts are drawn from them).
    private var population = 0
    /// η of a sampled run (0 for a fixed cohort), computed once by ``planRun(population:)``.
    private var skipSlack = 0.0
    private var cohortSampler: ChaChaRandom
    var active: ActiveRound?

    /// - Parameters:
    ///   - model: the global model, flat in `layout` order.
    ///   - registry: the identity keys of every client that may take part.
    ///   - runID: 32 bytes bound into every round context (``RoundConfiguration/noRunID`` in process).
    ///   - ledger: an opened privacy ledger; earlier charged rounds count toward the budget.
    ///   - audit: where every round's signed events go; the run is closed there by ``closeRun()``.
    /// - Throws: ``FedCoreError`` when the model does not fit the layout or the ledger cannot be replayed.
    public init(
        settings: SimulationSettings, layout: ModelLayout, model: FlatParameters,
        registry: [UInt32: Ed25519.PublicKey], runID: [UInt8] = RoundConfiguration.noRunID,
        ledger: PrivacyLedger?, audit: (any RoundAuditTrail)?
    ) throws(FedCoreError) {
        guard model.count == layout.parameterCount else {
            throw .model("model has \(model.count) parameters, the updates' layout \(layout.parameterCount)")
        }
        guard settings.rounds >= 1 else { throw .invalidSettings("--rounds must be at least 1") }
        self.settings = settings
        self.layout = layout
        self.model = model
        self.registry = registry
        self.runID = runID
        recorder = try RoundRecorder(settings: settings, ledger: ledger, audit: audit)
        // `--seed` makes the cohort draws reproducible (tests); real runs draw from the OS entropy source.
        cohortSampler = settings.seed.map { ChaChaRandom.seeded($0) } ?? .system()
    }

    /// Plans the run for `population` available clients: the noise multiplier (calibrated for the expected
    /// cohort), the bits, and whether every planned round fits the budget. Predictable failures (an unsafe
    /// cohort, noise beyond the samplers, a budget too small) surface here, before round 1; the audit log is
    /// then closed.
    public mutating func planRun(population: Int) throws(FedCoreError) {
        let dimension = layout.parameterCount
        var planned = settings.cohortSize.map { min($0, population) } ?? population
        if let q = settings.samplingRate { planned = CohortSampling.plannedCohort(population: population, rate: q) }
        do {
            // A sampled run's skip slack η (Docs/privacy.md, "Skipped rounds"): fixed before round 1, charged with
            // every round; a run whose skip event would take δ/10 or more is refused here.
            let slack = try RoundPlanner.runSkipSlack(population: population, settings: settings)
            let (z, bits) = try RoundPlanner.noiseMultiplier(
                settings: settings, plannedCohort: planned, dimension: dimension, skipSlack: slack, population: population)
            let expected = try RoundPlanner.expectedPlan(
                round: recorder.firstRound, clients: planned, dimension: dimension, settings: settings,
                noiseMultiplier: z, bits: bits, skipSlack: slack)
            try RoundPlanner.checkSkipSlack(of: expected, population: population, settings: settings)
            try recorder.checkRunFitsBudget(expected)
            noise = (z, bits)
            skipSlack = slack
            self.population = population
        } catch {
            try? recorder.closeRun()
            throw error
        }
    }

    /// The next round's cohort from the clients available now (sorted ids): a Poisson sample with
    /// `--sampling-rate`, a uniform sample of `--clients` when fewer than available, else all of them.
    public mutating func nextCohort(from available: [UInt32]) -> [UInt32] {
        let all = available.sorted()
        if let q = settings.samplingRate { return CohortSampling.poisson(all, rate: q, using: &cohortSampler) }
        guard let size = settings.cohortSize, size < all.count else { return all }
        var pool = all
        for i in 0..<size {
            let j = i + Int(cohortSampler.next() % UInt64(pool.count - i))
            pool.swapAt(i, j)
        }
        return Array(pool[0..<size]).sorted()
    }

    /// Plans and opens the next round over `cohort` (sorted ids) with the public rotation seed `roundSeed`
    /// (32 bytes), and returns phase 0: the announcement for every cohort member.
    ///
    /// A sampled run's round whose sample cannot run the protocol comes back as ``RoundStep/skipped(_:)``, charged
    /// and recorded; the run goes on with the next round.
    ///
    /// - Throws: ``FedCoreError`` when the run was not planned, the cohort is too small or unsafe, or the
    ///   budget refuses the round (nothing opened), or anything after the round opened (closed as failed).
    public mutating func startRound(cohort: [UInt32], roundSeed: [UInt8]) throws(FedCoreError) -> RoundStep {
        guard let noise else { throw .invalidSettings("the run was not planned (call planRun first)") }
        guard active == nil else { throw .invalidSettings("a round is already in progress") }
        let round = firstRound + roundsStarted
        roundsStarted += 1
        let plan: RoundPlan
        switch try RoundPlanner.plan(
            round: round, sample: cohort, population: population, dimension: layout.parameterCount,
            settings: settings, noiseMultiplier: noise.multiplier, bits: noise.bits, roundSeed: roundSeed,
            skipSlack: skipSlack)
        {
        case .run(let planned): plan = planned
        case .skip(let planned, let reason):
            // A sampled round whose sample cannot run: charged as planned (the sampled mechanism counts every
            // round) and recorded as skipped; nothing is sent or released.
            try recorder.skip(planned, noiseMultiplier: noise.multiplier, reason: reason)
            return .skipped(reason)
        }
        let open = try recorder.open(plan, noiseMultiplier: noise.multiplier)
        do throws(FedCoreError) {
            let configuration: RoundConfiguration
            do {
                configuration = try RoundConfiguration(
                    round: UInt64(round), cohort: plan.cohort, degree: plan.graph.degree,
                    threshold: plan.graph.threshold, bits: plan.encoding.bits, vectorLength: plan.vectorLength,
                    registry: registry, runID: runID)
            } catch { throw FedCoreError.roundFailed(round: round, error) }
            let decoder: DPDecoder
            do { decoder = try DPDecoder(parameters: plan.encoding) } catch { throw FedCoreError.encoding(error) }
            let announcement = RoundAnnouncement(
                configuration: configuration, totalRounds: settings.rounds, layoutHash: layout.layoutHash,
                encoding: plan.encoding, minSurvivors: plan.minSurvivors, weights: plan.weights)
            active = ActiveRound(open: open, server: SecAggServer(configuration: configuration), decoder: decoder)
            return .exchange(
                phase: .advertiseKeys, messages: plan.cohort.map { .roundStart(announcement, to: $0) },
                expected: plan.cohort)
        } catch {
            throw recorder.fail(open, error: error)
        }
    }

    /// Fails the round in progress for a reason found outside the state machine (a transport failure, a
    /// simulated client's unreadable update): closes it as failed (a charged round stays charged) and
    /// returns the error to report. Without a round in progress, returns `error` unchanged.
    public mutating func failRound(_ error: FedCoreError) -> FedCoreError {
        guard let round = active else { return error }
        active = nil
        return recorder.fail(round.open, error: error)
    }

    /// Writes the run's closing audit record (every planned round counted); later calls do nothing. A round
    /// still in progress is failed first.
    public mutating func closeRun() throws(FedCoreError) {
        if let round = active {
            active = nil
            _ = recorder.fail(round.open, error: .invalidSettings("the run ended during round \(round.open.plan.round)"))
        }
        try recorder.closeRun()
    }
}

/// The round in progress: its bookkeeping handle, the SecAgg server state and the decoder.
struct ActiveRound {
    var open: OpenRound
    var server: SecAggServer
    let decoder: DPDecoder
    var phase: Phase = .advertiseKeys
    /// Clients whose message of `phase` the server accepted, in arrival order.
    var accepted: [UInt32] = []
    var result: AggregationResult?
}

extension RoundOrchestrator {
    /// The clients whose inputs are in the unmasked sum (sorted), between ``RoundStep/unmasked`` and
    /// ``finishRound(inspect:)``; nil otherwise.
    public var unmaskedSurvivors: [UInt32]? { active?.result?.survivors }

    /// The FedAvg divisor ``finishRound(inspect:)`` will divide the unmasked sum by (nil before the sum is
    /// unmasked, or when its weight limbs are impossible: ``finishRound(inspect:)`` then fails the round).
    public var unmaskedDivisor: Double? {
        guard let round = active, let result = round.result else { return nil }
        return try? round.open.plan.divisor(sum: result.sum, survivors: result.survivors.count)
    }
}
