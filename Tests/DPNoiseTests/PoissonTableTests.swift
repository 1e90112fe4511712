import Foundation
import Sodium
import Testing

@testable import DPNoise

/// The O(1) exact Poisson table sampler (``PoissonTable``) and its primitives, against exact probabilities.
/// Fixed seeds; distribution thresholds at level 10^-4.
@Suite struct PoissonTableTests {
    static func poissonSamples(_ sampler: PoissonSampler, count: Int, seed: UInt64) -> [Int64] {
        var rng = ChaChaRandom.seeded(seed)
        var samples = [Int64](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        return samples
    }

    static func expectPoissonFit(_ samples: [Int64], lambda: Double) {
        let lo = max(0, Int64(lambda - 9 * lambda.squareRoot() - 3))
        let hi = Int64(lambda + 9 * lambda.squareRoot() + 12)
        let pmf = Statistics.poissonPMF(lambda: lambda)
        let fit = Statistics.chiSquare(samples, support: lo...hi, pmf: pmf)
        #expect(fit.degreesOfFreedom >= 1)
        #expect(fit.statistic < Statistics.chiSquareCritical(fit.degreesOfFreedom), "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")
        let ks = Statistics.ksDistance(samples, support: lo...hi, pmf: pmf)
        #expect(ks < Statistics.ksCritical(samples.count), "KS=\(ks)")
        let n = Double(samples.count)
        #expect(abs(Statistics.mean(samples) - lambda) < Statistics.zCritical * (lambda / n).squareRoot())
        // Var of s² for Poisson: (2λ² + λ)/n.
        let sd = ((2 * lambda * lambda + lambda) / n).squareRoot()
        #expect(abs(Statistics.variance(samples) - lambda) < Statistics.zCritical * sd)
    }

    @Test(arguments: [
        (UInt64(1), UInt64(200)), (1, 2), (3, 1), (101, 2), (1234, 1), (250_000, 1), (1_048_577, 3), (10_000_000, 1),
    ])
    func tableFitsTheExactPMF(_ rate: (UInt64, UInt64)) throws {
        let sampler = try PoissonSampler(rateNumerator: rate.0, rateDenominator: rate.1)
        #expect(sampler.table != nil)
        let samples = Self.poissonSamples(sampler, count: 100_000, seed: 300 + rate.0 % 1000)
        Self.expectPoissonFit(samples, lambda: Double(rate.0) / Double(rate.1))
    }

    struct PathCase: Sendable, CustomTestStringConvertible {
        let numerator: UInt64
        let denominator: UInt64
        let cover: UInt64
        let widthDivisor: UInt64
        let slow: Bool
        let count: Int
        var testDescription: String { "λ=\(numerator)/\(denominator) cover=\(cover) w÷\(widthDivisor) slow=\(slow)" }
    }

    /// The rare paths forced: tails starting at 1–2 standard deviations (so many draws come from the geometric
    /// tails and their exact acceptance), wide buckets at small λ (within-bucket coins, a partial bucket at 0),
    /// and every κ and shape coin through its exact comparison.
    @Test(arguments: [
        PathCase(numerator: 50, denominator: 1, cover: 1, widthDivisor: 1, slow: false, count: 40_000),  // w = 7
        PathCase(numerator: 50, denominator: 1, cover: 1, widthDivisor: 1, slow: true, count: 10_000),
        PathCase(numerator: 3, denominator: 2, cover: 1, widthDivisor: 1, slow: true, count: 10_000),
        PathCase(numerator: 1000, denominator: 1, cover: 2, widthDivisor: 4, slow: false, count: 40_000),  // w = 7
        PathCase(numerator: 10_001, denominator: 2, cover: 1, widthDivisor: 8, slow: true, count: 5_000),  // w = 8
        PathCase(numerator: 33, denominator: 1, cover: 12, widthDivisor: 1, slow: false, count: 40_000),  // w = 5, partial
        PathCase(numerator: 400, denominator: 1, cover: 12, widthDivisor: 1, slow: false, count: 100_000),  // w = 20
        PathCase(numerator: 33, denominator: 1, cover: 12, widthDivisor: 1, slow: true, count: 10_000),
        PathCase(numerator: 1 << 19, denominator: 1, cover: 12, widthDivisor: 256, slow: true, count: 2_000),  // w = 2
    ])
    func forcedRarePathsFitTheExactPMF(_ c: PathCase) throws {
        let sampler = try PoissonSampler(
            rateNumerator: c.numerator, rateDenominator: c.denominator, table: true, cover: c.cover,
            widthDivisor: c.widthDivisor, slowCoins: c.slow)
        let samples = Self.poissonSamples(sampler, count: c.count, seed: c.numerator &+ c.cover &+ (c.slow ? 1 : 0))
        Self.expectPoissonFit(samples, lambda: Double(c.numerator) / Double(c.denominator))
    }

    /// The table and the window sampler (both exact) agree in distribution.
    @Test(arguments: [(UInt64(3), UInt64(1)), (101, 2), (5000, 1)])
    func tableAndWindowSamplersAgree(_ rate: (UInt64, UInt64)) throws {
        let table = try PoissonSampler(rateNumerator: rate.0, rateDenominator: rate.1)
        let window = try PoissonSampler(rateNumerator: rate.0, rateDenominator: rate.1, table: false)
        let a = Self.poissonSamples(table, count: 60_000, seed: 400 + rate.0)
        let b = Self.poissonSamples(window, count: 60_000, seed: 500 + rate.0)
        let lambda = Double(rate.0) / Double(rate.1)
        let fit = Statistics.twoSampleChiSquare(
            a, b, support: max(0, Int64(lambda - 8 * lambda.squareRoot() - 3))...Int64(lambda + 8 * lambda.squareRoot() + 8))
        #expect(fit.statistic < Statistics.chiSquareCritical(fit.degreesOfFreedom), "χ²=\(fit.statistic) df=\(fit.degreesOfFreedom)")
    }

    static func powerOfTwo(_ e: Int) -> BigUInt { BigUInt(UInt128(1) << UInt128(e % 64)).shiftedLeft(words: e / 64) }

    /// Whether lo·2^e ≤ num/den ≤ hi·2^e, in exact big-integer arithmetic.
    static func brackets(_ x: BoundedFloat, _ numerator: BigUInt, _ denominator: BigUInt) -> Bool {
        let e = x.exponent
        let lo = BigUInt(x.lower(times: 1, shiftedBy: -e))
        let hi = BigUInt(x.upper(times: 1, shiftedBy: -e))
        let scaledNumerator = e <= 0 ? numerator * powerOfTwo(-e) : numerator
        let scaledDenominator = e <= 0 ? denominator : denominator * powerOfTwo(e)
        return !(scaledNumerator < lo * scaledDenominator) && !(hi * scaledDenominator < scaledNumerator)
    }

    /// BoundedFloat's certified bounds hold: long products of 63-bit and small integers, their quotient, and
    /// powers, checked against the exact rationals in big-integer arithmetic.
    @Test func boundedFloatBoundsHoldExactly() {
        let rng = ChaChaRandom.seeded(77)
        for length in [1, 5, 300, 2000] {
            var x = BoundedFloat.one
            var y = BoundedFloat.one
            var numerator = BigUInt(1)
            var denominator = BigUInt(1)
            for i in 0..<length {
                let d = i % 2 == 0 ? rng.next() >> 1 | 1 : UInt64(1 + i % 1000)
                let n = 1 + rng.next() % d
                x.multiply(byInteger: n)
                y.multiply(byInteger: d)
                numerator.multiply(bySmall: n)
                denominator.multiply(bySmall: d)
            }
            #expect(Self.brackets(x, numerator, BigUInt(1)), "product, length \(length)")
            #expect(Self.brackets(x / y, numerator, denominator), "quotient, length \(length)")
            #expect(Self.brackets(y / x * x / y, BigUInt(1), BigUInt(1)), "round trip, length \(length)")
        }
        for (k, p) in [(UInt64(3), UInt64(1)), (1_000_003, 4095), (UInt64.max, 77), (2, 200)] {
            var exact = BigUInt(1)
            for _ in 0..<p { exact.multiply(bySmall: k) }
            #expect(Self.brackets(BoundedFloat.power(k, p), exact, BigUInt(1)), "\(k)^\(p)")
        }
    }

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
        #expect(abs(f - p) <= Statistics.zCritical * se + 1e-12, "frequency \(f) vs \(p)")
    }

    /// The exact interval-refinement comparison against products, including factors above 1.
    @Test(arguments: 0..<4)
    func lessThanProductHasFrequencyOfTheProduct(_ index: Int) {
        let cases: [[(UInt64, UInt64)]] = [
            [(1, 3)], [(5, 2), (1, 7), (3, 4)], [(1 << 40, (1 << 41) + 3), (999, 1000), (7, 8), (2, 3)],
            Array(repeating: (91, 92), count: 64),  // ≈ 1/2, from many factors
        ]
        let factors = cases[index]
        let p = factors.reduce(1.0) { $0 * Double($1.0) / Double($1.1) }
        let draws = 20_000
        let f = Self.frequency(seed: 600 + UInt64(index), draws: draws) { words in
            words.lessThanProduct(prefix: words.next(), count: factors.count, decreasingFrom: index == 1 ? 1 : 0) {
                factors[$0]
            }
        }
        Self.expectFrequency(f, p, draws: draws)
    }
}
