import DPNoise
import SecureAgg

/// Everything fixed about one round before any key is advertised.
public struct RoundPlan: Sendable {
    /// 1-based round number.
    public let round: Int
    /// Sorted ids of the clients asked to take part.
    public let cohort: [UInt32]
    /// SecAgg+ degree k and threshold t (k = n − 1: the complete graph of classic SecAgg).
    public let graph: GraphParameters
    /// Fewest masked inputs the round accepts; the noise is calibrated for it.
    public let minSurvivors: Int
    /// Encoder/decoder parameters shared by every client and the server (bits, scale, noise, round seed).
    public let encoding: EncodingParameters
    /// The accounting configuration (nil without DP).
    public let privacy: DistributedDPConfiguration?
    /// Poisson sampling rate q the round is accounted with (1 for a fixed cohort).
    public let samplingRate: Double
    /// For weighted rounds: how each client's example count travels after its encoded update (nil otherwise).
    public let weights: ExampleCountLimbs?
    /// For an unweighted round of a sampled run (q < 1): the fixed FedAvg denominator q·N (the expected cohort of
    /// a population of N), the same in every round whatever the sample (the unbiased fixed-denominator estimator
    /// of DP-FedAvg, McMahan et al. 2018). nil: the survivors' count.
    public let fixedDivisor: Double?
    /// η of a sampled run: the probability that one client's presence changes whether a round is skipped
    /// (``RoundPlanner/skipSlack(population:minimumSurvivors:settings:)``); charged with the round, it adds
    /// e^ε·η to the run's δ (Docs/privacy.md, "Skipped rounds"). 0 for a fixed cohort.
    public let skipSlack: Double

    /// - Parameter fixedDivisor: see ``fixedDivisor`` (nil for a fixed cohort).
    init(
        round: Int, cohort: [UInt32], graph: GraphParameters, minSurvivors: Int, encoding: EncodingParameters,
        privacy: DistributedDPConfiguration?, samplingRate: Double, skipSlack: Double = 0, weights: ExampleCountLimbs?,
        fixedDivisor: Double? = nil
    ) {
        self.skipSlack = skipSlack
        self.round = round
        self.cohort = cohort
        self.graph = graph
        self.minSurvivors = minSurvivors
        self.encoding = encoding
        self.privacy = privacy
        self.samplingRate = samplingRate
        self.weights = weights
        self.fixedDivisor = fixedDivisor
    }

    /// Length of every client's masked vector: the encoding's padded dimension, plus the count limbs of a
    /// weighted round.
    public var vectorLength: Int { encoding.paddedDimension + (weights?.limbCount ?? 0) }
}

extension RoundPlan {
    /// FedAvg's divisor for a finished round: ``fixedDivisor`` when set (a sampled run), else the survivors'
    /// count; for a weighted round their total weight Σc / W, read from the summed count limbs after the encoded
    /// update.
    ///
    /// - Throws: ``FedCoreError/invalidSettings(_:)`` if the sum is too short or its limbs are impossible.
    /// - Parameters:
    ///   - sum: the round's unmasked sum (``vectorLength`` values).
    ///   - survivors: how many inputs it holds.
    public func divisor(sum: [UInt32], survivors: Int) throws(FedCoreError) -> Double {
        guard let limbs = weights else { return fixedDivisor ?? Double(survivors) }
        guard sum.count == vectorLength else {
            throw .invalidSettings("the round's sum has \(sum.count) values, expected \(vectorLength)")
        }
        let total = try limbs.total(summedLimbs: sum[encoding.paddedDimension...], clients: survivors)
        return Double(total) / Double(limbs.maxWeight)
    }
}
