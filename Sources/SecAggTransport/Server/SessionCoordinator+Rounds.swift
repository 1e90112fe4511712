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
    /// - Throws: ``FedCoreError`` when a round fails (a cohort smaller than
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
        do {
            orchestrator = try RoundOrchestrator(
                settings: settings, layout: inputs.layout, model: inputs.model, registry: clientKeys, runID: runID,
                ledger: inputs.ledger, audit: inputs.audit)
            try orchestrator?.planRun(population: joined.count)
        } catch {
            // Nothing started: tell every joined client why, close the audit log, and fail.
            closeAll(RPCError(code: .failedPrecondition, message: "the server cannot plan the run: \(error)"))
            try? inputs.audit?.closeRun(epsilonCumulative: 0)
            throw error
        }
        var reports: [ServedRound] = []
        var lastAverage: FlatParameters?
        var random = SystemRandom()
        for index in 0..<settings.rounds {
            let last = index == settings.rounds - 1
            do {
                guard var cohort = orchestrator?.nextCohort(from: Array(members.keys)) else { break }
                if let q = settings.samplingRate {
                    log("round \((orchestrator?.firstRound ?? 1) + index): sampled \(cohort.count) of \(members.count) clients (q = \(q))")
                }
                cohort.sort()
                lastAverage = nil  // only the last round's average is kept (a round's peak stays the same)
                guard let (report, average) = try await runRound(cohort: cohort, roundSeed: random.bytes(count: 32), last: last)
                else { continue }
                lastAverage = average
                reports.append(report)
                onRound(report)
            } catch {
                var aborted = Secagg_V1_RoundAborted()
                aborted.version = 1
                aborted.round = UInt64((orchestrator?.firstRound ?? 1) + index)
                aborted.reason = "\(error)"
                aborted.lastRound = true
                for id in members.keys { send(id, .roundAborted(aborted)) }
                closeAll(nil)
                try? orchestrator?.closeRun()
                throw error
            }
        }
        closeAll(nil)
        try orchestrator?.closeRun()
        return ServeOutcome(
            rounds: reports, lastAverage: lastAverage, model: orchestrator?.model ?? inputs.model,
            accountant: orchestrator?.accountant.rawValue)
    }

    /// One round: the orchestrator's messages sent phase by phase, the replies it accepts collected until each
    /// phase's barrier; the bookkeeping (budget, audit, charge, closing records) and decoding happen in the
    /// orchestrator, the code path `simulate` shares.
    private func runRound(
        cohort: [UInt32], roundSeed: [UInt8], last: Bool
    ) async throws -> (ServedRound, FlatParameters)? {
        guard var step = try orchestrator?.startRound(cohort: cohort, roundSeed: roundSeed) else {
            throw FedCoreError.invalidSettings("the run was not planned")
        }
        if case .skipped(let reason) = step {
            // Charged and recorded by the orchestrator; every member learns the round number moved on.
            let round = (orchestrator?.firstRound ?? 1) + (orchestrator?.roundsStarted ?? 1) - 1
            log("round \(round) skipped: \(reason)")
            var aborted = Secagg_V1_RoundAborted()
            aborted.version = 1
            aborted.round = UInt64(round)
            aborted.reason = reason.description
            aborted.lastRound = last
            for id in members.keys { send(id, .roundAborted(aborted)) }
            return nil
        }
        guard let plan = orchestrator?.currentRound else { throw FedCoreError.invalidSettings("no round started") }
        log(
            "round \(plan.round): \(plan.cohort.count) clients, k=\(plan.graph.degree) t=\(plan.graph.threshold), "
                + "\(plan.encoding.bits) bits")
        let timeout = configuration.phaseTimeout
        let timeoutMillis = UInt32(clamping: millis(timeout))
        while case .exchange(let phase, let messages, let expected) = step {
            beginPhase(phase, expected: expected)
            for message in messages { send(message.receiver, Self.wire(message, phaseTimeoutMillis: timeoutMillis)) }
            await finishPhase(timeout: timeout)
            guard let next = try orchestrator?.endPhase() else { break }
            step = next
        }
        guard let completion = try orchestrator?.finishRound() else {
            throw FedCoreError.invalidSettings("the round ended without a sum")
        }
        var outcome = Secagg_V1_RoundResult()
        outcome.version = 1
        outcome.round = UInt64(plan.round)
        outcome.survivors = completion.survivors
        outcome.lastRound = last
        outcome.outputHash = completion.outputHash
        for id in members.keys { send(id, .roundResult(outcome)) }
        log("round \(plan.round): \(completion.survivors.count)/\(plan.cohort.count) survivors \(completion.survivors)")
        return (ServedRound(completion), completion.average)
    }

    /// A server message as it goes on the wire.
    private static func wire(_ message: ServerRoundMessage, phaseTimeoutMillis: UInt32) -> Secagg_V1_ServerMessage.OneOf_Body {
        switch message {
        case .roundStart(let announcement, _):
            return .roundStart(AnnouncedRound(announcement, phaseTimeoutMillis: phaseTimeoutMillis).proto)
        case .keyBroadcast(let m): return .keyBroadcast(m.proto)
        case .shareBroadcast(let m): return .shareBroadcast(m.proto)
        case .consistencyRequest(let m): return .consistencyRequest(m.proto)
        case .unmaskingRequest(let m): return .unmaskingRequest(m.proto)
        }
    }

    private func millis(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return Int(s) * 1000 + Int(atto / 1_000_000_000_000_000)
    }
}
