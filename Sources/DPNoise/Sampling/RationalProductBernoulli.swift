/// Bernoulli(Π pᵢ) for rational factors pᵢ = nᵢ/dᵢ ≤ 1, evaluated lazily: factors are multiplied in 128-bit
/// integers while they fit, and each full group is decided by one exact Bernoulli draw (stopping at the first
/// failure). Exact because independent Bernoulli(a)·Bernoulli(b) = Bernoulli(a·b).
struct RationalProductBernoulli {
    private var numerator: UInt128 = 1
    private var denominator: UInt128 = 1

    /// Multiplies in nᵢ/dᵢ (≤ 1, dᵢ > 0). Returns false as soon as a finished group fails.
    @inline(__always)
    mutating func multiply(_ n: UInt64, _ d: UInt64, _ words: inout RandomWords) -> Bool {
        let (nn, o1) = numerator.multipliedReportingOverflow(by: UInt128(n))
        let (dd, o2) = denominator.multipliedReportingOverflow(by: UInt128(d))
        if !o1 && !o2 {
            numerator = nn
            denominator = dd
            return true
        }
        let passed = words.bernoulli(numerator, denominator)
        numerator = UInt128(n)
        denominator = UInt128(d)
        return passed
    }

    /// Decides the last group.
    mutating func finish(_ words: inout RandomWords) -> Bool {
        words.bernoulli(numerator, denominator)
    }
}
