import Foundation
import Sodium
import Testing

@testable import DPNoise

/// The Skellam sampler on its O(1) table path (``PoissonTable``), against the exact Skellam pmf
/// e^{−μ}·I_|k|(μ) and against the old O(√μ) window sampler. Fixed seeds; thresholds at level 10^-4.
@Suite struct SkellamSamplerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let numerator: UInt64
        let denominator: UInt64
        let count: Int
        var mu: Double { Double(numerator) / Double(denominator) }
        var testDescription: String { "μ=\(numerator)/\(denominator)" }
    }

    static let cases: [Case] = [
        Case(numerator: 1, denominator: 100, count: 100_000),  // λ = 1/200: almost always 0
        Case(numerator: 1, denominator: 1, count: 100_000),
        Case(numerator: 7, denominator: 3, count: 100_000),  // rational
        Case(numerator: 100, denominator: 1, count: 100_000),
        Case(numerator: 10_001, denominator: 1, count: 100_000),  // λ = 5000.5: w = 1 buckets, a left tail
        Case(numerator: 1 << 20, denominator: 1, count: 200_000),  // λ = 2^19: w = 2 (within-bucket coins)
        Case(numerator: (1 << 20) + 1, denominator: 7, count: 100_000),  // irrational σ, denominator 14
        // The MiniLM round's calibrated variance (denominator 2^16; λ ≈ 1.4·10^7, w = 14).
        Case(numerator: 1_859_534_548_496, denominator: 65_536, count: 100_000),
    ]

    @Test(arguments: cases)
    func skellamFitsTheExactPMF(_ c: Case) throws {
        let sampler = try SkellamSampler(varianceNumerator: c.numerator, varianceDenominator: c.denominator)
        #expect(sampler.poisson.table != nil)
        var rng = ChaChaRandom.seeded(700 + c.numerator % 1000)
        var samples = [Int64](repeating: 0, count: c.count)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let pmf = Statistics.skellamPMF(mu: c.mu)
        let limit = Int64(9 * c.mu.squareRoot() + 4)
        let fit = Statistics.chiSquare(samples, support: -limit...limit, pmf: pmf)
        #expect(fit.degreesOfFreedom >= 1)
        #expect(fit.statistic < Statistics.chiSquareCritical(fit.degreesOfFreedom), "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")
        let ks = Statistics.ksDistance(samples, support: -limit...limit, pmf: pmf)
        #expect(ks < Statistics.ksCritical(c.count), "KS=\(ks)")

        // Mean 0 and variance μ within the 10^-4 intervals (Var of s² = (2μ² + κ₄)/n with κ₄ = μ).
        let n = Double(c.count)
        let z = Statistics.zCritical
        #expect(abs(Statistics.mean(samples)) < z * (c.mu / n).squareRoot())
        let sd = ((2 * c.mu * c.mu + c.mu) / n).squareRoot()
        #expect(abs(Statistics.variance(samples) - c.mu) < z * sd, "s²=\(Statistics.variance(samples))")
    }

    /// The test's own reference: the Miller-recurrence pmf equals the convolution of two Poisson(μ/2) pmfs.
    @Test(arguments: [0.01, 1.0, 7.0 / 3, 100])
    func skellamReferencePMFIsTheDifferenceOfTwoPoissons(_ mu: Double) {
        let poisson = Statistics.poissonPMF(lambda: mu / 2)
        let pmf = Statistics.skellamPMF(mu: mu)
        let top = Int64(mu + 12 * mu.squareRoot() + 30)
        for k in Int64(-20)...20 {
            var direct = 0.0
            for x in max(0, k)...top { direct += poisson(x) * poisson(x - k) }
            #expect(abs(pmf(k) - direct) <= 1e-12 + 1e-9 * direct, "k=\(k): \(pmf(k)) vs \(direct)")
        }
    }

    /// For small μ the table sampler and the old window sampler (both exact) agree in distribution.
    @Test(arguments: [(UInt64(1), UInt64(1)), (7, 3), (50, 1), (10_001, 1)])
    func tableAndWindowSamplersAgree(_ mu: (UInt64, UInt64)) throws {
        let table = try SkellamSampler(varianceNumerator: mu.0, varianceDenominator: mu.1)
        let window = try SkellamSampler(varianceNumerator: mu.0, varianceDenominator: mu.1, table: false)
        #expect(table.poisson.table != nil && window.poisson.table == nil)
        let count = 60_000
        var rng = ChaChaRandom.seeded(800 + mu.0)
        var a = [Int64](repeating: 0, count: count)
        var b = [Int64](repeating: 0, count: count)
        a.withUnsafeMutableBufferPointer { table.fill($0, using: &rng) }
        b.withUnsafeMutableBufferPointer { window.fill($0, using: &rng) }
        let sigma = (Double(mu.0) / Double(mu.1)).squareRoot()
        let limit = Int64(8 * sigma + 4)
        let fit = Statistics.twoSampleChiSquare(a, b, support: -limit...limit)
        #expect(fit.degreesOfFreedom >= 1)
        #expect(fit.statistic < Statistics.chiSquareCritical(fit.degreesOfFreedom), "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")
    }

    /// Parameters outside the supported range are refused with typed errors (never a trap), and the ends of the
    /// range are accepted.
    @Test func outOfRangeParametersAreRefusedWithTypedErrors() throws {
        #expect(throws: DPNoiseError.Sampler.zeroDenominator) { try SkellamSampler(varianceNumerator: 5, varianceDenominator: 0) }
        #expect(throws: DPNoiseError.Sampler.nonPositiveParameter) { try SkellamSampler(varianceNumerator: 0, varianceDenominator: 3) }
        // 2·denominator overflows.
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try SkellamSampler(varianceNumerator: 1, varianceDenominator: UInt64.max)
        }
        // λ = μ/2 above 2^40.
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try SkellamSampler(varianceNumerator: (1 << 41) + 2, varianceDenominator: 1)
        }
        // D·(T + 1) ≥ 2^63: λ ≈ 2^20 with a 2^43 denominator, and λ = 2^-63 (T = 13, D = 2^63).
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try SkellamSampler(varianceNumerator: (1 << 63) - 1, varianceDenominator: 1 << 42)
        }
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try SkellamSampler(varianceNumerator: 1, varianceDenominator: 1 << 62)
        }
        #expect(throws: DPNoiseError.Sampler.parameterOutOfRange) {
            try PoissonSampler(rateNumerator: UInt64.max, rateDenominator: 1)
        }
        // Large and tiny ends: μ = 2^33 (the range goes on to 2^41, whose O(√μ) table build is slow in a debug
        // build; dpnoise-bench draws from it), and μ = 2^-40.
        let large = try SkellamSampler(varianceNumerator: 1 << 33, varianceDenominator: 1)
        let tiny = try SkellamSampler(varianceNumerator: 1, varianceDenominator: 1 << 40)
        var rng = ChaChaRandom.seeded(9)
        let draws = (0..<200).map { _ in large.sample(using: &rng) }
        #expect(draws.allSatisfy { abs(Double($0)) < 6 * 0x1p33.squareRoot() })
        #expect(Set(draws).count > 150)
        #expect((0..<2000).allSatisfy { _ in tiny.sample(using: &rng) == 0 })  // P(≠ 0) ≈ 2^-40 per draw
    }

    /// The encoder's Skellam noise is drawn by the table sampler.
    @Test func encoderNoiseUsesTheTableSampler() throws {
        let source = try NoiseSource(.skellam(varianceNumerator: 1_000_000, varianceDenominator: 1))
        guard case .skellam(let sampler) = source else {
            Issue.record("not a Skellam noise source")
            return
        }
        #expect(sampler.poisson.table != nil)
    }
}
