import Foundation
import Sodium
import Testing

@testable import DPNoise

/// The table path of the discrete Gaussian and its primitives, against exact probabilities.
@Suite struct GaussianTableTests {
    static func frequency(seed: UInt64, draws: Int, _ draw: (inout RandomWords) -> Bool) -> Double {
        var rng = ChaChaRandom.seeded(seed)
        let hits = withRandomWords(&rng) { (words: inout RandomWords) -> Int in
            var hits = 0
            for _ in 0..<draws where draw(&words) { hits += 1 }
            return hits
        }
        return Double(hits) / Double(draws)
    }

    static func expectFrequency(_ f: Double, _ p: Double, draws: Int) {
        let se = (p * (1 - p) / Double(draws)).squareRoot()
        #expect(abs(f - p) <= 6 * se + 1e-12, "frequency \(f) vs \(p)")
    }

    /// 32-bit lazy comparisons: denominators below 2^32, near 2^64 and near 2^90, and probabilities within
    /// 2^-32 of a 32-bit boundary (the continuation path is taken often).
    @Test(arguments: 0..<5)
    func bernoulli32HasFrequencyNOverD(_ index: Int) {
        let cases: [(UInt128, UInt128)] = [
            (3, 7),
            (UInt128(1) << 63 | 12_345, UInt128(UInt64.max) - 4),
            (UInt128(987_654_321) << 60, UInt128(1) << 90 | 17),
            // n/d = 1/2 + 1/(2d): the first 32 bits tie with probability 2^-32 · …; exercises n ← m.
            (UInt128(1) << 40 + 1, UInt128(1) << 41 + 1),
            (1, UInt128(1) << 33),
        ]
        let (n, d) = cases[index]
        let draws = 150_000
        let f = Self.frequency(seed: 90 + UInt64(index), draws: draws) { $0.bernoulli32(n, d) }
        Self.expectFrequency(f, Double(n) / Double(d), draws: draws)
    }

    /// The continuation branch of bernoulli32 (ties on the first 32 bits) forced: with d = 2^32 + 1 and
    /// n = 2^32, n/d = 1 − 1/d; a tie happens when r = 2^32 − 1 … checked through a tiny-denominator case where
    /// ties are frequent: d = 3·2^32, n = 2^32 + 1 (n/d = 1/3 + 1/(3·2^32)).
    @Test func bernoulli32ContinuationIsExact() {
        // Exact check by enumeration is impossible; instead compare frequencies for two probabilities that
        // differ only below 2^-32 — both must be ≈ 1/3.
        let draws = 150_000
        let f = Self.frequency(seed: 99, draws: draws) { $0.bernoulli32(UInt128(1) << 32 + 1, UInt128(3) << 32) }
        Self.expectFrequency(f, 1.0 / 3, draws: draws)
    }

    @Test(arguments: [(UInt128(1), UInt128(3)), (UInt128(999), UInt128(1000)), (UInt128(1) << 60, UInt128(3) << 60)])
    func bernoulliExpMinusFraction32HasFrequencyExpMinusGamma(_ gamma: (UInt128, UInt128)) {
        let draws = 150_000
        let f = Self.frequency(seed: 100 + UInt64(gamma.0 % 1000), draws: draws) {
            $0.bernoulliExpMinusFraction32(gamma.0, gamma.1)
        }
        Self.expectFrequency(f, exp(-Double(gamma.0) / Double(gamma.1)), draws: draws)
    }

    /// The exact big-integer comparison alone (no prefix): Bernoulli(r·e^{−γ}), r up to 2.5 (above 1).
    @Test(arguments: 0..<5)
    func scaledExpComparisonHasFrequencyRExpMinusGamma(_ index: Int) {
        let cases: [(UInt128, UInt128, UInt128, UInt128)] = [
            (1, 1, 1, 3), (3, 2, 1, 2), (5, 2, 1, 1), (1000, 1, 9, 1), (1, 1, 0, 1),
        ]
        let (rn, rd, a, b) = cases[index]
        let draws = 20_000
        let f = Self.frequency(seed: 120 + UInt64(index), draws: draws) {
            $0.lessThanScaledExp(
                rNumerator: BigUInt(rn), rDenominator: BigUInt(rd), gammaNumerator: BigUInt(a),
                gammaDenominator: BigUInt(b), prefix: BigUInt(0), prefixWords: 0)
        }
        Self.expectFrequency(f, min(1, Double(rn) / Double(rd) * exp(-Double(a) / Double(b))), draws: draws)
    }

    @Test func expBoundsBracketExp() {
        let powers = ExpBounds.integerPowers(80)
        for (a, b) in [(UInt128(0), UInt128(1)), (1, 3), (1, 1), (7, 2), (1_000_001, 20_000), (5, 7)] {
            let (lo, hi) = ExpBounds.expMinus(a, b, powers: powers)
            let x = exp(-Double(a) / Double(b))
            let scale = 0x1p127
            #expect(Double(lo) / scale <= x * (1 + 1e-14) && Double(hi) / scale >= x * (1 - 1e-14))
            #expect(hi >= lo && hi - lo < UInt128(1) << 80, "bounds \(lo) \(hi) too far apart")
        }
    }

    struct PathCase: Sendable, CustomTestStringConvertible {
        let numerator: UInt64
        let tailMultiple: UInt64
        let slow: Bool
        var testDescription: String { "σ²=\(numerator) T=\(tailMultiple)σ slow=\(slow)" }
    }

    /// The rare paths forced: every κ coin through the big-integer comparison, and a tail starting at σ or 2σ
    /// (so a large share of draws comes from the geometric tail and its exact acceptance).
    @Test(arguments: [
        PathCase(numerator: 9, tailMultiple: 12, slow: true),
        PathCase(numerator: 1_000_000, tailMultiple: 12, slow: true),
        PathCase(numerator: 2, tailMultiple: 1, slow: false), PathCase(numerator: 100, tailMultiple: 2, slow: false),
        PathCase(numerator: 1_000_000, tailMultiple: 1, slow: false),
    ])
    func forcedRarePathsFitTheExactPMF(_ c: PathCase) throws {
        let sampler = try DiscreteGaussianSampler(
            varianceNumerator: c.numerator, varianceDenominator: 1, table: true, tailMultiple: c.tailMultiple,
            slowCoins: c.slow)
        var rng = ChaChaRandom.seeded(c.numerator &+ c.tailMultiple)
        let samples = sampler.samples(count: c.slow ? 5_000 : 25_000, using: &rng)
        let sigmaSquared = Double(c.numerator)
        let limit = Int64(8 * sigmaSquared.squareRoot() + 3)
        let fit = Statistics.chiSquare(
            samples, support: -limit...limit, pmf: Statistics.discreteGaussianPMF(sigmaSquared: sigmaSquared))
        #expect(
            fit.statistic < Statistics.chiSquareThreshold(fit.degreesOfFreedom),
            "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")
    }

    /// ⌈kσ⌉ table: exact against brute force.
    @Test func ceilingSquareRootIsExact() {
        for (n, d) in [(UInt128(2), UInt128(1)), (9, 4), (1_859_534_548_496, 65_536), (10_000_000_000, 1), (5, 3)] {
            for k in UInt128(0)...64 {
                let s = UInt128(ceilingSquareRoot(numerator: k * k * n, denominator: d))
                #expect(s * s * d >= k * k * n)
                #expect(s == 0 || (s - 1) * (s - 1) * d < k * k * n)
            }
        }
    }
}
