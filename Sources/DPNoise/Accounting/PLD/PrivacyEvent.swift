/// A mechanism the PLD accountant can discretise. Sensitivities are fixed by the case: the continuous Gaussian
/// cases are in units of the L2 sensitivity (noise multiplier z = noise stddev ÷ sensitivity); the discrete
/// cases take an integer sensitivity Δ in the noise's own integer units. Adjacency is add/remove-one; with
/// Poisson subsampling both directions are accounted and the worse is reported (as dp-accounting's
/// `PLDAccountant` with `ADD_OR_REMOVE_ONE`).
public enum PrivacyEvent: Sendable, Equatable, Hashable {
    /// The Gaussian mechanism with noise multiplier z > 0 (every record takes part).
    case gaussian(noiseMultiplier: Double)
    /// The Gaussian mechanism on a Poisson sample: each record is included independently with probability
    /// `samplingRate` q in (0, 1]; z > 0.
    case sampledGaussian(noiseMultiplier: Double, samplingRate: Double)
    /// Integer-valued query with sensitivity Δ ≥ 1 plus discrete Gaussian noise N_ℤ(0, s²), μ(x) ∝ e^{−x²/(2s²)},
    /// `scale` s in (0, 10⁶] (noise units), Δ ≤ 2^20; optional Poisson sampling rate q in (0, 1].
    case discreteGaussian(scale: Double, sensitivity: Int, samplingRate: Double = 1)
    /// Integer-valued query with sensitivity Δ ≥ 1 plus discrete Laplace noise μ(x) ∝ e^{−a|x|}, `parameter`
    /// a > 0, Δ ≤ 2^24; optional Poisson sampling rate q in (0, 1].
    case discreteLaplace(parameter: Double, sensitivity: Int, samplingRate: Double = 1)

    /// Throws `invalidParameter` naming the offending value.
    func validate() throws(DPNoiseError.Accounting) {
        switch self {
        case .gaussian(let z):
            try Check.positive(z, .noiseMultiplier)
        case .sampledGaussian(let z, let q):
            try Check.positive(z, .noiseMultiplier)
            try Check.samplingRate(q)
        case .discreteGaussian(let s, let sensitivity, let q):
            try Check.positive(s, .scale)
            try Check.atLeast(sensitivity, 1, .sensitivity)
            try Check.samplingRate(q)
            // Every integer within 11.6·s is enumerated once.
            guard s <= 1e6 else { throw .invalidParameter(.scale, reason: "must be ≤ 1e6, got \(s)") }
            guard sensitivity <= 1 << 20 else {
                throw .invalidParameter(.sensitivity, reason: "must be ≤ 2^20, got \(sensitivity)")
            }
        case .discreteLaplace(let a, let sensitivity, let q):
            try Check.positive(a, .laplaceParameter)
            try Check.atLeast(sensitivity, 1, .sensitivity)
            try Check.samplingRate(q)
            guard sensitivity <= 1 << 24 else {
                throw .invalidParameter(.sensitivity, reason: "must be ≤ 2^24, got \(sensitivity)")
            }
        }
    }
}

/// One event composed `count` times (e.g. T rounds of the same mechanism).
public struct RepeatedEvent: Sendable, Equatable, Hashable {
    /// The mechanism of each round.
    public let event: PrivacyEvent
    /// Number of compositions, ≥ 1.
    public let count: Int

    public init(_ event: PrivacyEvent, count: Int = 1) {
        self.event = event
        self.count = count
    }
}
