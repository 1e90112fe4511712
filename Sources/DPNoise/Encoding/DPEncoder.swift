import Sodium

/// Client side of the distributed-DP pipeline (Kairouz, Liu, Steinke 2021): L2 clip → randomized Hadamard
/// rotation → scale → conditional randomized rounding → local noise → mod 2^b. See Docs/encoding.md.
///
/// Immutable and `Sendable` once built; `encode` takes the noise/rounding generator explicitly (use
/// `ChaChaRandom.system()` for real clients — the rounding and noise randomness must stay secret).
public struct DPEncoder: Sendable {
    public let parameters: EncodingParameters
    let rotation: HadamardRotation
    let noise: NoiseSource
    /// The exact integer acceptance test of the conditionally rounded vector.
    let normCheck: RoundedNormCheck

    /// - Throws: ``DPNoiseError/Encoding/invalidParameter(_:)`` or ``DPNoiseError/Encoding/noise(_:)``.
    public init(parameters: EncodingParameters) throws(DPNoiseError.Encoding) {
        try parameters.validate()
        self.parameters = parameters
        rotation = HadamardRotation(seed: parameters.roundSeed, blockSizes: parameters.blockSizes)
        noise = try NoiseSource(parameters.noise)
        normCheck = RoundedNormCheck(parameters: parameters)
    }

    /// Padded dimension (length of every encoded vector); the accountant's d.
    public var paddedDimension: Int { rotation.paddedDimension }

    /// Encodes `x` (length = ``EncodingParameters/dimension``, model units) into `paddedDimension` values < 2^b.
    public func encode<R: SecureRandom>(_ x: [Double], using rng: inout R) throws(DPNoiseError.Encoding) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: paddedDimension)
        try x.withUnsafeBufferPointer { input throws(DPNoiseError.Encoding) in
            try out.withUnsafeMutableBufferPointer { output throws(DPNoiseError.Encoding) in
                try encode(input, into: output, using: &rng)
            }
        }
        return out
    }

    /// Encodes `x` into the caller's `output` (count = ``paddedDimension``). Works block by block (see
    /// ``encode(weight:into:using:reading:)``): besides `output` it allocates one rotation block.
    ///
    /// - Throws: ``DPNoiseError/Encoding/dimensionMismatch(expected:actual:)`` (input or output length),
    ///   ``DPNoiseError/Encoding/nonFiniteInput(index:)``, ``DPNoiseError/Encoding/roundingAttemptsExhausted(attempts:)``.
    public func encode<R: SecureRandom>(
        _ x: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<UInt32>, using rng: inout R
    ) throws(DPNoiseError.Encoding) {
        let d = parameters.dimension
        guard x.count == d else { throw .dimensionMismatch(expected: d, actual: x.count) }
        do throws(StreamingEncodingError<Never>) {
            try encode(into: output, using: &rng) { (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(Never) in
                for j in block.indices { block[j] = x[offset + j] }
            }
        } catch {
            switch error {
            case .encoding(let e): throw e
            case .inputChangedBetweenPasses: throw .invalidParameter("input changed while it was encoded")
            }
        }
    }
}
