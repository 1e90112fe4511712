import Foundation
import Sodium
import Testing

@testable import DPNoise

/// Each acceptance step of ``PoissonTable`` alone, against the exact probability it must have (computed here
/// independently in floating point): the κ coin C·h(a)/W_b, the within-bucket acceptance r(j) = h(a ± j)/h(a), and a
/// tail's acceptance C·h(k)/(w·W) — on the fast paths and with every coin forced through its exact comparison.
@Suite struct PoissonTableCoinTests {
    struct Config: Sendable, CustomTestStringConvertible {
        let numerator: UInt64
        let denominator: UInt64
        let cover: UInt64
        let widthDivisor: UInt64
        let slow: Bool
        var lambda: Double { Double(numerator) / Double(denominator) }
        var testDescription: String { "λ=\(numerator)/\(denominator) cover=\(cover) w÷\(widthDivisor) slow=\(slow)" }

        func table() throws -> PoissonTable {
            try PoissonTable(
                numerator: numerator, denominator: denominator, cover: cover, widthDivisor: widthDivisor, slowCoins: slow)
        }
    }

    static let configs: [Config] = [
        Config(numerator: 400, denominator: 1, cover: 12, widthDivisor: 1, slow: false),  // w = 20
        Config(numerator: 400, denominator: 1, cover: 12, widthDivisor: 1, slow: true),
        Config(numerator: 10_001, denominator: 2, cover: 12, widthDivisor: 8, slow: false),  // w = 8
        Config(numerator: 1 << 19, denominator: 1, cover: 12, widthDivisor: 256, slow: false),  // w = 2
        Config(numerator: 1_859_534_548_496, denominator: 131_072, cover: 12, widthDivisor: 256, slow: true),  // w = 14
    ]

    /// h(k) = P(k)/P(m) in floating point (log space).
    static func h(_ k: UInt64, _ t: PoissonTable, _ lambda: Double) -> Double {
        let m = Double(t.mode)
        return exp((Double(k) - m) * log(lambda) - lgamma(Double(k) + 1) + lgamma(m + 1))
    }

    static func anchor(_ t: PoissonTable, _ entry: Int) -> UInt64 {
        entry < t.rightCount ? t.mode + UInt64(entry) * t.width : t.mode - 1 - UInt64(entry - t.rightCount) * t.width
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

    static func expectFrequency(_ f: Double, _ p: Double, draws: Int, _ what: String) {
        let se = (max(0, p * (1 - p)) / Double(draws)).squareRoot()
        #expect(abs(f - p) <= Statistics.zCritical * se + 1e-6, "\(what): frequency \(f) vs \(p)")  // p to ~1e-8 (lgamma)
    }

    /// Buckets probed: the first right and left ones, and one a few widths out on each side.
    static func probedEntries(_ t: PoissonTable) -> [Int] {
        [0, min(3, t.rightCount - 1), t.rightCount, t.rightCount + min(3, t.leftCount - 1)]
    }

    @Test(arguments: configs)
    func kappaCoinHasProbabilityScaleTimesHOverWeight(_ c: Config) throws {
        let t = try c.table()
        let draws = c.slow ? 2_000 : 20_000
        for entry in Self.probedEntries(t) {
            let p = Double(t.scale) * Self.h(Self.anchor(t, entry), t, c.lambda) / Double(t.weights[entry])
            let f = Self.frequency(seed: 10 + UInt64(entry), draws: draws) { words in
                let v = words.next32()
                return v < t.acceptBelow[entry] || t.kappa(entry, v, &words)
            }
            Self.expectFrequency(f, p, draws: draws, "κ of bucket \(entry)")
        }
    }

    @Test(arguments: configs)
    func withinBucketAcceptanceIsTheRatioOfProbabilities(_ c: Config) throws {
        let t = try c.table()
        #expect(t.width > 1)
        let draws = c.slow ? 2_000 : 40_000
        for entry in Self.probedEntries(t) {
            let a = Self.anchor(t, entry)
            let right = entry < t.rightCount
            for j in Set([1, t.width / 2, t.width - 1]) where right || j <= a {
                let p = Self.h(right ? a + j : a - j, t, c.lambda) / Self.h(a, t, c.lambda)
                let f = Self.frequency(seed: 20 + UInt64(entry) * 100 + j, draws: draws) { words in
                    t.withCursor { $0.withinBucket(entry, a, j, right, &words) }
                }
                Self.expectFrequency(f, p, draws: draws, "bucket \(entry), j = \(j)")
            }
        }
    }

    /// A tail proposal is accepted as k with probability C·h(k)/(w·W): tails from 1σ (cover 1) so the acceptance
    /// is frequent enough to count.
    @Test(arguments: [(UInt64(50), UInt64(1), UInt64(1)), (3, 2, 1), (10_001, 2, 8), (400, 1, 1)])
    func tailAcceptanceMatchesTheTargetMass(_ rate: (UInt64, UInt64, UInt64)) throws {
        let t = try PoissonTable(numerator: rate.0, denominator: rate.1, cover: 1, widthDivisor: rate.2)
        let lambda = Double(rate.0) / Double(rate.1)
        let scale = Double(t.scale) / Double(t.width)
        let tailCount = t.rightCount + t.leftCount
        var expectedRight = 0.0
        for k in t.tailStart..<(t.tailStart + 400) { expectedRight += scale * Self.h(k, t, lambda) }
        let draws = 20_000
        let right = Self.frequency(seed: 31 + rate.0, draws: draws) { t.rightTail(&$0) != nil }
        Self.expectFrequency(right, expectedRight / Double(t.weights[tailCount]), draws: draws, "right tail")
        if let l = t.leftTailStart {
            var expectedLeft = 0.0
            for k in 0...l { expectedLeft += scale * Self.h(k, t, lambda) }
            let left = Self.frequency(seed: 41 + rate.0, draws: draws) { t.leftTail(&$0) != nil }
            Self.expectFrequency(left, expectedLeft / Double(t.weights[tailCount + 1]), draws: draws, "left tail")
        }
    }
}
