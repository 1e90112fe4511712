import Foundation

/// The distributed-DP mechanism whose shares clients add.
public enum DistributedMechanism: String, Sendable, Codable, CaseIterable {
    /// Distributed discrete Gaussian (Kairouz, Liu, Steinke 2021).
    case ddgauss
    /// Distributed Skellam (Agarwal, Kairouz, Liu 2021).
    case skellam
}

/// Everything the encoder and the accountant need to agree on for one distributed-DP round, derived from a few
/// operator inputs. Invariants (checked by the throwing initializer):
/// - noise is calibrated for `effectiveClients` = `minimumSurvivors` − `colludingClients` > 0 honest shares, so
///   any dropout that still leaves M survivors keeps the promised ε (colluders' shares are known to the server);
/// - `localScaledVariance` is the per-client variance in INTEGER units, rounded UP to a rational; the
///   accountant uses that rounded value;
/// - the k-standard-deviation bound of one coordinate of the modular sum fits in `bits` signed bits.
///
/// Units: `l2Clip`, `localStddev`, `inflatedL2`, `inflatedL1` are in model (unscaled) units; multiply by `scale`
/// for integer units. `dimension` is the PADDED dimension the encoder rotates (a whole number of blocks).
public struct DistributedDPConfiguration: Sendable, Equatable {
    // MARK: Inputs
    /// Which discrete noise the clients add.
    public let mechanism: DistributedMechanism
    /// c: L2 norm bound of each client's update (model units), > 0.
    public let l2Clip: Double
    /// d: padded dimension of the encoded vector, ≥ 1.
    public let dimension: Int
    /// M: the minimum number of survivors a round accepts (the noise is calibrated for it), ≥ 1.
    public let minimumSurvivors: Int
    /// Clients assumed to collude with the server (their noise is known to it), 0 ≤ K < M.
    public let colludingClients: Int
    /// The largest number of inputs that can be summed (the cohort); sizes the modular headroom. ≥ M.
    public let maximumSummands: Int
    /// z: central noise stddev ÷ L2 clip (dimensionless), > 0.
    public let noiseMultiplier: Double
    /// b: bits per coordinate of the modular sum, 1…32.
    public let bits: Int
    /// β in [0, 1): conditional-rounding failure probability per try (default e^−0.5).
    public let beta: Double
    /// p in (0, 1): target probability that one coordinate of the sum wraps around (default 1e-4).
    public let modClipProbability: Double

    // MARK: Derived
    /// n_eff = M − K: honest noise shares the guarantee counts on.
    public let effectiveClients: Int
    /// k = √2·erfcinv(p): standard deviations of the sum kept inside the modulus.
    public let kStddevs: Double
    /// σ_l = z·c/√n_eff: each client's noise stddev in model units (before rounding the variance).
    public let localStddev: Double
    /// s = 1/γ: integer units per model unit (the scale heuristic of Kairouz, Liu, Steinke 2021, Sec. 4.2).
    public let scale: Double
    /// γ = 1/s: the quantization step in model units.
    public var gamma: Double { 1 / scale }
    /// Per-client noise variance in integer units, rounded up (what the exact sampler draws).
    public let localScaledVariance: ScaledVariance
    /// Δ2 after rounding inflation, model units (Δ2'/s).
    public let inflatedL2: Double
    /// Δ1 after rounding inflation, model units (Δ1'/s).
    public let inflatedL1: Double
    /// τ of Kairouz-Liu-Steinke Thm. 1 for n_eff shares of the rounded local variance (0 for Skellam).
    public let tau: Double

    /// Default β of the conditional randomized rounding: e^−0.5.
    public static let defaultBeta = Foundation.exp(-0.5)
    /// Default per-coordinate modular clipping probability.
    public static let defaultModClipProbability = 1e-4

    /// Derives the configuration; throws `DPNoiseError.Accounting` naming the first parameter out of range, or
    /// `.insufficientBits` when `bits` cannot hold the noisy sum.
    public init(mechanism: DistributedMechanism, l2Clip: Double, dimension: Int, minimumSurvivors: Int,
                colludingClients: Int = 0, maximumSummands: Int? = nil, noiseMultiplier: Double, bits: Int,
                beta: Double = DistributedDPConfiguration.defaultBeta,
                modClipProbability: Double = DistributedDPConfiguration.defaultModClipProbability)
        throws(DPNoiseError.Accounting)
    {
        try Check.positive(l2Clip, .l2Clip)
        try Check.atLeast(dimension, 1, .dimension)
        try Check.atLeast(minimumSurvivors, 1, .minimumSurvivors)
        try Check.atLeast(colludingClients, 0, .colludingClients)
        guard colludingClients < minimumSurvivors else {
            throw .invalidParameter(.colludingClients, reason: "must be < minimumSurvivors (\(minimumSurvivors)), got \(colludingClients)")
        }
        let summands = maximumSummands ?? minimumSurvivors
        guard summands >= minimumSurvivors else {
            throw .invalidParameter(.maximumSummands, reason: "must be ≥ minimumSurvivors (\(minimumSurvivors)), got \(summands)")
        }
        try Check.positive(noiseMultiplier, .noiseMultiplier)
        guard (1...32).contains(bits) else {
            throw .invalidParameter(.bits, reason: "must be in 1…32, got \(bits)")
        }
        guard beta.isFinite, beta >= 0, beta < 1 else {
            throw .invalidParameter(.beta, reason: "must be in [0, 1), got \(beta)")
        }
        guard modClipProbability.isFinite, modClipProbability > 0, modClipProbability < 1 else {
            throw .invalidParameter(.modClipProbability, reason: "must be in (0, 1), got \(modClipProbability)")
        }
        self.mechanism = mechanism
        self.l2Clip = l2Clip
        self.dimension = dimension
        self.minimumSurvivors = minimumSurvivors
        self.colludingClients = colludingClients
        self.maximumSummands = summands
        self.noiseMultiplier = noiseMultiplier
        self.bits = bits
        self.beta = beta
        self.modClipProbability = modClipProbability

        effectiveClients = minimumSurvivors - colludingClients
        kStddevs = 2.0.squareRoot() * SpecialFunctions.erfcinv(modClipProbability)
        localStddev = noiseMultiplier * l2Clip / Double(effectiveClients).squareRoot()
        scale = try Self.heuristicScale(localStddev: localStddev, l2Clip: l2Clip, bits: bits, summands: summands,
                                        dimension: dimension, kStddevs: kStddevs)
        let scaledStddev = localStddev * scale
        localScaledVariance = try ScaledVariance(roundingUp: scaledStddev * scaledStddev)
        let inflatedScaledL2 = RoundingNormBound.l2(l2Clip * scale, beta: beta, dimension: dimension)
        inflatedL2 = inflatedScaledL2 / scale
        inflatedL1 = RoundingNormBound.l1(l2Bound: inflatedScaledL2, dimension: dimension) / scale
        tau = mechanism == .ddgauss
            ? RenyiDP.distributedDiscreteGaussianTau(clients: effectiveClients,
                                                     localStddev: localScaledVariance.value.squareRoot())
            : 0
        try checkHeadroom()
    }

    /// The scale s = 1/γ at which k standard deviations of one coordinate of the noisy, rounded sum of n inputs
    /// (rotation-flattened signal, rounding and noise treated as sub-Gaussian) exactly fill b bits:
    /// 2^b = 2k·√(c²s²n²/d + n/4 + n·σ_l²s²), i.e. s = √(2^{2b} − nk²) / (2k·√(c²n²/d + nσ_l²)).
    /// Throws `.insufficientBits` when 2^{2b} ≤ nk² (no scale fits).
    public static func heuristicScale(localStddev: Double, l2Clip: Double, bits: Int, summands n: Int,
                                      dimension: Int, kStddevs k: Double) throws(DPNoiseError.Accounting) -> Double {
        let nn = Double(n)
        let room = Foundation.pow(2.0, 2.0 * Double(bits)) - nn * k * k
        guard room > 0 else {
            let required = (bits...32).first { Foundation.pow(2.0, 2.0 * Double($0)) > nn * k * k } ?? 0
            throw .insufficientBits(bits: bits, requiredBits: required)
        }
        let spread = l2Clip * l2Clip * nn * nn / Double(dimension) + nn * localStddev * localStddev
        let scale = room.squareRoot() / (2 * k * spread.squareRoot())
        guard scale.isFinite, scale > 0 else {
            throw .invalidParameter(.bits, reason: "gives no finite positive scale")
        }
        return scale
    }

    /// Standard deviation of one coordinate of the modular sum in integer units (rotation-flattened signal of
    /// `maximumSummands` inputs, their rounding error, and their rounded noise variance).
    public var sumStddev: Double {
        let n = Double(maximumSummands)
        let signal = l2Clip * scale * n
        return (signal * signal / Double(dimension) + n * (0.25 + localScaledVariance.value)).squareRoot()
    }

    /// How many standard deviations of the sum fit in the signed range: 2^{b−1} / `sumStddev`.
    public var headroomStddevs: Double { Foundation.pow(2.0, Double(bits - 1)) / sumStddev }
}
