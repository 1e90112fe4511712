import Sodium

/// Exact discrete Gaussian N_ℤ(0, σ²): P(Y = y) ∝ exp(−y²/(2σ²)) on ℤ, for rational σ². One-off draws use
/// Canonne, Kamath, Steinke 2020, Algorithm 3; ``DiscreteGaussianSampler`` (the batch path) uses a precomputed
/// exact table for σ ≥ 1 and documents the supported range.
public enum DiscreteGaussian {
    /// One sample with σ² = `varianceNumerator / varianceDenominator` (the "σ²" parameter of N_ℤ; the actual
    /// variance of N_ℤ is slightly below σ² for σ < 1 and equal to it within 10^-30 relative for σ ≥ 3).
    ///
    /// - Throws: see ``DiscreteGaussianSampler/init(varianceNumerator:varianceDenominator:)``.
    public static func sample<R: SecureRandom>(
        varianceNumerator: UInt64, varianceDenominator: UInt64, using rng: inout R
    ) throws(DPNoiseError.Sampler) -> Int64 {
        // One draw: the CKS path (no table to build).
        let sampler = try DiscreteGaussianSampler(
            varianceNumerator: varianceNumerator, varianceDenominator: varianceDenominator, table: false)
        return sampler.sample(using: &rng)
    }
}

/// A discrete Gaussian sampler with its per-σ constants precomputed (the fast path for many samples).
///
/// Algorithm for σ ≥ 1 (N ≥ D): the exact table sampler ``GaussianTable`` (integer alias table over buckets of
/// magnitudes, acceptance coins decided by 32-bit thresholds with an exact big-integer fallback; about one or two
/// random words per sample, ~8–100 µs to build; exactness argument in Docs/samplers.md).
///
/// Algorithm for σ < 1 (CKS 2020, Alg. 3): t = ⌊σ⌋ + 1; repeat Y ← discrete Laplace(scale t) until
/// Bernoulli(exp(−(|Y| − σ²/t)²/(2σ²))) accepts. With σ² = N/D (reduced) the exponent is the exact rational
/// (|Y|·D·t − N)² / (2·N·D·t²), evaluated in 128-bit (256-bit when |Y| is huge) integers.
///
/// - Supported range: N, D ≥ 1 with D·t < 2^64 and 2·N·D·t² < 2^128 — e.g. every σ² from 2^-20 to 10^12 whose
///   denominator is at most 2^20 (σ² = 0.01 as 1/100, σ² = 10^12 as 10^12/1). Outside it ``init`` throws.
/// - Outputs are bounded by 2^62 in magnitude (see `maximumSampleMagnitude`; the truncation has probability
///   below exp(−2^40)).
/// - Expected cost: σ ≥ 1, 1–2 words per sample; σ < 1 (CKS), about 10–15 uniform draws per sample.
/// - Thread-safety: the struct is immutable and `Sendable`; the generator passed in is not shared.
public struct DiscreteGaussianSampler: Sendable, Equatable {
    /// σ² = numerator / denominator, reduced to lowest terms.
    public let varianceNumerator: UInt64
    public let varianceDenominator: UInt64
    /// t = ⌊σ⌋ + 1, the discrete Laplace scale of the proposal.
    let laplaceScale: UInt64
    /// D·t.
    let denominatorTimesScale: UInt64
    /// 2·N·D·t², the denominator of the acceptance exponent.
    let exponentDenominator: UInt128
    /// For σ ≥ 1: the exact table sampler (``GaussianTable``); nil for σ < 1 (the CKS path).
    let table: GaussianTable?

    /// - Throws: ``DPNoiseError/Sampler/zeroDenominator``; ``DPNoiseError/Sampler/nonPositiveParameter`` for σ² = 0;
    ///   ``DPNoiseError/Sampler/parameterOutOfRange`` outside the supported range.
    public init(varianceNumerator: UInt64, varianceDenominator: UInt64) throws(DPNoiseError.Sampler) {
        try self.init(varianceNumerator: varianceNumerator, varianceDenominator: varianceDenominator, table: true)
    }

    /// `table: false` keeps the CKS path for every σ (one-off draws, and tests comparing the two paths).
    init(
        varianceNumerator: UInt64, varianceDenominator: UInt64, table useTable: Bool,
        tailMultiple: UInt64 = 12, slowCoins: Bool = false
    ) throws(DPNoiseError.Sampler) {
        guard varianceDenominator > 0 else { throw .zeroDenominator }
        guard varianceNumerator > 0 else { throw .nonPositiveParameter }
        let g = greatestCommonDivisor(varianceNumerator, varianceDenominator)
        let n = varianceNumerator / g
        let d = varianceDenominator / g
        let t = integerSquareRoot(n / d) + 1
        let (dt, o1) = d.multipliedReportingOverflow(by: t)
        guard !o1, t <= 1 << 21 else { throw .parameterOutOfRange }
        let (a, o2) = (UInt128(n) * 2).multipliedReportingOverflow(by: UInt128(dt))
        let (b, o3) = a.multipliedReportingOverflow(by: UInt128(t))
        guard !o2, !o3 else { throw .parameterOutOfRange }
        self.varianceNumerator = n
        self.varianceDenominator = d
        laplaceScale = t
        denominatorTimesScale = dt
        exponentDenominator = b
        table = useTable && n >= d
            ? GaussianTable(numerator: n, denominator: d, tailMultiple: tailMultiple, slowCoins: slowCoins) : nil
    }

    /// One sample.
    public func sample<R: SecureRandom>(using rng: inout R) -> Int64 {
        withRandomWords(&rng, capacity: 32) { next(&$0) }
    }

    /// Fills `out` with independent samples, drawing randomness from `rng` in large blocks.
    public func fill<R: SecureRandom>(_ out: UnsafeMutableBufferPointer<Int64>, using rng: inout R) {
        withRandomWords(&rng, capacity: 1024) { words in
            forEachSample(out.count, &words) { out[$0] = $1 }
        }
    }

    /// `count` independent samples.
    public func samples<R: SecureRandom>(count: Int, using rng: inout R) -> [Int64] {
        var out = [Int64](repeating: 0, count: max(count, 0))
        out.withUnsafeMutableBufferPointer { fill($0, using: &rng) }
        return out
    }

    @inline(__always)
    func next(_ words: inout RandomWords) -> Int64 {
        if let table { return table.next(&words) }
        return nextCKS(&words)
    }

    /// Calls `body(i, sample)` for i in 0..<count with independent samples, the same as `count` calls of
    /// ``next(_:)``; with a table, its arrays are opened once for the batch (the encoder's noise loop).
    @inline(__always)
    func forEachSample(_ count: Int, _ words: inout RandomWords, _ body: (Int, Int64) -> Void) {
        if let table {
            table.forEachSample(count, &words, body)
        } else {
            for i in 0..<count { body(i, nextCKS(&words)) }
        }
    }

    /// The CKS 2020 path (σ < 1).
    @inline(__always)
    func nextCKS(_ words: inout RandomWords) -> Int64 {
        let n = UInt128(varianceNumerator)
        while true {
            let y = words.discreteLaplace(scaleNumerator: laplaceScale, scaleDenominator: 1)
            let p = UInt128(y.magnitude) * UInt128(denominatorTimesScale)  // < 2^62 · 2^64
            let a = p >= n ? p - n : n - p
            let accept: Bool
            if a <= UInt128(UInt64.max) {
                let a64 = UInt64(a)
                let sq = a64.multipliedFullWidth(by: a64)
                let square = (UInt128(sq.high) << 64) | UInt128(sq.low)
                if square < exponentDenominator {
                    accept = words.bernoulliExpMinusFraction(square, exponentDenominator)
                } else {
                    accept = words.bernoulliExpMinus(square, exponentDenominator)
                }
            } else {
                let sq = a.multipliedFullWidth(by: a)
                accept = words.bernoulliExpMinus(high: sq.high, low: sq.low, exponentDenominator)
            }
            if accept { return y }
        }
    }
}

/// ⌈√(numerator/denominator)⌉, exactly: ⌈√x⌉ = ⌈√⌈x⌉⌉, then corrected by exact squaring.
func ceilingSquareRoot(numerator: UInt128, denominator: UInt128) -> UInt64 {
    let q = (numerator + denominator - 1) / denominator
    var s = UInt128(1) << ((128 - q.leadingZeroBitCount + 1) / 2)  // ≥ √q
    if q == 0 { return 0 }
    while true {  // Newton from above: ⌊√q⌋
        let t = (s + q / s) / 2
        if t >= s { break }
        s = t
    }
    while s * s < q { s += 1 }
    while s > 0 && (s - 1) * (s - 1) >= q { s -= 1 }
    return UInt64(s)
}

func greatestCommonDivisor(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var x = a
    var y = b
    while y != 0 { (x, y) = (y, x % y) }
    return x
}

/// ⌊√n⌋, exactly (Newton's method on integers).
func integerSquareRoot(_ n: UInt64) -> UInt64 {
    if n < 2 { return n }
    var x = UInt64(1) << ((64 - n.leadingZeroBitCount + 1) / 2)  // ≥ √n
    while true {
        let y = (x + n / x) / 2
        if y >= x { return x }
        x = y
    }
}
