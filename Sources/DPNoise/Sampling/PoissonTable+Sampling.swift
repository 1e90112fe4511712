/// The sampling loop of ``PoissonTable`` and its exact slow paths.
extension PoissonTable {
    /// The hot tables opened once for a batch of draws (valid only inside ``withCursor(_:)``), so a batch pays no
    /// per-draw array access or reference counting.
    struct Cursor {
        let table: PoissonTable
        let columns: UnsafeBufferPointer<UInt64>
        let acceptBelow: UnsafeBufferPointer<UInt32>
        let shapeBelow: UnsafeBufferPointer<UInt64>
        let alpha: UnsafeBufferPointer<UInt64>
        let beta: UnsafeBufferPointer<UInt64>

        /// One Poisson(λ) draw.
        @inline(__always)
        func next(_ words: inout RandomWords) -> Int64 {
            let t = table
            let w = t.width
            let shift = UInt64(64 - t.columnBits)
            let thresholdShift = UInt64(64 - AliasTable32.totalBits)
            let capacityMask = (UInt64(1) << UInt64(AliasTable32.totalBits - t.columnBits)) - 1
            let bucketCount = t.rightCount + t.leftCount
            while true {
                let x = words.next()
                let column = Int(truncatingIfNeeded: x >> shift)
                let u = (x >> thresholdShift) & capacityMask
                let v = UInt32(truncatingIfNeeded: x)  // the κ coin's first 32 bits
                let packed = columns[column]
                let entry = u < packed & 0xFFFF_FFFF ? column : Int(truncatingIfNeeded: packed >> 32)
                if entry >= bucketCount {
                    if entry == bucketCount, let k = t.rightTail(&words) { return Int64(k) }
                    if entry == bucketCount + 1, let k = t.leftTail(&words) { return Int64(k) }
                    continue
                }
                if v >= acceptBelow[entry] && !t.kappa(entry, v, &words) { continue }
                let right = entry < t.rightCount
                let anchor = right ? t.mode &+ UInt64(entry) &* w : t.mode &- 1 &- UInt64(entry &- t.rightCount) &* w
                if w == 1 { return Int64(anchor) }
                let j = UInt64(words.uniform(below: UInt32(truncatingIfNeeded: w)))
                if j == 0 { return Int64(anchor) }
                if !right && j > anchor { continue }  // below 0
                if !withinBucket(entry, anchor, j, right, &words) { continue }
                return Int64(right ? anchor &+ j : anchor &- j)
            }
        }

        /// Bernoulli(r(j)), r(j) = h(a ± j)/h(a), for offset j ≥ 1, from 32 random bits v: with E_lo ≤ E ≤ E_hi
        /// (Q64, from α and β), r ≤ e^{−E} ≤ 1 − E_lo + E_hi²/2 and r ≥ s_b·e^{−E} ≥ s_b·(1 − E_hi + E_lo²/2 − E_hi³/6)
        /// (alternating Taylor bounds, E ≤ 1), so v below the lower bound accepts and v at or above the upper bound
        /// rejects; otherwise the exact comparison of V with the product of j rational factors.
        @inline(__always)
        func withinBucket(_ entry: Int, _ anchor: UInt64, _ j: UInt64, _ right: Bool, _ words: inout RandomWords) -> Bool {
            let v = UInt64(words.next32())
            let jj = UInt128(j)
            let eLo = jj &* UInt128(alpha[entry]) &+ jj &* (jj &- 1) &* UInt128(beta[entry])
            let eHi = eLo &+ jj &* jj
            let one = UInt128(1) << 64
            if eHi < one && shapeBelow[entry] != 0 {  // s_b = 0: forced exact (tests), or a far bucket
                let squareHi = (eHi &* eHi) >> 64 &+ 1  // ≥ E_hi²
                let upper = one &- eLo &+ (squareHi >> 1) &+ 1  // ≥ 2^64·e^{−E}
                if v >= UInt64(truncatingIfNeeded: (upper &+ 0xFFFF_FFFF) >> 32) { return false }
                let cubeHi = (squareHi &* eHi) >> 64 &+ 1
                let lower = one &- eHi &+ ((eLo &* eLo) >> 65) &- (cubeHi / 6 &+ 1)  // ≤ 2^64·e^{−E}
                if v < UInt64(truncatingIfNeeded: ((lower >> 32) &* UInt128(shapeBelow[entry])) >> 32) { return true }
            }
            let prefix = v << 32 | UInt64(words.next32())
            let t = table
            let (n, d) = (t.numerator, t.denominator)
            return words.lessThanProduct(prefix: prefix, count: Int(j), decreasingFrom: 0) { i in
                right ? (n, d &* (anchor &+ UInt64(i) &+ 1)) : (d &* (anchor &- UInt64(i)), n)
            }
        }
    }

    /// Runs `body` with the hot tables opened (see ``Cursor``).
    @inline(__always)
    func withCursor<T>(_ body: (Cursor) -> T) -> T {
        columns.withUnsafeBufferPointer { columns in
            acceptBelow.withUnsafeBufferPointer { acceptBelow in
                shapeBelow.withUnsafeBufferPointer { shapeBelow in
                    alpha.withUnsafeBufferPointer { alpha in
                        beta.withUnsafeBufferPointer { beta in
                            body(
                                Cursor(
                                    table: self, columns: columns, acceptBelow: acceptBelow, shapeBelow: shapeBelow,
                                    alpha: alpha, beta: beta))
                        }
                    }
                }
            }
        }
    }

    /// One draw (opens the tables for it; batches use ``withCursor(_:)``).
    func next(_ words: inout RandomWords) -> Int64 {
        withCursor { $0.next(&words) }
    }

    /// The κ coin of bucket `entry` once its first 32 bits v are ≥ t_lo: v ≥ t_hi rejects, otherwise the exact
    /// comparison of V with C/W_b · h(a).
    func kappa(_ entry: Int, _ v: UInt32, _ words: inout RandomWords) -> Bool {
        if UInt64(v) >= rejectFrom[entry] { return false }
        let prefix = UInt64(v) << 32 | UInt64(words.next32())
        let right = entry < rightCount
        let steps = UInt64(right ? entry : entry - rightCount) * width + (right ? 0 : 1)  // |a − m|
        let c = scale
        let wb = weights[entry]
        let (n, d, m) = (numerator, denominator, mode)
        return words.lessThanProduct(prefix: prefix, count: Int(steps) + 1, decreasingFrom: 1) { i in
            if i == 0 { return (c, wb) }
            let k = UInt64(i)
            return right ? (n, d * (m + k)) : (d * (m - k + 1), n)
        }
    }

    /// A right-tail proposal k = T + x, P(x) = (1 − ρ)ρ^x with ρ = N/(D(T+1)), accepted with
    /// C·h(T)·D(T+1)/(w·W·(D(T+1) − N)) · Π_{i=2..x} (T+1)/(T+i) (exactly); nil when rejected.
    func rightTail(_ words: inout RandomWords) -> UInt64? {
        let n = numerator
        let d = denominator
        let m = mode
        let t = tailStart
        let dt = d * (t + 1)
        var x: UInt64 = 0
        while words.bernoulli(n, dt) {
            x += 1
            if x > Self.maximumValue - t { return nil }
        }
        let scalars: [(UInt64, UInt64)] = [(scale, weights[rightCount + leftCount]), (dt, dt - n), (1, width)]
        let hCount = Int(t - m)
        let count = 3 + hCount + Int(x > 0 ? x - 1 : 0)
        let accepted = words.lessThanProduct(prefix: words.next(), count: count, decreasingFrom: 3) { i in
            if i < 3 { return scalars[i] }
            if i < 3 + hCount { return (n, d * (m + UInt64(i - 2))) }
            return (t + 1, t + UInt64(i - 3 - hCount) + 2)
        }
        return accepted ? t + x : nil
    }

    /// A left-tail proposal k = L′ − x, P(x) = (1 − ρ)ρ^x with ρ = L′D/N, accepted with
    /// C·h(L′)·N/(w·W·(N − L′D)) · Π_{i=1..x−1} (L′−i)/L′ (exactly); nil when rejected or below 0.
    func leftTail(_ words: inout RandomWords) -> UInt64? {
        guard let l = leftTailStart else { return nil }
        let n = numerator
        let d = denominator
        let m = mode
        let ld = l * d
        var x: UInt64 = 0
        while words.bernoulli(ld, n) {
            x += 1
            if x > l { return nil }
        }
        let scalars: [(UInt64, UInt64)] = [(scale, weights[rightCount + leftCount + 1]), (n, n - ld), (1, width)]
        let hCount = Int(m - l)
        let count = 3 + hCount + Int(x > 0 ? x - 1 : 0)
        let accepted = words.lessThanProduct(prefix: words.next(), count: count, decreasingFrom: 3) { i in
            if i < 3 { return scalars[i] }
            if i < 3 + hCount { return (d * (m - UInt64(i - 3)), n) }
            return (l - UInt64(i - 3 - hCount) - 1, l)
        }
        return accepted ? l - x : nil
    }
}
