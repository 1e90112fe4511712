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

    /// A sampled round whose sample cannot run is skipped, not failed: the run goes on, nothing is released,
    /// and the round is charged (every round of the sampled mechanism counts) and recorded as failed.
    @Test func aSimulatedSampleTooSmallIsSkippedChargedAndTheRunGoesOn() throws {
        let layout = try ModelLayout(tensors: [("w", .f32, [16])])
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 5), clients: 4)
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try PrivacyLedger.open(directory.appendingPathComponent("run.ledger"))
        var settings = SimulationSettings()
        settings.rounds = 2
        settings.noise = .noiseMultiplier(2)
        settings.seed = 1
        settings.samplingRate = 1e-12  // a client is included with probability ≈ 1e-12
        settings.dropoutFraction = 0
        var simulation = try FederatedSimulation(
            settings: settings, model: [Double](repeating: 0, count: 16), source: source, ledger: ledger)
        var skipped: [Int] = []
        let reports = try simulation.run { event in
            if case .roundSkipped(let round, _) = event { skipped.append(round) }
        }
        #expect(reports.isEmpty)
        #expect(skipped == [1, 2])
        #expect(try ledger.chargedRounds.count == 2)
        let failed = try ledger.records().compactMap { if case .roundFailed(let f) = $0 { f } else { nil } }
        #expect(failed.count == 2 && failed.allSatisfy(\.charged))
        #expect(simulation.model == [Double](repeating: 0, count: 16))
    }
}
