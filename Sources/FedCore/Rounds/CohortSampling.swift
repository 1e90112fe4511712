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

    /// The fewest clients a round's cohort must have before it is planned: 2, or `--min-survivors` when larger.
    public static func minimumCohort(settings: SimulationSettings) -> Int {
        max(2, settings.minSurvivors ?? 2)
    }

    /// Refuses a cohort (typically a Poisson sample) too small for a round: fewer than
    /// ``minimumCohort(settings:)`` clients.
    ///
    /// - Throws: ``SimulationError/cohortTooSmall(round:clients:required:)`` (exit 1: the round failed before
    ///   it was planned; nothing was advertised, charged or released).
    public static func requireEnough(
        _ cohort: [UInt32], round: Int, settings: SimulationSettings
    ) throws(SimulationError) {
        let required = minimumCohort(settings: settings)
        guard cohort.count >= required else {
            throw .cohortTooSmall(round: round, clients: cohort.count, required: required)
        }
    }
}
