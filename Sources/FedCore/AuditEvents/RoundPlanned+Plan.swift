import DPNoise

extension RoundPlanned {
    /// The audit record of a round plan, as `simulate` and `serve` both write it. No-DP rounds are recorded with
    /// mechanism `none`, noise multiplier 0 and local variance 0/1.
    ///
    /// With DP, `minSurvivors`, `colludingClients` and `maximumSummands` are the accounting configuration's (what
    /// the noise was calibrated for: for a sampled run, the expected cohort's, not the sample's).
    ///
    /// - Parameters:
    ///   - noiseMultiplier: z of the run (nil without DP).
    ///   - stepsSoFar: rounds charged before this one (including earlier runs replayed from the ledger).
    ///   - delta: δ of the run; `colludingClients`: K, the clients assumed to collude with the server (used
    ///     without DP).
    ///   - accountant: the accountant the run's ε is computed with (recorded with DP only; PLD with its grid step).
    public init(
        plan: RoundPlan, noiseMultiplier z: Double?, stepsSoFar: Int, delta: Double, colludingClients: Int,
        accountant: Accountant = .rdp, discretization: Double = PLDAccountant.defaultDiscretization
    ) {
        let variance: (UInt64, UInt64)
        switch plan.encoding.noise {
        case .none: variance = (0, 1)
        case .discreteGaussian(let n, let d), .skellam(let n, let d): variance = (n, d)
        }
        let mechanism: AuditMechanism = plan.privacy.map { $0.mechanism == .ddgauss ? .ddgauss : .skellam } ?? .none
        self.init(
            round: plan.round, cohortIds: plan.cohort.map { Int($0) }, degree: plan.graph.degree,
            threshold: plan.graph.threshold, bits: plan.encoding.bits, clip: plan.encoding.l2Clip, mechanism: mechanism,
            noiseMultiplier: z ?? 0, minSurvivors: plan.privacy?.minimumSurvivors ?? plan.minSurvivors,
            colludingClients: plan.privacy?.colludingClients ?? colludingClients,
            samplingRate: plan.samplingRate, stepsSoFar: stepsSoFar, dimension: plan.encoding.paddedDimension,
            scale: plan.encoding.scale, localVarianceNumerator: variance.0, localVarianceDenominator: variance.1,
            beta: plan.encoding.beta,
            modClipProbability: plan.privacy?.modClipProbability
                ?? DistributedDPConfiguration.defaultModClipProbability,
            delta: delta, maximumSummands: plan.privacy?.maximumSummands ?? plan.cohort.count,
            skipSlack: plan.skipSlack > 0 ? plan.skipSlack : nil,
            accountant: plan.privacy == nil ? nil : accountant.rawValue,
            discretization: plan.privacy != nil && accountant == .pld ? discretization : nil)
    }
}
