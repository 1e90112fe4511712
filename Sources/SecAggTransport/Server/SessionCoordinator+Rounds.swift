import DPNoise
import FedCore
import Foundation
import GRPCCore
import SecureAgg
import Sodium

/// Inputs of a served run besides the connections.
struct ServedRunInputs: Sendable {
    var settings: SimulationSettings
    var layout: ModelLayout
    var model: FlatParameters
    var ledger: PrivacyLedger?
    /// The signed audit log (the same events as `simulate --audit-log`), closed when the run ends.
    var audit: ServedAuditTrail?
}

extension SessionCoordinator {
    /// Waits for the clients, then runs `inputs.settings.rounds` rounds over whoever is connected at the start
    /// of each — or, with a sampling rate q, over a Poisson sample of them (each independently with
    /// probability q, drawn from a generator keyed by the OS entropy source unless `settings.seed` is set);
    /// members outside a round's cohort receive only its RoundResult or RoundAborted. The noise is planned for
    /// max(2, round(joined · q)) clients and every round is accounted with q, as in `simulate`. The ledger is
    /// charged after the consistency check and before any unmasking request is sent.
    ///
    /// - Throws: ``SimulationError`` when a round fails (a cohort smaller than
    ///   ``CohortSampling/minimumCohort(settings:)``, too few survivors, budget, protocol failure).
    func runRounds(_ inputs: ServedRunInputs, onRound: @Sendable (ServedRound) -> Void) async throws
        -> ServeOutcome
    {
        let settings = inputs.settings
        setRoundsAnnounced(settings.rounds)
        let joined = await awaitJoins(timeout: configuration.joinTimeout)
        guard joined.count >= 2 else {
            closeAll(RPCError(code: .unavailable, message: "too few clients joined"))
            try? inputs.audit?.closeRun(epsilonCumulative: 0)
            throw TransportError.tooFewClientsJoined(joined: joined.count, expected: configuration.expectedClients)
        }
        log("\(joined.count) clients joined; starting \(settings.rounds) round(s)")
        let dimension = inputs.layout.parameterCount
        var plannedCohort = joined.count
        if let q = settings.samplingRate {
            plannedCohort = CohortSampling.plannedCohort(population: joined.count, rate: q)
        }
        let z: Double?
        let calibratedBits: Int?
        var recorder: RoundRecorder
        do {
            recorder = try RoundRecorder(settings: settings, ledger: inputs.ledger, audit: inputs.audit)
            (z, calibratedBits) = try RoundPlanner.noiseMultiplier(
                settings: settings, plannedCohort: plannedCohort, dimension: dimension)
            // Predictable failures before round 1 (unsafe cohort, noise beyond the samplers, budget too small).
            try recorder.checkRunFitsBudget(
                RoundPlanner.expectedPlan(
                    round: recorder.firstRound, clients: plannedCohort, dimension: dimension, settings: settings,
                    noiseMultiplier: z, bits: calibratedBits))
        } catch {
            // Nothing started: tell every joined client why, close the audit log, and fail.
            closeAll(RPCError(code: .failedPrecondition, message: "the server cannot plan the run: \(error)"))
            try? inputs.audit?.closeRun(epsilonCumulative: 0)
            throw error
        }
        let firstRound = recorder.firstRound
        var model = inputs.model
        var reports: [ServedRound] = []
        var lastAverage: FlatParameters?
        var random = SystemRandom()
        // Only the cohort draws use this stream; `--seed` makes them reproducible (tests), never anything else.
        var sampler = settings.seed.map { ChaChaRandom.seeded($0) } ?? ChaChaRandom.system()
        for index in 0..<settings.rounds {
            let round = firstRound + index
            let last = index == settings.rounds - 1
            do {
                var cohort = members.keys.sorted()
                if let q = settings.samplingRate {
                    cohort = CohortSampling.poisson(cohort, rate: q, using: &sampler)
                    log("round \(round): sampled \(cohort.count) of \(members.count) clients (q = \(q))")
                }
                try CohortSampling.requireEnough(cohort, round: round, settings: settings)
                let plan = try RoundPlanner.plan(
                    round: round, cohort: cohort, dimension: dimension, settings: settings, noiseMultiplier: z,
                    bits: calibratedBits, roundSeed: random.bytes(count: 32))
                lastAverage = nil  // only the last round's average is kept (a round's peak stays the same)
                let (report, average) = try await runRound(
                    plan, inputs: inputs, precision: model, recorder: &recorder, noiseMultiplier: z, last: last)
                model.add(settings.serverLearningRate, average)
                lastAverage = average
                reports.append(report)
                onRound(report)
            } catch {
                var aborted = Secagg_V1_RoundAborted()
                aborted.version = 1
                aborted.round = UInt64(round)
                aborted.reason = "\(error)"
                aborted.lastRound = true
                for id in members.keys { send(id, .roundAborted(aborted)) }
                closeAll(nil)
                try? recorder.closeRun()
                throw error
            }
        }
        closeAll(nil)
        try recorder.closeRun()
        return ServeOutcome(rounds: reports, lastAverage: lastAverage, model: model)
    }

    /// One round, its bookkeeping (budget, audit, charge, closing records) done by `recorder`, the code path
    /// `simulate` shares. - Parameter precision: the model, whose precision the decoded average takes.
    private func runRound(
        _ plan: RoundPlan, inputs: ServedRunInputs, precision: FlatParameters, recorder: inout RoundRecorder,
        noiseMultiplier z: Double?, last: Bool
    ) async throws -> (ServedRound, FlatParameters) {
        var open = try recorder.open(plan, noiseMultiplier: z)
        do {
            return try await runOpenRound(
                &open, inputs: inputs, precision: precision, recorder: &recorder, last: last)
        } catch {
            server = nil
            collection = nil
            let failure: SimulationError
            switch error {
            case let e as SimulationError: failure = e
            case let e as SecureAggError: failure = .roundFailed(round: plan.round, e)
            case let e as EncodingError: failure = .encoding(e)
            default: failure = .invalidSettings("\(error)")
            }
            throw recorder.fail(open, error: failure)
        }
    }

    private func runOpenRound(
        _ open: inout OpenRound, inputs: ServedRunInputs, precision: FlatParameters, recorder: inout RoundRecorder,
        last: Bool
    ) async throws -> (ServedRound, FlatParameters) {
        let settings = inputs.settings
        let plan = open.plan
        let round = plan.round
        let z = open.noiseMultiplier
        let configuration = try RoundConfiguration(
            round: UInt64(round), cohort: plan.cohort, degree: plan.graph.degree, threshold: plan.graph.threshold,
            bits: plan.encoding.bits, vectorLength: plan.vectorLength, registry: clientKeys, runID: runID)
        let decoder = try DPDecoder(parameters: plan.encoding)
        server = SecAggServer(configuration: configuration)
        let announced = AnnouncedRound(
            round: UInt64(round), totalRounds: settings.rounds, cohort: plan.cohort, degree: plan.graph.degree,
            threshold: plan.graph.threshold, bits: plan.encoding.bits, vectorLength: plan.vectorLength,
            registryHash: configuration.registryHash, layoutHash: inputs.layout.layoutHash, encoding: plan.encoding,
            minSurvivors: plan.minSurvivors,
            phaseTimeoutMillis: UInt32(clamping: millis(self.configuration.phaseTimeout)), weights: plan.weights)
        log(
            "round \(round): \(plan.cohort.count) clients, k=\(plan.graph.degree) t=\(plan.graph.threshold), "
                + "\(plan.encoding.bits) bits")
        let timeout = self.configuration.phaseTimeout

        // Phase 0
        beginPhase(.advertiseKeys, expected: plan.cohort)
        for id in plan.cohort { send(id, .roundStart(announced.proto)) }
        try recorder.phaseFinished(open, .advertiseKeys, clients: await finishPhase(timeout: timeout))
        let keyBroadcasts = try finish { () throws(SecureAggError) in try server?.finishAdvertising() ?? [] }
        // Phase 1
        beginPhase(.shareKeys, expected: keyBroadcasts.map(\.receiver))
        for b in keyBroadcasts { send(b.receiver, .keyBroadcast(b.proto)) }
        try recorder.phaseFinished(open, .shareKeys, clients: await finishPhase(timeout: timeout))
        let shareBroadcasts = try finish { () throws(SecureAggError) in try server?.finishShareKeys() ?? [] }
        // Phase 2
        beginPhase(.maskedInput, expected: shareBroadcasts.map(\.receiver))
        for b in shareBroadcasts { send(b.receiver, .shareBroadcast(b.proto)) }
        await finishPhase(timeout: timeout)
        let consistency = try finish { () throws(SecureAggError) in try server?.finishMaskedInput() ?? [] }
        try recorder.phaseFinished(open, .maskedInput, clients: consistency.first?.survivors ?? [])
        // Phase 3
        beginPhase(.consistencyCheck, expected: consistency.map(\.receiver))
        for r in consistency { send(r.receiver, .consistencyRequest(r.proto)) }
        try recorder.phaseFinished(open, .consistencyCheck, clients: await finishPhase(timeout: timeout))
        // The noisy sum may be released from here on: charge the audit log and the ledger first.
        try recorder.charge(&open)
        let unmasking = try finish { () throws(SecureAggError) in try server?.finishConsistencyCheck() ?? [] }
        // Phase 4
        beginPhase(.unmasking, expected: unmasking.map(\.receiver))
        for r in unmasking { send(r.receiver, .unmaskingRequest(r.proto)) }
        let unmasked = await finishPhase(timeout: timeout)
        guard let result = try finishResult() else {
            throw SimulationError.roundFailed(round: round, .aborted(reason: "no server state"))
        }
        try recorder.phaseFinished(open, .unmasking, clients: unmasked)
        server = nil
        let divisor = try plan.divisor(sum: result.sum, survivors: result.survivors.count)
        // Block by block into the model's precision (a weighted round's count limbs are skipped).
        let decoded: DecodedAverage
        do {
            decoded = try result.sum.withUnsafeBufferPointer {
                (sum) throws(StreamingEncodingError<Never>) -> DecodedAverage in
                try decoder.decodeAverage(sum: sum, divisor: divisor, precision: precision) { _, _ in }
            }
        } catch {
            switch error {
            case .encoding(let e): throw SimulationError.encoding(e)
            case .inputChangedBetweenPasses: throw SimulationError.invalidSettings("decoding read twice")
            }
        }
        let hash = decoded.outputHash
        try recorder.complete(open, survivors: result.survivors, outputHash: hash)
        var outcome = Secagg_V1_RoundResult()
        outcome.version = 1
        outcome.round = UInt64(round)
        outcome.survivors = result.survivors
        outcome.lastRound = last
        outcome.outputHash = hash
        for id in members.keys { send(id, .roundResult(outcome)) }
        let report = ServedRound(
            round: round, clients: plan.cohort.count, survivors: result.survivors.count,
            survivorIDs: result.survivors, droppedIDs: plan.cohort.filter { !result.survivors.contains($0) },
            degree: plan.graph.degree, threshold: plan.graph.threshold, minSurvivors: plan.minSurvivors,
            bits: plan.encoding.bits, scale: plan.encoding.scale, noiseMultiplier: z,
            epsilonRound: open.epsilonRoundReported, epsilon: open.epsilonReported,
            errorBound: decoder.roundingErrorBound(clients: result.survivors.count, divisor: divisor),
            outputHash: hash)
        log("round \(round): \(result.survivors.count)/\(plan.cohort.count) survivors \(result.survivors)")
        return (report, decoded.average)
    }

    private func finish<T>(_ body: () throws(SecureAggError) -> [T]) throws(SecureAggError) -> [T] {
        try body()
    }

    private func finishResult() throws(SecureAggError) -> AggregationResult? {
        try server?.finishUnmasking()
    }

    private func millis(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return Int(s) * 1000 + Int(atto / 1_000_000_000_000_000)
    }
}
