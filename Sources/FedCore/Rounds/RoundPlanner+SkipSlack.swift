import DPNoise
import Foundation
import SecureAgg

/// The δ a sampled run spends on skipped rounds (Docs/privacy.md, "Skipped rounds").
extension RoundPlanner {
    /// The largest share of δ a sampled run's skip event may take before the run is refused: δ/10.
    public static let maximumSkipShareOfDelta = 0.1

    /// The graph and survivors a round of a sampled run gets when its sample has `n` clients and the run's noise
    /// is planned for `minSurvivors`; nil when the sample is skipped (fewer than max(2, M) clients, no safe graph,
    /// or more survivors needed than it has). A function of `n` alone: whether a round is skipped depends only on
    /// the sample's size.
    static func sampledRound(clients n: Int, minSurvivors: Int, settings: SimulationSettings) -> (GraphParameters, Int)? {
        guard n >= max(2, minSurvivors), let graph = try? graph(clients: n, settings: settings) else { return nil }
        let floor = SecurityFloor.minimumSurvivors(cohort: n, threshold: graph.threshold, colluders: settings.colludingClients)
        let m = max(minSurvivors, floor)
        return m <= n ? (graph, m) : nil
    }

    /// η, the per-round skip slack of a run sampling `population` clients at q = `settings.samplingRate` with
    /// noise planned for M = `minimumSurvivors`: the probability, over the other clients' sample R and one
    /// client's coin, that this client's inclusion changes whether the round is skipped,
    /// η = q · Σ_k 1[run(k) ≠ run(k + 1)] · P[Binomial(N − 1, q) = k].
    /// Samples below M never run, so only k ≥ M − 1 can flip; k from M − 1 up to where the pmf is below 1e-40
    /// (beyond the mean) are checked one by one with the planner's own rule (``sampledRound(clients:minSurvivors:settings:)``),
    /// and the rest is bounded by the binomial upper tail (Bernstein). When every sample of at least M clients
    /// runs this is q · P[Binomial(N − 1, q) = M − 1] (``CohortSampling/skipSlack(population:rate:minimumCohort:)``).
    /// 0 for a fixed cohort (q = 1 or none).
    public static func skipSlack(population: Int, minimumSurvivors m: Int, settings: SimulationSettings) -> Double {
        var safe: [Int: Bool] = [:]
        return skipSlack(population: population, minimumSurvivors: m, settings: settings, safeSizes: &safe)
    }

    /// ``skipSlack(population:minimumSurvivors:settings:)`` with a cache of whether a sample of k clients can run
    /// at all (a safe graph whose survivor floor it meets), which does not depend on M: run_M(k) is k ≥ max(2, M)
    /// and that.
    static func skipSlack(
        population: Int, minimumSurvivors m: Int, settings: SimulationSettings, safeSizes: inout [Int: Bool]
    ) -> Double {
        guard let q = settings.samplingRate, q > 0, q < 1, population >= 2 else { return 0 }
        func runs(_ k: Int) -> Bool {
            guard k >= max(2, m) else { return false }
            if let known = safeSizes[k] { return known }
            let safe = sampledRound(clients: k, minSurvivors: 0, settings: settings) != nil
            safeSizes[k] = safe
            return safe
        }
        let trials = population - 1
        let mean = Double(trials) * q
        var slack = 0.0
        var k = max(0, m - 1)
        var runsAtK = runs(k)
        while k <= trials {
            let logP = CohortSampling.binomialLogPMF(trials: trials, rate: q, successes: k)
            if Double(k) > mean && logP < -92 {  // e^-92 ≈ 1e-40: bound everything from here on by the tail
                slack += CohortSampling.binomialUpperTailBound(trials: trials, rate: q, atLeast: k)
                break
            }
            let runsAfter = runs(k + 1)
            if runsAfter != runsAtK { slack += Foundation.exp(logP) }
            runsAtK = runsAfter
            k += 1
        }
        return q * slack
    }

    /// Refuses, before round 1, a sampled run whose skip event would take δ/10 or more: e^ε·T·η ≥ δ/10 at the
    /// ε the run may reach (`epsilonCap`: the target of a calibrated run, else the accountant's ε at 0.9·δ).
    /// The sentence names the largest `--min-survivors` whose exact η brings the share under δ/20, or says to use a
    /// fixed cohort (or a lower dropout, or a larger population) when none does.
    ///
    /// - Throws: ``FedCoreError/invalidSettings(_:)``.
    public static func checkSkipSlack(
        _ slack: Double, epsilonCap: Double, population: Int, minimumSurvivors m: Int, colluders: Int,
        settings: SimulationSettings
    ) throws(FedCoreError) {
        guard slack > 0, let q = settings.samplingRate, q < 1 else { return }
        let delta = settings.delta
        let rounds = Double(settings.rounds)
        let share = Foundation.exp(epsilonCap) * rounds * slack
        guard !(share < maximumSkipShareOfDelta * delta) else { return }
        // The largest M′ < M whose exact η (the planner's rule, samples that cannot be made safe included) keeps
        // the share under δ/20 — lowering M does not help against sizes no safe graph exists for.
        var suggestion: Int?
        var safe: [Int: Bool] = [:]
        var candidate = m - 1
        while candidate > colluders {
            let eta = skipSlack(population: population, minimumSurvivors: candidate, settings: settings, safeSizes: &safe)
            if Foundation.exp(epsilonCap) * rounds * eta < maximumSkipShareOfDelta * delta / 2 {
                suggestion = candidate
                break
            }
            candidate -= 1
        }
        let advice = suggestion.map {
            "lower --min-survivors to \($0) or fewer (the noise is then calibrated for \($0 - colluders) honest shares), "
                + "or use a fixed cohort (--sampling-rate 1)"
        } ?? "no --min-survivors above the \(colluders) noise colluder(s) makes it small enough (small samples cannot be "
            + "given a safe graph at --dropout \(settings.dropoutFraction)): use a fixed cohort (--sampling-rate 1), a lower "
            + "--dropout, or sample from more clients"
        throw .invalidSettings(
            "a sampled round is skipped when its sample has too few clients, and one client's presence can decide "
                + "that: with \(population) clients at --sampling-rate \(q), minimum survivors \(m) and \(settings.rounds) "
                + "rounds this costs δ_skip = e^ε·T·η = \(String(format: "%.3g", share)), not below --delta \(delta) / 10, so the "
                + "run cannot promise its δ; \(advice). The run was not started")
    }

    /// ``checkSkipSlack(_:epsilonCap:population:minimumSurvivors:colluders:settings:)`` for the run whose typical
    /// round is `plan` (``expectedPlan(round:clients:dimension:settings:noiseMultiplier:bits:skipSlack:)``): ε is
    /// capped by the target of a calibrated run, else by the accountant's ε for T such rounds at 0.9·δ (a run that
    /// passes has e^ε·T·η < δ/10, so its ε, accounted at δ − e^ε·T·η > 0.9·δ, is below that cap).
    public static func checkSkipSlack(of plan: RoundPlan, population: Int, settings: SimulationSettings) throws(FedCoreError) {
        guard plan.skipSlack > 0, let privacy = plan.privacy else { return }
        let cap: Double
        if case let .targetEpsilon(target) = settings.noise {
            cap = target
        } else {
            do {
                cap = try privacy.epsilon(
                    samplingRate: plan.samplingRate, steps: settings.rounds,
                    delta: (1 - maximumSkipShareOfDelta) * settings.delta
                ).epsilon
            } catch { throw .accounting(error) }
        }
        try checkSkipSlack(
            plan.skipSlack, epsilonCap: cap, population: population, minimumSurvivors: privacy.minimumSurvivors,
            colluders: privacy.colludingClients, settings: settings)
    }
}
