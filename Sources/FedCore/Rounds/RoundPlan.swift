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

    /// Length of every client's masked vector: the encoding's padded dimension, plus the count limbs of a
    /// weighted round.
    public var vectorLength: Int { encoding.paddedDimension + (weights?.limbCount ?? 0) }
}

extension RoundPlan {
    /// FedAvg's divisor for a finished round: the survivors' count, or for a weighted round their total
    /// weight Σc / W, read from the summed count limbs after the encoded update.
    ///
    /// - Throws: ``SimulationError/invalidSettings(_:)`` if the sum is too short or its limbs are impossible.
    /// - Parameters:
    ///   - sum: the round's unmasked sum (``vectorLength`` values).
    ///   - survivors: how many inputs it holds.
    public func divisor(sum: [UInt32], survivors: Int) throws(SimulationError) -> Double {
        guard let limbs = weights else { return Double(survivors) }
        guard sum.count == vectorLength else {
            throw .invalidSettings("the round's sum has \(sum.count) values, expected \(vectorLength)")
        }
        let total = try limbs.total(summedLimbs: sum[encoding.paddedDimension...], clients: survivors)
        return Double(total) / Double(limbs.maxWeight)
    }
}

/// Derives each round's parameters from the settings (pure; no randomness except the public round seed given).
public enum RoundPlanner {
    /// Largest acceptable union bound on a round failing for lack of shares, the finder's correctness 2^-20.
    public static let maximumFailureProbability = 0x1p-20

    /// (k, t) for a cohort of `n`: the SecAgg+ parameter finder's, with t raised to the clients' security floor
    /// (``SecurityFloor/minimumThreshold(degree:colluders:)``, t > c), when that sparse graph also tolerates the
    /// ⌈F·n⌉ dropouts the round plans for (``DropoutTolerance`` ≤ 2^-20: the finder's bound is asymptotic and
    /// does not hold for small cohorts) and the consistency quorum stays reachable; otherwise the complete
    /// graph of classic SecAgg with t = ⌊(n − 1 + c)/2⌋ + 1. Every plan passes the clients' own checks.
    ///
    /// - Throws: ``SimulationError/invalidSettings(_:)`` when no graph over `n` clients is safe against the
    ///   assumed colluders with the planned dropouts; the message names the smallest safe cohort.
    public static func graph(clients n: Int, settings: SimulationSettings) throws(SimulationError) -> GraphParameters {
        guard n >= 2 else { throw .invalidSettings("a round needs at least 2 clients (got \(n))") }
        let c = settings.colludingClients
        let plannedDropouts = Int((settings.dropoutFraction * Double(n)).rounded(.up))
        let quorumReachable = n - plannedDropouts >= SecurityFloor.consistencyQuorum(cohort: n, colluders: c)
        do {
            let found = try ParameterFinder.find(
                clients: n, adversarialRate: settings.adversarialRate, dropoutRate: settings.dropoutFraction,
                adversary: settings.adversary)
            let k = found.degree
            let t = max(found.threshold, SecurityFloor.minimumThreshold(degree: k, colluders: c), c + 1)
            let risk = t > k ? 1 : DropoutTolerance.failureBound(
                clients: n, degree: k, threshold: t, dropouts: plannedDropouts)
            if k < n - 1 && risk <= maximumFailureProbability && quorumReachable {
                return GraphParameters(degree: k, threshold: t)
            }
        } catch .noParametersFound {
            // fall through to the complete graph
        } catch .tooFewClients {
            // fall through to the complete graph
        } catch {
            throw .invalidSettings("SecAgg+ parameters: \(error)")
        }
        guard SecurityFloor.completeGraphIsSafe(cohort: n, dropouts: plannedDropouts, colluders: c) else {
            let smallest = SecurityFloor.smallestSafeCohort(dropoutFraction: settings.dropoutFraction, colluders: c)
            let advice = smallest.map { "the smallest safe cohort is \($0) clients" }
                ?? "no cohort is safe at this dropout fraction"
            throw .invalidSettings(
                "a cohort of \(n) clients cannot be made safe against \(c) colluding client(s) with \(plannedDropouts) "
                    + "planned dropout(s): a dishonest server could rebuild one client's secrets. \(advice) "
                    + "(or lower --dropout)")
        }
        return GraphParameters(
            degree: n - 1, threshold: max(SecurityFloor.minimumThreshold(degree: n - 1, colluders: c), c + 1))
    }

    /// Default minimum survivors: max(t, the consistency quorum ⌊(n + c)/2⌋ + 1, n − ⌈F·n⌉).
    public static func minSurvivors(clients n: Int, threshold t: Int, settings: SimulationSettings) -> Int {
        if let m = settings.minSurvivors { return m }
        let dropouts = Int((settings.dropoutFraction * Double(n)).rounded(.up))
        return max(SecurityFloor.minimumSurvivors(cohort: n, threshold: t, colluders: settings.colludingClients),
                   n - dropouts)
    }

    /// The padded dimension the encoder (and so the accountant) uses for a `dimension`-long update.
    public static func paddedDimension(_ dimension: Int, blockSize: Int) -> Int {
        EncodingParameters(dimension: dimension, blockSize: blockSize, l2Clip: 1, scale: 1, bits: 32,
                           roundSeed: [UInt8](repeating: 0, count: 32), noise: .none).paddedDimension
    }

    /// Plans round `round` for `cohort`. `noiseMultiplier` is nil without DP.
    public static func plan(
        round: Int, cohort: [UInt32], dimension: Int, settings: SimulationSettings, noiseMultiplier: Double?,
        bits chosenBits: Int?, roundSeed: [UInt8]
    ) throws(SimulationError) -> RoundPlan {
        let n = cohort.count
        let graph = try graph(clients: n, settings: settings)
        let m = minSurvivors(clients: n, threshold: graph.threshold, settings: settings)
        guard m <= n else { throw .invalidSettings("--min-survivors \(m) exceeds the cohort of \(n)") }
        let floor = SecurityFloor.minimumSurvivors(cohort: n, threshold: graph.threshold, colluders: settings.colludingClients)
        guard m >= floor else {
            throw .invalidSettings(
                "--min-survivors \(m) is below \(floor), the fewest survivors a safe round of \(n) can finish with "
                    + "(threshold \(graph.threshold), consistency quorum \(SecurityFloor.consistencyQuorum(cohort: n, colluders: settings.colludingClients)))")
        }
        let padded = paddedDimension(dimension, blockSize: settings.blockSize)
        let q = settings.samplingRate ?? 1
        do {
            if let z = noiseMultiplier {
                let configuration: DistributedDPConfiguration
                if let bits = chosenBits ?? settings.bits {
                    configuration = try DistributedDPConfiguration(
                        mechanism: settings.mechanism, l2Clip: settings.clip, dimension: padded, minimumSurvivors: m,
                        colludingClients: settings.colludingClients, maximumSummands: n, noiseMultiplier: z, bits: bits)
                } else {
                    configuration = try DistributedDPConfiguration.smallestAdequate(
                        mechanism: settings.mechanism, l2Clip: settings.clip, dimension: padded, minimumSurvivors: m,
                        colludingClients: settings.colludingClients, maximumSummands: n, noiseMultiplier: z)
                }
                let noise = localNoise(configuration)
                do { try noise.checkSamplable() } catch {
                    throw SimulationError.invalidSettings(
                        unsamplableMessage(configuration, largestUsable: largestSamplableBits(below: configuration) {
                            (b: Int) throws(AccountingError) -> DistributedDPConfiguration in
                            try DistributedDPConfiguration(
                                mechanism: settings.mechanism, l2Clip: settings.clip, dimension: padded,
                                minimumSurvivors: m, colludingClients: settings.colludingClients,
                                maximumSummands: n, noiseMultiplier: z, bits: b)
                        }))
                }
                let encoding = EncodingParameters(
                    dimension: dimension, blockSize: settings.blockSize, l2Clip: settings.clip,
                    scale: configuration.scale, bits: configuration.bits, beta: configuration.beta,
                    roundSeed: roundSeed, noise: noise)
                return RoundPlan(round: round, cohort: cohort, graph: graph, minSurvivors: m, encoding: encoding,
                                 privacy: configuration, samplingRate: q,
                                 weights: try weights(clients: n, bits: configuration.bits, settings: settings))
            }
            let bits = chosenBits ?? settings.bits ?? 32
            let scale = try DistributedDPConfiguration.noDPScale(
                bits: bits, clients: n, l2Clip: settings.clip, dimension: padded)
            let encoding = EncodingParameters(
                dimension: dimension, blockSize: settings.blockSize, l2Clip: settings.clip, scale: scale, bits: bits,
                roundSeed: roundSeed, noise: .none)
            return RoundPlan(round: round, cohort: cohort, graph: graph, minSurvivors: m, encoding: encoding,
                             privacy: nil, samplingRate: q, weights: try weights(clients: n, bits: bits, settings: settings))
        } catch let error as SimulationError {
            throw error
        } catch let error as AccountingError {
            throw .accounting(error)
        } catch {
            throw .invalidSettings("\(error)")
        }
    }

    /// A round planned for `n` clients (ids 1…n) at the run's noise: what a typical round of the run looks like,
    /// to check the whole run against the budget and the clients' safety rules before round 1.
    public static func expectedPlan(
        round: Int, clients n: Int, dimension: Int, settings: SimulationSettings, noiseMultiplier: Double?, bits: Int?
    ) throws(SimulationError) -> RoundPlan {
        try plan(
            round: round, cohort: (1...max(n, 1)).map { UInt32($0) }, dimension: dimension, settings: settings,
            noiseMultiplier: noiseMultiplier, bits: bits, roundSeed: [UInt8](repeating: 0, count: 32))
    }

    /// The local noise a configuration asks every client to add.
    static func localNoise(_ c: DistributedDPConfiguration) -> LocalNoise {
        let v = c.localScaledVariance
        return c.mechanism == .ddgauss
            ? .discreteGaussian(varianceNumerator: v.numerator, varianceDenominator: v.denominator)
            : .skellam(varianceNumerator: v.numerator, varianceDenominator: v.denominator)
    }

    /// The largest b below `c.bits` whose configuration (from `make`) the exact samplers can draw, if any.
    static func largestSamplableBits(
        below c: DistributedDPConfiguration, make: (Int) throws(AccountingError) -> DistributedDPConfiguration
    ) -> Int? {
        var b = c.bits - 1
        while b >= 2 {
            if let candidate = try? make(b), (try? localNoise(candidate).checkSamplable()) != nil { return b }
            b -= 1
        }
        return nil
    }

    static func unsamplableMessage(_ c: DistributedDPConfiguration, largestUsable: Int?) -> String {
        let sigma = c.localScaledVariance.value.squareRoot()
        let advice = largestUsable.map { "the largest usable --bits is \($0)" } ?? "no --bits value works"
        return "at \(c.bits) bits each client's noise would be σ = \(String(format: "%.4g", sigma)) integer units, "
            + "beyond the exact sampler's range (σ ≤ 2^21): \(advice) for these settings; the run was not started"
    }

    /// The example-count limbs of a weighted round (nil when unweighted).
    static func weights(clients n: Int, bits: Int, settings: SimulationSettings) throws(SimulationError) -> ExampleCountLimbs? {
        guard settings.weighted else { return nil }
        return try ExampleCountLimbs(clients: n, bits: bits, maxWeight: settings.maxWeight)
    }

    /// The noise multiplier for the run: the fixed one, or the smallest meeting `targetEpsilon` over all
    /// rounds for the planned cohort size `n` (with its default minimum survivors). Also returns the bits the
    /// calibration settled on (nil when the user fixed them or for a fixed multiplier).
    public static func noiseMultiplier(
        settings: SimulationSettings, plannedCohort n: Int, dimension: Int
    ) throws(SimulationError) -> (z: Double?, bits: Int?) {
        switch settings.noise {
        case .none: return (nil, nil)
        case let .noiseMultiplier(z): return (z, nil)
        case let .targetEpsilon(target):
            let graph = try graph(clients: n, settings: settings)
            let m = minSurvivors(clients: n, threshold: graph.threshold, settings: settings)
            do {
                let result = try NoiseCalibration.distributed(
                    targetEpsilon: target, delta: settings.delta, samplingRate: settings.samplingRate ?? 1,
                    steps: settings.rounds, mechanism: settings.mechanism, l2Clip: settings.clip,
                    dimension: paddedDimension(dimension, blockSize: settings.blockSize), minimumSurvivors: m,
                    colludingClients: settings.colludingClients, maximumSummands: n, bits: settings.bits)
                return (result.noiseMultiplier, result.configuration?.bits)
            } catch {
                throw .accounting(error)
            }
        }
    }
}
