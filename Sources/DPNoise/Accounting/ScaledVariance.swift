/// A non-negative variance as an exact rational numerator/denominator, for the exact integer noise samplers.
///
/// Built by rounding a floating-point variance UP (never down), so the sampled noise is at least as large as
/// the accountant assumes; the accountant uses `value` (the rounded variance), not the unrounded input.
public struct ScaledVariance: Sendable, Equatable, Codable {
    /// Numerator of the variance (integer units squared).
    public let numerator: UInt64
    /// Denominator of the variance, a power of two (2^16 unless the variance is too large to keep 16 bits).
    public let denominator: UInt64

    /// The variance as a Double (numerator / denominator).
    public var value: Double { Double(numerator) / Double(denominator) }

    /// The preferred denominator, 2^16: rounding up adds at most 2^-16 ≈ 1.5e-5 to the variance.
    public static let preferredDenominator: UInt64 = 1 << 16

    /// An exact variance `numerator / denominator` (denominator > 0).
    public init(numerator: UInt64, denominator: UInt64) throws(DPNoiseError.Accounting) {
        guard denominator > 0 else {
            throw .invalidParameter(.denominator, reason: "must be > 0")
        }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The smallest rational ≥ `variance` with denominator 2^16 (or a smaller power of two when the numerator
    /// would not fit in 62 bits). Throws for negative, non-finite or astronomically large (≥ 2^62) variances.
    public init(roundingUp variance: Double) throws(DPNoiseError.Accounting) {
        guard variance.isFinite, variance >= 0, variance < 0x1p62 else {
            throw .invalidParameter(.variance, reason: "must be finite, ≥ 0 and < 2^62, got \(variance)")
        }
        var denominator = Self.preferredDenominator
        while denominator > 1, variance * Double(denominator) >= 0x1p62 { denominator /= 2 }
        let scaled = (variance * Double(denominator)).rounded(.up)
        var numerator = UInt64(scaled)
        // Guard against the product having been rounded down in floating point.
        while Double(numerator) / Double(denominator) < variance { numerator += 1 }
        self.numerator = numerator
        self.denominator = denominator
    }
}
