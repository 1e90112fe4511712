/// Exact Bernoulli(exp(−γ)) draws for rational γ (Canonne, Kamath, Steinke 2020, Algorithm 1).
extension RandomWords {
    /// 12! — the largest factorial below 2^32 (so one 32-bit draw suffices).
    private static let factorial12: UInt32 = 479_001_600

    /// `12! / j!` for j = 2…12: the thresholds of the factorial-number-system trick in ``bernoulliExpMinusOne()``.
    private static let factorialThresholds: [UInt32] = {
        var out: [UInt32] = []
        var f: UInt32 = 1
        for j in UInt32(2)...12 {
            f *= j
            out.append(factorial12 / f)
        }
        return out
    }()

    /// Bernoulli(exp(−1)), exactly.
    ///
    /// CKS Algorithm 1 with γ = 1 draws A_K ~ Bernoulli(1/K) for K = 2, 3, … until the first failure K and
    /// returns `K odd`. The draws A_2…A_12 are read off ONE uniform integer x in [0, 12!): in the mixed-radix
    /// expansion x = Σ_j u_j·12!/j! (digit u_j uniform in [0, j), all independent), "A_2…A_j all succeed"
    /// (u_2 = … = u_j = 0) is exactly x < 12!/j!. So K = the smallest j ≥ 2 with x ≥ 12!/j!; only x = 0
    /// (probability 1/12!) continues with fresh Bernoulli(1/K) draws for K ≥ 13.
    @inline(__always)
    mutating func bernoulliExpMinusOne() -> Bool {
        let x = uniform(below: Self.factorial12)
        if x >= Self.factorial12 / 2 { return false }  // K = 2
        if x >= Self.factorial12 / 6 { return true }  // K = 3
        if x >= Self.factorial12 / 24 { return false }  // K = 4
        return bernoulliExpMinusOneTail(x)
    }

    private mutating func bernoulliExpMinusOneTail(_ x: UInt32) -> Bool {
        let thresholds = Self.factorialThresholds
        for index in 3..<thresholds.count where x >= thresholds[index] {
            return (index + 2) % 2 == 1  // K = index + 2
        }
        var k: UInt64 = 13
        while uniform(below: k) == 0 { k += 1 }
        return k % 2 == 1
    }

    /// Bernoulli(exp(−n/d)) for 0 ≤ n/d ≤ 1 with 64-bit operands (CKS Algorithm 1). Precondition: d > 0, n ≤ d.
    @inline(__always)
    mutating func bernoulliExpMinusFraction(_ n: UInt64, _ d: UInt64) -> Bool {
        if n == 0 { return true }
        var k: UInt64 = 1
        while true {
            let (dk, overflow) = d.multipliedReportingOverflow(by: k)
            let success = overflow ? (bernoulli(n, d) && uniform(below: k) == 0) : bernoulli(n, dk)
            if !success { break }
            k += 1
        }
        return k % 2 == 1
    }

    /// Bernoulli(exp(−n/d)) for 0 ≤ n/d < 1 with 128-bit operands. Precondition: d > 0, n < d.
    mutating func bernoulliExpMinusFraction(_ n: UInt128, _ d: UInt128) -> Bool {
        if d <= UInt128(UInt64.max) { return bernoulliExpMinusFraction(UInt64(n), UInt64(d)) }
        if n == 0 { return true }
        var k: UInt128 = 1
        while true {
            let (dk, overflow) = d.multipliedReportingOverflow(by: k)
            let success = overflow ? (bernoulli(n, d) && uniform(below: k) == 0) : bernoulli(n, dk)
            if !success { break }
            k += 1
        }
        return k % 2 == 1
    }

    /// Bernoulli(exp(−n/d)) for any n/d ≥ 0: one Bernoulli(exp(−1)) per whole unit of γ (stopping at the first
    /// failure), then the fractional part. Precondition: d > 0.
    mutating func bernoulliExpMinus(_ n: UInt128, _ d: UInt128) -> Bool {
        var rest = n
        while rest >= d {
            rest -= d
            if !bernoulliExpMinusOne() { return false }
        }
        return bernoulliExpMinusFraction(rest, d)
    }

    /// Bernoulli(exp(−(high·2^128 + low)/d)) for a 256-bit numerator. Precondition: d > 0.
    mutating func bernoulliExpMinus(high: UInt128, low: UInt128, _ d: UInt128) -> Bool {
        var hi = high
        var lo = low
        while hi > 0 || lo >= d {
            let (difference, borrow) = lo.subtractingReportingOverflow(d)
            lo = difference
            if borrow { hi -= 1 }
            if !bernoulliExpMinusOne() { return false }
        }
        return bernoulliExpMinusFraction(lo, d)
    }
}
