import Sodium

/// Exact Poisson(λ) for rational λ = numerator / denominator ≥ 0 (integer arithmetic only).
///
/// Algorithm: the exact table sampler ``PoissonTable`` (an integer alias table over buckets of values around the
/// mode, acceptance coins decided by 32-bit thresholds with exact fallbacks, geometric tails; exactness argument
/// in Docs/samplers.md). Expected cost O(1) per sample whatever λ: about one random word per sample for
/// λ < 2^18, two to three above; building the table takes O(√λ) (≈ 0.1 ms at λ = 10^6).
///
/// The one-off ``Poisson/sample(rateNumerator:rateDenominator:using:)`` keeps the window rejection sampler (ours;
/// no table to build): with m = ⌊λ⌋ and r(k) = P(k)/P(m) ≤ 1 (a product of rational factors, λ/(m+i) above the
/// mode, i/λ below it), the envelope is 1 on [max(0, m−W), m+W] (W = 2(⌊√m⌋+1)) and a geometric tail beyond
/// each end with ratio ρ₊ = λ/(m+W+1) (right) and ρ₋ = (m−W)/λ (left); a component is chosen by its exact
/// rational mass, then k within it, then k is accepted with probability r(k)/h(k), a product of rational
/// factors ≤ 1 drawn as a product of Bernoullis (``RationalProductBernoulli``). O(√λ) per sample.
///
/// - Supported: denominator D ≥ 1, λ ≤ 2^40, D·(T + 1) < 2^63 with T = ⌊λ⌋ + ⌈12√λ⌉ + 12 + w (w ≤ 4096 the
///   bucket width) and D·(⌊λ⌋ + 2⌊√⌊λ⌋⌋ + 3) < 2^63; otherwise `init` throws. Outputs are at most 2^62.
/// - Thread-safety: immutable and `Sendable`; the generator passed in is not shared.
public struct PoissonSampler: Sendable, Equatable {
    /// λ = numerator / denominator, reduced.
    public let rateNumerator: UInt64
    public let rateDenominator: UInt64
    let mode: UInt64
    let halfWidth: UInt64
    let windowLow: UInt64
    let windowCount: UInt64
    /// Component weights over a common denominator (central, right tail, left tail).
    let centralWeight: UInt128
    let rightWeight: UInt128
    let leftWeight: UInt128
    /// ρ₊ = rateNumerator / rightRatioDenominator and ρ₋ = leftRatioNumerator / rateNumerator (reduced λ = N/D).
    let rightRatioDenominator: UInt64
    let leftRatioNumerator: UInt64
    /// The exact table sampler (nil for λ = 0 and for the window path).
    let table: PoissonTable?

    /// - Throws: ``DPNoiseError/Sampler/zeroDenominator``; ``DPNoiseError/Sampler/parameterOutOfRange`` outside the range above.
    public init(rateNumerator: UInt64, rateDenominator: UInt64) throws(DPNoiseError.Sampler) {
        try self.init(rateNumerator: rateNumerator, rateDenominator: rateDenominator, table: true)
    }

    /// `table: false` keeps the window rejection sampler (one-off draws, and tests comparing the two paths);
    /// `cover`, `widthDivisor`, `slowCoins` are passed to ``PoissonTable`` (tests force its rare paths with them).
    init(
        rateNumerator: UInt64, rateDenominator: UInt64, table useTable: Bool, cover: UInt64 = 12,
        widthDivisor: UInt64 = 256, slowCoins: Bool = false
    ) throws(DPNoiseError.Sampler) {
        guard rateDenominator > 0 else { throw .zeroDenominator }
        let g = rateNumerator == 0 ? rateDenominator : greatestCommonDivisor(rateNumerator, rateDenominator)
        let n = rateNumerator / g
        let d = rateDenominator / g
        let m = n / d
        guard m <= 1 << 40 else { throw .parameterOutOfRange }
        let w = 2 * (integerSquareRoot(m) + 1)
        let (rd, o1) = d.multipliedReportingOverflow(by: m + w + 1)
        guard !o1, rd < 1 << 63 else { throw .parameterOutOfRange }
        self.rateNumerator = n
        self.rateDenominator = d
        mode = m
        halfWidth = w
        windowLow = m > w ? m - w : 0
        windowCount = m + w - windowLow + 1
        rightRatioDenominator = rd  // ρ₊ = n / rd
        leftRatioNumerator = m > w ? d * (m - w) : 0  // ρ₋ = leftRatioNumerator / n
        // Tail masses Σ_{j≥1} ρ^j = ρ/(1−ρ): right n/(rd − n), left ln/(n − ln).
        let rightDen = UInt128(rd - n)
        let leftDen = m > w ? UInt128(n - leftRatioNumerator) : 1
        let (c1, o2) = UInt128(windowCount).multipliedReportingOverflow(by: rightDen)
        let (c2, o3) = c1.multipliedReportingOverflow(by: leftDen)
        let (r1, o4) = UInt128(n).multipliedReportingOverflow(by: leftDen)
        let (l1, o5) = UInt128(leftRatioNumerator).multipliedReportingOverflow(by: rightDen)
        guard !o2, !o3, !o4, !o5, c2 < UInt128.max / 4, r1 < UInt128.max / 4, l1 < UInt128.max / 4 else {
            throw .parameterOutOfRange
        }
        centralWeight = c2
        rightWeight = r1
        leftWeight = l1
        table =
            useTable && n > 0
            ? try PoissonTable(numerator: n, denominator: d, cover: cover, widthDivisor: widthDivisor, slowCoins: slowCoins)
            : nil
    }

    /// One sample.
    public func sample<R: SecureRandom>(using rng: inout R) -> Int64 {
        withRandomWords(&rng, capacity: 64) { next(&$0) }
    }

    /// Fills `out` with independent samples.
    public func fill<R: SecureRandom>(_ out: UnsafeMutableBufferPointer<Int64>, using rng: inout R) {
        withRandomWords(&rng, capacity: 1024) { words in
            if let table {
                table.withCursor { cursor in
                    for i in out.indices { out[i] = cursor.next(&words) }
                }
            } else {
                for i in out.indices { out[i] = next(&words) }
            }
        }
    }

    @inline(__always)
    func next(_ words: inout RandomWords) -> Int64 {
        if let table { return table.next(&words) }
        return nextWindow(&words)
    }

    /// The window rejection sampler (O(√λ)).
    func nextWindow(_ words: inout RandomWords) -> Int64 {
        if rateNumerator == 0 { return 0 }
        let n = rateNumerator
        let d = rateDenominator
        let m = mode
        let w = halfWidth
        let total = centralWeight + rightWeight + leftWeight
        while true {
            let u = words.uniform(below: total)
            var product = RationalProductBernoulli()
            var alive = true
            let k: UInt64
            if u < centralWeight {
                k = windowLow + words.uniform(below: windowCount)
                if k >= m {
                    var i: UInt64 = 1
                    while alive && i <= k - m {
                        alive = product.multiply(n, d * (m + i), &words)
                        i += 1
                    }
                } else {
                    var i = k + 1
                    while alive && i <= m {
                        alive = product.multiply(d * i, n, &words)
                        i += 1
                    }
                }
            } else if u < centralWeight + rightWeight {
                var j: UInt64 = 1
                while words.bernoulli(n, rightRatioDenominator) { j += 1 }
                guard j <= (1 << 62) - m - w else { continue }
                k = m + w + j
                var i: UInt64 = 1
                while alive && i <= w {
                    alive = product.multiply(n, d * (m + i), &words)
                    i += 1
                }
                i = w + 1
                while alive && i <= w + j {
                    alive = product.multiply(m + w + 1, m + i, &words)
                    i += 1
                }
            } else {
                let base = m - w
                var j: UInt64 = 1
                while words.bernoulli(leftRatioNumerator, n) { j += 1 }
                guard j <= base else { continue }
                k = base - j
                var i = base + 1
                while alive && i <= m {
                    alive = product.multiply(d * i, n, &words)
                    i += 1
                }
                i = k + 1
                while alive && i <= base {
                    alive = product.multiply(i, base, &words)
                    i += 1
                }
            }
            if alive && product.finish(&words) { return Int64(k) }
        }
    }
}

/// Exact Poisson(λ) for rational λ; see ``PoissonSampler`` for the algorithms, range and cost.
public enum Poisson {
    /// One sample with λ = `rateNumerator / rateDenominator` (the window sampler: no table to build).
    ///
    /// - Throws: see ``PoissonSampler/init(rateNumerator:rateDenominator:)``.
    public static func sample<R: SecureRandom>(
        rateNumerator: UInt64, rateDenominator: UInt64, using rng: inout R
    ) throws(DPNoiseError.Sampler) -> Int64 {
        try PoissonSampler(rateNumerator: rateNumerator, rateDenominator: rateDenominator, table: false)
            .sample(using: &rng)
    }
}
