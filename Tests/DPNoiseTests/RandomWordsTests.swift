@testable import DPNoise
import Sodium
import Testing

/// The word pool's wide draws, against their exact probabilities.
@Suite struct RandomWordsTests {
    /// (d, n) pairs for Bernoulli(n/d) with d ≥ 2^64: n sharing d's high word, n's high word 0, d's high
    /// word 1 (the mask is a single bit), and large high words.
    static let wideCases: [(UInt128, UInt128)] = {
        let d1: UInt128 = UInt128(3) << 64 | 5
        let d2: UInt128 = UInt128(1) << 64 | UInt128(UInt64.max)
        let d3: UInt128 = UInt128(1_000_003) << 64 | 77
        return [
            (d1, d1 / 3),
            (d1, UInt128(3) << 64),
            (d1, UInt128(1) << 63),
            (d2, UInt128(1) << 64 | UInt128(1) << 63),
            (d3, UInt128(777_777) << 64 | 12_345),
        ]
    }()

    /// The lazy 128-bit comparison draws the low word only when the answer depends on it; the frequency must
    /// still be n/d.
    @Test(arguments: 0..<5)
    func lazyWideBernoulliHasFrequencyNOverD(_ index: Int) {
        let (d, n) = Self.wideCases[index]
        let p = Double(n) / Double(d)
        var rng = ChaChaRandom.seeded(UInt64(index) + 41)
        let draws = 200_000
        let hits = withRandomWords(&rng) { (words: inout RandomWords) -> Int in
            var count = 0
            for _ in 0..<draws where words.bernoulli(n, d) { count += 1 }
            return count
        }
        let frequency = Double(hits) / Double(draws)
        let sd = (p * (1 - p) / Double(draws)).squareRoot()
        #expect(abs(frequency - p) < 6 * sd + 1e-12, "frequency \(frequency), p = \(p)")
    }
}
