/// Exact comparison of a uniform V ∈ [0, 1) against a long product of rationals (the rare, exact paths of
/// ``PoissonTable``): refines V 64 bits at a time and terminates with probability 1.

extension BigUInt {
    /// self ← self·k.
    mutating func multiply(bySmall k: UInt64) {
        if k == 0 {
            limbs.removeAll()
            return
        }
        var carry: UInt64 = 0
        for i in limbs.indices {
            let p = limbs[i].multipliedFullWidth(by: k)
            let (sum, overflow) = p.low.addingReportingOverflow(carry)
            limbs[i] = sum
            carry = p.high &+ (overflow ? 1 : 0)  // ≤ 2^64 − 1: p.high ≤ 2^64 − 2
        }
        if carry != 0 { limbs.append(carry) }
    }

    /// self ← ⌊self/d⌋ or ⌈self/d⌉. Precondition: d > 0.
    mutating func divide(bySmall d: UInt64, roundingUp: Bool) {
        var remainder: UInt64 = 0
        for i in stride(from: limbs.count - 1, through: 0, by: -1) {
            let (q, r) = d.dividingFullWidth((high: remainder, low: limbs[i]))
            limbs[i] = q
            remainder = r
        }
        normalize()
        if roundingUp && remainder != 0 { self = self + BigUInt(1) }
    }
}

extension RandomWords {
    /// Whether V < Π_{i < count} nᵢ/dᵢ, for V uniform in [0, 1) whose first 64 bits are `prefix` (further bits
    /// drawn here), with `factor(i)` = (nᵢ, dᵢ), dᵢ > 0; factors from index `decreasingFrom` on are ≤ 1 (earlier
    /// ones may exceed 1).
    ///
    /// Exact by interval refinement: at precision P words the product is bracketed by X_lo ≤ 2^{64P}·Π ≤ X_hi,
    /// computed factor by factor with every division rounded down (X_lo) or up (X_hi); V's first P words v
    /// decide V < Π when v + 1 ≤ X_lo and V ≥ Π when v ≥ X_hi. Otherwise P doubles (probability about
    /// count·2^{−64P}). Once the factors are ≤ 1, X_hi ≤ v already decides "no" (the product can only shrink), so
    /// a product that falls below V stops early. Cost O(count·P) per attempt at most; used only on paths taken with
    /// probability ~2^-31 or less.
    mutating func lessThanProduct(
        prefix: UInt64, count: Int, decreasingFrom: Int, factor: (Int) -> (UInt64, UInt64)
    ) -> Bool {
        var v = BigUInt(UInt128(prefix))
        var words = 1
        var precision = 2
        while true {
            while words < precision {
                v = v.shiftedLeft(words: 1) + BigUInt(UInt128(next()))
                words += 1
            }
            var lo = BigUInt(limbs: [UInt64](repeating: 0, count: precision) + [1])
            var hi = lo
            for i in 0..<count {
                let (n, d) = factor(i)
                lo.multiply(bySmall: n)
                lo.divide(bySmall: d, roundingUp: false)
                hi.multiply(bySmall: n)
                hi.divide(bySmall: d, roundingUp: true)
                if i >= decreasingFrom && !(v < hi) { return false }
            }
            if !(lo < v + BigUInt(1)) { return true }
            if !(v < hi) { return false }
            precision *= 2
        }
    }
}
