import DPNoise
import SecureAgg

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
    /// - Throws: ``FedCoreError/invalidSettings(_:)`` when no graph over `n` clients is safe against the
    ///   assumed colluders with the planned dropouts; the message names the smallest safe cohort.
    public static func graph(clients n: Int, settings: SimulationSettings) throws(FedCoreError) -> GraphParameters {
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

    /// Plans round `round` for a fixed `cohort` (every parameter sized from `cohort.count`). `noiseMultiplier` is
    /// nil without DP. A round of a sampled run (q < 1) is planned with
    /// ``plan(round:sample:population:dimension:settings:noiseMultiplier:bits:roundSeed:)`` instead, from the
    /// expected cohort.
    public static func plan(
        round: Int, cohort: [UInt32], dimension: Int, settings: SimulationSettings, noiseMultiplier: Double?,
        bits chosenBits: Int?, roundSeed: [UInt8]
    ) throws(FedCoreError) -> RoundPlan {
        let n = cohort.count
        let basis = try noiseBasis(plannedCohort: n, summands: n, settings: settings)
        let q = settings.samplingRate ?? 1
        let padded = paddedDimension(dimension, blockSize: settings.blockSize)
        let (encoding, configuration) = try encoding(
            basis, clients: n, dimension: dimension, settings: settings, noiseMultiplier: noiseMultiplier,
            bits: chosenBits, roundSeed: roundSeed, padded: padded)
        return RoundPlan(
            round: round, cohort: cohort, graph: basis.graph, minSurvivors: basis.minSurvivors, encoding: encoding,
            privacy: configuration, samplingRate: q,
            weights: try weights(clients: n, bits: encoding.bits, settings: settings))
    }

    /// A round planned for `n` clients (ids 1…n) at the run's noise: what a typical round of the run looks like,
    /// to check the whole run against the budget and the clients' safety rules before round 1. For a sampled run
    /// `n` is the expected cohort and the plan is the one every round's noise uses.
    public static func expectedPlan(
        round: Int, clients n: Int, dimension: Int, settings: SimulationSettings, noiseMultiplier: Double?, bits: Int?,
        skipSlack: Double = 0
    ) throws(FedCoreError) -> RoundPlan {
        let cohort = (1...max(n, 1)).map { UInt32($0) }
        let seed = [UInt8](repeating: 0, count: 32)
        guard let q = settings.samplingRate, q < 1 else {
            return try plan(
                round: round, cohort: cohort, dimension: dimension, settings: settings, noiseMultiplier: noiseMultiplier,
                bits: bits, roundSeed: seed)
        }
        return try sampledPlan(
            round: round, sample: cohort, plannedCohort: n, divisor: Double(n), dimension: dimension,
            settings: settings, noiseMultiplier: noiseMultiplier, bits: bits, roundSeed: seed, skipSlack: skipSlack
        ).plan
    }

    /// The noise multiplier for the run: the fixed one, or the smallest meeting `targetEpsilon` over all
    /// rounds for the planned cohort size `n` (for a sampled run the expected cohort
    /// ``CohortSampling/plannedCohort(population:rate:)``), with its default minimum survivors. Also returns the
    /// bits the calibration settled on (nil when the user fixed them or for a fixed multiplier). A sampled run
    /// with skip slack η (`skipSlack`, ``runSkipSlack(population:settings:)``) is calibrated at δ − e^target·T·η,
    /// so that with its skip event it is (target, δ)-DP; refused first when that share is δ/10 or more.
    public static func noiseMultiplier(
        settings: SimulationSettings, plannedCohort n: Int, dimension: Int, skipSlack: Double = 0, population: Int? = nil
    ) throws(FedCoreError) -> (z: Double?, bits: Int?) {
        switch settings.noise {
        case .none: return (nil, nil)
        case let .noiseMultiplier(z): return (z, nil)
        case let .targetEpsilon(target):
            let basis = try noiseBasis(plannedCohort: n, summands: summands(plannedCohort: n, settings: settings),
                                       settings: settings)
            try checkSkipSlack(
                skipSlack, epsilonCap: target, population: population ?? n, minimumSurvivors: basis.minSurvivors,
                colluders: basis.colluders, settings: settings)
            let delta = settings.delta - SkipSlack.delta(epsilon: target, slack: Double(settings.rounds) * skipSlack)
            do {
                let result = try NoiseCalibration.distributed(
                    targetEpsilon: target, delta: delta, samplingRate: settings.samplingRate ?? 1,
                    steps: settings.rounds, mechanism: settings.mechanism, l2Clip: settings.clip,
                    dimension: paddedDimension(dimension, blockSize: settings.blockSize),
                    minimumSurvivors: basis.minSurvivors, colludingClients: basis.colluders,
                    maximumSummands: basis.summands, bits: settings.bits, accountant: settings.accountant)
                return (result.noiseMultiplier, result.configuration?.bits)
            } catch {
                throw .accounting(error)
            }
        }
    }

    /// The largest number of inputs a round of the run planned for `n` clients may sum: `n` for a fixed cohort,
    /// ``CohortSampling/summandsBound(plannedCohort:rate:)`` for a sampled one.
    public static func summands(plannedCohort n: Int, settings: SimulationSettings) -> Int {
        guard let q = settings.samplingRate, q < 1 else { return n }
        return CohortSampling.summandsBound(plannedCohort: n, rate: q)
    }

    /// The cohort `simulate --clients n` needs for its default minimum survivors to be `m` (`settings` otherwise
    /// as the run's): the smallest n ≥ m whose safe plan has M = m; nil when none has (the planned dropouts or the
    /// security floor step past m). `privacy epsilon --clients M` takes this as its default cohort.
    public static func cohort(plannedMinSurvivors m: Int, settings: SimulationSettings) -> Int? {
        var s = settings
        s.minSurvivors = nil
        var n = max(m, 2)
        while n <= 1 << 20 {
            let dropouts = Int((s.dropoutFraction * Double(n)).rounded(.up))
            if n - dropouts > m { return nil }  // M ≥ n − ⌈F·n⌉ only grows from here
            if let g = try? graph(clients: n, settings: s), minSurvivors(clients: n, threshold: g.threshold, settings: s) == m {
                return n
            }
            n += 1
        }
        return nil
    }
}
