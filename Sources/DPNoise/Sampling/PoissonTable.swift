/// The table path of ``PoissonSampler``: exact rejection sampling of Poisson(λ), λ = N/D, from a piecewise-constant
/// envelope with integer bucket weights, an exact alias table and acceptance coins almost always decided by 32
/// random bits — the shape of ``GaussianTable``. Expected cost O(1) per sample, independent of λ. Exactness
/// argument: Docs/samplers.md.
///
/// With m = ⌊λ⌋ (a mode) and h(k) = P(k)/P(m) ≤ 1, a product of rational factors (λ/k above m, k/λ below):
/// - right buckets [a, a + w) with a = m + b·w (b < B_R), left buckets (a − w, a] with a = m − 1 − b·w (b < B_L),
///   w = max(1, ⌊√m / widthDivisor⌋); the buckets reach Δ = ⌈cover·√λ⌉ + cover past m on each side (or 0); beyond
///   them a right tail k ≥ T = m + B_R·w and a left tail k ≤ L′ = m − 1 − B_L·w (when L′ ≥ 0).
/// - bucket weights W_b ≥ C·h(a) (C a scale), tail weights W ≥ C·h(T)/(w·(1 − ρ)) with the tail's geometric ratio ρ;
///   a reject entry takes the rest of 2^32. The top 32 bits of a word pick the entry (P = W/2^32).
/// - in a bucket: k = a ± j, j uniform in [0, w); accepted with κ_b · r(j), where κ_b = C·h(a)/W_b and
///   r(j) = h(k)/h(a) ≤ 1. κ_b is decided by the word's low 32 bits against precomputed thresholds; r(j) by 32 more
///   bits against rigorous bounds e^{−E}·s_b ≤ r(j) ≤ e^{−E} — E(j) = j·(α_b + (j−1)·β_b) a rational exponent, s_b
///   a per-bucket lower bound, e^{−E} bracketed by its Taylor polynomials. Both fall back to an exact comparison
///   (interval refinement of the rational products) when the bits cannot decide.
/// - in a tail: a geometric offset x with rational ratio ρ and an exact acceptance (rare: ~2^-32 of the draws).
/// Every accepted k then has probability C·h(k)/(2^32·w), ∝ λ^k/k!.
struct PoissonTable: Sendable, Equatable {
    let numerator: UInt64
    let denominator: UInt64
    let mode: UInt64
    let width: UInt64
    let rightCount: Int
    let leftCount: Int
    /// T: the first value of the right tail.
    let tailStart: UInt64
    /// L′: the first value of the left tail, or nil when the left buckets reach 0.
    let leftTailStart: UInt64?
    let scale: UInt64
    /// W for the right buckets, the left buckets, the right tail and the left tail (0 when there is none).
    let weights: [UInt64]
    /// Per bucket: κ thresholds t_lo = ⌊κ_lo·2^32⌋ (saturated) and t_hi = ⌈κ_hi·2^32⌉ (may be 2^32).
    let acceptBelow: [UInt32]
    let rejectFrom: [UInt64]
    /// Per bucket (w > 1): ⌊s_b·2^32⌋ for a lower bound s_b ≤ r(j)·e^{E(j)} over the bucket.
    let shapeBelow: [UInt64]
    /// Per bucket (w > 1): ⌊α_b·2^64⌋ and ⌊β_b·2^64⌋, the coefficients of E(j) (see ``exponentCoefficients``).
    let alpha: [UInt64]
    let beta: [UInt64]
    /// The alias table (``AliasTable32/packed``) over the entries above and a reject entry, and its column bits.
    let columns: [UInt64]
    let columnBits: Int

    /// Largest value returned (proposals beyond it are rejected; their Poisson mass is below e^{−2^61}).
    static let maximumValue: UInt64 = 1 << 62

    /// - Parameters: λ = `n`/`d` in lowest terms, `n` > 0; `cover`, `widthDivisor`: see the type (tests lower
    ///   `cover` to exercise the tails and `widthDivisor` to get wide buckets at small λ); `slowCoins`: every κ
    ///   and shape coin takes its exact path (tests).
    /// - Throws: ``DPNoiseError/Sampler/parameterOutOfRange`` when λ > 2^40 or D·(T + 1) ≥ 2^63.
    init(
        numerator n: UInt64, denominator d: UInt64, cover: UInt64 = 12, widthDivisor: UInt64 = 256,
        slowCoins: Bool = false
    ) throws(DPNoiseError.Sampler) {
        let m = n / d
        guard n > 0, d > 0, m <= 1 << 40 else { throw .parameterOutOfRange }
        let w = max(1, integerSquareRoot(m) / widthDivisor)
        let reach = ceilingSquareRoot(numerator: UInt128(cover * cover) * UInt128(n), denominator: UInt128(d)) + cover
        let rightCount = (reach + w - 1) / w
        let t = m + rightCount * w
        let (dt, overflow) = d.multipliedReportingOverflow(by: t + 1)
        guard !overflow, dt < 1 << 63, t < Self.maximumValue else { throw .parameterOutOfRange }
        var leftCount = (reach + w - 1) / w
        if leftCount * w >= m { leftCount = (m + w - 1) / w }
        let leftTail: UInt64? = leftCount * w < m ? m - 1 - leftCount * w : nil
        numerator = n
        denominator = d
        mode = m
        width = w
        self.rightCount = Int(rightCount)
        self.leftCount = Int(leftCount)
        tailStart = t
        leftTailStart = leftTail

        // h at every bucket anchor and far end, and at the tail starts (certified estimates).
        let bounds = Self.anchorBounds(n: n, d: d, m: m, w: w, rightCount: Int(rightCount), leftCount: Int(leftCount))
        let anchors = Array(bounds.rightAnchors.dropLast()) + Array(bounds.leftAnchors.prefix(Int(leftCount)))
        let tails = (right: bounds.rightAnchors[Int(rightCount)], left: leftTail == nil ? nil : bounds.leftAnchors.last)
        // Scale: the first guess makes Σ W_b ≈ 2^32·(1 − 2^-12); lowered by 1/64 until everything fits 2^32.
        let budget = UInt128(1) << UInt128(AliasTable32.totalBits)
        let sumQ64 = anchors.reduce(UInt128(0)) { $0 + $1.upper(times: 1, shiftedBy: 64) }
        var c = min(((budget - (budget >> 12)) << 64) / (sumQ64 + 1), budget)
        var w8: [UInt64]
        while true {
            w8 = anchors.map { UInt64(max(1, $0.upper(times: c))) }
            let dT = UInt128(dt)
            w8.append(UInt64(Self.tailWeight(tails.right, c: c, ratioNumerator: dT, ratioDenominator: dT - UInt128(n), w: w)))
            if let left = tails.left, let l = leftTail {
                let nn = UInt128(n)
                w8.append(UInt64(Self.tailWeight(left, c: c, ratioNumerator: nn, ratioDenominator: nn - UInt128(l) * UInt128(d), w: w)))
            } else {
                w8.append(0)
            }
            if w8.reduce(UInt128(0), { $0 + UInt128($1) }) <= budget { break }
            c -= c / 64 + 1
        }
        scale = UInt64(c)
        weights = w8
        // κ_b = C·h(a)/W_b ∈ [C·h_lo/W_b, C·h_hi/W_b].
        var below: [UInt32] = []
        var from: [UInt64] = []
        for (k, anchor) in anchors.enumerated() {
            let wk = UInt128(w8[k])
            let lo = anchor.lower(times: c, shiftedBy: 32) / wk
            let hiScaled = anchor.upper(times: c, shiftedBy: 32)
            let hi = (hiScaled + wk - 1) / wk
            below.append(slowCoins ? 0 : UInt32(min(lo, UInt128(UInt32.max))))
            from.append(slowCoins ? 1 << 32 : UInt64(min(hi, budget)))
        }
        acceptBelow = below
        rejectFrom = from
        // s(j) = r(j)·e^{E(j)} is non-increasing in j (each factor ≤ 1), so s_b bounds it at the bucket's far end:
        // h_lo(far)/h_hi(a) · (1 + E + E²/2) ≤ h(far)/h(a) · e^E.
        var shape: [UInt64] = []
        var alphas: [UInt64] = []
        var betas: [UInt64] = []
        let fars = bounds.rightFars + bounds.leftFars
        for k in 0..<anchors.count where w > 1 {
            let right = k < Int(rightCount)
            let a = right ? m + UInt64(k) * w : m - 1 - UInt64(k - Int(rightCount)) * w
            let (alphaQ, betaQ) = Self.exponentCoefficients(n: n, d: d, anchor: a, w: w, right: right)
            alphas.append(alphaQ)
            betas.append(betaQ)
            let j = right ? w - 1 : min(w - 1, a)
            if slowCoins || j == 0 {
                shape.append(0)
                continue
            }
            let ratio = Self.ratioLowerQ64(fars[k], over: anchors[k])
            let jj = UInt128(j)
            let e = min(jj * UInt128(alphaQ) + jj * (jj - 1) * UInt128(betaQ), UInt128(UInt64.max))  // ≤ E·2^64
            let poly = (UInt128(1) << 64) + e + ((e * e) >> 65)  // ≤ 2^64·(1 + E + E²/2)
            let s = ((ratio >> 2) * (poly >> 2)) >> 60  // Q64, rounded down
            shape.append(UInt64(min(s, UInt128(1) << 64) >> 32))
        }
        alpha = alphas
        beta = betas
        shapeBelow = shape
        let masses = w8.map { UInt128($0) }
        let alias = AliasTable32(masses: masses + [budget - masses.reduce(0, +)])  // ≥ 3 entries
        columns = alias.packed
        columnBits = alias.columnBits
    }

    /// ⌊α·2^64⌋ and ⌊β·2^64⌋ for the within-bucket exponent E(j) = j·(α + (j−1)·β), which satisfies
    /// e^{−E(j)} ≥ r(j) = h(k)/h(a) for the bucket's k = a ± j:
    /// right (a ≥ m): λ/(a+i) ≤ exp(−(a+i−λ)/(a+i)) ≤ exp(−(a+i−λ)/(a+w)), so E = Σ_{i≤j} (a+i−λ)/(a+w), i.e.
    /// α = ((a+1)D − N)/(D(a+w)), β = 1/(2(a+w));
    /// left (a < m): (a−i)/λ ≤ exp((a−i)/λ − 1), so E = Σ_{i<j} (λ−a+i)/λ, i.e. α = (N − aD)/N, β = D/(2N).
    /// Rounding both down makes j·(α' + (j−1)·β') ≤ E·2^64 ≤ that + j².
    static func exponentCoefficients(n: UInt64, d: UInt64, anchor a: UInt64, w: UInt64, right: Bool) -> (UInt64, UInt64) {
        if right {
            let denominator = d * (a + w)  // < 2^63
            let numerator = d * (a + 1) - n  // (a + 1)·D > N, and < denominator
            let alpha = denominator.dividingFullWidth((high: numerator, low: 0)).quotient
            return (alpha, (UInt64(1) << 63) / (a + w))
        }
        let alpha = n.dividingFullWidth((high: n - a * d, low: 0)).quotient  // N − aD < N
        let beta = n.dividingFullWidth((high: d >> 1, low: d << 63)).quotient  // D ≤ N on this side
        return (alpha, beta)
    }

    /// Certified estimates (``BoundedFloat``) of h at every bucket anchor (right: a_0…a_{B_R}, the last being T;
    /// left: a_0…a_{B_L−1}, plus L′ when the left tail exists) and at every bucket's far end (right: a + w − 1;
    /// left: max(0, a − w + 1)). Bucket to bucket, h(a + w)/h(a) = N^w / Π_{i=1..w} D(a+i) (right) and
    /// h(a − w)/h(a) = Π_{i<w} D(a−i) / N^w (left): one 64-bit multiplication per value of k, O(Δ) in all.
    static func anchorBounds(n: UInt64, d: UInt64, m: UInt64, w: UInt64, rightCount: Int, leftCount: Int) -> (
        rightAnchors: [BoundedFloat], rightFars: [BoundedFloat], leftAnchors: [BoundedFloat], leftFars: [BoundedFloat]
    ) {
        let nw = BoundedFloat.power(n, w)
        let nwFar = BoundedFloat.power(n, w - 1)
        var rightAnchors = [BoundedFloat.one]
        var rightFars: [BoundedFloat] = []
        var h = BoundedFloat.one
        var a = m
        for _ in 0..<rightCount {
            var product = BoundedFloat.one
            for i in 1...w {
                if i == w { rightFars.append(h * nwFar / product) }  // h(a + w − 1)
                product.multiply(byInteger: d * (a + i))
            }
            h = h * nw / product
            a += w
            rightAnchors.append(h)
        }
        var leftAnchors: [BoundedFloat] = []
        var leftFars: [BoundedFloat] = []
        guard m > 0, leftCount > 0 else { return (rightAnchors, rightFars, leftAnchors, leftFars) }
        h = BoundedFloat(d * m) / BoundedFloat(n)  // h(m − 1) = m/λ
        a = m - 1
        for _ in 0..<leftCount {
            leftAnchors.append(h)
            let far = min(w - 1, a)
            var product = BoundedFloat.one
            for i in 0..<w {
                if i == far { leftFars.append(h * product / (far == w - 1 ? nwFar : BoundedFloat.power(n, far))) }
                if a - i == 0 { return (rightAnchors, rightFars, leftAnchors, leftFars) }  // the last bucket reaches 0
                product.multiply(byInteger: d * (a - i))
            }
            h = h * product / nw
            a -= w
        }
        leftAnchors.append(h)  // h(L′)
        return (rightAnchors, rightFars, leftAnchors, leftFars)
    }

    /// A tail weight ⌈C·h_hi·rN/(w·rD)⌉ ≥ C·h/(w·(1 − ρ)) with 1/(1 − ρ) = rN/rD (rN/rD ≤ 2^62), capped at 2^32 + 1
    /// (the scale loop then lowers C).
    static func tailWeight(_ h: BoundedFloat, c: UInt128, ratioNumerator rN: UInt128, ratioDenominator rD: UInt128, w: UInt64)
        -> UInt128
    {
        let x = h.upper(times: c, shiftedBy: 32)  // ⌈C·h_hi·2^32⌉ < 2^66
        let den = UInt128(w) * rD << 32
        let (q, r) = den.dividingFullWidth(x.multipliedFullWidth(by: rN))
        let up = r == 0 ? q : q + 1
        return min(max(up, 1), (UInt128(1) << 32) + 1)
    }

    /// A lower bound on (h(far) / h(anchor))·2^64.
    static func ratioLowerQ64(_ far: BoundedFloat, over anchor: BoundedFloat) -> UInt128 {
        (far / anchor).lower(times: 1, shiftedBy: 64)
    }
}
