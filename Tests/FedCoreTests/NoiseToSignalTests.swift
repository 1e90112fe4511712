import DPNoise
import Foundation
import Testing

@testable import FedCore

/// The noise-to-signal figure `simulate` and `serve` report and warn on (issue 19): it must predict the error
/// a run actually measures, and its advice must be the cohort that brings the ratio down.
@Suite struct NoiseToSignalTests {
    @Test func ratioAndAdviceFollowTheFormula() {
        let a = NoiseToSignal(noiseStddev: 0.01, dimension: 40_000, clip: 1, survivors: 10)
        #expect(abs(a.noiseNorm - 2) < 1e-12)  // 0.01 · √40000
        #expect(abs(a.ratio - 2) < 1e-12)
        #expect(a.noiseDominates)
        // σ_avg ∝ 1/n: 10 · 2 / 0.5 = 40 survivors give ratio 0.5.
        #expect(a.survivorsFor(ratio: 0.5) == 40)
        let advised = NoiseToSignal(noiseStddev: 0.01 * 10 / 40, dimension: 40_000, clip: 1, survivors: 40)
        #expect(abs(advised.ratio - 0.5) < 1e-12)
        let warning = a.warning(round: 3) ?? ""
        #expect(warning.contains("round 3"))
        #expect(warning.contains("mostly noise"))
        #expect(warning.contains("40 clients per round"))
        #expect(NoiseToSignal(noiseStddev: 0.001, dimension: 10_000, clip: 1, survivors: 10).warning(round: 1) == nil)
        #expect(NoiseToSignal(noiseStddev: 0, dimension: 10_000, clip: 1, survivors: 10).ratio == 0)
    }

    /// A DP round whose noise dominates: the reported noise norm predicts the measured error (rms · √d) within
    /// 10 %, the ratio is above 1, and a cohort of the advised size brings the measured ratio below 1.
    @Test func reportedNoiseNormPredictsTheMeasuredError() throws {
        let layout = try ModelLayout(tensors: [("w", .f32, [4096])])
        func run(clients: Int) throws -> RoundReport {
            let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 5), clients: clients)
            var settings = SimulationSettings()
            settings.rounds = 1
            settings.seed = 3
            settings.dropoutFraction = 0
            settings.blockSize = 4096
            settings.noise = .noiseMultiplier(1)
            var simulation = try FederatedSimulation(
                settings: settings, model: [Double](repeating: 0, count: layout.parameterCount), source: source,
                ledger: nil)
            return try #require(try simulation.run().first)
        }
        let small = try run(clients: 5)
        #expect(small.noiseToSignal > 1)
        let measuredNorm = small.rmsError * Double(layout.parameterCount).squareRoot()
        #expect(abs(measuredNorm / small.noiseNorm - 1) < 0.1, "measured \(measuredNorm), predicted \(small.noiseNorm)")
        let advice = NoiseToSignal(
            noiseStddev: small.noiseStddev, dimension: layout.parameterCount, clip: 1, survivors: small.survivors)
        let larger = try run(clients: advice.survivorsFor(ratio: 0.5))
        let measuredLarger = larger.rmsError * Double(layout.parameterCount).squareRoot()
        #expect(measuredLarger < 1, "the advised cohort still measured noise norm \(measuredLarger) against clip 1")
    }
}
