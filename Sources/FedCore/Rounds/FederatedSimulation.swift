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
    public private(set) var parameters: FlatParameters
    /// The last round's recovered average (model units), in the model's precision.
    public private(set) var lastAverageParameters: FlatParameters?
    /// Where the last round's time went (nil before the first round).
    public private(set) var lastRoundTimings: RoundTimings?
    /// The global model as `Double`s (a full-length copy when the model is held as `Float`).
    public var model: [Double] { parameters.doubles }
    /// The last round's recovered average as `Double`s (a copy when held as `Float`).
    public var lastAverage: [Double]? { lastAverageParameters?.doubles }
    /// Budget, audit events, charging and closing records: the code path `serve` shares.
    private var recorder: RoundRecorder
    private var rng: ChaChaRandom
    private let identities: [UInt32: Ed25519.SecretKey]
    private let registry: [UInt32: Ed25519.PublicKey]

    /// - Parameters:
    ///   - model: the global model, flat, in `source.layout` order.
    ///   - ledger: an opened privacy ledger; earlier charged rounds count toward the budget.
    ///   - audit: a freshly created audit log; every round's events are appended and the run is closed at the
    ///     end (also when a round fails), so a truncated log is detectable.
    public init(
        settings: SimulationSettings, model: [Double], source: any ClientUpdateSource, ledger: PrivacyLedger?,
        audit: AuditLog? = nil
    ) throws(SimulationError) {
        try self.init(
            settings: settings, parameters: FlatParameters(model, for: source.layout), source: source, ledger: ledger,
            audit: audit)
    }

    /// As ``init(settings:model:source:ledger:audit:)`` with the model already in its storage precision (no
    /// `Double` copy of an F32 model is ever made).
    public init(
        settings: SimulationSettings, parameters model: FlatParameters, source: any ClientUpdateSource,
        ledger: PrivacyLedger?, audit: AuditLog? = nil
    ) throws(SimulationError) {
        guard model.count == source.layout.parameterCount else {
            throw .model("model has \(model.count) parameters, the updates' layout \(source.layout.parameterCount)")
        }
        guard settings.rounds >= 1 else { throw .invalidSettings("--rounds must be at least 1") }
        if let size = settings.cohortSize, size > source.clientIDs.count {
            throw .invalidSettings("--clients \(size) exceeds the \(source.clientIDs.count) updates available")
        }
        self.settings = settings
        self.source = source
        self.parameters = model
        self.recorder = try RoundRecorder(settings: settings, ledger: ledger, audit: audit)
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
        self.identities = identities
        self.registry = registry
        self.rng = rng
    }

    /// Runs every round; `events` receives progress. Returns one report per round.
    public mutating func run(events: (SimulationEvent) -> Void = { _ in }) throws(SimulationError) -> [RoundReport] {
        let dimension = source.layout.parameterCount
        var plannedCohort = settings.cohortSize ?? source.clientIDs.count
        if let q = settings.samplingRate {
            plannedCohort = CohortSampling.plannedCohort(population: source.clientIDs.count, rate: q)
        }
        let (z, calibratedBits): (Double?, Int?)
        do {
            (z, calibratedBits) = try RoundPlanner.noiseMultiplier(
                settings: settings, plannedCohort: plannedCohort, dimension: dimension)
            // Predictable failures before round 1: an unsafe cohort, noise beyond the samplers, a budget the
            // planned rounds cannot fit.
            try recorder.checkRunFitsBudget(
                RoundPlanner.expectedPlan(
                    round: recorder.firstRound, clients: plannedCohort, dimension: dimension, settings: settings,
                    noiseMultiplier: z, bits: calibratedBits))
        } catch {
            try? recorder.closeRun()
            throw error
        }
        let firstRound = recorder.firstRound
        var reports: [RoundReport] = []
        do {
            for index in 0..<settings.rounds {
                let round = firstRound + index
                let cohort = sampleCohort()
                events(.roundStarted(round: round, of: firstRound + settings.rounds - 1, cohort: cohort.count))
                try CohortSampling.requireEnough(cohort, round: round, settings: settings)
                let plan = try RoundPlanner.plan(
                    round: round, cohort: cohort, dimension: dimension, settings: settings, noiseMultiplier: z,
                    bits: calibratedBits, roundSeed: rng.bytes(count: 32))
                // Only the last round's average is kept: dropping the previous one keeps a round's peak memory
                // the same in every round.
                lastAverageParameters = nil
                let report = try runRound(plan, noiseMultiplier: z, events: events)
                reports.append(report)
                events(.roundFinished(report))
            }
        } catch {
            try? recorder.closeRun()
            throw error
        }
        try recorder.closeRun()
        return reports
    }

    private mutating func sampleCohort() -> [UInt32] {
        let all = source.clientIDs
        if let q = settings.samplingRate { return CohortSampling.poisson(all, rate: q, using: &rng) }
        guard let size = settings.cohortSize, size < all.count else { return all }
        var pool = all
        for i in 0..<size {
            let j = i + Int(rng.next() % UInt64(pool.count - i))
            pool.swapAt(i, j)
        }
        return Array(pool[0..<size]).sorted()
    }

    private mutating func runRound(
        _ plan: RoundPlan, noiseMultiplier z: Double?, events: (SimulationEvent) -> Void
    ) throws(SimulationError) -> RoundReport {
        var recorder = self.recorder
        defer { self.recorder = recorder }
        var open = try recorder.open(plan, noiseMultiplier: z)
        do {
            return try runOpenRound(&open, recorder: &recorder, events: events)
        } catch {
            throw recorder.fail(open, error: error)
        }
    }

    /// The round after ``RoundRecorder/open(_:noiseMultiplier:)``: every error is the round's failure.
    private mutating func runOpenRound(
        _ open: inout OpenRound, recorder: inout RoundRecorder, events: (SimulationEvent) -> Void
    ) throws(SimulationError) -> RoundReport {
        let plan = open.plan
        let round = plan.round
        let z = open.noiseMultiplier
        let configuration: RoundConfiguration
        do {
            configuration = try RoundConfiguration(
                round: UInt64(round), cohort: plan.cohort, degree: plan.graph.degree, threshold: plan.graph.threshold,
                bits: plan.encoding.bits, vectorLength: plan.vectorLength, registry: registry)
        } catch { throw .roundFailed(round: round, error) }
        let encoder: DPEncoder
        let decoder: DPDecoder
        do {
            encoder = try DPEncoder(parameters: plan.encoding)
            decoder = try DPDecoder(parameters: plan.encoding)
        } catch { throw .encoding(error) }

        // Exactly ⌊F·n⌋ clients, chosen with the seed, drop after ShareKeys.
        var order = plan.cohort
        for i in order.indices.reversed() where i > 0 {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        let dropCount = Int((settings.dropoutFraction * Double(plan.cohort.count)).rounded(.down))
        var dropouts = [UInt32: Phase]()
        for id in order.prefix(dropCount) { dropouts[id] = .maskedInput }

        // Each client's input scale (clip factor × weight), to measure the recovered average afterwards. The
        // weights themselves stay with the clients: the server only learns their total from the masked sum.
        var inputScales = [UInt32: Double]()
        var localError: SimulationError?
        var encoded = 0
        let expectedInputs = plan.cohort.count - dropCount
        // The clients' encoding randomness: an independent stream keyed from the run's generator.
        var clientRNG = rng.fork(label: "client encodings round \(round)")
        let settings = self.settings
        let source = self.source
        var openRound = open
        defer { open = openRound }
        let clock = InProcessStageClock()
        var encodeTime = Duration.zero
        var readTime = Duration.zero
        let roundStart = ContinuousClock.now
        let result: RoundResult
        do {
            result = try InProcessRound.run(
                configuration: configuration, identities: identities, dropouts: dropouts,
                colluders: settings.colludingClients, minimumSurvivors: plan.minSurvivors, using: &rng,
                observe: { (phase: Phase, ids: [UInt32]) throws(SecureAggError) -> Void in
                    do throws(SimulationError) {
                        try recorder.phaseFinished(openRound, phase, clients: ids)
                        // The noisy sum may be released once the consistency check passed: charge first.
                        if phase == .consistencyCheck { try recorder.charge(&openRound) }
                    } catch {
                        localError = error
                        throw .aborted(reason: "round bookkeeping failed")
                    }
                },
                clock: clock,
                writeInput: { (id: UInt32, writer: MaskedInputWriter) throws(SecureAggError) -> Void in
                    let start = ContinuousClock.now
                    var masking = Duration.zero
                    var reading = Duration.zero
                    defer {
                        encodeTime += ContinuousClock.now - start - masking - reading
                        readTime += reading
                    }
                    do {
                        let reader = try source.reader(for: id)
                        let (w, countLimbs) = ExampleCountLimbs.clientInput(
                            exampleCount: reader.exampleCount, weights: plan.weights)
                        // The encoder clips to settings.clip (= its l2Clip), multiplies by w and hands each
                        // encoded block straight to the masking writer: no full-length encoded vector exists.
                        let summary = try encoder.encode(weight: w, using: &clientRNG) {
                            (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(ClientInputFailure) in
                            let readStart = ContinuousClock.now
                            defer { reading += ContinuousClock.now - readStart }
                            do throws(ClientUpdateError) { try reader.read(offset: offset, into: block) } catch { throw .update(error) }
                        } emitting: { (offset: Int, block: UnsafeBufferPointer<UInt32>) throws(ClientInputFailure) in
                            let maskStart = ContinuousClock.now
                            defer { masking += ContinuousClock.now - maskStart }
                            do throws(SecureAggError) { try writer.write(block, at: offset) } catch { throw .masking(error) }
                        }
                        try countLimbs.withUnsafeBufferPointer { (limbs) throws(SecureAggError) in
                            try writer.write(limbs, at: encoder.paddedDimension)
                        }
                        inputScales[id] = summary.clipFactor * w
                        encoded += 1
                        events(.clientEncoded(round: round, done: encoded, of: expectedInputs))
                        return
                    } catch let e as ClientUpdateError {
                        localError = .update(e)
                    } catch let e as StreamingEncodingError<ClientInputFailure> {
                        switch e {
                        case .encoding(let e): localError = .encoding(e)
                        case .reader(.update(let e)): localError = .update(e)
                        case .reader(.masking(let e)): throw e
                        case .inputChangedBetweenPasses:
                            localError = .update(.invalidUpdate(path: "client \(id)", detail: "update changed while it was read"))
                        }
                    } catch {
                        localError = .invalidSettings("\(error)")
                    }
                    throw .aborted(reason: "client input could not be encoded")
                })
        } catch {
            throw localError ?? .roundFailed(round: round, error)
        }

        let decodeStart = ContinuousClock.now
        let measured: RecoveredAverage
        let divisor: Double
        divisor = try plan.divisor(sum: result.sum, survivors: result.survivors.count)
        measured = try decodeAndApply(
            result, decoder: decoder, divisor: divisor, inputScales: inputScales, source: source)
        let decodeTime = ContinuousClock.now - decodeStart
        lastRoundTimings = RoundTimings(
            // clock.mask spans the whole streamed input (reading, encoding and masking interleave): keep only
            // masking; decodeTime includes re-reading the survivors' updates to measure the error.
            read: readTime + measured.readTime, encode: encodeTime, mask: clock.mask - encodeTime - readTime,
            sum: clock.sum, unmask: clock.unmask, decode: decodeTime - measured.readTime,
            total: ContinuousClock.now - roundStart)
        let maxAbs = measured.maxAbsError
        let hash = measured.outputHash
        try recorder.complete(openRound, survivors: result.survivors, outputHash: hash)
        return RoundReport(
            round: round, clients: plan.cohort.count, survivors: result.survivors.count, survivorIDs: result.survivors,
            degree: plan.graph.degree, threshold: plan.graph.threshold, minSurvivors: plan.minSurvivors,
            bits: plan.encoding.bits, scale: plan.encoding.scale, noiseMultiplier: z,
            epsilonRound: openRound.epsilonRoundReported, epsilon: openRound.epsilonReported,
            errorBound: decoder.roundingErrorBound(clients: result.survivors.count, divisor: divisor),
            maxAbsError: maxAbs, rmsError: measured.rmsError,
            noiseStddev: (Double(result.survivors.count) * plan.encoding.noise.variance).squareRoot()
                / (plan.encoding.scale * divisor),
            outputHash: hash)
    }
}

extension FederatedSimulation {
    /// Decodes the round's sum block by block, measuring every block against the true weighted average of
    /// the survivors' clipped updates (re-read block by block from `source`); then adds `lr · average` to the
    /// model (only once decoding succeeded) and keeps the average as ``lastAverageParameters``. Holds one
    /// block of Doubles per step instead of full-length Double vectors.
    fileprivate mutating func decodeAndApply(
        _ result: RoundResult, decoder: DPDecoder, divisor: Double, inputScales: [UInt32: Double],
        source: any ClientUpdateSource
    ) throws(SimulationError) -> RecoveredAverage {
        var readers: [(reader: any ClientUpdateReader, scale: Double)] = []
        for id in result.survivors {
            do { readers.append((try source.reader(for: id), inputScales[id] ?? 0)) } catch { throw .update(error) }
        }
        let blockSize = decoder.parameters.blockSize
        let truth = UnsafeMutableBufferPointer<Double>.allocate(capacity: blockSize)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: blockSize)
        defer {
            truth.deallocate()
            scratch.deallocate()
        }
        var maxAbs = 0.0
        var squares = 0.0
        var readTime = Duration.zero
        let inverseDivisor = 1 / divisor
        let decoded: DecodedAverage
        do {
            decoded = try result.sum.withUnsafeBufferPointer {
                (sum) throws(StreamingEncodingError<ClientUpdateError>) -> DecodedAverage in
                try decoder.decodeAverage(sum: sum, divisor: divisor, precision: parameters) {
                    (offset: Int, block: UnsafeBufferPointer<Double>) throws(ClientUpdateError) in
                    // The true weighted average of this block, re-read from the survivors' updates.
                    let n = block.count
                    for j in 0..<n { truth[j] = 0 }
                    let part = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
                    for (reader, scale) in readers {
                        let readStart = ContinuousClock.now
                        defer { readTime += ContinuousClock.now - readStart }
                        try reader.read(offset: offset, into: part)
                        for j in 0..<n { truth[j] += scale * part[j] }
                    }
                    for j in 0..<n {
                        let diff = abs(block[j] - truth[j] * inverseDivisor)
                        maxAbs = max(maxAbs, diff)
                        squares += diff * diff
                    }
                }
            }
        } catch {
            switch error {
            case .encoding(let e): throw .encoding(e)
            case .reader(let e): throw .update(e)
            case .inputChangedBetweenPasses: throw .invalidSettings("unreachable: decoding reads nothing twice")
            }
        }
        // Applied only once the whole average is decoded: a failed decode leaves the model unchanged.
        parameters.add(settings.serverLearningRate, decoded.average)
        lastAverageParameters = decoded.average
        return RecoveredAverage(
            maxAbsError: maxAbs, rmsError: (squares / Double(max(decoder.parameters.dimension, 1))).squareRoot(),
            outputHash: decoded.outputHash, readTime: readTime)
    }
}

/// What can stop a client's streamed input: reading its update, or the masking writer refusing a block.
enum ClientInputFailure: Error {
    case update(ClientUpdateError)
    case masking(SecureAggError)
}

/// What decoding measured: the recovered average against the true average of survivors' clipped updates.
struct RecoveredAverage {
    let maxAbsError: Double
    let rmsError: Double
    /// BLAKE2b-256 (hex) of the recovered average as little-endian F64 values.
    let outputHash: String
    /// Time spent re-reading the survivors' updates for the measurement.
    let readTime: Duration
}
