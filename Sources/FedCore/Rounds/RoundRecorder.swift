import DPNoise
import SecureAgg

/// A round the ``RoundRecorder`` has opened: its plan, what it costs, and whether it has been charged.
public struct OpenRound: Sendable {
    public let plan: RoundPlan
    /// z of the run (nil without DP).
    public let noiseMultiplier: Double?
    /// ε before, after and of this round alone, and the spend including it.
    public let budget: RoundBudget
    /// True once ``RoundRecorder/charge(_:)`` wrote the charge: the noisy sum may be released.
    public fileprivate(set) var charged = false

    /// ε to report for the run after this round (∞ once a round without noise released its sum).
    public var epsilonReported: Double { budget.spendAfter.releasedWithoutNoise ? .infinity : budget.epsilonAfter }
    /// ε of this round alone (∞ without noise).
    public var epsilonRoundReported: Double { plan.privacy == nil ? .infinity : budget.epsilonRound }
}

/// The bookkeeping of a run's rounds, one code path for `simulate` and `serve`: the budget check before a
/// round starts, the audit events of every phase, the charge after the consistency check and before any
/// unmasking share is released, and the closing records of a completed or failed round and of the run.
/// Drivers (the in-process round, the gRPC coordinator) move messages; they never write the ledger or the
/// audit log themselves.
///
/// Invariants: a round is charged at most once, before unmasking; a charged round stays charged when it fails
/// afterwards; every opened round is closed in the audit log (completed or failed) and counted by `run_closed`.
public struct RoundRecorder {
    public let settings: SimulationSettings
    private let ledger: PrivacyLedger?
    private let audit: (any RoundAuditTrail)?
    /// Everything charged so far (the ledger's earlier rounds included).
    public private(set) var spend: PrivacySpend
    /// Rounds opened in the audit log (completed or failed).
    public private(set) var plannedRounds = 0
    /// The first round number of this run: one past the ledger's highest.
    public let firstRound: Int

    /// - Throws: ``FedCoreError/ledger(_:)`` or `.accounting` when the ledger's earlier rounds cannot be read
    ///   or re-accounted.
    public init(settings: SimulationSettings, ledger: PrivacyLedger?, audit: (any RoundAuditTrail)?)
        throws(FedCoreError)
    {
        self.settings = settings
        self.ledger = ledger
        self.audit = audit
        do {
            let contents = try ledger?.read()
            spend = try PrivacySpend.replaying(
                contents?.chargedRounds ?? [], unprotected: contents?.unprotectedRounds.count ?? 0,
                accountant: settings.accountant)
            firstRound = (try ledger?.records().map(\.round).max()).map { $0 + 1 } ?? 1
        } catch let e as FedCoreError.Ledger {
            throw .ledger(e)
        } catch let e as DPNoiseError.Accounting {
            throw .accounting(e)
        } catch { throw .invalidSettings("\(error)") }
    }

    /// Refuses a run whose planned rounds cannot all fit the budget, before round 1 starts: `plan` is a round
    /// planned for the expected cohort, repeated `settings.rounds` times on top of what the ledger holds.
    public func checkRunFitsBudget(_ plan: RoundPlan) throws(FedCoreError) {
        try RoundBudget.checkRun(plan, after: spend, settings: settings)
    }

    /// Opens `plan`'s round: refuses it before anything starts if it could push the total past the budget or
    /// its cohort is too small, then writes `round_planned`.
    public mutating func open(_ plan: RoundPlan, noiseMultiplier z: Double?) throws(FedCoreError) -> OpenRound {
        guard plan.cohort.count >= 2 else {
            _ = try RoundBudget.check(plan, after: spend, settings: settings)
            throw .tooFewSurvivors(round: plan.round, survivors: plan.cohort.count, required: plan.minSurvivors)
        }
        return try planned(plan, noiseMultiplier: z)
    }

    /// The budget check, then `round_planned` in the audit log: the start of every round, run or skipped.
    private mutating func planned(_ plan: RoundPlan, noiseMultiplier z: Double?) throws(FedCoreError) -> OpenRound {
        let budget = try RoundBudget.check(plan, after: spend, settings: settings)
        try audit?.appendEvent(
            .roundPlanned(
                RoundPlanned(
                    plan: plan, noiseMultiplier: z, stepsSoFar: spend.rounds, delta: settings.delta,
                    colludingClients: settings.colludingClients, accountant: settings.accountant,
                    discretization: budget.spendAfter.discretization)))
        if audit != nil { plannedRounds += 1 }
        return OpenRound(plan: plan, noiseMultiplier: z, budget: budget)
    }

    /// Records that `clients` (sorted) completed `phase`. After the masked inputs, fails the round when fewer
    /// than its minimum survivors remain (nothing has been charged then).
    public func phaseFinished(_ round: OpenRound, _ phase: Phase, clients: [UInt32]) throws(FedCoreError) {
        let r = round.plan.round
        let ids = clients.map { Int($0) }
        switch phase {
        case .advertiseKeys: try audit?.appendEvent(.keysAdvertised(KeysAdvertised(round: r, clientIds: ids)))
        case .shareKeys: try audit?.appendEvent(.survivors(Survivors(round: r, phase: .shareKeys, clientIds: ids)))
        case .maskedInput: try audit?.appendEvent(.survivors(Survivors(round: r, phase: .maskedInput, clientIds: ids)))
        case .consistencyCheck:
            let plan = round.plan
            let needed = SecurityFloor.minimumSurvivors(
                cohort: plan.cohort.count, threshold: plan.graph.threshold, colluders: 0)
            try audit?.appendEvent(
                .consistencyCheck(ConsistencyCheck(round: r, ok: ids.count >= needed, signatures: ids.count)))
        case .unmasking: try audit?.appendEvent(.survivors(Survivors(round: r, phase: .unmasking, clientIds: ids)))
        }
        if phase == .maskedInput, clients.count < round.plan.minSurvivors {
            throw .tooFewSurvivors(round: r, survivors: clients.count, required: round.plan.minSurvivors)
        }
    }

    /// Charges the round in the audit log and the ledger; call after the consistency check and before any
    /// unmasking request leaves. A round without noise is charged ε = ∞ (a `round_unprotected` ledger record;
    /// the audit log's `round_planned` already says it has no noise).
    public mutating func charge(_ round: inout OpenRound) throws(FedCoreError) {
        guard !round.charged else { return }
        let plan = round.plan
        guard let privacy = plan.privacy, let z = round.noiseMultiplier else {
            do { try ledger?.append(.roundUnprotected(RoundUnprotected(round: plan.round, clients: plan.cohort.count))) }
            catch { throw .ledger(error) }
            round.charged = true
            spend = round.budget.spendAfter
            return
        }
        let budget = round.budget
        try audit?.appendEvent(
            .roundCharged(
                AuditRoundCharged(
                    round: plan.round, epsilonRound: budget.epsilonRound, epsilonCumulative: budget.epsilonAfter,
                    budgetEpsilon: settings.budgetEpsilon)))
        let record = RoundCharged(
            round: plan.round, mechanism: privacy.mechanism.rawValue, noiseMultiplier: z,
            clients: privacy.maximumSummands, minSurvivors: privacy.minimumSurvivors, samplingRate: plan.samplingRate,
            dimension: privacy.dimension, clip: privacy.l2Clip, bits: privacy.bits, scale: privacy.scale,
            localVarianceNumerator: privacy.localScaledVariance.numerator,
            localVarianceDenominator: privacy.localScaledVariance.denominator, delta: settings.delta,
            epsilonRound: budget.epsilonRound, epsilonCumulative: budget.epsilonAfter,
            budgetEpsilon: settings.budgetEpsilon, colludingClients: privacy.colludingClients,
            beta: privacy.beta, modClipProbability: privacy.modClipProbability,
            skipSlack: plan.skipSlack > 0 ? plan.skipSlack : nil,
            accountant: budget.spendAfter.effectiveAccountant.rawValue,
            discretization: budget.spendAfter.effectiveAccountant == .pld ? budget.spendAfter.discretization : nil)
        do { try ledger?.append(.roundCharged(record)) } catch { throw .ledger(error) }
        round.charged = true
        spend = budget.spendAfter
    }

    /// Records a round of a sampled run whose sample could not run the protocol (``SampledRound/skip(_:reason:)``):
    /// `round_planned`, then — with DP — the charge (the sampled mechanism's composition counts every round,
    /// whatever its sample: charging it keeps the accounting a proof), then `round_failed` with `reason`. Refused
    /// like any round when the charge would exceed the budget.
    public mutating func skip(_ plan: RoundPlan, noiseMultiplier z: Double?, reason: FedCoreError) throws(FedCoreError) {
        var round = try planned(plan, noiseMultiplier: z)
        if plan.privacy != nil { try charge(&round) }
        let recorded = fail(round, error: reason)
        if case .output = recorded { throw recorded }
    }

    /// Closes a round whose average was recovered: `round_completed` and `round_closed` in the audit log, then
    /// `round_completed` in the ledger with the audit head hash.
    public mutating func complete(_ round: OpenRound, survivors: [UInt32], outputHash: String) throws(FedCoreError) {
        let r = round.plan.round
        var head: String?
        if let audit {
            try audit.appendEvent(
                .roundCompleted(AuditRoundCompleted(round: r, survivors: survivors.count, outputHash: outputHash)))
            head = try audit.closeAuditedRound(r)
        }
        do {
            try ledger?.append(
                .roundCompleted(
                    RoundCompleted(
                        round: r, survivors: survivors.count, survivorIds: survivors.map { Int($0) },
                        outputHash: outputHash, auditHeadHash: head)))
        } catch { throw .ledger(error) }
    }

    /// Closes a failed round: `round_failed` and `round_closed` in the audit log, `round_failed` in the ledger
    /// (a charged round stays charged). Returns the error to report: `error` itself, or the failure to record
    /// it (an incomplete audit trail or ledger is the graver problem).
    public mutating func fail(_ round: OpenRound, error: FedCoreError) -> FedCoreError {
        let r = round.plan.round
        let reason = error.description
        do {
            var head: String?
            if let audit {
                // The audit log charges DP rounds only (a round without noise says so in round_planned).
                let auditCharged = round.charged && round.plan.privacy != nil
                try audit.appendEvent(.roundFailed(AuditRoundFailed(round: r, reason: reason, charged: auditCharged)))
                head = try audit.closeAuditedRound(r)
            }
            do {
                try ledger?.append(
                    .roundFailed(RoundFailed(round: r, reason: reason, charged: round.charged, auditHeadHash: head)))
            } catch { throw FedCoreError.ledger(error) }
            return error
        } catch {
            return .output("round \(r) failed (\(reason)) and its failure could not be recorded: \(error)")
        }
    }

    /// Writes `run_closed` (every planned round counted, ε cumulative of the charged rounds: a release without
    /// noise shows in the log as a completed round whose `round_planned` has no noise, and `audit verify`
    /// reports ∞ for it); later calls do nothing.
    public func closeRun() throws(FedCoreError) {
        let epsilon = (try? spend.epsilon(delta: settings.delta)) ?? .nan
        try audit?.closeAuditedRun(rounds: plannedRounds, epsilonCumulative: epsilon)
    }
}
