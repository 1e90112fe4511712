import Sodium

/// Exact symmetric Skellam(μ): the difference of two independent Poisson(μ/2) draws, with variance μ
/// (the noise of the distributed Skellam mechanism, Agarwal, Kairouz, Liu 2021). μ is rational.
///
/// Cost: two draws of the exact table sampler ``PoissonTable`` at λ = μ/2 — O(1) expected per sample whatever μ
/// (about two random words for μ < 2^19, four to six above); building the table is O(√μ) once per sampler.
/// Supported: μ/2 within the ``PoissonSampler`` range (μ ≤ 2^41 with a small denominator).
public struct SkellamSampler: Sendable, Equatable {
    /// μ = numerator / denominator (the variance), as given.
    public let varianceNumerator: UInt64
    public let varianceDenominator: UInt64
    let poisson: PoissonSampler

    /// - Throws: ``DPNoiseError/Sampler/zeroDenominator``; ``DPNoiseError/Sampler/nonPositiveParameter`` for μ = 0;
    ///   ``DPNoiseError/Sampler/parameterOutOfRange`` if 2·denominator overflows or λ = μ/2 is outside the Poisson range.
    public init(varianceNumerator: UInt64, varianceDenominator: UInt64) throws(DPNoiseError.Sampler) {
        try self.init(varianceNumerator: varianceNumerator, varianceDenominator: varianceDenominator, table: true)
    }

    /// `table: false` draws both Poisson variates with the O(√μ) window sampler (one-off draws, tests).
    init(varianceNumerator: UInt64, varianceDenominator: UInt64, table: Bool) throws(DPNoiseError.Sampler) {
        guard varianceDenominator > 0 else { throw .zeroDenominator }
        guard varianceNumerator > 0 else { throw .nonPositiveParameter }
        let (twice, overflow) = varianceDenominator.multipliedReportingOverflow(by: 2)
        guard !overflow else { throw .parameterOutOfRange }
        self.varianceNumerator = varianceNumerator
        self.varianceDenominator = varianceDenominator
        poisson = try PoissonSampler(rateNumerator: varianceNumerator, rateDenominator: twice, table: table)
    }

    /// One sample.
    public func sample<R: SecureRandom>(using rng: inout R) -> Int64 {
        withRandomWords(&rng, capacity: 64) { next(&$0) }
    }

    /// Fills `out` with independent samples.
    public func fill<R: SecureRandom>(_ out: UnsafeMutableBufferPointer<Int64>, using rng: inout R) {
        withRandomWords(&rng, capacity: 1024) { words in
            forEachSample(out.count, &words) { out[$0] = $1 }
        }
    }

    /// One sample.
    func next(_ words: inout RandomWords) -> Int64 {
        poisson.next(&words) - poisson.next(&words)
    }

    /// Calls `body(i, sample)` for i in 0..<count with independent samples, opening the Poisson table once for
    /// the whole batch (the encoder's noise loop; per-draw table access costs about as much as the draw).
    @inline(__always)
    func forEachSample(_ count: Int, _ words: inout RandomWords, _ body: (Int, Int64) -> Void) {
        guard let table = poisson.table else {
            for i in 0..<count { body(i, next(&words)) }
            return
        }
        table.withCursor { cursor in
            for i in 0..<count { body(i, cursor.next(&words) - cursor.next(&words)) }
        }
    }
}

/// Namespace for one-off Skellam draws; see ``SkellamSampler``.
public enum Skellam {
    /// One sample with variance μ = `varianceNumerator / varianceDenominator` (the window sampler: no table to
    /// build, O(√μ)).
    ///
    /// - Throws: see ``SkellamSampler/init(varianceNumerator:varianceDenominator:)``.
    public static func sample<R: SecureRandom>(
        varianceNumerator: UInt64, varianceDenominator: UInt64, using rng: inout R
    ) throws(DPNoiseError.Sampler) -> Int64 {
        try SkellamSampler(varianceNumerator: varianceNumerator, varianceDenominator: varianceDenominator, table: false)
            .sample(using: &rng)
    }
}
