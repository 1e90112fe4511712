/// An exact alias table over integer masses that sum to 2^32 (Vose's pairing, integer arithmetic only): 2^p
/// columns of capacity 2^(32 − p). With a uniform column c and a uniform u in [0, 2^(32 − p)), the entry
/// `u < threshold[c] ? c : alias[c]` has probability exactly mass/2^32. Used by ``GaussianTable`` and
/// ``PoissonTable``, which read c and u from the top 32 bits of one random word.
struct AliasTable32: Sendable, Equatable {
    static let totalBits = 32

    let threshold: [UInt64]
    let alias: [UInt32]
    /// p: the number of column bits.
    let columnBits: Int

    /// Per column, `threshold | alias << 32` — one load per draw instead of two (``PoissonTable``'s hot loop).
    /// Precondition for using it: at least two masses (so p ≥ 1 and every threshold is below 2^32).
    var packed: [UInt64] { zip(threshold, alias).map { t, a in t | UInt64(a) << 32 } }

    /// Precondition: the masses sum to exactly 2^32 and there are at most 2^31 of them.
    init(masses input: [UInt128]) {
        let budget = UInt128(1) << UInt128(Self.totalBits)
        precondition(input.reduce(0, +) == budget, "alias masses must sum to 2^32")
        var p = 0
        while (1 << p) < input.count { p += 1 }
        columnBits = p
        let columns = 1 << p
        var masses = input + [UInt128](repeating: 0, count: columns - input.count)
        let capacity = budget >> UInt128(p)
        var threshold = [UInt64](repeating: 0, count: columns)
        var alias = [UInt32](repeating: 0, count: columns)
        var small: [Int] = []
        var large: [Int] = []
        for (i, m) in masses.enumerated() { if m < capacity { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.last else {
                small.append(s)
                break
            }
            threshold[s] = UInt64(masses[s])
            alias[s] = UInt32(l)
            masses[l] -= capacity - masses[s]
            if masses[l] < capacity {
                large.removeLast()
                small.append(l)
            }
        }
        for i in small + large {  // exactly full columns (the masses sum to columns·capacity)
            threshold[i] = UInt64(capacity)
            alias[i] = UInt32(i)
        }
        self.threshold = threshold
        self.alias = alias
    }
}
