/// The table path of ``DiscreteGaussianSampler`` (σ ≥ 1): exact rejection sampling from a piecewise-constant
/// envelope with rational (integer) bucket weights, an exact alias table, and acceptance coins that are almost
/// almost always decided by 32 random bits against a precomputed threshold. Exactness argument: Docs/samplers.md.
///
/// Magnitudes i ≥ 0 are split into B buckets [b·w, (b+1)·w) below T = B·w (w = max(1, ⌊σ/32⌋), T ≥ 12σ) and a
/// tail i ≥ T. With γ(i) = i²·D/(2N) (σ² = N/D) and a scale C:
/// - bucket b has integer weight W_b ≥ C·e^{−γ(b·w)} (W_0 = C/2 when w = 1, for the unsigned 0); the tail has
///   W_t ≥ 2C·(w_t/w)·e^{−γ(T)}; a reject entry takes the rest of 2^32. The top 32 bits of one 64-bit word pick
///   an entry through an alias table over 2^p columns (p bits for the column, 32 − p for the threshold):
///   P(entry) = W/2^32.
/// - in bucket b: i = b·w + j, j uniform in [0, w), a sign; accepted with κ_b·e^{−(γ(i) − γ(b·w))}, where
///   κ_b = C·e^{−γ(b·w)}/W_b ≤ 1 is decided by the word's low 32 bits v against thresholds
///   t_lo ≤ κ_b·2^32 ≤ t_hi (v < t_lo: yes; v ≥ t_hi: no; otherwise the exact big-integer comparison), and
///   the second factor by CKS Algorithm 1 (exponent < 1/2).
/// - in the tail: i = T + k·w_t + j with P(k) = 2^{−(k+1)}, j uniform in [0, w_t), a sign; accepted with
///   (C·2^{k+1}·w_t/(W_t·w))·e^{−γ(i)} ≤ 1, decided exactly by big-integer comparison (never fast).
/// Every accepted (i, sign) then has probability C·e^{−γ(i)}/(2^33·w) (zero counted once), ∝ e^{−i²/(2σ²)}.
struct GaussianTable: Sendable, Equatable {
    /// Bits of the alias draw (entry weights sum to 2^32); the other 32 bits of the same word decide κ.
    static let totalBits = 32

    let numerator: UInt64
    let denominator: UInt64
    let width: UInt64
    let bucketCount: Int
    let tailStart: UInt64
    let tailWidth: UInt64
    let scale: UInt128
    let weights: [UInt64]  // W_b for b < B, then W_t
    let acceptBelow: [UInt32]  // t_lo = ⌊κ_lo·2^32⌋ (saturated at 2^32 − 1)
    let rejectFrom: [UInt64]  // t_hi = ⌈κ_hi·2^32⌉ (may be 2^32)
    let columnThreshold: [UInt64]
    let columnAlias: [UInt32]
    let columnBits: Int

    /// - Parameters: `tailMultiple`: T ≥ tailMultiple·σ (tests lower it to exercise the tail);
    ///   `slowCoins`: every κ coin takes the exact big-integer path (tests).
    init(numerator n: UInt64, denominator d: UInt64, tailMultiple: UInt64 = 12, slowCoins: Bool = false) {
        numerator = n
        denominator = d
        let sigmaFloor = integerSquareRoot(n / d)  // ⌊σ⌋ ≥ 1
        let w = max(1, sigmaFloor / 32)
        width = w
        // T = a multiple of w with T ≥ tailMultiple·σ, i.e. T²·D ≥ tailMultiple²·N.
        let minimumT = UInt64(
            ceilingSquareRoot(
                numerator: UInt128(tailMultiple * tailMultiple) * UInt128(n), denominator: UInt128(d)))
        let b = Int((max(minimumT, 1) + w - 1) / w)
        bucketCount = b
        let t = UInt64(b) * w
        tailStart = t
        // w_t ≥ w with T·w_t·D ≥ N, so γ grows by ≥ 1 > ln 2 per tail step and 2^{k+1}·e^{−γ} peaks at k = 0.
        let wt = max(w, UInt64((UInt128(n) + UInt128(t) * UInt128(d) - 1) / (UInt128(t) * UInt128(d))))
        tailWidth = wt
        let twoN = UInt128(n) << 1
        // e^{−γ(b·w)} = q^{b²} with q = e^{−w²·D/(2N)}: one exp bound, then q^{(b+1)²} = q^{b²}·q^{2b+1} and
        // q^{2b+3} = q^{2b+1}·q², every product rounded outwards (lower bounds down, upper bounds up).
        let powers = ExpBounds.integerPowers(64)
        let q = ExpBounds.expMinus(UInt128(w) * UInt128(w) * UInt128(d), twoN, powers: powers)
        let q2 = (ExpBounds.mulDown(q.lo, q.lo), ExpBounds.mulUp(q.hi, q.hi))
        var bounds: [(lo: UInt128, hi: UInt128)] = []
        bounds.reserveCapacity(b + 1)
        var current = (lo: ExpBounds.one, hi: ExpBounds.one)  // q^{b²}
        var step = q  // q^{2b+1}
        for _ in 0...b {
            bounds.append(current)
            current = (ExpBounds.mulDown(current.lo, step.lo), ExpBounds.mulUp(current.hi, step.hi))
            step = (ExpBounds.mulDown(step.lo, q2.0), ExpBounds.mulUp(step.hi, q2.1))
        }
        let tailBound = bounds.removeLast().hi  // e^{−γ(T)}, T = B·w
        let zeroHalf = w == 1
        // Σ_b e^{−γ_b} (upper), scaled by 2^-20 to fit: the first guess of C makes Σ W ≈ 2^32·(1 − 2^-12).
        var sum: UInt128 = 0
        for (k, bound) in bounds.enumerated() { sum += (k == 0 && zeroHalf ? bound.hi / 2 : bound.hi) >> 20 }
        let budget = UInt128(1) << Self.totalBits
        // sum ≈ S·2^107 for S = Σ e^{−γ_b}; C ≈ 2^32·(1 − 2^-12)/S.
        var c = ((budget - (budget >> 12)) << 40) / ((sum >> 67) + 1)
        c = min(c, budget) & ~1
        func ceilScaled(_ c: UInt128, _ x: UInt128) -> UInt128 { ExpBounds.mulUp(c, x) }
        var w8: [UInt64] = []
        var wTail: UInt64 = 1
        while true {
            w8 = bounds.enumerated().map { k, bound in
                k == 0 && zeroHalf ? UInt64(c / 2) : UInt64(max(1, ceilScaled(c, bound.hi)))
            }
            let tailNeed = (ceilScaled(c, tailBound) * 2 * UInt128(wt) + UInt128(w) - 1) / UInt128(w)
            wTail = UInt64(max(1, tailNeed))
            let total = w8.reduce(UInt128(0)) { $0 + UInt128($1) } + UInt128(wTail)
            if total <= budget { break }
            c = (c - c / 16) & ~1
        }
        scale = c
        weights = w8 + [wTail]
        // κ thresholds: κ·2^32 = C·e^{−γ}/(W·2^95) in Q1.127 units.
        var below: [UInt32] = []
        var from: [UInt64] = []
        for k in 0..<b {
            if k == 0 && zeroHalf {  // κ_0 = (C/2)/W_0 = 1 exactly
                below.append(UInt32.max)
                from.append(1 << 32)
                continue
            }
            let divisor = UInt128(w8[k]) << 95
            let loProduct = c.multipliedFullWidth(by: bounds[k].lo)
            let hiProduct = c.multipliedFullWidth(by: bounds[k].hi)
            let lo = divisor.dividingFullWidth(loProduct).quotient
            let (hiQ, hiR) = divisor.dividingFullWidth(hiProduct)
            let hi = hiR == 0 ? hiQ : hiQ + 1
            below.append(slowCoins ? 0 : UInt32(min(lo, UInt128(UInt32.max))))
            from.append(slowCoins ? 1 << 32 : UInt64(min(hi, UInt128(1) << 32)))
        }
        acceptBelow = below
        rejectFrom = from
        // Exact alias table over 2^p columns of capacity 2^(32 − p); entries: buckets, tail, reject.
        let masses = weights.map { UInt128($0) }
        let table = AliasTable32(masses: masses + [budget - masses.reduce(0, +)])
        columnThreshold = table.threshold
        columnAlias = table.alias
        columnBits = table.columnBits
    }

    @inline(__always)
    func next(_ words: inout RandomWords) -> Int64 {
        var sample: Int64 = 0
        forEachSample(1, &words) { _, y in sample = y }
        return sample
    }

    /// Calls `body(i, sample)` for i in 0..<count with independent samples, opening the table's arrays once for
    /// the whole batch (the encoder's noise loop); the samples and the words they use are those of `count` calls
    /// of ``next(_:)``.
    @inline(__always)
    func forEachSample(_ count: Int, _ words: inout RandomWords, _ body: (Int, Int64) -> Void) {
        let n = UInt128(numerator)
        let d = UInt128(denominator)
        let w = width
        let shift = UInt64(64 - columnBits)
        let thresholdShift = UInt64(64 - Self.totalBits)
        let capacityMask = (UInt64(1) << UInt64(Self.totalBits - columnBits)) - 1
        columnThreshold.withUnsafeBufferPointer { threshold in
            columnAlias.withUnsafeBufferPointer { alias in
                acceptBelow.withUnsafeBufferPointer { acceptBelow in
                    for index in 0..<count {
                        while true {
                            let x = words.next()
                            let column = Int(truncatingIfNeeded: x >> shift)
                            let u = (x >> thresholdShift) & capacityMask
                            let v = UInt32(truncatingIfNeeded: x)  // the κ coin's first 32 bits
                            let entry = u < threshold[column] ? column : Int(alias[column])
                            if entry >= bucketCount {
                                if entry == bucketCount, let y = tail(&words) {
                                    body(index, y)
                                    break
                                }
                                continue
                            }
                            if w == 1 && entry == 0 {
                                body(index, 0)
                                break
                            }
                            if v >= acceptBelow[entry] && !kappa(entry, v, &words) { continue }
                            let start = UInt64(entry) &* w
                            var i = start
                            if w > 1 {
                                let j = words.uniform(below: w)
                                i = start &+ j
                                // γ(i) − γ(start) = (2·start + j)·j·D / (2N) < 1/2.
                                let excess = UInt128((2 &* start &+ j) &* j) * d
                                if !words.bernoulliExpMinusFraction32(excess, n << 1) { continue }
                            }
                            let negative = words.bit()
                            if negative && i == 0 { continue }
                            body(index, negative ? -Int64(i) : Int64(i))
                            break
                        }
                    }
                }
            }
        }
    }

    /// The κ_b coin once its first 32 bits v are ≥ t_lo: v ≥ t_hi rejects, otherwise the exact comparison with
    /// V's first 64 bits = v·2^32 + 32 fresh bits.
    func kappa(_ entry: Int, _ v: UInt32, _ words: inout RandomWords) -> Bool {
        if UInt64(v) >= rejectFrom[entry] { return false }
        let prefix = UInt64(v) << 32 | UInt64(words.next32())
        let s = UInt128(UInt64(entry) * width)
        return words.lessThanScaledExp(
            rNumerator: BigUInt(scale), rDenominator: BigUInt(UInt128(weights[entry])),
            gammaNumerator: BigUInt(s * s * UInt128(denominator)),
            gammaDenominator: BigUInt(UInt128(numerator) << 1), prefix: BigUInt(UInt128(prefix)), prefixWords: 1)
    }

    /// A tail proposal and its exact acceptance; nil when rejected. Tail steps beyond k = 40 are refused (they
    /// lie beyond 2^40 σ-widths, where the target mass is below e^{−2^70}).
    func tail(_ words: inout RandomWords) -> Int64? {
        var k: UInt64 = 0
        while words.bit() {
            k += 1
            if k > 40 { return nil }
        }
        let j = words.uniform(below: tailWidth)
        let i = tailStart + k * tailWidth + j
        let negative = words.bit()
        let big = BigUInt(UInt128(i))
        let rNumerator = BigUInt(scale) * BigUInt(UInt128(1) << (k + 1)) * BigUInt(UInt128(tailWidth))
        let rDenominator = BigUInt(UInt128(weights[bucketCount])) * BigUInt(UInt128(width))
        let accepted = words.lessThanScaledExp(
            rNumerator: rNumerator, rDenominator: rDenominator,
            gammaNumerator: big * big * BigUInt(UInt128(denominator)),
            gammaDenominator: BigUInt(UInt128(numerator) << 1), prefix: BigUInt(0), prefixWords: 0)
        guard accepted else { return nil }
        return negative ? -Int64(i) : Int64(i)
    }
}
