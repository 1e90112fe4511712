import DPNoise
import Sodium

/// A round's recovered average, decoded block by block.
public struct DecodedAverage: Sendable {
    /// The average (model units, layout order), in the model's precision.
    public let average: FlatParameters
    /// BLAKE2b-256 (hex) of the average as little-endian F64 values: the `output_hash` of reports, ledger
    /// and audit log.
    public let outputHash: String
}

extension DPDecoder {
    /// Decodes a round's sum block by block into an average in `precision`'s storage type: every block is
    /// shown to `inspect(offset, block)`, hashed and stored. Holds one decoded block at a time besides the
    /// average (no full-length `Double` vector).
    ///
    /// - Parameters:
    ///   - sum: the round's unmasked sum; only its first ``paddedDimension`` values (the encoded update) are
    ///     decoded — a weighted round's count limbs may follow.
    ///   - divisor: the FedAvg divisor (survivors, or their total weight), > 0.
    ///   - precision: a vector whose precision the average takes (e.g. the model).
    /// - Throws: ``StreamingEncodingError/encoding(_:)`` for a bad sum or divisor;
    ///   ``StreamingEncodingError/reader(_:)`` when `inspect` throws.
    public func decodeAverage<E: Error>(
        sum: UnsafeBufferPointer<UInt32>, divisor: Double, precision: FlatParameters,
        inspect: (_ offset: Int, _ block: UnsafeBufferPointer<Double>) throws(E) -> Void
    ) throws(StreamingEncodingError<E>) -> DecodedAverage {
        guard sum.count >= paddedDimension else {
            throw .encoding(.dimensionMismatch(expected: paddedDimension, actual: sum.count))
        }
        let hasher = Blake2b.Hasher(outputByteCount: 32)
        var average = precision.zeros(count: parameters.dimension)
        try average.withWriter { (writer) throws(StreamingEncodingError<E>) in
            try decode(sum: UnsafeBufferPointer(rebasing: sum[0..<paddedDimension]), count: divisor) {
                (offset: Int, block: UnsafeBufferPointer<Double>) throws(E) in
                try inspect(offset, block)
                hasher.update(UnsafeRawBufferPointer(block))
                writer.store(block, at: offset)
            }
        }
        return DecodedAverage(average: average, outputHash: Hex.encode(hasher.finalize()))
    }
}

extension FlatParameters {
    /// `self += learningRate · average`, coordinate by coordinate in `Double` (stored back in `self`'s
    /// precision), in place when `self` is uniquely referenced.
    ///
    /// - Precondition: `average.count == count`.
    public mutating func add(_ learningRate: Double, _ average: FlatParameters) {
        precondition(average.count == count, "average and model lengths differ")
        let chunk = 1 << 16
        let count = self.count
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunk)
        defer { scratch.deallocate() }
        withWriter { (writer) in
            var start = 0
            while start < count {
                let n = Swift.min(chunk, count - start)
                for j in 0..<n { scratch[j] = average.value(at: start + j) }
                writer.add(learningRate, UnsafeBufferPointer(rebasing: scratch[0..<n]), at: start)
                start += n
            }
        }
    }
}
