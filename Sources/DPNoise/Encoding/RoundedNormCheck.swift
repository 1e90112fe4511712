/// The acceptance test of conditional randomized rounding (Kairouz, Liu, Steinke 2021, Sec. 4.1), in exact
/// integer arithmetic: a rounded vector r ∈ ℤ^d is kept only when ‖r‖₂ ≤ Δ, where Δ is the rounded-norm bound
/// the accountant uses as the L2 sensitivity (``RoundingNormBound/l2(_:beta:dimension:)`` at L = c·s, in integer
/// units). ‖r‖₂² is an integer, so ‖r‖₂ ≤ Δ ⟺ ‖r‖₂² ≤ ⌊Δ²⌋: the bound ⌊Δ²⌋ is computed exactly from the binary
/// value of Δ and the squared norm is summed exactly in 128 bits (|r_i| ≤ 2^40 + 1 and d ≤ 2^40 keep it far below
/// 2^128). No floating-point rounding can let a vector above the accountant's bound through.
public struct RoundedNormCheck: Sendable, Equatable {
    /// ⌊Δ²⌋ in integer units².
    public let squaredBound: UInt128

    /// The check for `parameters`: Δ = the smaller of the bound as the encoder computes it and as the accountant
    /// re-derives it (Δ/s·s, see ``DistributedDPConfiguration``), so the check never exceeds either. With β = 0
    /// the bound is the deterministic L + √d, which the rounding meets by construction; it is checked all the same.
    public init(parameters p: EncodingParameters) {
        let bound = RoundingNormBound.l2(p.l2Clip * p.scale, beta: p.beta, dimension: p.paddedDimension)
        squaredBound = Self.floorOfSquare(Swift.min(bound, bound / p.scale * p.scale))
    }

    /// A check against the integer bound `squaredBound` (tests).
    init(squaredBound: UInt128) { self.squaredBound = squaredBound }

    /// True when an integer vector of squared L2 norm `squaredNorm` meets the bound.
    public func accepts(squaredNorm: UInt128) -> Bool { squaredNorm <= squaredBound }

    /// ⌊x²⌋ computed exactly from the binary representation of x (x = m·2^e with an integer m < 2^53, so
    /// x² = m²·2^{2e}). Preconditions: x finite, 0 ≤ x < 2^63 (a negative or non-finite x gives 0 or the largest
    /// value, never a wrong finite bound above x²).
    public static func floorOfSquare(_ x: Double) -> UInt128 {
        guard x.isFinite else { return x > 0 ? .max : 0 }
        guard x >= 1 else { return 0 }  // x² < 1
        guard x < 0x1p63 else { return .max }
        let m = UInt128((UInt64(1) << 52) | x.significandBitPattern)
        let shift = 2 * Int(x.exponent) - 104  // x = m · 2^(exponent − 52)
        let square = m * m  // < 2^106
        return shift >= 0 ? square << shift : square >> -shift
    }

    /// The exact square of an integer coordinate.
    @inline(__always)
    static func square(_ r: Int64) -> UInt128 {
        let magnitude = UInt128(r.magnitude)
        return magnitude * magnitude
    }
}
