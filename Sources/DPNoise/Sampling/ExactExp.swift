/// Exact integer machinery for comparisons against exp(−γ), γ rational (no floating point):
/// ``ExpBounds`` (rigorous 127-bit fixed-point bounds, for building tables) and
/// ``RandomWords/bernoulliScaledExp(rNumerator:rDenominator:gammaNumerator:gammaDenominator:prefix:prefixBits:)``
/// (the exact, arbitrary-precision decision used when the fixed-point bounds cannot decide).

/// A minimal unsigned big integer (little-endian 64-bit limbs): only what the exact comparisons need.
struct BigUInt: Comparable {
    var limbs: [UInt64]

    init(_ value: UInt128) {
        limbs = [UInt64(truncatingIfNeeded: value), UInt64(truncatingIfNeeded: value >> 64)]
        normalize()
    }

    init(limbs: [UInt64]) {
        self.limbs = limbs
        normalize()
    }

    mutating func normalize() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    static func + (x: BigUInt, y: BigUInt) -> BigUInt {
        var out = [UInt64](repeating: 0, count: max(x.limbs.count, y.limbs.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<(out.count - 1) {
            let a = i < x.limbs.count ? x.limbs[i] : 0
            let b = i < y.limbs.count ? y.limbs[i] : 0
            let (s1, c1) = a.addingReportingOverflow(b)
            let (s2, c2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (c1 ? 1 : 0) + (c2 ? 1 : 0)
        }
        out[out.count - 1] = carry
        return BigUInt(limbs: out)
    }

    static func * (x: BigUInt, y: BigUInt) -> BigUInt {
        if x.limbs.isEmpty || y.limbs.isEmpty { return BigUInt(limbs: []) }
        var out = [UInt64](repeating: 0, count: x.limbs.count + y.limbs.count)
        for i in 0..<x.limbs.count {
            var carry: UInt64 = 0
            for j in 0..<y.limbs.count {
                let p = x.limbs[i].multipliedFullWidth(by: y.limbs[j])
                let (s1, c1) = p.low.addingReportingOverflow(out[i + j])
                let (s2, c2) = s1.addingReportingOverflow(carry)
                out[i + j] = s2
                carry = p.high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)  // ≤ 2^64 − 1: p.high ≤ 2^64 − 2
            }
            out[i + y.limbs.count] = carry
        }
        return BigUInt(limbs: out)
    }

    /// x − y. Precondition: x ≥ y.
    static func - (x: BigUInt, y: BigUInt) -> BigUInt {
        var out = x.limbs
        var borrow: UInt64 = 0
        for i in 0..<out.count {
            let b = i < y.limbs.count ? y.limbs[i] : 0
            let (d1, o1) = out[i].subtractingReportingOverflow(b)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        precondition(borrow == 0, "BigUInt subtraction underflow")
        return BigUInt(limbs: out)
    }

    /// self · 2^(64·k).
    func shiftedLeft(words k: Int) -> BigUInt { BigUInt(limbs: [UInt64](repeating: 0, count: k) + limbs) }

    static func < (x: BigUInt, y: BigUInt) -> Bool {
        if x.limbs.count != y.limbs.count { return x.limbs.count < y.limbs.count }
        for i in stride(from: x.limbs.count - 1, through: 0, by: -1) where x.limbs[i] != y.limbs[i] {
            return x.limbs[i] < y.limbs[i]
        }
        return false
    }
}

/// Rigorous bounds on exp(−γ) for rational γ ≥ 0 in Q1.127 fixed point (1.0 = 2^127), integer arithmetic only.
enum ExpBounds {
    static let one: UInt128 = 1 << 127

    /// ⌊x·y / 2^127⌋.
    static func mulDown(_ x: UInt128, _ y: UInt128) -> UInt128 {
        let p = x.multipliedFullWidth(by: y)
        return (p.high << 1) | (p.low >> 127)
    }

    /// ⌈x·y / 2^127⌉.
    static func mulUp(_ x: UInt128, _ y: UInt128) -> UInt128 {
        let p = x.multipliedFullWidth(by: y)
        let down = (p.high << 1) | (p.low >> 127)
        return p.low & (one - 1) != 0 ? down + 1 : down
    }

    /// Bounds on exp(−f) for f = a/b ∈ [0, 1] (a ≤ b): the alternating Taylor series with non-increasing terms
    /// f^j/j! brackets it (S_odd ≤ e^{−f} ≤ S_even); the upper bound is S_40 at ⌊f⌋₁₂₇ with positive terms
    /// rounded up and negative ones down, the lower bound S_41 at ⌈f⌉₁₂₇ rounded the other way.
    static func fraction(_ a: UInt128, _ b: UInt128) -> (lo: UInt128, hi: UInt128) {
        precondition(b > 0 && a <= b)
        let fDown: UInt128
        let fUp: UInt128
        if a == b {
            fDown = one
            fUp = one
        } else {
            let (q, r) = b.dividingFullWidth((high: a >> 1, low: a << 127))
            fDown = q
            fUp = r == 0 ? q : q + 1
        }
        func bound(_ f: UInt128, terms: Int, upper: Bool) -> UInt128 {
            var positive: UInt128 = one
            var negative: UInt128 = 0
            var up: UInt128 = one  // ≥ f^j/j!
            var down: UInt128 = one  // ≤ f^j/j!
            for j in 1...terms {
                up = mulUp(up, f)
                up = up / UInt128(j) + (up % UInt128(j) == 0 ? 0 : 1)
                down = mulDown(down, f) / UInt128(j)
                if j % 2 == 0 {
                    positive += upper ? up : down
                } else {
                    negative += upper ? down : up
                }
            }
            return positive > negative ? positive - negative : 0
        }
        return (bound(fUp, terms: 41, upper: false), bound(fDown, terms: 40, upper: true))
    }

    /// Bounds on e^{−1}.
    static let inverseE = fraction(1, 1)

    /// Bounds on e^{−m} for m = 0…`count − 1` (products rounded outwards).
    static func integerPowers(_ count: Int) -> [(lo: UInt128, hi: UInt128)] {
        var out: [(lo: UInt128, hi: UInt128)] = [(one, one)]
        while out.count < count {
            let last = out[out.count - 1]
            out.append((mulDown(last.lo, inverseE.lo), mulUp(last.hi, inverseE.hi)))
        }
        return out
    }

    /// Bounds on exp(−a/b) = e^{−⌊γ⌋}·e^{−frac(γ)}, products rounded outwards, with `powers` from
    /// ``integerPowers(_:)``; beyond the table the last power is used for the upper bound (still an upper bound)
    /// and the lower bound is 0.
    static func expMinus(_ a: UInt128, _ b: UInt128, powers: [(lo: UInt128, hi: UInt128)]) -> (lo: UInt128, hi: UInt128)
    {
        let m = a / b
        let (lo, hi) = fraction(a % b, b)
        if m >= UInt128(powers.count) { return (0, mulUp(hi, powers[powers.count - 1].hi)) }
        let power = powers[Int(m)]
        return (mulDown(lo, power.lo), mulUp(hi, power.hi))
    }
}

extension RandomWords {
    /// Whether V < (rNumerator / rDenominator) · exp(−γ), γ = gammaNumerator / gammaDenominator ≥ 0, for V
    /// uniform in [0, 1) whose first 64·`prefixWords` bits are `prefix` (further bits drawn here as needed).
    /// Exact, arbitrary precision: the condition is V · rDen · e^γ < rNum, and with L_n = Σ_{j≤n} γ^j/j! ≤ e^γ ≤
    /// U_n = L_n + γ^{n+1}/(n+1)! · (n+2)/(n+2−γ) (for n + 2 > γ), V ∈ [v/2^P, (v+1)/2^P):
    /// v·rDen·L_n ≥ rNum·2^P decides false, (v+1)·rDen·U_n ≤ rNum·2^P decides true; otherwise n grows by 4 and
    /// V by 64 bits. All comparisons are cross-multiplied big integers. Slow (microseconds); used only when a
    /// precomputed 64-bit threshold cannot decide, and for the far tail.
    mutating func lessThanScaledExp(
        rNumerator: BigUInt, rDenominator: BigUInt, gammaNumerator a: BigUInt, gammaDenominator b: BigUInt,
        prefix: BigUInt, prefixWords: Int
    ) -> Bool {
        var v = prefix
        var words = prefixWords
        var sum = BigUInt(1)  // A_n: L_n = A_n / D_n
        var denominator = BigUInt(1)  // D_n = b^n · n!
        var power = BigUInt(1)  // a^n
        var n: UInt128 = 0
        while true {
            for _ in 0..<4 {
                n += 1
                power = power * a
                let bn = b * BigUInt(n)
                sum = sum * bn + power
                denominator = denominator * bn
            }
            let scaledNumerator = (rNumerator * denominator).shiftedLeft(words: words)
            if !(v * rDenominator * sum < scaledNumerator) { return false }
            let nb = b * BigUInt(n + 2)
            if a < nb {
                let g = nb - a
                let upperNumerator = sum * BigUInt(n + 1) * g + power * a * BigUInt(n + 2)
                let upperDenominator = denominator * BigUInt(n + 1) * g
                let lhs = (v + BigUInt(1)) * rDenominator * upperNumerator
                if !((rNumerator * upperDenominator).shiftedLeft(words: words) < lhs) { return true }
            }
            v = v.shiftedLeft(words: 1) + BigUInt(UInt128(next()))
            words += 1
        }
    }
}
