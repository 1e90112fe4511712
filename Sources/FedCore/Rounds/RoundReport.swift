import SecureAgg

/// What one round did, as `simulate --json` reports it (field names follow the command-surface contract).
public struct RoundReport: Sendable, Codable, Equatable {
    public var round: Int
    /// Cohort size.
    public var clients: Int
    /// Clients whose masked input is in the sum.
    public var survivors: Int
    /// Sorted 1-based ids of the survivors.
    public var survivorIDs: [UInt32]
    public var degree: Int
    public var threshold: Int
    public var minSurvivors: Int
    public var bits: Int
    public var scale: Double
    public var noiseMultiplier: Double?
    /// ε of this round alone, and cumulative after it (ledger rounds included); 0 without DP.
    public var epsilonRound: Double
    public var epsilon: Double
    /// Proven bound on |recovered − true average| per coordinate without noise (model units).
    public var errorBound: Double
    /// Measured max |recovered − true average of survivors' clipped updates| (model units).
    public var maxAbsError: Double
    /// Root-mean-square of the same difference.
    public var rmsError: Double
    /// Expected stddev of the DP noise per coordinate of the recovered average (model units; 0 without DP):
    /// √(survivors · σ²_local) / (s · divisor). The measured error is this noise plus the rounding error.
    public var noiseStddev: Double
    /// BLAKE2b-256 (hex) of the recovered average (little-endian F64 values).
    public var outputHash: String
    /// Expected L2 norm of the DP noise in the average (model units; 0 without DP): noise_stddev · √d.
    public var noiseNorm: Double = 0
    /// ``noiseNorm`` / clip: above 1 the average is mostly noise (the average of clipped updates has norm ≤ clip).
    public var noiseToSignal: Double = 0
    /// Weighted rounds: Σ of the survivors' example counts, each clamped to [1, --max-weight] (the divisor is
    /// this over --max-weight); absent from JSON for unweighted rounds.
    public var examplesTotal: Int?

    enum CodingKeys: String, CodingKey {
        case round, clients, survivors, degree, threshold, bits, scale, epsilon
        case survivorIDs = "survivor_ids"
        case minSurvivors = "min_survivors"
        case noiseMultiplier = "noise_multiplier"
        case epsilonRound = "epsilon_round"
        case errorBound = "error_bound"
        case maxAbsError = "max_abs_error"
        case rmsError = "rms_error"
        case noiseStddev = "noise_stddev"
        case outputHash = "output_hash"
        case noiseNorm = "noise_norm"
        case noiseToSignal = "noise_to_signal"
        case examplesTotal = "examples_total"
    }
}

/// Progress of a run, for a progress bar (never contains secrets).
public enum SimulationEvent: Sendable {
    case roundStarted(round: Int, of: Int, cohort: Int)
    /// `done` of the `of` clients addressed in `phase` have answered (or are known to have dropped out).
    case phaseProgress(round: Int, phase: Phase, done: Int, of: Int)
    /// Every unmasking response is in; the server is reconstructing seeds and removing the masks.
    case serverUnmasking(round: Int)
    /// A sampled round whose sample could not run the protocol: charged, recorded as skipped, nothing released.
    case roundSkipped(round: Int, reason: String)
    case roundFinished(RoundReport)
}

extension RoundReport {
    /// The report of a completed round, with the error measured against the true average.
    init(_ c: RoundCompletion, maxAbsError: Double, rmsError: Double) {
        self.init(
            round: c.plan.round, clients: c.plan.cohort.count, survivors: c.survivors.count, survivorIDs: c.survivors,
            degree: c.plan.graph.degree, threshold: c.plan.graph.threshold, minSurvivors: c.plan.minSurvivors,
            bits: c.plan.encoding.bits, scale: c.plan.encoding.scale, noiseMultiplier: c.noiseMultiplier,
            epsilonRound: c.epsilonRound, epsilon: c.epsilon, errorBound: c.errorBound, maxAbsError: maxAbsError,
            rmsError: rmsError, noiseStddev: c.noiseStddev, outputHash: c.outputHash,
            noiseNorm: c.noiseToSignal.noiseNorm, noiseToSignal: c.noiseToSignal.ratio,
            examplesTotal: c.examplesTotal)
    }
}
