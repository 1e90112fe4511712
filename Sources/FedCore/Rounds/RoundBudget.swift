/// What running a planned round costs in privacy, given what was spent before: ε before, after and alone
/// (RDP curves added, then converted at the run's δ). Refuses a round that would push the total past the
/// budget before anything of it starts. A round without noise costs ε = ∞: it is refused whenever a budget
/// is set. Shared by the in-process simulation and the gRPC server.
public struct RoundBudget: Sendable {
    /// The spend including this round (commit it once the round is charged).
    public let spendAfter: PrivacySpend
    public let epsilonBefore: Double
    public let epsilonAfter: Double
    /// ε of this round on its own.
    public let epsilonRound: Double

    /// - Throws: ``SimulationError/budgetExhausted(round:spent:needed:budget:)`` when `settings.budgetEpsilon`
    ///   would be exceeded; `.accounting` when the parameters cannot be accounted.
    public static func check(
        _ plan: RoundPlan, after spend: PrivacySpend, settings: SimulationSettings
    ) throws(SimulationError) -> RoundBudget {
        var after = spend
        var alone = PrivacySpend()
        let budget: RoundBudget
        do {
            if let privacy = plan.privacy {
                try after.add(privacy, samplingRate: plan.samplingRate, skipSlack: plan.skipSlack)
                try alone.add(privacy, samplingRate: plan.samplingRate, skipSlack: plan.skipSlack)
            } else {
                after.addUnprotected()
                alone.addUnprotected()
            }
            budget = RoundBudget(
                spendAfter: after, epsilonBefore: try spend.epsilon(delta: settings.delta),
                epsilonAfter: try after.epsilon(delta: settings.delta),
                epsilonRound: try alone.epsilon(delta: settings.delta))
        } catch { throw .accounting(error) }
        if plan.privacy != nil, !spend.releasedWithoutNoise, !budget.epsilonAfter.isFinite {
            // Only the skip slack of sampled rounds can make a noised spend's ε infinite (δ − e^ε·Σ η ≤ 0).
            throw .invalidSettings(
                "round \(plan.round) would leave no finite ε at --delta \(settings.delta): the sampled rounds charged so "
                    + "far (this ledger included) use up δ through rounds skipped for a too-small sample; no further round "
                    + "can be charged with a finite ε at this δ. Nothing of the round was started")
        }
        if let limit = settings.budgetEpsilon, plan.privacy == nil {
            throw .unprotectedRoundRefused(round: plan.round, budget: limit)
        }
        if let limit = settings.budgetEpsilon, budget.epsilonAfter > limit {
            throw .budgetExhausted(
                round: plan.round, spent: budget.epsilonBefore, needed: budget.epsilonAfter, budget: limit)
        }
        return budget
    }
}
