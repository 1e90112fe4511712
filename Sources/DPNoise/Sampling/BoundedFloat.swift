/// A positive real known to a certified relative error, in integer arithmetic only (building ``PoissonTable``):
/// `mantissa · 2^exponent` (mantissa in [2^63, 2^64)) is within a factor 1 ± `error`·2^-60 of the true value.
///
/// Every operation rounds its mantissa down once (relative loss < 2^-63 < 2^-60) and adds the operands' error
/// counts: for true values x = X(1 + α), y = Y(1 + β) with |α| ≤ s_x·u, |β| ≤ s_y·u (u = 2^-60),
/// xy/(XY·(1 − 2^-63)) and x/(y·(1 − 2^-63))·… stay within 1 ± (s_x + s_y + 2)·u while s_x·s_y·u ≤ 2^-4 — true
/// here, where counts stay below 2^28. ``lower(times:shiftedBy:)`` and ``upper(times:shiftedBy:)`` turn the
/// estimate into rigorous integer bounds.
struct BoundedFloat: Sendable, Equatable {
    private(set) var mantissa: UInt64
    private(set) var exponent: Int
    private(set) var error: UInt64

    static let one = BoundedFloat(1)

    /// The exact integer k ≥ 1.
    init(_ k: UInt64) {
        let shift = k.leadingZeroBitCount
        mantissa = k << UInt64(shift)
        exponent = -shift
        error = 0
    }

    private init(wide: UInt128, exponent e: Int, error s: UInt64) {
        let shift = wide.leadingZeroBitCount  // the operations below keep wide ≥ 2^64
        mantissa = UInt64(truncatingIfNeeded: (wide << UInt128(shift)) >> 64)
        exponent = e + 64 - shift
        error = s
    }

    /// self · k for an exact integer k ≥ 1 (one 64×64-bit multiplication).
    @inline(__always)
    mutating func multiply(byInteger k: UInt64) {
        let p = mantissa.multipliedFullWidth(by: k)
        let wide = UInt128(p.high) << 64 | UInt128(p.low)  // ≥ 2^63 · 1
        let shift = wide.leadingZeroBitCount  // ≤ 64
        mantissa = UInt64(truncatingIfNeeded: (wide << UInt128(shift)) >> 64)
        exponent += 64 - shift
        error += 1
    }

    static func * (x: BoundedFloat, y: BoundedFloat) -> BoundedFloat {
        let p = x.mantissa.multipliedFullWidth(by: y.mantissa)  // ≥ 2^126
        return BoundedFloat(
            wide: UInt128(p.high) << 64 | UInt128(p.low), exponent: x.exponent + y.exponent, error: x.error + y.error + 1)
    }

    static func / (x: BoundedFloat, y: BoundedFloat) -> BoundedFloat {
        // ⌊x_m·2^64/y_m⌋ ∈ (2^63, 2^65): one 128-by-64-bit division when x_m < y_m, else on x_m·2^63.
        let below = x.mantissa < y.mantissa
        let numerator = below ? (high: x.mantissa, low: UInt64(0)) : (high: x.mantissa >> 1, low: x.mantissa << 63)
        let q = y.mantissa.dividingFullWidth(numerator).quotient  // in [2^63, 2^64)
        var out = BoundedFloat(q)
        out.exponent = x.exponent - y.exponent - (below ? 64 : 63)
        out.error = x.error + y.error + 2
        return out
    }

    /// k^p for an integer k ≥ 1 (square and multiply: O(log p) operations).
    static func power(_ k: UInt64, _ p: UInt64) -> BoundedFloat {
        var result = BoundedFloat.one
        var base = BoundedFloat(k)
        var e = p
        while e > 0 {
            if e & 1 == 1 { result = result * base }
            e >>= 1
            if e > 0 { base = base * base }
        }
        return result
    }

    /// The error margin ⌈mantissa·error·2^-60⌉.
    private var margin: UInt128 {
        let m = UInt128(mantissa) * UInt128(error)
        return (m >> 60) + (m & ((1 << 60) - 1) == 0 ? 0 : 1)
    }

    /// ⌈c·(upper bound)·2^k⌉. Precondition: c < 2^61 and the result below 2^127.
    func upper(times c: UInt128, shiftedBy k: Int = 0) -> UInt128 {
        Self.shift(c * (UInt128(mantissa) + margin), by: exponent + k, roundingUp: true)
    }

    /// ⌊c·(lower bound)·2^k⌋ (0 when the margin exceeds the value). Precondition: c < 2^61, result below 2^127.
    func lower(times c: UInt128, shiftedBy k: Int = 0) -> UInt128 {
        let m = UInt128(mantissa)
        return m > margin ? Self.shift(c * (m - margin), by: exponent + k, roundingUp: false) : 0
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
