import DPNoise

/// What running a planned round costs in privacy, given what was spent before: ε before, after and alone
/// (RDP curves added, then converted at the run's δ). Refuses a round that would push the total past the
/// budget before anything of it starts, and (``checkRun(_:after:settings:)``) a run whose planned rounds cannot
/// all fit before round 1. A round without noise costs ε = ∞: it is refused whenever a budget is set.
public struct RoundBudget: Sendable {
    /// The spend including this round (commit it once the round is charged).
    public let spendAfter: PrivacySpend
    public let epsilonBefore: Double
    public let epsilonAfter: Double
    /// ε of this round on its own.
    public let epsilonRound: Double

    /// The one round `plan`, on top of `spend` (its skip slack η included, see ``PrivacySpend``).
    /// - Throws: ``FedCoreError/unprotectedRoundRefused(round:budget:)`` for a round without noise under a budget,
    ///   ``FedCoreError/invalidSettings(_:)`` when the skip slack charged so far leaves no finite ε at δ,
    ///   ``FedCoreError/budgetExhausted(round:spent:needed:budget:)`` when `settings.budgetEpsilon` would be
    ///   exceeded; `.accounting` when the parameters cannot be accounted.
    public static func check(
        _ plan: RoundPlan, after spend: PrivacySpend, settings: SimulationSettings
    ) throws(FedCoreError) -> RoundBudget {
        let budget = try projecting(plan, rounds: 1, after: spend, settings: settings)
        if plan.privacy != nil, !spend.releasedWithoutNoise, !budget.epsilonAfter.isFinite {
            // Only the skip slack of sampled rounds can make a noised spend's ε infinite (δ − e^ε·Σ η ≤ 0).
            throw .invalidSettings(
                "round \(plan.round) would leave no finite ε at --delta \(settings.delta): the sampled rounds charged so "
                    + "far (this ledger included) use up δ through rounds skipped for a too-small sample; no further round "
                    + "can be charged with a finite ε at this δ. Nothing of the round was started")
        }
        if let limit = settings.budgetEpsilon, budget.epsilonAfter > limit {
            throw .budgetExhausted(
                round: plan.round, spent: budget.epsilonBefore, needed: budget.epsilonAfter, budget: limit)
        }
        return budget
    }

    /// The whole run before round 1: `settings.rounds` rounds like `plan` (planned for the expected cohort) on top
    /// of `spend`. Calibration aims ε at the budget itself, so a relative excess below 1e-9 is rounding, not
    /// overspending.
    /// - Throws: ``FedCoreError/unprotectedRoundRefused(round:budget:)`` for rounds without noise under a budget,
    ///   ``FedCoreError/runExceedsBudget(rounds:spent:needed:budget:)`` when the run cannot fit;
    ///   `.accounting` when the parameters cannot be accounted.
    public static func checkRun(
        _ plan: RoundPlan, after spend: PrivacySpend, settings: SimulationSettings
    ) throws(FedCoreError) {
        guard let limit = settings.budgetEpsilon else { return }
        let run = try projecting(plan, rounds: settings.rounds, after: spend, settings: settings)
        if run.epsilonAfter > limit * (1 + 1e-9) {
            throw .runExceedsBudget(
                rounds: settings.rounds, spent: run.epsilonBefore, needed: run.epsilonAfter, budget: limit)
        }
    }

    /// `rounds` rounds like `plan` added to `spend` (RDP curves added, then converted at the run's δ); a round
    /// without noise under a budget is refused before anything is accounted.
    private static func projecting(
        _ plan: RoundPlan, rounds: Int, after spend: PrivacySpend, settings: SimulationSettings
    ) throws(FedCoreError) -> RoundBudget {
        if let limit = settings.budgetEpsilon, plan.privacy == nil {
            throw .unprotectedRoundRefused(round: plan.round, budget: limit)
        }
        var after = spend
        var alone = PrivacySpend(accountant: spend.accountant, discretization: spend.discretization)
        do {
            for _ in 0..<rounds { try add(plan, to: &after) }
            try add(plan, to: &alone)
            return RoundBudget(
                spendAfter: after, epsilonBefore: try spend.epsilon(delta: settings.delta),
                epsilonAfter: try after.epsilon(delta: settings.delta),
                epsilonRound: try alone.epsilon(delta: settings.delta))
        } catch { throw .accounting(error) }
    }

    private static func add(_ plan: RoundPlan, to spend: inout PrivacySpend) throws(DPNoiseError.Accounting) {
        if let privacy = plan.privacy {
            try spend.add(privacy, samplingRate: plan.samplingRate, skipSlack: plan.skipSlack)
        } else {
            spend.addUnprotected()
        }
    }
}
