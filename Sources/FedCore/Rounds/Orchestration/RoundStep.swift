import SecureAgg

/// What a ``RoundOrchestrator`` asks its driver to do next.
public enum RoundStep: Sendable {
    /// Deliver `messages`, then hand every reply of `phase` to ``RoundOrchestrator/receive(_:from:)`` until
    /// each client of `expected` answered, left or the transport's deadline passed; then call
    /// ``RoundOrchestrator/endPhase()``.
    case exchange(phase: Phase, messages: [ServerRoundMessage], expected: [UInt32])
    /// The sum is unmasked: call ``RoundOrchestrator/finishRound(inspect:)`` to decode and apply it.
    case unmasked
    /// A sampled round whose sample could not run the protocol: charged, recorded as skipped, nothing sent or
    /// released; go on with the next round.
    case skipped(FedCoreError)
}

/// A round whose average was recovered, charged and recorded.
public struct RoundCompletion: Sendable {
    public let plan: RoundPlan
    /// z of the run (nil without DP).
    public let noiseMultiplier: Double?
    /// Sorted ids of the clients whose inputs are in the sum.
    public let survivors: [UInt32]
    /// FedAvg's divisor: the survivors' count, or their total weight Σc / W in a weighted round.
    public let divisor: Double
    /// ε of this round alone and of the run after it (∞ once an average was released without noise).
    public let epsilonRound: Double
    public let epsilon: Double
    /// Proven bound on |recovered − true average| per coordinate without noise (model units).
    public let errorBound: Double
    /// BLAKE2b-256 (hex) of the recovered average (little-endian F64 values).
    public let outputHash: String
    /// The recovered average (model units, layout order) in the model's precision.
    public let average: FlatParameters
    /// A weighted round's Σ c over the survivors (each example count clamped to [1, W]): the only thing the
    /// server learns of the counts. Nil for an unweighted round.
    public var examplesTotal: Int? {
        plan.weights.map { Int((divisor * Double($0.maxWeight)).rounded()) }
    }
    /// Cohort members that are not in the sum (sorted).
    public var dropped: [UInt32] { plan.cohort.filter { !survivors.contains($0) } }
    /// Expected stddev of the DP noise per coordinate of the average (model units; 0 without DP).
    public var noiseStddev: Double {
        (Double(survivors.count) * plan.encoding.noise.variance).squareRoot() / (plan.encoding.scale * divisor)
    }
}
