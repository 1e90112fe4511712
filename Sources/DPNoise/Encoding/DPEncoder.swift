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
    /// Squared L2 bound for the rounded vector (+∞ when β = 0).
    let normBoundSquared: Double

    /// - Throws: ``EncodingError/invalidParameter(_:)`` or ``EncodingError/noise(_:)``.
    public init(parameters: EncodingParameters) throws(EncodingError) {
        try parameters.validate()
        self.parameters = parameters
        rotation = HadamardRotation(seed: parameters.roundSeed, blockSizes: parameters.blockSizes)
        noise = try NoiseSource(parameters.noise)
        normBoundSquared = parameters.beta > 0 ? parameters.roundedNormBoundSquared : .infinity
    }

    /// Padded dimension (length of every encoded vector); the accountant's d.
    public var paddedDimension: Int { rotation.signs.count }

    /// Encodes `x` (length = ``EncodingParameters/dimension``, model units) into `paddedDimension` values < 2^b.
    public func encode<R: SecureRandom>(_ x: [Double], using rng: inout R) throws(EncodingError) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: paddedDimension)
        try x.withUnsafeBufferPointer { input throws(EncodingError) in
            try out.withUnsafeMutableBufferPointer { output throws(EncodingError) in
                try encode(input, into: output, using: &rng)
            }
        }
        return out
    }

    /// Encodes `x` into the caller's `output` (count = ``paddedDimension``).
    ///
    /// - Throws: ``EncodingError/dimensionMismatch(expected:actual:)`` (input or output length),
    ///   ``EncodingError/nonFiniteInput(index:)``, ``EncodingError/roundingAttemptsExhausted(attempts:)``.
    public func encode<R: SecureRandom>(
        _ x: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<UInt32>, using rng: inout R
    ) throws(EncodingError) {
        let d = parameters.dimension
        guard x.count == d else { throw .dimensionMismatch(expected: d, actual: x.count) }
        guard output.count == paddedDimension else {
            throw .dimensionMismatch(expected: paddedDimension, actual: output.count)
        }
        if let bad = x.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(index: bad) }

        let padded = paddedDimension
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: padded)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(work))
            work.deallocate()
        }
        let rounded = UnsafeMutableBufferPointer<Int64>.allocate(capacity: padded)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(rounded))
            rounded.deallocate()
        }
        work.initialize(repeating: 0)
        rounded.initialize(repeating: 0)

        // 1. Clip to L2 norm c.
        let factor = Self.clipFactor(x, clip: parameters.l2Clip)
        for i in 0..<d { work[i] = x[i] * factor }
        // 2–3. Rotate, then scale by s.
        rotation.forward(work)
        let s = parameters.scale
        for i in 0..<padded { work[i] *= s }

        try withRandomWords(&rng, capacity: 2048) { (words: inout RandomWords) throws(EncodingError) in
            // 4. Conditional randomized rounding.
            var attempt = 0
            while true {
                attempt += 1
                if Self.randomizedRound(work, into: rounded, &words) <= normBoundSquared { break }
                if attempt >= parameters.maxRoundingAttempts { throw .roundingAttemptsExhausted(attempts: attempt) }
            }
            // 5. Local noise.
            noise.add(to: rounded, &words)
        }
        // 6. Reduce mod 2^b (two's complement truncation is reduction mod 2^b as 2^b divides 2^64).
        let mask = UInt64.max >> (64 - parameters.bits)
        for i in 0..<padded { output[i] = UInt32(truncatingIfNeeded: UInt64(bitPattern: rounded[i]) & mask) }
    }

    /// min(1, c/‖x‖₂), with a scaled norm computation that cannot overflow.
    static func clipFactor(_ x: UnsafeBufferPointer<Double>, clip: Double) -> Double {
        let largest = x.reduce(0.0) { Swift.max($0, abs($1)) }
        guard largest > 0 else { return 1 }
        var sum = 0.0
        for v in x {
            let r = v / largest
            sum += r * r
        }
        let norm = largest * sum.squareRoot()
        return norm > clip ? clip / norm : 1
    }

    /// Rounds each v up with probability frac(v), down otherwise; returns the squared L2 norm of the result.
    /// The up/down decision compares 53 random bits with frac(v)·2^53 (exact in binary floating point).
    static func randomizedRound(
        _ values: UnsafeMutableBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Int64>,
        _ words: inout RandomWords
    ) -> Double {
        var normSquared = 0.0
        for i in values.indices {
            let v = values[i]
            let f = v.rounded(.down)
            let threshold = (v - f) * 0x1p53
            let u = Double(words.next() >> 11)
            let r = Int64(f) + (u < threshold ? 1 : 0)
            out[i] = r
            let rd = Double(r)
            normSquared += rd * rd
        }
        return normSquared
    }
}
