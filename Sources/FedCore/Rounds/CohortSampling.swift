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
    /// sampled round runs, when every sample of at least `m` clients runs and every smaller one is skipped (the
    /// others' sample R has |R| = m − 1 and the client is sampled). The planner's exact value, which also counts
    /// larger samples that cannot be given a safe graph, is ``RoundPlanner/skipSlack(population:minimumSurvivors:settings:)``
    /// (Docs/privacy.md, "Skipped rounds"). 0 when m − 1 is outside 0…N − 1 or q ∉ (0, 1).
    public static func skipSlack(population n: Int, rate q: Double, minimumCohort m: Int) -> Double {
        guard q > 0, q < 1, n >= 1, m - 1 >= 0, m - 1 <= n - 1 else { return 0 }
        return q * Foundation.exp(binomialLogPMF(trials: n - 1, rate: q, successes: m - 1))
    }

    /// log P[Binomial(`trials`, q) = k] from lgamma (−∞ outside 0…trials). Accurate to ~1e-13 relative for the
    /// sizes a run has (checked against exact products in the tests).
    public static func binomialLogPMF(trials n: Int, rate q: Double, successes k: Int) -> Double {
        guard k >= 0, k <= n, n >= 0 else { return -.infinity }
        if q <= 0 { return k == 0 ? 0 : -.infinity }
        if q >= 1 { return k == n ? 0 : -.infinity }
        let (nn, kk) = (Double(n), Double(k))
        let logChoose = Foundation.lgamma(nn + 1) - Foundation.lgamma(kk + 1) - Foundation.lgamma(nn - kk + 1)
        return logChoose + kk * Foundation.log(q) + (nn - kk) * Foundation.log1p(-q)
    }

    /// P[Binomial(`trials`, q) ≤ k], the lower tail, summed in log space from k down (once the terms decrease,
    /// the rest is dropped when a term is below 1e-30 of the sum: at most k·1e-30 relative is lost).
    public static func binomialLowerTail(trials n: Int, rate q: Double, atMost k: Int) -> Double {
        guard k >= 0 else { return 0 }
        guard k < n else { return 1 }
        // The pmf increases up to the mode ⌊(n + 1)q⌋ and decreases after: sum from k downwards.
        let logs = stride(from: k, through: 0, by: -1).lazy.map { binomialLogPMF(trials: n, rate: q, successes: $0) }
        var top = -Double.infinity
        var sum = 0.0  // Σ exp(log − top)
        for value in logs {
            if value > top {
                sum = sum * Foundation.exp(top - value) + 1
                top = value
            } else {
                let term = Foundation.exp(value - top)
                sum += term
                if term < 1e-30 * sum { break }
            }
        }
        return top == -.infinity ? 0 : min(1, Foundation.exp(top) * sum)
    }

    /// An upper bound on P[Binomial(`trials`, q) ≥ k] (Bernstein: exp(−t²/(2(v + t/3))), t = k − nq, v = nq(1 − q));
    /// 1 when k ≤ nq.
    public static func binomialUpperTailBound(trials n: Int, rate q: Double, atLeast k: Int) -> Double {
        guard k <= n else { return 0 }
        let mean = Double(n) * q
        let t = Double(k) - mean
        guard t > 0 else { return 1 }
        let v = mean * (1 - q)
        return min(1, Foundation.exp(-t * t / (2 * (v + t / 3))))
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
