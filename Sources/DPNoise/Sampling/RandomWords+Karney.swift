/// Primitives of the Karney-style discrete Gaussian (``DiscreteGaussianSampler`` for σ ≥ 1): exact
/// Bernoulli(e^{-1/2}), and Bernoulli(n/d) / Bernoulli(exp(−n/d)) that read 32 random bits per comparison.
extension RandomWords {
    /// 2^8 · 8! = 10,321,920 (< 2^24, so one 32-bit draw with rare Lemire rejection).
    private static let halfRadix: UInt32 = 10_321_920

    /// Bernoulli(exp(−1/2)), exactly.
    ///
    /// CKS Algorithm 1 with γ = 1/2 draws A_K ~ Bernoulli(1/(2K)), K = 1, 2, …, until the first failure K and
    /// returns `K odd`. A_1…A_8 are read off ONE uniform x in [0, M), M = 2^8·8! = Π_{K≤8} 2K: in the mixed-radix
    /// expansion x = Σ_K u_K · M/Π_{l≤K}(2l) (digits u_K uniform in [0, 2K), independent), "A_1…A_j all
    /// succeed" (u_1 = … = u_j = 0) is exactly x < M/(2^j·j!). So K = 1 + #{j ≤ 8 : x < M/(2^j·j!)} (counted
    /// without branches); only x = 0 (probability 1/M) continues with fresh Bernoulli(1/(2K)) draws for K ≥ 9.
    @inline(__always)
    mutating func bernoulliExpMinusHalf() -> Bool {
        let x = uniform(below: Self.halfRadix)
        if x == 0 { return bernoulliExpMinusHalfTail() }
        var k: UInt32 = 1
        k &+= x < 5_160_960 ? 1 : 0  // M/2
        k &+= x < 1_290_240 ? 1 : 0  // M/8
        k &+= x < 215_040 ? 1 : 0  // M/48
        k &+= x < 26_880 ? 1 : 0  // M/384
        k &+= x < 2_688 ? 1 : 0  // M/3840
        k &+= x < 224 ? 1 : 0  // M/46080
        k &+= x < 16 ? 1 : 0  // M/645120
        // x < M/M = 1 only for x = 0, handled above.
        return k & 1 == 1
    }

    private mutating func bernoulliExpMinusHalfTail() -> Bool {
        var k: UInt64 = 9
        while uniform(below: 2 * k) == 0 { k += 1 }
        return k % 2 == 1
    }

    /// Bernoulli(exp(−1)), exactly, without data-dependent branches in the common case (the factorial trick of
    /// ``bernoulliExpMinusOne()``: K = 1 + #{j ∈ 1…12 : x < 12!/j!}, x uniform in [0, 12!)).
    @inline(__always)
    mutating func bernoulliExpMinusOneBranchless() -> Bool {
        let x = uniform(below: UInt32(479_001_600))
        if x == 0 { return bernoulliExpMinusOne12Tail() }
        var k: UInt32 = 2  // j = 1: x < 12! always
        k &+= x < 239_500_800 ? 1 : 0
        k &+= x < 79_833_600 ? 1 : 0
        k &+= x < 19_958_400 ? 1 : 0
        k &+= x < 3_991_680 ? 1 : 0
        k &+= x < 665_280 ? 1 : 0
        k &+= x < 95_040 ? 1 : 0
        k &+= x < 11_880 ? 1 : 0
        k &+= x < 1_320 ? 1 : 0
        k &+= x < 132 ? 1 : 0
        k &+= x < 12 ? 1 : 0
        return k & 1 == 1
    }

    private mutating func bernoulliExpMinusOne12Tail() -> Bool {
        var k: UInt64 = 13
        while uniform(below: k) == 0 { k += 1 }
        return k % 2 == 1
    }

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
