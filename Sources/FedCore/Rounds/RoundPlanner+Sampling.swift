import DPNoise
import SecureAgg

/// A round of a sampled run (q < 1), planned from the expected cohort (Docs/privacy.md, "Sampled cohorts").
public enum SampledRound: Sendable {
    /// The sample can run the protocol: run the plan.
    case run(RoundPlan)
    /// The sample cannot run the protocol safely (fewer clients than the minimum survivors the noise is planned
    /// for, or no safe graph over it): nothing is released, but the round is charged as planned and recorded as
    /// skipped (``RoundRecorder/skip(_:noiseMultiplier:reason:)``): the sampled mechanism's composition counts
    /// every round whatever its sample. The plan's graph is (0, 0): no protocol runs.
    case skip(RoundPlan, reason: FedCoreError)

    /// The round's plan (the same noise, scale, bits and divisor either way).
    public var plan: RoundPlan {
        switch self {
        case .run(let plan), .skip(let plan, _): plan
        }
    }
}

extension RoundPlanner {
    /// Plans round `round` of a run that samples its cohorts from `population` clients at `settings.samplingRate`
    /// q. Every parameter of the mechanism — minimum survivors M, the per-client noise, scale, bits and the FedAvg
    /// divisor q·N — comes from the expected cohort ``CohortSampling/plannedCohort(population:rate:)``, never from
    /// `sample`, so every round is the same mechanism whatever its sample; only the graph (and the protocol's
    /// survivor floor, which only raises the noise) follows the sample. With q = 1 (or none) this is
    /// ``CohortSampling/requireEnough(_:round:settings:)`` and
    /// ``plan(round:cohort:dimension:settings:noiseMultiplier:bits:roundSeed:)`` of the fixed cohort `sample`, so
    /// a run loop can call this one function for every round.
    ///
    /// - Parameters:
    ///   - sample: the round's Poisson sample (sorted ids).
    ///   - population: N, the clients the sample was drawn from.
    ///   - skipSlack: the run's η (``runSkipSlack(population:settings:)``), recorded with every round's charge;
    ///     computed when nil.
    /// - Throws: ``FedCoreError`` for settings that cannot work for the expected cohort (never for a small
    ///   sample: that is ``SampledRound/skip(_:reason:)``); for a fixed cohort, `.cohortTooSmall` as
    ///   ``CohortSampling/requireEnough(_:round:settings:)``.
    public static func plan(
        round: Int, sample: [UInt32], population: Int, dimension: Int, settings: SimulationSettings,
        noiseMultiplier: Double?, bits: Int?, roundSeed: [UInt8], skipSlack: Double? = nil
    ) throws(FedCoreError) -> SampledRound {
        guard let q = settings.samplingRate, q < 1 else {
            try CohortSampling.requireEnough(sample, round: round, settings: settings)
            return .run(
                try plan(
                    round: round, cohort: sample, dimension: dimension, settings: settings,
                    noiseMultiplier: noiseMultiplier, bits: bits, roundSeed: roundSeed))
        }
        guard population >= 2 else { throw .invalidSettings("sampling needs a population of at least 2 clients") }
        let planned = CohortSampling.plannedCohort(population: population, rate: q)
        let slack: Double
        if let skipSlack { slack = skipSlack } else { slack = try runSkipSlack(population: population, settings: settings) }
        return try sampledPlan(
            round: round, sample: sample, plannedCohort: planned,
            divisor: q * Double(population), dimension: dimension, settings: settings,
            noiseMultiplier: noiseMultiplier, bits: bits, roundSeed: roundSeed, skipSlack: slack)
    }

    /// η of a sampled run over `population` clients (``skipSlack(population:minimumSurvivors:settings:)`` at the
    /// M its noise basis plans for the expected cohort); 0 for a fixed cohort.
    public static func runSkipSlack(population: Int, settings: SimulationSettings) throws(FedCoreError) -> Double {
        guard let q = settings.samplingRate, q < 1 else { return 0 }
        let planned = CohortSampling.plannedCohort(population: population, rate: q)
        let basis = try noiseBasis(
            plannedCohort: planned, summands: summands(plannedCohort: planned, settings: settings), settings: settings)
        return skipSlack(population: population, minimumSurvivors: basis.minSurvivors, settings: settings)
    }

    /// The sampled round of `sample` for a run planned for `planned` clients with FedAvg divisor `divisor`.
    static func sampledPlan(
        round: Int, sample: [UInt32], plannedCohort planned: Int, divisor: Double, dimension: Int,
        settings: SimulationSettings, noiseMultiplier: Double?, bits: Int?, roundSeed: [UInt8], skipSlack: Double
    ) throws(FedCoreError) -> SampledRound {
        let q = settings.samplingRate ?? 1
        let basis = try noiseBasis(
            plannedCohort: planned, summands: summands(plannedCohort: planned, settings: settings), settings: settings)
        let n = sample.count
        let (encoding, configuration) = try encoding(
            basis, clients: max(n, basis.summands), dimension: dimension, settings: settings,
            noiseMultiplier: noiseMultiplier, bits: bits, roundSeed: roundSeed,
            padded: paddedDimension(dimension, blockSize: settings.blockSize))
        func skipped(_ why: String) -> SampledRound {
            .skip(
                RoundPlan(
                    round: round, cohort: sample, graph: GraphParameters(degree: 0, threshold: 0),
                    minSurvivors: basis.minSurvivors, encoding: encoding, privacy: configuration, samplingRate: q,
                    skipSlack: skipSlack, weights: nil, fixedDivisor: divisor),
                reason: .roundSkipped(round: round, clients: n, reason: why))
        }
        let required = max(2, basis.minSurvivors)
        guard n >= required else {
            return skipped("has fewer clients than the \(required) survivors the noise is planned for")
        }
        // The same rule as `sampledRound(clients:minSurvivors:settings:)`, which the skip slack counts.
        let graph: GraphParameters
        do { graph = try self.graph(clients: n, settings: settings) } catch {
            return skipped("cannot be given a safe graph (\(error.description))")
        }
        let floor = SecurityFloor.minimumSurvivors(
            cohort: n, threshold: graph.threshold, colluders: settings.colludingClients)
        let m = max(basis.minSurvivors, floor)
        guard m <= n else { return skipped("would need \(m) survivors (threshold \(graph.threshold)), more than it has") }
        return .run(
            RoundPlan(
                round: round, cohort: sample, graph: graph, minSurvivors: m, encoding: encoding,
                privacy: configuration, samplingRate: q, skipSlack: skipSlack,
                weights: try weights(clients: n, bits: encoding.bits, settings: settings), fixedDivisor: divisor))
    }
}
