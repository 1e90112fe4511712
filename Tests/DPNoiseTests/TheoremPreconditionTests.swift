@testable import DPNoise
import Testing

/// The distributed discrete Gaussian's theorem (Kairouz, Liu, Steinke 2021, Thm. 1) holds for shares with σ ≥ 1/2;
/// below it nothing is accounted (issue 14.5).
@Suite struct TheoremPreconditionTests {
    @Test func exactBoundaryOfTheVariance() throws {
        let d = ScaledVariance.preferredDenominator
        #expect(DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(try ScaledVariance(numerator: d / 4, denominator: d)))
        #expect(!DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(try ScaledVariance(numerator: d / 4 - 1, denominator: d)))
        #expect(DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(try ScaledVariance(numerator: 1, denominator: 4)))
        #expect(!DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(try ScaledVariance(numerator: 0, denominator: 1)))
        // No overflow for a numerator near 2^62.
        #expect(DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(try ScaledVariance(numerator: 1 << 62, denominator: 1)))
    }

    /// Configurations on either side of σ = 1/2 (found by bisecting z at a coarse 6-bit scale): the one just above
    /// is accounted, the one just below is refused with a sentence naming the minimum; Skellam is not affected.
    @Test func configurationsAtTheBoundary() throws {
        func make(_ z: Double, _ mechanism: DistributedMechanism = .ddgauss) throws -> DistributedDPConfiguration {
            try DistributedDPConfiguration(
                mechanism: mechanism, l2Clip: 1, dimension: 64, minimumSurvivors: 50, noiseMultiplier: z, bits: 6)
        }
        func sigmaAtLeastHalf(_ z: Double) throws -> Bool {
            DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(try make(z).localScaledVariance)
        }
        var low = 1e-3
        var high = 50.0
        #expect(try !sigmaAtLeastHalf(low) && sigmaAtLeastHalf(high))
        for _ in 0..<200 where high - low > 1e-12 * high {
            let middle = (low + high) / 2
            if try sigmaAtLeastHalf(middle) { high = middle } else { low = middle }
        }
        let above = try make(high)
        let below = try make(low)
        #expect(above.localScaledVariance.value >= 0.25 && below.localScaledVariance.value < 0.25)
        #expect(try above.epsilon(samplingRate: 1, steps: 1, delta: 1e-5).epsilon.isFinite)
        #expect {
            _ = try below.epsilon(samplingRate: 1, steps: 1, delta: 1e-5)
        } throws: { error in
            guard let e = error as? DPNoiseError.Accounting, case .invalidParameter(let name, let reason) = e else { return false }
            return name == .noiseMultiplier && reason.contains("σ = 1/2") && reason.contains("Thm. 1")
        }
        #expect(throws: DPNoiseError.Accounting.self) { try below.rdpCurve(samplingRate: 0.1) }
        // Skellam has no such precondition.
        #expect(try make(low, .skellam).epsilon(samplingRate: 1, steps: 1, delta: 1e-5).epsilon.isFinite)
    }
}
