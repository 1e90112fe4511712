/// Bernoulli(n/d) and Bernoulli(exp(−n/d)) that read 32 random bits per comparison (the in-bucket acceptance of
/// ``GaussianTable``).
extension RandomWords {
    /// Bernoulli(n/d) for 0 ≤ n < d < 2^96, reading 32 random bits at a time: with U = (r + U')/2^32 uniform
    /// (r the next 32 bits, U' the rest), U < n/d ⇔ U' < (n·2^32 − r·d)/d. So r·d ≥ n·2^32 decides false,
    /// n·2^32 − r·d ≥ d decides true, and otherwise (probability < 2^-32) the comparison continues with
    /// n ← n·2^32 − r·d < d. Exact; one 32-bit half-word per decision in all but 2^-32 of the cases.
    @inline(__always)
    mutating func bernoulli32(_ n: UInt128, _ d: UInt128) -> Bool {
        var n = n
        while true {
            let r = UInt128(next32())
            let lhs = n << 32
            let rd = r &* d
            if rd >= lhs { return false }
            let m = lhs &- rd
            if m >= d { return true }
            n = m
        }
    }

    /// Bernoulli(exp(−n/d)) for 0 ≤ n/d < 1, d·K < 2^96 for the K reached (CKS Algorithm 1 with
    /// ``bernoulli32(_:_:)`` draws). Precondition: n < d, d < 2^80.
    @inline(__always)
    mutating func bernoulliExpMinusFraction32(_ n: UInt128, _ d: UInt128) -> Bool {
        if n == 0 { return true }
        if !bernoulli32(n, d) { return true }  // K = 1
        var k: UInt128 = 2
        while k < 1 << 16 && bernoulli32(n, d &* k) { k += 1 }
        if k == 1 << 16 {  // (never in practice: probability < 1/65535!) keep going without overflow
            while bernoulli32(n, d) && uniform(below: UInt64(truncatingIfNeeded: k)) == 0 { k += 1 }
        }
        return k & 1 == 1
    }
}
