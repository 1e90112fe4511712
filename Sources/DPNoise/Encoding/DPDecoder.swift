/// Server side of the distributed-DP pipeline: signed lift of the modular sum → ×1/s → inverse rotation →
/// truncate to d → ÷ divisor. Floating point is fine here (decoding happens after noise is added).
public struct DPDecoder: Sendable {
    public let parameters: EncodingParameters
    let rotation: HadamardRotation

    /// - Throws: ``DPNoiseError/Encoding/invalidParameter(_:)``.
    public init(parameters: EncodingParameters) throws(DPNoiseError.Encoding) {
        try parameters.validate()
        self.parameters = parameters
        rotation = HadamardRotation(seed: parameters.roundSeed, blockSizes: parameters.blockSizes)
    }

    /// Padded dimension: the required length of `sum`.
    public var paddedDimension: Int { rotation.paddedDimension }

    /// Decodes the modular sum (mod 2^b) of encoded vectors and divides by `count` (the number of summed
    /// clients, or any positive weight total the caller chooses). Returns `dimension` values in model units.
    ///
    /// Exact (up to the rounding error of ``roundingErrorBound(clients:divisor:)`` and the noise) when the true
    /// integer sum of every coordinate lies in [−2^(b−1), 2^(b−1)).
    ///
    /// - Throws: ``DPNoiseError/Encoding/dimensionMismatch(expected:actual:)``, ``DPNoiseError/Encoding/valueOutOfRange(index:)``
    ///   (a value ≥ 2^b), ``DPNoiseError/Encoding/invalidParameter(_:)`` (count not finite and > 0).
    public func decode(sum: [UInt32], count: Double) throws(DPNoiseError.Encoding) -> [Double] {
        var out = [Double](repeating: 0, count: parameters.dimension)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(DPNoiseError.Encoding) in
            try sum.withUnsafeBufferPointer { (input) throws(DPNoiseError.Encoding) in
                do throws(StreamingEncodingError<Never>) {
                    try decode(sum: input, count: count) { (offset: Int, block: UnsafeBufferPointer<Double>) throws(Never) in
                        for j in block.indices { buffer[offset + j] = block[j] }
                    }
                } catch {
                    switch error {
                    case .encoding(let e): throw e
                    case .inputChangedBetweenPasses: throw .invalidParameter("unreachable: nothing is read twice")
                    }
                }
            }
        }
        return out
    }

    /// Block-wise form of ``decode(sum:count:)``: hands the decoded average to `write(offset, block)` one
    /// rotation block at a time (block = average[offset ..< offset + block.count], in increasing order, tiling
    /// 0..<``EncodingParameters/dimension``), holding only one block of Doubles. The values equal those of
    /// ``decode(sum:count:)`` bit for bit. `sum` is validated completely before the first block is written.
    ///
    /// - Throws: ``StreamingEncodingError/encoding(_:)`` with the errors of ``decode(sum:count:)``;
    ///   ``StreamingEncodingError/reader(_:)`` with whatever `write` throws (decoding stops there).
    public func decode<E: Error>(
        sum: UnsafeBufferPointer<UInt32>, count: Double,
        writing write: (_ offset: Int, _ block: UnsafeBufferPointer<Double>) throws(E) -> Void
    ) throws(StreamingEncodingError<E>) {
        guard sum.count == paddedDimension else {
            throw .encoding(.dimensionMismatch(expected: paddedDimension, actual: sum.count))
        }
        guard count.isFinite, count > 0 else { throw .encoding(.invalidParameter("count must be finite and > 0")) }
        let bits = parameters.bits
        let modulus = Int64(1) << bits
        let half = modulus >> 1
        if let bad = sum.firstIndex(where: { Int64($0) >= modulus }) { throw .encoding(.valueOutOfRange(index: bad)) }
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: parameters.blockSize)
        defer { work.deallocate() }
        work.initialize(repeating: 0)
        let inverseScale = 1 / parameters.scale
        let inverseCount = 1 / count
        var offset = 0
        var paddedOffset = 0
        for size in rotation.blockSizes {
            let block = UnsafeMutableBufferPointer(rebasing: work[0..<size])
            for j in 0..<size {
                let v = Int64(sum[paddedOffset + j])
                block[j] = Double(v >= half ? v - modulus : v) * inverseScale
            }
            rotation.inverseBlock(block, offset: paddedOffset)
            let length = Swift.min(size, parameters.dimension - offset)
            for j in 0..<length { block[j] *= inverseCount }
            do throws(E) { try write(offset, UnsafeBufferPointer(rebasing: work[0..<length])) } catch {
                throw .reader(error)
            }
            offset += length
            paddedOffset += size
        }
    }

    /// Proven per-coordinate bound (exact arithmetic) on |decoded − (Σ clipped inputs)/divisor| for the sum of
    /// `clients` noiseless encodings: clients·√B/(s·divisor), B the largest block size. With divisor = clients
    /// this is √B/s. Derivation: each rounded coordinate is within 1 of its scaled rotated value, and every
    /// entry of the inverse rotation is ±1/√B (Docs/encoding.md). Floating-point error (≈ 10^-15 relative) and
    /// modular wrap-around are not included.
    public func roundingErrorBound(clients: Int, divisor: Double? = nil) -> Double {
        let largest = Double(parameters.blockSizes.max() ?? 1)
        let n = Double(clients)
        return n * largest.squareRoot() / (parameters.scale * (divisor ?? n))
    }
}
