/// Rigorous bounds on a running product of rational factors in (0, 1], kept as a 64-bit binary floating-point
/// number with integer arithmetic only (building ``PoissonTable``): `mantissa · 2^exponent` is a lower bound,
/// `upperMantissa · 2^exponent` an upper bound.
///
/// Each ``multiply(_:_:)`` computes ⌊mantissa·n·2^64/d⌋ (two 128-by-64-bit divisions) and keeps its top 64 bits,
/// rounding down twice, so a step loses a relative factor of at most (1 − 2^-63)² ≥ 1 − 2^-62. After s steps the
/// true product is at most the lower bound times (1 − 2^-62)^-s ≤ 1 + s·2^-60 (for s ≤ 2^50), which is the upper
/// bound. Starts at exactly 1.
struct ProductBound: Sendable, Equatable {
    /// In [2^63, 2^64): the lower bound's mantissa.
    private(set) var mantissa: UInt64 = 1 << 63
    /// The binary exponent (≤ −63 while the product is ≤ 1).
    private(set) var exponent: Int = -63
    /// The number of factors multiplied in.
    private(set) var steps: UInt64 = 0

    /// Multiplies by n/d. Precondition: 0 < n ≤ d.
    @inline(__always)
    mutating func multiply(_ n: UInt64, _ d: UInt64) {
        let product = mantissa.multipliedFullWidth(by: n)  // < d·2^64: the quotient fits 64 bits
        let (q1, r1) = d.dividingFullWidth(product)
        let (q2, _) = d.dividingFullWidth((high: r1, low: 0))
        let q = UInt128(q1) << 64 | UInt128(q2)  // ≥ 2^63 since mantissa ≥ 2^63, n ≥ 1, d < 2^64
        let shift = q.leadingZeroBitCount  // ≤ 64
        mantissa = UInt64(truncatingIfNeeded: (q << UInt128(shift)) >> 64)
        exponent -= shift
        steps += 1
    }

    /// The upper bound's mantissa (same exponent): mantissa·(1 + steps·2^-60), rounded up.
    var upperMantissa: UInt128 {
        UInt128(mantissa) + ((UInt128(mantissa) * UInt128(steps)) >> 60) + 1
    }

    /// ⌈c·(upper bound)·2^k⌉. Precondition: c < 2^62 and the result below 2^127.
    func upper(times c: UInt128, shiftedBy k: Int = 0) -> UInt128 {
        Self.shift(c * upperMantissa, by: exponent + k, roundingUp: true)
    }

    /// ⌊c·(lower bound)·2^k⌋. Precondition: c < 2^62 and the result below 2^127.
    func lower(times c: UInt128, shiftedBy k: Int = 0) -> UInt128 {
        Self.shift(c * UInt128(mantissa), by: exponent + k, roundingUp: false)
    }

    /// x·2^e rounded down or up (e < 0), or shifted left exactly (e ≥ 0; the caller keeps it below 2^128).
    static func shift(_ x: UInt128, by e: Int, roundingUp: Bool) -> UInt128 {
        if e >= 0 { return x << UInt128(e) }
        let s = -e
        if s >= 128 { return roundingUp && x != 0 ? 1 : 0 }
        let down = x >> UInt128(s)
        return roundingUp && x & ((UInt128(1) << UInt128(s)) &- 1) != 0 ? down + 1 : down
    }
}
