import DPNoise
import Foundation
import Sodium
import Testing

@Suite struct SamplerTests {
    struct GaussianCase: Sendable, CustomTestStringConvertible {
        let numerator: UInt64
        let denominator: UInt64
        let count: Int
        let seed: UInt64
        var sigmaSquared: Double { Double(numerator) / Double(denominator) }
        var testDescription: String { "σ²=\(numerator)/\(denominator)" }
    }

    static let gaussianCases: [GaussianCase] = [
        GaussianCase(numerator: 1, denominator: 10, count: 50_000, seed: 11),  // σ ≈ 0.32
        GaussianCase(numerator: 1, denominator: 2, count: 50_000, seed: 12),  // σ ≈ 0.71
        GaussianCase(numerator: 1, denominator: 1, count: 100_000, seed: 18),  // σ = 1 (Karney path from here)
        GaussianCase(numerator: 9, denominator: 4, count: 100_000, seed: 19),  // σ = 1.5 (⌈σ⌉ > σ: rejections)
        GaussianCase(numerator: 2, denominator: 1, count: 100_000, seed: 20),  // σ = √2, irrational
        GaussianCase(numerator: 9, denominator: 1, count: 100_000, seed: 13),  // σ = 3
        GaussianCase(numerator: 400, denominator: 4, count: 100_000, seed: 14),  // σ = 10, unreduced
        GaussianCase(numerator: 1_000_000, denominator: 1, count: 200_000, seed: 15),  // σ = 1000
        GaussianCase(numerator: 5_000_000, denominator: 3, count: 100_000, seed: 16),  // σ ≈ 1291, rational
        // σ ≈ 5327 with denominator 2^16 (a MiniLM round's calibrated noise): the 128-bit acceptance path.
        GaussianCase(numerator: 1_859_534_548_496, denominator: 65_536, count: 200_000, seed: 17),
        GaussianCase(numerator: 10_000_000_000, denominator: 1, count: 100_000, seed: 22),  // σ = 10^5
        GaussianCase(numerator: 10_000_000_001, denominator: 7, count: 100_000, seed: 23),  // σ ≈ 37 796, irrational
    ]

    @Test(arguments: gaussianCases)
    func discreteGaussianFitsTheExactPMF(_ c: GaussianCase) throws {
        let sampler = try DiscreteGaussianSampler(varianceNumerator: c.numerator, varianceDenominator: c.denominator)
        var rng = ChaChaRandom.seeded(c.seed)
        let samples = sampler.samples(count: c.count, using: &rng)
        let limit = Int64(8 * c.sigmaSquared.squareRoot() + 3)
        let fit = Statistics.chiSquare(
            samples, support: -limit...limit, pmf: Statistics.discreteGaussianPMF(sigmaSquared: c.sigmaSquared))
        #expect(fit.degreesOfFreedom >= 2)
        #expect(fit.statistic < Statistics.chiSquareThreshold(fit.degreesOfFreedom), "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")

        let variance = Statistics.discreteGaussianVariance(sigmaSquared: c.sigmaSquared)
        let n = Double(c.count)
        #expect(abs(Statistics.mean(samples)) < 6 * (variance / n).squareRoot())
        // sd of the sample variance ≈ σ²·√(2/n) (+ a little for the lattice at small σ; use √(3/n)).
        #expect(abs(Statistics.variance(samples) - variance) < 6 * variance * (3 / n).squareRoot() + 1e-9)
    }

    @Test func discreteGaussianBatchAndSingleDrawsAgreeInDistribution() throws {
        var rng = ChaChaRandom.seeded(21)
        let samples = try (0..<20_000).map { _ in
            try DiscreteGaussian.sample(varianceNumerator: 25, varianceDenominator: 1, using: &rng)
        }
        let fit = Statistics.chiSquare(samples, support: -40...40, pmf: Statistics.discreteGaussianPMF(sigmaSquared: 25))
        #expect(fit.statistic < Statistics.chiSquareThreshold(fit.degreesOfFreedom))
    }

    @Test(arguments: [(UInt64(1), UInt64(3)), (1, 1), (5, 2), (7, 1), (0, 1)])
    func bernoulliExpHasFrequencyExpMinusGamma(_ gamma: (UInt64, UInt64)) throws {
        var rng = ChaChaRandom.seeded(31 + gamma.0)
        let n = 100_000
        var hits = 0
        for _ in 0..<n where try BernoulliExp.sample(numerator: gamma.0, denominator: gamma.1, using: &rng) {
            hits += 1
        }
        let p = exp(-Double(gamma.0) / Double(gamma.1))
        let se = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(Double(hits) / Double(n) - p) <= 6 * se + 1e-12)
    }

    @Test func bernoulliHasFrequencyNumeratorOverDenominator() throws {
        var rng = ChaChaRandom.seeded(41)
        let n = 100_000
        var hits = 0
        for _ in 0..<n where try Bernoulli.sample(numerator: 3, denominator: 7, using: &rng) { hits += 1 }
        let p = 3.0 / 7.0
        #expect(abs(Double(hits) / Double(n) - p) <= 6 * (p * (1 - p) / Double(n)).squareRoot())
    }

    @Test(arguments: [(UInt64(1), UInt64(1)), (7, 2), (100, 1)])
    func discreteLaplaceFitsTheExactPMF(_ scale: (UInt64, UInt64)) throws {
        var rng = ChaChaRandom.seeded(51 + scale.0)
        let t = Double(scale.0) / Double(scale.1)
        let samples = try (0..<50_000).map { _ in
            try DiscreteLaplace.sample(scaleNumerator: scale.0, scaleDenominator: scale.1, using: &rng)
        }
        let norm = (exp(1 / t) - 1) / (exp(1 / t) + 1)
        let limit = Int64(12 * t + 3)
        let fit = Statistics.chiSquare(samples, support: -limit...limit) { y in norm * exp(-Double(abs(y)) / t) }
        #expect(fit.statistic < Statistics.chiSquareThreshold(fit.degreesOfFreedom), "χ²=\(fit.statistic)")
    }

    @Test(arguments: [(UInt64(1), UInt64(2)), (3, 1), (101, 2), (1234, 1), (250_000, 1)])
    func poissonFitsTheExactPMF(_ rate: (UInt64, UInt64)) throws {
        let sampler = try PoissonSampler(rateNumerator: rate.0, rateDenominator: rate.1)
        var rng = ChaChaRandom.seeded(61 + rate.0)
        let count = rate.0 > 10_000 ? 10_000 : 50_000
        var samples = [Int64](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let lambda = Double(rate.0) / Double(rate.1)
        let lo = max(0, Int64(lambda - 8 * lambda.squareRoot() - 3))
        let hi = Int64(lambda + 8 * lambda.squareRoot() + 8)
        let fit = Statistics.chiSquare(samples, support: lo...hi, pmf: Statistics.poissonPMF(lambda: lambda))
        #expect(fit.statistic < Statistics.chiSquareThreshold(fit.degreesOfFreedom), "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")
        #expect(abs(Statistics.mean(samples) - lambda) < 6 * (lambda / Double(count)).squareRoot())
    }

    @Test(arguments: [(UInt64(1), UInt64(100)), (100, 1), (1_000_000, 1)])
    func skellamHasTheConfiguredVariance(_ mu: (UInt64, UInt64)) throws {
        let sampler = try SkellamSampler(varianceNumerator: mu.0, varianceDenominator: mu.1)
        var rng = ChaChaRandom.seeded(71 + mu.0)
        let count = mu.0 >= 1_000_000 ? 4_000 : 50_000
        var samples = [Int64](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let variance = Double(mu.0) / Double(mu.1)
        let n = Double(count)
        #expect(abs(Statistics.mean(samples)) < 6 * (variance / n).squareRoot())
        // Var of the sample variance: (2σ⁴ + κ₄)/n with κ₄ = μ for Skellam.
        let sd = ((2 * variance * variance + variance) / n).squareRoot()
        #expect(abs(Statistics.variance(samples) - variance) < 6 * sd)
    }

    /// Regression pin, not a correctness test: these values are whatever the implementation produced for the
    /// seeds when pinned. It only flags a change in the samplers or in how they consume randomness (which
    /// breaks `--seed` reproductions); correctness is the distribution fits above and the property below.
    @Test func regressionPinOfFixedSeedOutputs() throws {
        var rng = ChaChaRandom.seeded(2024)
        let dg = try DiscreteGaussianSampler(varianceNumerator: 100, varianceDenominator: 1).samples(count: 12, using: &rng)
        var rng2 = ChaChaRandom.seeded(2025)
        var sk = [Int64](repeating: 0, count: 12)
        let skellam = try SkellamSampler(varianceNumerator: 100, varianceDenominator: 1)
        sk.withUnsafeMutableBufferPointer { skellam.fill($0, using: &rng2) }
        #expect(dg == Self.pinnedGaussian)
        #expect(sk == Self.pinnedSkellam)
    }

    /// The property the pin stands in for: a sampler's output is a function of the generator's stream alone
    /// (same seed, same samples; an independent stream, different samples). Batches are not prefixes of each
    /// other (the samplers draw ahead), so only whole calls are compared.
    @Test func samplesAreAFunctionOfTheRandomStream() throws {
        let gaussian = try DiscreteGaussianSampler(varianceNumerator: 100, varianceDenominator: 1)
        let skellam = try SkellamSampler(varianceNumerator: 100, varianceDenominator: 1)
        func draw(_ rng: ChaChaRandom) -> [Int64] {
            var r = rng
            var sk = [Int64](repeating: 0, count: 200)
            sk.withUnsafeMutableBufferPointer { skellam.fill($0, using: &r) }
            return gaussian.samples(count: 200, using: &r) + sk
        }
        let a = draw(ChaChaRandom.seeded(2024))
        #expect(a == draw(ChaChaRandom.seeded(2024)))
        #expect(a != draw(ChaChaRandom.seeded(2024).fork(label: "other")))
        #expect(Set(a).count > 10)  // not a constant stream
    }

    /// Re-pinned on 2026-12-04 when σ ≥ 1 moved to the exact table path (GaussianTable), after the χ² fits above
    /// and the forced-path fits of GaussianTableTests passed on it: same distribution, different stream.
    static let pinnedGaussian: [Int64] = [-13, 14, -6, -13, -8, -3, 12, -9, -6, -10, -8, 2]
    /// Re-pinned on 2026-12-04 when SkellamSampler moved to the exact O(1) table sampler (PoissonTable), after the
    /// χ²/KS fits of SkellamSamplerTests, the forced-path fits of PoissonTableTests and the per-coin frequencies of
    /// PoissonTableCoinTests passed on it: same distribution, different stream.
    static let pinnedSkellam: [Int64] = [18, -6, -5, 20, -13, 12, -15, 25, -13, 12, -4, -12]

    /// σ = 0.1: P(Y ≠ 0) ≈ 2·e^-50, so every draw is 0.
    @Test func tinyVarianceDiscreteGaussianIsAlmostSurelyZero() throws {
        let sampler = try DiscreteGaussianSampler(varianceNumerator: 1, varianceDenominator: 100)
        var rng = ChaChaRandom.seeded(5)
        #expect(sampler.samples(count: 20_000, using: &rng).allSatisfy { $0 == 0 })
    }

    @Test func invalidParametersAreRefusedWithTypedErrors() {
        var rng = ChaChaRandom.seeded(1)
        #expect(throws: DPNoiseError.Sampler.zeroDenominator) {
            try DiscreteGaussian.sample(varianceNumerator: 1, varianceDenominator: 0, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.nonPositiveParameter) {
            try DiscreteGaussian.sample(varianceNumerator: 0, varianceDenominator: 1, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try DiscreteGaussianSampler(varianceNumerator: UInt64.max, varianceDenominator: 1)
        }
        #expect(throws: DPNoiseError.Sampler.zeroDenominator) {
            try Skellam.sample(varianceNumerator: 1, varianceDenominator: 0, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.nonPositiveParameter) {
            try Skellam.sample(varianceNumerator: 0, varianceDenominator: 5, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.probabilityAboveOne) {
            try Bernoulli.sample(numerator: 2, denominator: 1, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.zeroDenominator) {
            try BernoulliExp.sample(numerator: 2, denominator: 0, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.nonPositiveParameter) {
            try DiscreteLaplace.sample(scaleNumerator: 0, scaleDenominator: 1, using: &rng)
        }
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try PoissonSampler(rateNumerator: UInt64.max, rateDenominator: 1)
        }
    }

    /// The ends of the supported parameter ranges are accepted (no throw) and give plausible samples: σ² = 1/100
    /// is almost surely 0 (P(Y ≠ 0) ≈ 2·e^-50), σ² = 10^12 (also as an unreduced fraction over 2^20) stays within
    /// 6σ with a sample variance within 6 standard errors (sd of s² ≈ σ²·√(2/n)), rate 0 is always 0.
    @Test func supportedRangeEndsAreAccepted() throws {
        var rng = ChaChaRandom.seeded(3)
        for _ in 0..<200 {
            #expect(try DiscreteGaussian.sample(varianceNumerator: 1, varianceDenominator: 100, using: &rng) == 0)
            #expect(try Poisson.sample(rateNumerator: 0, rateDenominator: 1, using: &rng) == 0)
        }
        let variance = 1e12
        let n = 2000
        for (numerator, denominator): (UInt64, UInt64) in [(1_000_000_000_000, 1), (1_000_000_000_000 << 20, 1 << 20)] {
            var samples: [Int64] = []
            for _ in 0..<n {
                samples.append(
                    try DiscreteGaussian.sample(
                        varianceNumerator: numerator, varianceDenominator: denominator, using: &rng))
            }
            #expect(samples.allSatisfy { abs(Double($0)) <= 6 * variance.squareRoot() })
            let sampleVariance = samples.reduce(0) { $0 + Double($1) * Double($1) } / Double(n)
            #expect(abs(sampleVariance - variance) < 6 * variance * (2 / Double(n)).squareRoot())
        }
    }
}
