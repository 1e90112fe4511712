@testable import DPNoise
import Sodium
import Testing

/// The block-streaming encoder and the block-wise decoder against the array forms and a whole-vector oracle.
@Suite struct StreamingEncoderTests {
    static func parameters(dimension: Int, noise: LocalNoise = .none, bits: Int = 32) -> EncodingParameters {
        EncodingParameters(
            dimension: dimension, blockSize: 64, l2Clip: 1, scale: 1000, bits: bits, roundSeed: EncoderTests.seed(3),
            noise: noise)
    }

    /// The whole-vector pipeline (rotation over the full padded vector, Int64 values), for inputs that need no
    /// clipping: every attempt takes a fresh 32-byte key from the generator; block k rounds, then adds its
    /// noise, from ChaCha20 keyed by BLAKE2b(key, k as UInt64 LE); if the rounded vector fails the norm bound,
    /// the whole vector is redone under the next key; then mod 2^b.
    static func wholeVectorOracle(
        _ x: [Double], _ p: EncodingParameters, using rng: inout ChaChaRandom
    ) throws -> [UInt32] {
        let rotation = HadamardRotation(seed: p.roundSeed, blockSizes: p.blockSizes)
        var work = x + [Double](repeating: 0, count: p.paddedDimension - x.count)
        work.withUnsafeMutableBufferPointer { rotation.forward($0) }
        for i in work.indices { work[i] *= p.scale }
        var noised = [Int64](repeating: 0, count: work.count)
        let noise = try NoiseSource(p.noise)
        let check = RoundedNormCheck(parameters: p)
        while true {
            let key = rng.secureBytes(count: 32)
            var norm: UInt128 = 0
            var start = 0
            for (k, size) in p.blockSizes.enumerated() {
                var index = UInt64(k).littleEndian
                let message = withUnsafeBytes(of: &index) { Array($0) }
                var blockRandom = ChaChaRandom.seeded(key: Blake2b.keyedHash(key: key, message: message))
                withRandomWords(&blockRandom, capacity: 2048) { (words: inout RandomWords) in
                    for i in start..<start + size {
                        let f = work[i].rounded(.down)
                        let r = Int64(f) + (Double(words.next() >> 11) < (work[i] - f) * 0x1p53 ? 1 : 0)
                        noised[i] = r
                        norm += UInt128(r.magnitude) * UInt128(r.magnitude)
                    }
                    noised.withUnsafeMutableBufferPointer {
                        noise.add(to: UnsafeMutableBufferPointer(rebasing: $0[start..<start + size]), &words)
                    }
                }
                start += size
            }
            if check.accepts(squaredNorm: norm) { break }
        }
        let mask = UInt64.max >> (64 - p.bits)
        return noised.map { UInt32(truncatingIfNeeded: UInt64(bitPattern: $0) & mask) }
    }

    @Test(arguments: [1, 63, 64, 200, 1000])
    func streamingArrayAndWholeVectorEncodingsAreIdenticalForTheSameGenerator(_ d: Int) throws {
        let p = Self.parameters(dimension: d, noise: .discreteGaussian(varianceNumerator: 9, varianceDenominator: 4), bits: 18)
        let encoder = try DPEncoder(parameters: p)
        var source = ChaChaRandom.seeded(UInt64(d))
        let x = EncoderTests.randomVector(d, &source, magnitude: 0.9 / Double(d).squareRoot())  // ‖x‖ < 1: no clip
        var a = ChaChaRandom.seeded(99)
        var b = ChaChaRandom.seeded(99)
        var c = ChaChaRandom.seeded(99)
        let array = try encoder.encode(x, using: &a)
        var streamed = [UInt32](repeating: 0, count: encoder.paddedDimension)
        var requests: [Range<Int>] = []
        let summary = try streamed.withUnsafeMutableBufferPointer { out in
            try encoder.encode(into: out, using: &b) { (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(Never) in
                requests.append(offset..<offset + block.count)
                for j in block.indices { block[j] = x[offset + j] }
            }
        }
        #expect(streamed == array)
        #expect(try Self.wholeVectorOracle(x, p, using: &c) == array)
        #expect(a.next() == b.next())  // the generators advanced alike
        #expect(summary.clipFactor == 1)
        // Blocks tile 0..<d exactly, once per pass, with at least two passes.
        let perPass = p.blockSizes.count
        #expect(requests.count == perPass * (1 + summary.roundingAttempts))
        var expectedStart = 0
        for r in requests.prefix(perPass) {
            #expect(r.lowerBound == expectedStart && r.count <= 64)
            expectedStart = r.upperBound
        }
        #expect(expectedStart == d)

        // Emitting form: blocks arrive in order tiling the padded vector, once per rounding attempt (each
        // attempt restarting at 0), and the last emission is the encoding.
        var e = ChaChaRandom.seeded(99)
        var emitted = [UInt32](repeating: 0, count: encoder.paddedDimension)
        var starts: [Int] = []
        var next = 0
        let emitSummary = try encoder.encode(using: &e) { (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(Never) in
            for j in block.indices { block[j] = x[offset + j] }
        } emitting: { (offset: Int, values: UnsafeBufferPointer<UInt32>) throws(Never) in
            if offset == 0 { next = 0 }
            starts.append(offset)
            #expect(offset == next)
            for j in values.indices { emitted[offset + j] = values[j] }
            next = offset + values.count
        }
        #expect(emitted == array)
        #expect(next == encoder.paddedDimension)
        #expect(starts.count == perPass * emitSummary.roundingAttempts)
        #expect(starts.filter { $0 == 0 }.count == emitSummary.roundingAttempts)
    }

    @Test func blockwiseDecodingEqualsArrayDecodingBitForBit() throws {
        let p = Self.parameters(dimension: 300, bits: 20)
        let encoder = try DPEncoder(parameters: p)
        let decoder = try DPDecoder(parameters: p)
        var rng = ChaChaRandom.seeded(5)
        let encoded = try (0..<4).map { _ in try encoder.encode(EncoderTests.randomVector(300, &rng), using: &rng) }
        let sum = EncoderTests.modularSum(encoded, bits: 20)
        let whole = try decoder.decode(sum: sum, count: 4)
        var pieces = [Double](repeating: .nan, count: 300)
        try sum.withUnsafeBufferPointer { s in
            try decoder.decode(sum: s, count: 4) { (offset: Int, block: UnsafeBufferPointer<Double>) throws(Never) in
                for j in block.indices { pieces[offset + j] = block[j] }
            }
        }
        #expect(pieces == whole)
    }

    @Test func weightMultipliesTheClippedInput() throws {
        let p = Self.parameters(dimension: 130)
        let encoder = try DPEncoder(parameters: p)
        let decoder = try DPDecoder(parameters: p)
        var rng = ChaChaRandom.seeded(8)
        let x = EncoderTests.randomVector(130, &rng, magnitude: 1)  // ‖x‖ ≈ 6.6: clipped to 1
        var out = [UInt32](repeating: 0, count: encoder.paddedDimension)
        let summary = try out.withUnsafeMutableBufferPointer { o in
            try encoder.encode(weight: 0.25, into: o, using: &rng) { (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(Never) in
                for j in block.indices { block[j] = x[offset + j] }
            }
        }
        #expect(abs(summary.inputNorm - EncoderTests.norm(x)) < 1e-12)
        #expect(abs(summary.clipFactor - 1 / EncoderTests.norm(x)) < 1e-15)
        let decoded = try decoder.decode(sum: out, count: 1)
        let expected = EncoderTests.clipped(x, 1).map { $0 * 0.25 }
        for j in 0..<130 { #expect(abs(decoded[j] - expected[j]) <= decoder.roundingErrorBound(clients: 1) + 1e-12) }
    }

    @Test func readerThatChangesBetweenPassesIsRefused() throws {
        let encoder = try DPEncoder(parameters: Self.parameters(dimension: 100))
        var out = [UInt32](repeating: 0, count: encoder.paddedDimension)
        var calls = 0
        var rng = ChaChaRandom.seeded(1)
        #expect(throws: StreamingEncodingError<Never>.self) {
            try out.withUnsafeMutableBufferPointer { o in
                try encoder.encode(into: o, using: &rng) { (_: Int, block: UnsafeMutableBufferPointer<Double>) throws(Never) in
                    calls += 1
                    for j in block.indices { block[j] = calls > 2 ? 0.02 : 0.01 }  // pass 2 reads other values
                }
            }
        }
    }

    struct ReadFailure: Error, Equatable {}

    @Test func readerErrorsAndNonFiniteValuesStopTheEncoding() throws {
        let encoder = try DPEncoder(parameters: Self.parameters(dimension: 100))
        var out = [UInt32](repeating: 0, count: encoder.paddedDimension)
        var rng = ChaChaRandom.seeded(1)
        out.withUnsafeMutableBufferPointer { o in
            do throws(StreamingEncodingError<ReadFailure>) {
                try encoder.encode(into: o, using: &rng) { (offset: Int, _: UnsafeMutableBufferPointer<Double>) throws(ReadFailure) in
                    if offset > 0 { throw ReadFailure() }
                }
                Issue.record("no error")
            } catch {
                guard case .reader(let e) = error else { Issue.record("\(error)"); return }
                #expect(e == ReadFailure())
            }
            do throws(StreamingEncodingError<Never>) {
                try encoder.encode(into: o, using: &rng) { (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(Never) in
                    for j in block.indices { block[j] = offset + j == 70 ? .nan : 0 }
                }
                Issue.record("no error")
            } catch {
                guard case .encoding(let e) = error else { Issue.record("\(error)"); return }
                #expect(e == .nonFiniteInput(index: 70))
            }
        }
    }
}
