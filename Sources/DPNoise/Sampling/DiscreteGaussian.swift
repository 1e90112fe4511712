import Sodium

/// Exact discrete Gaussian N_ℤ(0, σ²): P(Y = y) ∝ exp(−y²/(2σ²)) on ℤ, for rational σ² (Canonne, Kamath,
/// Steinke 2020, Algorithm 3). See ``DiscreteGaussianSampler`` for the supported range and the batch path.
public enum DiscreteGaussian {
    /// One sample with σ² = `varianceNumerator / varianceDenominator` (the "σ²" parameter of N_ℤ; the actual
    /// variance of N_ℤ is slightly below σ² for σ < 1 and equal to it within 10^-30 relative for σ ≥ 3).
    ///
    /// - Throws: see ``DiscreteGaussianSampler/init(varianceNumerator:varianceDenominator:)``.
    public static func sample<R: SecureRandom>(
        varianceNumerator: UInt64, varianceDenominator: UInt64, using rng: inout R
    ) throws(SamplerError) -> Int64 {
        let sampler = try DiscreteGaussianSampler(
            varianceNumerator: varianceNumerator, varianceDenominator: varianceDenominator)
        return sampler.sample(using: &rng)
    }
}

/// A discrete Gaussian sampler with its per-σ constants precomputed (the fast path for many samples).
///
/// Algorithm (CKS 2020, Alg. 3): t = ⌊σ⌋ + 1; repeat Y ← discrete Laplace(scale t) until
/// Bernoulli(exp(−(|Y| − σ²/t)²/(2σ²))) accepts. With σ² = N/D (reduced) the exponent is the exact rational
/// (|Y|·D·t − N)² / (2·N·D·t²), evaluated in 128-bit (256-bit when |Y| is huge) integers.
///
/// - Supported range: N, D ≥ 1 with D·t < 2^64 and 2·N·D·t² < 2^128 — e.g. every σ² from 2^-20 to 10^12 whose
///   denominator is at most 2^20 (σ² = 0.01 as 1/100, σ² = 10^12 as 10^12/1). Outside it ``init`` throws.
/// - Outputs are bounded by 2^62 in magnitude (see `maximumSampleMagnitude`; the truncation has probability
///   below exp(−2^40)).
/// - Expected cost: about 10–15 uniform 64-bit draws per sample (no division in the common path).
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
    /// For σ ≥ 1 (the Karney path): ⌈k·σ⌉ for k = 0…``karneyIntervalCount`` (exact integer square roots);
    /// empty for σ < 1 (the CKS path).
    let intervalStarts: [UInt64]

    /// - Throws: ``SamplerError/zeroDenominator``; ``SamplerError/nonPositiveParameter`` for σ² = 0;
    ///   ``SamplerError/parameterOutOfRange`` outside the supported range.
    public init(varianceNumerator: UInt64, varianceDenominator: UInt64) throws(SamplerError) {
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
        if n >= d {
            intervalStarts = (0...karneyIntervalCount).map { k in
                ceilingSquareRoot(numerator: UInt128(k * k) * UInt128(n), denominator: UInt128(d))
            }
        } else {
            intervalStarts = []
        }
    }

    /// One sample.
    public func sample<R: SecureRandom>(using rng: inout R) -> Int64 {
        withRandomWords(&rng, capacity: 32) { next(&$0) }
    }

    /// Fills `out` with independent samples, drawing randomness from `rng` in large blocks.
    public func fill<R: SecureRandom>(_ out: UnsafeMutableBufferPointer<Int64>, using rng: inout R) {
        withRandomWords(&rng, capacity: 1024) { words in
            for i in out.indices { out[i] = next(&words) }
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
        intervalStarts.isEmpty ? nextCKS(&words) : nextKarney(&words)
    }

    /// Karney 2016 ("Sampling exactly from the normal distribution", Algorithm D, μ = 0) with the exactness
    /// argument of Docs/samplers.md: k ≥ 0 with P ∝ e^{−k/2} (count of Bernoulli(e^{−1/2}) successes), accepted
    /// with e^{−k(k−1)/2}; i uniform in [⌈kσ⌉, ⌈kσ⌉ + ⌈σ⌉), kept if i < (k+1)σ; a sign, −0 refused; accepted
    /// with exp(−(i²/σ² − k²)/2) = exp(−(i²·D − k²·N)/(2N)), a rational exponent in [0, k + 1/2).
    /// Then P(±i) ∝ e^{−k/2}·e^{−k(k−1)/2}·e^{−(i²/σ² − k²)/2} = e^{−i²/(2σ²)}.
    @inline(__always)
    func nextKarney(_ words: inout RandomWords) -> Int64 {
        let n = UInt128(varianceNumerator)
        let d = UInt128(varianceDenominator)
        let twoN = n << 1
        return intervalStarts.withUnsafeBufferPointer { starts in
            let width = starts[1]  // ⌈σ⌉
            outer: while true {
                var k = 0
                while words.bernoulliExpMinusHalf() { k &+= 1 }
                // Intervals beyond k = 64 (|Y| ≥ 64σ, probability < e^{-2000}) are refused.
                guard k < karneyIntervalCount else { continue }
                if k >= 2 {
                    for _ in 0..<(k * (k - 1) / 2) where !words.bernoulliExpMinusOneBranchless() { continue outer }
                }
                let i = starts[k] &+ words.uniform(below: width)
                if i >= starts[k + 1] { continue }
                let negative = words.bit()
                if negative && i == 0 { continue }
                // i < 64σ ≤ 2^27, so i²·D < 2^118; k²·N < 2^76; the exponent numerator is < (2k + 1)·N.
                var a = UInt128(i) * UInt128(i) * d - UInt128(k * k) * n
                while a >= twoN {
                    a -= twoN
                    if !words.bernoulliExpMinusOneBranchless() { continue outer }
                }
                if !words.bernoulliExpMinusFraction32(a, twoN) { continue }
                return negative ? -Int64(i) : Int64(i)
            }
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

/// Number of σ-wide intervals the Karney path uses (outputs below 64σ in magnitude).
let karneyIntervalCount = 64

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
