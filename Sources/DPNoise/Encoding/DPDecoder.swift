/// Server side of the distributed-DP pipeline: signed lift of the modular sum → ×1/s → inverse rotation →
/// truncate to d → ÷ divisor. Floating point is fine here (decoding happens after noise is added).
public struct DPDecoder: Sendable {
    public let parameters: EncodingParameters
    let rotation: HadamardRotation

    /// - Throws: ``EncodingError/invalidParameter(_:)``.
    public init(parameters: EncodingParameters) throws(EncodingError) {
        try parameters.validate()
        self.parameters = parameters
        rotation = HadamardRotation(seed: parameters.roundSeed, blockSizes: parameters.blockSizes)
    }

    /// Padded dimension: the required length of `sum`.
    public var paddedDimension: Int { rotation.signs.count }

    /// Decodes the modular sum (mod 2^b) of encoded vectors and divides by `count` (the number of summed
    /// clients, or any positive weight total the caller chooses). Returns `dimension` values in model units.
    ///
    /// Exact (up to the rounding error of ``roundingErrorBound(clients:divisor:)`` and the noise) when the true
    /// integer sum of every coordinate lies in [−2^(b−1), 2^(b−1)).
    ///
    /// - Throws: ``EncodingError/dimensionMismatch(expected:actual:)``, ``EncodingError/valueOutOfRange(index:)``
    ///   (a value ≥ 2^b), ``EncodingError/invalidParameter(_:)`` (count not finite and > 0).
    public func decode(sum: [UInt32], count: Double) throws(EncodingError) -> [Double] {
        guard sum.count == paddedDimension else {
            throw .dimensionMismatch(expected: paddedDimension, actual: sum.count)
        }
        guard count.isFinite, count > 0 else { throw .invalidParameter("count must be finite and > 0") }
        let bits = parameters.bits
        let modulus = Int64(1) << bits
        let half = modulus >> 1
        if let bad = sum.firstIndex(where: { Int64($0) >= modulus }) { throw .valueOutOfRange(index: bad) }
        var work = [Double](repeating: 0, count: paddedDimension)
        let inverseScale = 1 / parameters.scale
        for i in 0..<paddedDimension {
            let v = Int64(sum[i])
            work[i] = Double(v >= half ? v - modulus : v) * inverseScale
        }
        work.withUnsafeMutableBufferPointer { rotation.inverse($0) }
        let inverseCount = 1 / count
        return (0..<parameters.dimension).map { work[$0] * inverseCount }
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
