import Foundation

/// Local noise each client adds after rounding, in scaled integer units (the units of the encoded vector).
public enum LocalNoise: Sendable, Equatable, Hashable, Codable {
    /// No noise (tests, or central-DP setups).
    case none
    /// Discrete Gaussian N_ℤ(0, σ²) with σ² = numerator / denominator.
    case discreteGaussian(varianceNumerator: UInt64, varianceDenominator: UInt64)
    /// Symmetric Skellam with variance numerator / denominator.
    case skellam(varianceNumerator: UInt64, varianceDenominator: UInt64)

    /// The variance as a `Double` (0 for `.none`), for accounting and test bounds.
    public var variance: Double {
        switch self {
        case .none: 0
        case .discreteGaussian(let n, let d), .skellam(let n, let d): d == 0 ? .nan : Double(n) / Double(d)
        }
    }
}

/// Everything the encoder and decoder of one round share. All clients and the server must use equal values.
///
/// Units: `l2Clip` is in model units; `scale` s = 1/γ maps model units to integer units; noise variances are in
/// integer units. Derived quantities (s, bits, noise) come from the calibration step, not from here.
public struct EncodingParameters: Sendable, Equatable, Hashable, Codable {
    /// Format version of the Codable form; readers refuse others.
    public static let formatVersion = 1

    public var formatVersion: Int
    /// d, the number of model coordinates (≥ 1).
    public var dimension: Int
    /// Rotation block size: a power of two in 2…2^24 (default 2^16). Every block but the last is full; the last
    /// is padded with zeros to the next power of two ≥ its length (so it may be shorter than `blockSize`).
    public var blockSize: Int
    /// L2 clipping norm c in model units (finite, > 0).
    public var l2Clip: Double
    /// Scale s = 1/γ (finite, > 0), integer units per model unit. c·s must be ≤ 2^40.
    public var scale: Double
    /// Modulus exponent b in 1…32: encoded values lie in [0, 2^b).
    public var bits: Int
    /// Conditional-rounding failure probability β in [0, 1): β = 0 makes the norm bound the deterministic
    /// c·s + √d (see ``RoundedNormCheck``).
    public var beta: Double
    /// Public 32-byte round seed for the rotation signs (never secret, never reused for another purpose).
    public var roundSeed: [UInt8]
    /// Local noise (integer units).
    public var noise: LocalNoise
    /// Maximum number of conditional-rounding attempts before ``DPNoiseError/Encoding/roundingAttemptsExhausted(attempts:)``.
    public var maxRoundingAttempts: Int

    public init(
        dimension: Int, blockSize: Int = 1 << 16, l2Clip: Double, scale: Double, bits: Int,
        beta: Double = 0.6065306597126334, roundSeed: [UInt8], noise: LocalNoise, maxRoundingAttempts: Int = 1000
    ) {
        self.formatVersion = Self.formatVersion
        self.dimension = dimension
        self.blockSize = blockSize
        self.l2Clip = l2Clip
        self.scale = scale
        self.bits = bits
        self.beta = beta
        self.roundSeed = roundSeed
        self.noise = noise
        self.maxRoundingAttempts = maxRoundingAttempts
    }

    /// Checks every field; the encoder and decoder call it.
    public func validate() throws(DPNoiseError.Encoding) {
        guard formatVersion == Self.formatVersion else { throw .invalidParameter("unknown format version") }
        guard dimension >= 1, dimension <= 1 << 40 else { throw .invalidParameter("dimension must be in 1…2^40") }
        guard blockSize >= 2, blockSize <= 1 << 24, blockSize.nonzeroBitCount == 1 else {
            throw .invalidParameter("blockSize must be a power of two in 2…2^24")
        }
        guard l2Clip.isFinite, l2Clip > 0 else { throw .invalidParameter("l2Clip must be finite and > 0") }
        guard scale.isFinite, scale > 0 else { throw .invalidParameter("scale must be finite and > 0") }
        guard l2Clip * scale <= 0x1p40 else { throw .invalidParameter("l2Clip·scale must be ≤ 2^40") }
        guard (1...32).contains(bits) else { throw .invalidParameter("bits must be in 1…32") }
        guard beta.isFinite, beta >= 0, beta < 1 else { throw .invalidParameter("beta must be in [0, 1)") }
        guard roundSeed.count == 32 else { throw .invalidParameter("roundSeed must have 32 bytes") }
        guard maxRoundingAttempts >= 1 else { throw .invalidParameter("maxRoundingAttempts must be ≥ 1") }
    }

    /// The per-block padded sizes (every block a power of two).
    public var blockSizes: [Int] {
        var sizes = Array(repeating: blockSize, count: dimension / blockSize)
        let rest = dimension % blockSize
        if rest > 0 { sizes.append(rest == 1 ? 1 : 1 << (Int.bitWidth - (rest - 1).leadingZeroBitCount)) }
        return sizes
    }

    /// The padded dimension (sum of ``blockSizes``) — the d the accountant must use. Computed without building
    /// the block list: a decoder checks it against the announced vector length before anything is allocated, and
    /// dimension 2^31 with blocks of 2 would otherwise be a 2^30-element array.
    public var paddedDimension: Int {
        let rest = dimension % blockSize
        let last = rest <= 1 ? rest : 1 << (Int.bitWidth - (rest - 1).leadingZeroBitCount)
        return dimension / blockSize * blockSize + last
    }

    /// Squared L2 bound of the conditionally rounded vector, in floating point (for reports and tests; the
    /// encoder checks ``RoundedNormCheck`` exactly):
    /// min((cs + √d)², (cs)² + d/4 + √(2 ln(1/β))·(cs + √d/2)) with d = padded dimension; β = 0: (cs + √d)².
    public var roundedNormBoundSquared: Double {
        let cs = l2Clip * scale
        let d = Double(paddedDimension)
        let plain = (cs + d.squareRoot()) * (cs + d.squareRoot())
        guard beta > 0 else { return plain }
        let conditional = cs * cs + d / 4 + (2 * (-Foundation.log(beta))).squareRoot() * (cs + d.squareRoot() / 2)
        return Swift.min(plain, conditional)
    }
}
