import Foundation
import Sodium
import Testing

@testable import FedCore

/// Poisson client sampling as `simulate` and `serve` share it.
@Suite struct CohortSamplingTests {
    @Test func rateOneKeepsEveryoneAndASampleIsAnOrderedSubset() {
        var rng = ChaChaRandom.seeded(3)
        let population = [UInt32]([9, 2, 7, 4, 11])
        #expect(CohortSampling.poisson(population, rate: 1, using: &rng) == population)
        for _ in 0..<50 {
            let sample = CohortSampling.poisson(population, rate: 0.5, using: &rng)
            // Same relative order as the population, no repeats.
            #expect(sample == population.filter { sample.contains($0) })
        }
    }

    @Test func inclusionFrequencyMatchesTheRate() {
        var rng = ChaChaRandom.seeded(17)
        let population = [UInt32](1...1000)
        let draws = 100
        for q in [0.01, 0.3, 0.9] {
            var picked = 0
            for _ in 0..<draws { picked += CohortSampling.poisson(population, rate: q, using: &rng).count }
            let trials = Double(population.count * draws)
            let sigma = (trials * q * (1 - q)).squareRoot()
            #expect(abs(Double(picked) - trials * q) <= 6 * sigma, "q = \(q): \(picked) of \(trials)")
        }
    }

    @Test func plannedCohortIsRoundedAndNeverBelowTwo() {
        #expect(CohortSampling.plannedCohort(population: 100, rate: 0.125) == 13)
        #expect(CohortSampling.plannedCohort(population: 10, rate: 0.01) == 2)
        #expect(CohortSampling.plannedCohort(population: 7, rate: 1) == 7)
    }

    @Test func aSimulatedSampleSmallerThanTwoFailsTheRoundBeforeItIsPlanned() throws {
        let layout = try ModelLayout(tensors: [("w", .f32, [16])])
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 5), clients: 4)
        var settings = SimulationSettings()
        settings.rounds = 1
        settings.noise = .none
        settings.seed = 1
        settings.samplingRate = 1e-12  // a client is included with probability ≈ 1e-12
        settings.dropoutFraction = 0  // the planned cohort of 2 is then safe; the realised sample is what fails
        var simulation = try FederatedSimulation(
            settings: settings, model: [Double](repeating: 0, count: 16), source: source, ledger: nil)
        #expect {
            _ = try simulation.run()
        } throws: { error in
            guard let failure = error as? SimulationError,
                case .cohortTooSmall(let round, let clients, let required) = failure
            else { return false }
            return round == 1 && clients < 2 && required == 2 && failure.exitCode == 1
        }
    }
}
