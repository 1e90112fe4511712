import DPNoise
import SecureAgg

/// What a run's noise is sized for, fixed before round 1: the graph and minimum survivors M of the planned cohort,
/// the colluders whose noise shares are not counted, and the largest number of inputs a round may sum.
public struct NoiseBasis: Sendable, Equatable {
    /// n: the cohort the noise is planned for (the cohort itself, or the expected cohort qN of a sampled run).
    public let plannedCohort: Int
    /// The SecAgg+ graph of a round of `plannedCohort` clients.
    public let graph: GraphParameters
    /// M: the fewest survivors a round accepts; the noise is calibrated for M − ``colluders`` honest shares.
    public let minSurvivors: Int
    /// Clients assumed to collude with the server for the noise (their shares are known to it).
    public let colluders: Int
    /// The largest number of inputs summed (sizes the scale and the modular headroom), ≥ `plannedCohort`.
    public let summands: Int
}

extension RoundPlanner {
    /// The noise basis of a run planned for `n` clients whose rounds sum at most `summands` inputs.
    ///
    /// - Throws: ``FedCoreError/invalidSettings(_:)`` when no safe graph exists for `n` or `--min-survivors`
    ///   is above `n` or below the security floor.
    public static func noiseBasis(
        plannedCohort n: Int, summands: Int, settings: SimulationSettings
    ) throws(FedCoreError) -> NoiseBasis {
        let graph = try graph(clients: n, settings: settings)
        let m = minSurvivors(clients: n, threshold: graph.threshold, settings: settings)
        guard m <= n else { throw .invalidSettings("--min-survivors \(m) exceeds the cohort of \(n)") }
        let c = settings.colludingClients  // the floor's per-neighbourhood count
        let floor = SecurityFloor.minimumSurvivors(cohort: n, threshold: graph.threshold, colluders: c)
        // A sampled run may plan its noise for fewer survivors than the expected cohort's floor (to keep its skip
        // slack small): every round still requires its own sample's floor, which only adds noise.
        let sampled = settings.samplingRate.map { $0 < 1 } ?? false
        guard m >= floor || (sampled && settings.minSurvivors != nil && m >= 2) else {
            throw .invalidSettings(
                "--min-survivors \(m) is below \(floor), the fewest survivors a safe round of \(n) can finish with "
                    + "(threshold \(graph.threshold), consistency quorum "
                    + "\(SecurityFloor.consistencyQuorum(cohort: n, colluders: c)))")
        }
        let colluders = try noiseColluders(cohort: n, settings: settings)
        guard colluders < m else {
            throw .invalidSettings(
                "\(colluders) client(s) assumed to know their noise (--noise-colluders, by default ⌈γ·n⌉ at "
                    + "--adversarial-rate) leave no honest noise share among the \(m) minimum survivors: lower "
                    + "--adversarial-rate or raise --min-survivors")
        }
        return NoiseBasis(plannedCohort: n, graph: graph, minSurvivors: m, colluders: colluders, summands: max(summands, n))
    }

    /// ⌈γ·n⌉: the adversarial clients among `n` the SecAgg+ parameter finder assumes at rate γ (a product within
    /// 1e-9 of an integer counts as that integer, so 0.05 · 20 is 1).
    public static func adversarialClients(cohort n: Int, rate gamma: Double) -> Int {
        max(0, Int((gamma * Double(n) - 1e-9).rounded(.up)))
    }

    /// The noise calibration's colluders c_dp for a run planned for `n` clients: ``SimulationSettings/noiseColluders``
    /// when given, else max(⌈γ·n⌉, ``SimulationSettings/colludingClients``).
    ///
    /// - Throws: ``FedCoreError/invalidSettings(_:)`` for an explicit value below ⌈γ·n⌉ or below the security
    ///   floor's `--colluding-clients`.
    public static func noiseColluders(cohort n: Int, settings: SimulationSettings) throws(FedCoreError) -> Int {
        let gamma = settings.adversarialRate
        let assumed = adversarialClients(cohort: n, rate: gamma)
        guard let explicit = settings.noiseColluders else { return max(assumed, settings.colludingClients) }
        guard explicit >= assumed else {
            throw .invalidSettings(
                "--noise-colluders \(explicit) is below \(assumed) = ⌈γ·n⌉, the adversarial clients the SecAgg+ parameter "
                    + "finder assumes among \(n) clients at --adversarial-rate \(gamma): raise --noise-colluders, or "
                    + "lower --adversarial-rate as well")
        }
        guard explicit >= settings.colludingClients else {
            throw .invalidSettings(
                "--noise-colluders \(explicit) is below --colluding-clients \(settings.colludingClients): the colluders "
                    + "in one neighbourhood are among those whose noise the server knows")
        }
        return explicit
    }

    /// The encoding (and, with DP, the accounting configuration) of a round on `basis`. Without DP the scale is
    /// sized for `clients` inputs (the worst case must fit the modulus).
    static func encoding(
        _ basis: NoiseBasis, clients n: Int, dimension: Int, settings: SimulationSettings, noiseMultiplier: Double?,
        bits chosenBits: Int?, roundSeed: [UInt8], padded: Int
    ) throws(FedCoreError) -> (EncodingParameters, DistributedDPConfiguration?) {
        do {
            if let z = noiseMultiplier {
                let make = { (b: Int) throws(DPNoiseError.Accounting) -> DistributedDPConfiguration in
                    try DistributedDPConfiguration(
                        mechanism: settings.mechanism, l2Clip: settings.clip, dimension: padded,
                        minimumSurvivors: basis.minSurvivors, colludingClients: basis.colluders,
                        maximumSummands: basis.summands, noiseMultiplier: z, bits: b)
                }
                let configuration: DistributedDPConfiguration
                if let bits = chosenBits ?? settings.bits {
                    configuration = try make(bits)
                } else {
                    configuration = try DistributedDPConfiguration.smallestAdequate(
                        mechanism: settings.mechanism, l2Clip: settings.clip, dimension: padded,
                        minimumSurvivors: basis.minSurvivors, colludingClients: basis.colluders,
                        maximumSummands: basis.summands, noiseMultiplier: z)
                }
                // Outside the privacy theorem's preconditions (σ < 1/2 per ddgauss share) nothing is claimed.
                try configuration.checkTheoremPreconditions()
                let noise = localNoise(configuration)
                do { try noise.checkSamplable() } catch {
                    throw FedCoreError.invalidSettings(
                        unsamplableMessage(configuration, largestUsable: largestSamplableBits(below: configuration, make: make)))
                }
                let encoding = EncodingParameters(
                    dimension: dimension, blockSize: settings.blockSize, l2Clip: settings.clip,
                    scale: configuration.scale, bits: configuration.bits, beta: configuration.beta,
                    roundSeed: roundSeed, noise: noise)
                return (encoding, configuration)
            }
            let bits = chosenBits ?? settings.bits ?? 32
            let scale = try DistributedDPConfiguration.noDPScale(
                bits: bits, clients: max(n, 1), l2Clip: settings.clip, dimension: padded)
            let encoding = EncodingParameters(
                dimension: dimension, blockSize: settings.blockSize, l2Clip: settings.clip, scale: scale, bits: bits,
                roundSeed: roundSeed, noise: .none)
            return (encoding, nil)
        } catch let error as FedCoreError {
            throw error
        } catch let error as DPNoiseError.Accounting {
            throw .accounting(error)
        } catch {
            throw .invalidSettings("\(error)")
        }
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
        below c: DistributedDPConfiguration, make: (Int) throws(DPNoiseError.Accounting) -> DistributedDPConfiguration
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
    static func weights(clients n: Int, bits: Int, settings: SimulationSettings) throws(FedCoreError) -> ExampleCountLimbs? {
        guard settings.weighted else { return nil }
        return try ExampleCountLimbs(clients: n, bits: bits, maxWeight: settings.maxWeight)
    }
}
