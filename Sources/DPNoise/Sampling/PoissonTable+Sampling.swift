/// The sampling loop of ``PoissonTable`` and its exact slow paths.
extension PoissonTable {
    @inline(__always)
    func next(_ words: inout RandomWords) -> Int64 {
        let w = width
        let shift = UInt64(64 - alias.columnBits)
        let thresholdShift = UInt64(64 - AliasTable32.totalBits)
        let capacityMask = (UInt64(1) << UInt64(AliasTable32.totalBits - alias.columnBits)) - 1
        let bucketCount = rightCount + leftCount
        return alias.threshold.withUnsafeBufferPointer { threshold in
            alias.alias.withUnsafeBufferPointer { aliasEntries in
                acceptBelow.withUnsafeBufferPointer { acceptBelow in
                    while true {
                        let x = words.next()
                        let column = Int(truncatingIfNeeded: x >> shift)
                        let u = (x >> thresholdShift) & capacityMask
                        let v = UInt32(truncatingIfNeeded: x)  // the κ coin's first 32 bits
                        let entry = u < threshold[column] ? column : Int(aliasEntries[column])
                        if entry >= bucketCount {
                            if entry == bucketCount, let k = rightTail(&words) { return Int64(k) }
                            if entry == bucketCount + 1, let k = leftTail(&words) { return Int64(k) }
                            continue
                        }
                        if v >= acceptBelow[entry] && !kappa(entry, v, &words) { continue }
                        let right = entry < rightCount
                        let anchor = right ? mode &+ UInt64(entry) &* w : mode &- 1 &- UInt64(entry &- rightCount) &* w
                        if w == 1 { return Int64(anchor) }
                        let j = UInt64(words.uniform(below: UInt32(truncatingIfNeeded: w)))
                        if j == 0 { return Int64(anchor) }
                        if !right && j > anchor { continue }  // below 0
                        if !withinBucket(entry, j, &words) { continue }
                        return Int64(right ? anchor &+ j : anchor &- j)
                    }
                }
            }
        }
    }

    /// The within-bucket acceptance for offset j ≥ 1: Bernoulli(e^{−E(j)}) (CKS, 32-bit lazy draws), then the
    /// shape coin s(j) against its 32-bit lower bound, exactly when that cannot decide.
    @inline(__always)
    func withinBucket(_ entry: Int, _ j: UInt64, _ words: inout RandomWords) -> Bool {
        let (en, ed) = Self.shapeExponent(
            n: numerator, d: denominator, m: mode, w: width, rightCount: rightCount, bucket: entry, offset: j)
        let passed = en < ed ? words.bernoulliExpMinusFraction32(en, ed) : words.bernoulliExpMinus(en, ed)
        if !passed { return false }
        let r = words.next32()
        if UInt64(r) < shapeBelow[entry] { return true }
        return shapeExact(entry, j, r, en, ed, &words)
    }

    /// s(j) = (h(k)/h(a))·e^{E} exactly, V's first 32 bits being `r`: V < rNum/rDen · e^{en/ed} with
    /// right rNum/rDen = N^j / Π_{i=1..j} D(a+i), left Π_{i<j} D(a−i) / N^j.
    func shapeExact(_ entry: Int, _ j: UInt64, _ r: UInt32, _ en: UInt128, _ ed: UInt128, _ words: inout RandomWords)
        -> Bool
    {
        let right = entry < rightCount
        let a = right ? mode + UInt64(entry) * width : mode - 1 - UInt64(entry - rightCount) * width
        var power = BigUInt(1)
        var product = BigUInt(1)
        for i in 0..<j {
            power.multiply(bySmall: numerator)
            product.multiply(bySmall: denominator * (right ? a + i + 1 : a - i))
        }
        let prefix = BigUInt(UInt128(UInt64(r) << 32 | UInt64(words.next32())))
        return words.lessThanScaledExpPlus(
            rNumerator: right ? power : product, rDenominator: right ? product : power, gammaNumerator: BigUInt(en),
            gammaDenominator: BigUInt(ed), prefix: prefix, prefixWords: 1)
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
