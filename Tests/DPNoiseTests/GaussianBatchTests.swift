import Sodium
import Testing

@testable import DPNoise

/// The encoder draws discrete-Gaussian noise in batches (``DiscreteGaussianSampler/forEachSample(_:_:_:)``, table
/// arrays opened once): a batch must be exactly the samples, and use exactly the words, of one draw at a time.
@Suite struct GaussianBatchTests {
    @Test(
        "a batch gives the samples of single draws, word for word, on the table and CKS paths and the rare paths",
        arguments: [(1, 4, false), (2, 1, false), (100, 12, false), (28_376_000, 12, false), (1_000_000, 1, true)])
    func batchEqualsSingleDraws(_ c: (numerator: UInt64, denominator: UInt64, slow: Bool)) throws {
        let sampler = try DiscreteGaussianSampler(
            varianceNumerator: c.numerator, varianceDenominator: c.denominator, table: c.numerator >= c.denominator,
            tailMultiple: c.slow ? 1 : 12, slowCoins: c.slow)
        let count = 3_000
        var one = ChaChaRandom.seeded(c.numerator)
        var batch = ChaChaRandom.seeded(c.numerator)
        let single = withRandomWords(&one) { (words: inout RandomWords) -> [Int64] in
            let samples = (0..<count).map { _ in sampler.next(&words) }
            return samples + [Int64(bitPattern: words.next())]  // the next word: the same words were used
        }
        let batched = withRandomWords(&batch) { (words: inout RandomWords) -> [Int64] in
            var samples = [Int64](repeating: 0, count: count)
            sampler.forEachSample(count, &words) { samples[$0] = $1 }
            return samples + [Int64(bitPattern: words.next())]
        }
        #expect(batched == single)
        #expect(Set(single.dropLast()).count > 1)
    }
}
