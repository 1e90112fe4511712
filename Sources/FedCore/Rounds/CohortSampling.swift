import Foundation

/// Poisson client sampling, shared by the in-process simulation and the gRPC server so both draw cohorts and
/// plan their noise the same way.
public enum CohortSampling {
    /// Poisson sampling: each of `population` independently with probability `rate` (q in (0, 1]), from one
    /// 53-bit uniform draw per id (`next() >> 11 < ⌊q · 2^53⌋`), in the order given. The result keeps that
    /// order and may be empty. Use a generator keyed from the OS entropy source for real runs: the privacy
    /// amplification accounted with q assumes nobody can predict the draws.
    public static func poisson<R: RandomNumberGenerator>(
        _ population: [UInt32], rate: Double, using rng: inout R
    ) -> [UInt32] {
        let threshold = UInt64(rate * 0x1p53)
        return population.filter { _ in (rng.next() >> 11) < threshold }
    }

    /// The cohort size the noise is calibrated for when a population of `population` clients is sampled at
    /// `rate`: max(2, round(population · rate)).
    public static func plannedCohort(population: Int, rate: Double) -> Int {
        max(2, Int((Double(population) * rate).rounded()))
    }

    /// The largest sample a sampled run's rounds are sized for (scale and modular headroom): an upper bound on a
    /// Poisson sample of expected size μ = `plannedCohort` at rate q that holds except with probability ≤ 2^-20
    /// (Bernstein: P(X − μ ≥ t) ≤ exp(−t² / (2(v + t/3))), v = μ(1 − q)). A larger sample still runs: the modular
    /// sum of more inputs wraps more often (a loss of accuracy, never of privacy: the reduction is
    /// post-processing). `plannedCohort` for q = 1.
    public static func summandsBound(plannedCohort: Int, rate q: Double) -> Int {
        guard q < 1, plannedCohort > 0 else { return plannedCohort }
        let mu = Double(plannedCohort)
        let v = mu * (1 - q)
        let l = 20 * Foundation.log(2.0)
        let t = (2 * l / 3 + ((2 * l / 3) * (2 * l / 3) + 8 * l * v).squareRoot()) / 2
        return max(plannedCohort, Int((mu + t).rounded(.up)))
    }

    /// q · P[Binomial(N − 1, q) = m − 1]: the per-round probability that one client's inclusion flips whether a
    /// sampled round with minimum cohort `m` runs or is skipped (the others' sample R has |R| = m − 1 and the client
    /// is sampled). A run of T such rounds holds its (ε, δ) for the released models up to an additive
    /// (1 + e^ε)·T·skipSlack (Docs/privacy.md, "Sampled cohorts"). Computed in log space (lgamma); 0 when m − 1 is
    /// outside 0…N − 1.
    public static func skipSlack(population n: Int, rate q: Double, minimumCohort m: Int) -> Double {
        let k = m - 1
        guard q > 0, q < 1, n >= 1, k >= 0, k <= n - 1 else { return 0 }
        let trials = Double(n - 1)
        let kk = Double(k)
        let logChoose = Foundation.lgamma(trials + 1) - Foundation.lgamma(kk + 1) - Foundation.lgamma(trials - kk + 1)
        return q * Foundation.exp(logChoose + kk * Foundation.log(q) + (trials - kk) * Foundation.log1p(-q))
    }

    /// The fewest clients a round's cohort must have before it is planned: 2, or `--min-survivors` when larger.
    public static func minimumCohort(settings: SimulationSettings) -> Int {
        max(2, settings.minSurvivors ?? 2)
    }

    /// Refuses a cohort (typically a Poisson sample) too small for a round: fewer than
    /// ``minimumCohort(settings:)`` clients.
    ///
    /// - Throws: ``FedCoreError/cohortTooSmall(round:clients:required:)`` (exit 1: the round failed before
    ///   it was planned; nothing was advertised, charged or released).
    public static func requireEnough(
        _ cohort: [UInt32], round: Int, settings: SimulationSettings
    ) throws(FedCoreError) {
        let required = minimumCohort(settings: settings)
        guard cohort.count >= required else {
            throw .cohortTooSmall(round: round, clients: cohort.count, required: required)
        }
    }
}
