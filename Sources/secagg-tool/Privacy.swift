import ArgumentParser
import DPNoise
import FedCore

/// `secagg-tool privacy`: privacy accounting (ε for parameters, calibration, the ledger's spent budget).
struct Privacy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Privacy accounting: epsilon, calibration, ledger.",
        discussion: """
            Accounting as Google's dp-accounting does it: privacy-loss distributions (--accountant pld, the \
            default; for the distributed discrete Gaussian / Skellam noise that secagg clients add, the PLD of each \
            round's Gaussian equivalent, Docs/privacy.md) or Rényi DP (--accountant rdp).

            Example:
              secagg-tool privacy epsilon --mechanism sampled-gaussian \\
                --noise-multiplier 1.1 --sampling-rate 0.01 --rounds 10000 \\
                --delta 1e-5 --json
            """,
        subcommands: [PrivacyEpsilon.self, PrivacyCalibrate.self, PrivacyLedgerCommand.self]
    )
}

/// The mechanisms the accountant knows.
enum PrivacyMechanism: String, ExpressibleByArgument, CaseIterable {
    case gaussian
    case sampledGaussian = "sampled-gaussian"
    case ddgauss
    case skellam

    var distributed: DistributedMechanism? {
        switch self {
        case .gaussian, .sampledGaussian: nil
        case .ddgauss: .ddgauss
        case .skellam: .skellam
        }
    }
}

/// `--accountant pld|rdp`.
enum AccountantChoice: String, ExpressibleByArgument, CaseIterable {
    case pld
    case rdp

    var accountant: Accountant {
        switch self {
        case .pld: .pld
        case .rdp: .rdp
        }
    }
}

/// Options shared by `privacy epsilon` and `privacy calibrate`.
struct PrivacyCommonOptions: ParsableArguments {
    @Option(help: "gaussian | sampled-gaussian | ddgauss | skellam.")
    var mechanism: PrivacyMechanism

    @Option(name: .customLong("rounds"), help: "Rounds (compositions) T, ≥ 1 (required).")
    var roundsOption: Int?

    @Option(name: .customLong("steps"), help: ArgumentHelp("Old spelling of --rounds.", visibility: .hidden))
    var stepsAlias: Int?

    @Option(parsing: .unconditional, help: "δ of the (ε, δ) guarantee, in (0, 1).")
    var delta: Double

    @Option(help: "Poisson client-sampling rate q in (0, 1]; 1 = fixed cohort (no amplification).")
    var samplingRate: Double = 1

    @Option(
        name: .customLong("min-survivors"),
        help: "Distributed: minimum survivors M the noise is calibrated for (gaussian: clients for local_stddev).")
    var minSurvivorsOption: Int?

    @Option(
        name: .customLong("clients"),
        help: ArgumentHelp("Old spelling of --min-survivors (not the cohort: see --cohort).", visibility: .hidden))
    var clientsAlias: Int?

    @Option(help: "Distributed: the model's dimension (number of parameters); padded exactly as the encoder pads it (blocks of --block-size) into the d the accountant uses.")
    var dimension: Int?

    @Option(help: "Distributed: the encoder's rotation block size (a power of two; default 65536, as simulate and serve use).")
    var blockSize: Int = SimulationSettings().blockSize

    @Option(
        name: .customLong("clip"), parsing: .unconditional,
        help: "L2 clip c of each client's update (model units); distributed: required, gaussian: default 1.")
    var clipOption: Double?

    @Option(name: .customLong("l2-clip"), help: ArgumentHelp("Old spelling of --clip.", visibility: .hidden))
    var l2ClipAlias: Double?

    @Option(help: "Distributed: bits per coordinate b (1–32); default: the smallest adequate width.")
    var bits: Int?

    @Option(help: "Distributed: conditional-rounding β in [0, 1) (default e^-0.5).")
    var beta: Double = DistributedDPConfiguration.defaultBeta

    @Option(help: "Distributed: per-coordinate modular clipping probability p in (0, 1) (default 1e-4).")
    var modClipProbability: Double = DistributedDPConfiguration.defaultModClipProbability

    @Option(help: "Distributed: security-floor colluders per neighbourhood, as simulate's (default 0); the least --noise-colluders can be.")
    var colludingClients: Int = 0

    @Option(help: "Distributed: clients whose noise the server is assumed to know (M minus them honest shares). Default: ceil(--adversarial-rate * cohort), at least --colluding-clients, as simulate plans.")
    var noiseColluders: Int?

    @Option(help: "Distributed: the cohort per round (simulate's cohort size; with --sampling-rate q < 1 the expected cohort qN). Default: the smallest cohort simulate plans --min-survivors survivors for.")
    var cohort: Int?

    @Option(
        help: """
            Distributed, --sampling-rate q < 1: the population N the cohorts are sampled from (a sampled simulate \
            run's client count). Sets the default --cohort (qN) and includes the δ of skipped rounds (a round is \
            skipped when its sample is too small), as the run charges it. Without it, ε is for rounds that always run.
            """)
    var population: Int?

    @Option(help: "Distributed: most inputs one sum may hold; sizes the scale. Default: as simulate plans it (the cohort, or for q < 1 a bound its Poisson sample exceeds with probability at most 2^-20).")
    var maxSummands: Int?

    @Option(help: "Distributed: dropout fraction F a run plans for (as simulate's --dropout; sets the default --min-survivors or --cohort).")
    var dropout: Double = SimulationSettings().dropoutFraction

    @Option(help: "Distributed: adversarial client rate of the SecAgg+ parameter finder (as simulate's --adversarial-rate).")
    var adversarialRate: Double = SimulationSettings().adversarialRate

    @Option(help: "Accountant: pld (privacy-loss distributions; default for gaussian / sampled-gaussian) or rdp (Rényi DP; always used for ddgauss / skellam).")
    var accountant: AccountantChoice?

    @Option(help: "PLD loss grid step h in nats, > 0 (default 1e-4, dp-accounting's); smaller is tighter and slower.")
    var discretization: Double = PLDAccountant.defaultDiscretization

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    /// Rounds T (`--rounds`, or its old spelling `--steps`); 0 when neither was given (``validateCommon()``
    /// refuses it).
    var steps: Int { roundsOption ?? stepsAlias ?? 0 }

    /// Minimum survivors M (`--min-survivors`, or its old spelling `--clients`).
    var clients: Int? { minSurvivorsOption ?? clientsAlias }

    /// L2 clip c (`--clip`, or its old spelling `--l2-clip`).
    var l2Clip: Double? { clipOption ?? l2ClipAlias }

    func validate() throws {
        try OptionAlias.once(roundsOption, stepsAlias, canonical: "--rounds", old: "--steps")
        try OptionAlias.once(minSurvivorsOption, clientsAlias, canonical: "--min-survivors", old: "--clients")
        try OptionAlias.once(clipOption, l2ClipAlias, canonical: "--clip", old: "--l2-clip")
    }

    /// The accountant to use and, when the requested one cannot account this mechanism soundly, why not.
    /// PLD is used for the continuous Gaussian mechanisms; the distributed mechanisms' privacy is proved in RDP
    /// (Kairouz-Liu-Steinke 2021; Agarwal-Kairouz-Liu 2021), so they always use RDP.
    func resolvedAccountant() -> (accountant: Accountant, note: String?) {
        return (accountant?.accountant ?? .default, nil)
    }

    /// Checks the flags every mechanism shares; throws `ToolFailure.badInput` naming the flag.
    func validateCommon() throws {
        guard roundsOption != nil || stepsAlias != nil else {
            throw ToolFailure.badInput("--rounds is required: the number of rounds (compositions) to account")
        }
        guard steps >= 1 else { throw ToolFailure.badInput("--rounds must be ≥ 1, got \(steps)") }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw ToolFailure.badInput("--delta must be in (0, 1), got \(delta)")
        }
        guard samplingRate.isFinite, samplingRate > 0, samplingRate <= 1 else {
            throw ToolFailure.badInput("--sampling-rate must be in (0, 1], got \(samplingRate)")
        }
        if mechanism == .gaussian, samplingRate != 1 {
            throw ToolFailure.badInput("--sampling-rate: the gaussian mechanism has no sampling; use sampled-gaussian")
        }
        if let clients, clients < 1 { throw ToolFailure.badInput("--min-survivors must be ≥ 1, got \(clients)") }
        if let dimension, dimension < 1 { throw ToolFailure.badInput("--dimension must be ≥ 1, got \(dimension)") }
        if let l2Clip, !(l2Clip.isFinite && l2Clip > 0) {
            throw ToolFailure.badInput("--clip must be a number > 0, got \(l2Clip)")
        }
        if let bits, !(1...32).contains(bits) { throw ToolFailure.badInput("--bits must be in 1…32, got \(bits)") }
        guard beta.isFinite, beta >= 0, beta < 1 else { throw ToolFailure.badInput("--beta must be in [0, 1), got \(beta)") }
        guard modClipProbability.isFinite, modClipProbability > 0, modClipProbability < 1 else {
            throw ToolFailure.badInput("--mod-clip-probability must be in (0, 1), got \(modClipProbability)")
        }
        guard discretization.isFinite, discretization > 0, discretization <= 1 else {
            throw ToolFailure.badInput("--discretization must be in (0, 1], got \(discretization)")
        }
        guard colludingClients >= 0 else {
            throw ToolFailure.badInput("--colluding-clients must be ≥ 0, got \(colludingClients)")
        }
        if let noiseColluders, noiseColluders < 0 {
            throw ToolFailure.badInput("--noise-colluders must be ≥ 0, got \(noiseColluders)")
        }
        if mechanism.distributed != nil {
            guard clients != nil || cohort != nil || (population != nil && samplingRate < 1) else {
                throw ToolFailure.badInput(
                    "--min-survivors or --cohort (or --population with --sampling-rate below 1) is required for \(mechanism.rawValue)")
            }
            guard dimension != nil else { throw ToolFailure.badInput("--dimension is required for \(mechanism.rawValue)") }
            guard l2Clip != nil else { throw ToolFailure.badInput("--clip is required for \(mechanism.rawValue)") }
            guard blockSize >= 2, blockSize <= 1 << 24, blockSize.nonzeroBitCount == 1 else {
                throw ToolFailure.badInput("--block-size must be a power of two in 2…2^24, got \(blockSize)")
            }
            guard dropout.isFinite, dropout >= 0, dropout < 1 else {
                throw ToolFailure.badInput("--dropout must be in [0, 1), got \(dropout)")
            }
            guard adversarialRate.isFinite, adversarialRate >= 0, adversarialRate < 1 else {
                throw ToolFailure.badInput("--adversarial-rate must be in [0, 1), got \(adversarialRate)")
            }
            if let cohort, cohort < 2 { throw ToolFailure.badInput("--cohort must be ≥ 2, got \(cohort)") }
            if let population, population < 2 { throw ToolFailure.badInput("--population must be ≥ 2, got \(population)") }
            if let cohort, let clients, cohort < clients {
                throw ToolFailure.badInput("--cohort must be ≥ --min-survivors (\(clients)), got \(cohort)")
            }
            if let clients {
                guard colludingClients < clients else {
                    throw ToolFailure.badInput("--colluding-clients must be < --min-survivors (\(clients)), got \(colludingClients)")
                }
            }
        }
    }

    /// The run settings these flags describe, for planning the defaults as `simulate` does.
    var runSettings: SimulationSettings {
        var s = SimulationSettings()
        s.dropoutFraction = dropout
        s.colludingClients = colludingClients
        s.noiseColluders = noiseColluders
        s.adversarialRate = adversarialRate
        s.samplingRate = samplingRate < 1 ? samplingRate : nil
        s.minSurvivors = clients
        s.blockSize = blockSize
        return s
    }

    /// What a distributed round of these flags is accounted with, planned exactly as `simulate` plans it: the
    /// padded dimension, M, the colluders, the cohort and the largest number of summands.
    func distributedPlan() throws -> (dimension: Int, minimumSurvivors: Int, colluders: Int, cohort: Int, summands: Int) {
        let settings = runSettings
        let padded = RoundPlanner.paddedDimension(dimension ?? 1, blockSize: blockSize)
        let n: Int
        if let cohort {
            n = cohort
        } else if samplingRate < 1, let population {
            n = CohortSampling.plannedCohort(population: population, rate: samplingRate)
        } else if let clients, let planned = RoundPlanner.cohort(plannedMinSurvivors: clients, settings: settings) {
            n = planned
        } else {
            throw ToolFailure.badInput(
                "--min-survivors \(clients ?? 0): no cohort plans that many survivors at --dropout \(dropout); give --cohort")
        }
        let m: Int
        if let clients {
            m = clients
        } else {
            do { m = try RoundPlanner.noiseBasis(plannedCohort: n, summands: n, settings: settings).minSurvivors } catch {
                throw ToolFailure.badInput("--cohort \(n): \(error.description)")
            }
        }
        let summands = maxSummands ?? RoundPlanner.summands(plannedCohort: n, settings: settings)
        let colluders: Int
        do { colluders = try RoundPlanner.noiseColluders(cohort: n, settings: settings) } catch {
            throw ToolFailure.badInput(error.description)
        }
        guard colluders < m else {
            throw ToolFailure.badInput(
                "--noise-colluders: \(colluders) colluding client(s) leave no honest noise share among the \(m) minimum "
                    + "survivors (--min-survivors); lower --adversarial-rate or raise --min-survivors")
        }
        return (padded, m, colluders, n, max(summands, m))
    }

    /// A sampled run's per-round skip slack η for the planned M (``RoundPlanner/skipSlack(population:minimumSurvivors:settings:)``),
    /// over N = --population; 0 for a fixed cohort or without --population (see ``skipNote``).
    func skipSlack(minimumSurvivors m: Int) -> (eta: Double, population: Int) {
        guard samplingRate < 1, let population else { return (0, 0) }
        return (RoundPlanner.skipSlack(population: population, minimumSurvivors: m, settings: accountingSettings), population)
    }

    /// For a distributed mechanism with q < 1 and no --population: the ε is the accountant's for rounds that always
    /// run, which a run's skipped rounds add to; says how to get the run's ε.
    var skipNote: String? {
        guard mechanism.distributed != nil, samplingRate < 1, population == nil else { return nil }
        return "rounds skipped for a too-small sample are not included; give --population N (simulate's --clients) "
            + "for the ε a sampled run charges"
    }

    /// ``runSettings`` with the run's δ and rounds (what the skip-slack check needs).
    var accountingSettings: SimulationSettings {
        var s = runSettings
        s.delta = delta
        s.rounds = steps
        return s
    }

    /// Refuses (exit 2) a sampled run whose skip event would take δ/10 or more at ε ≤ `epsilonCap`, with simulate's sentence.
    func checkSkipSlack(_ eta: Double, epsilonCap: Double, population: Int, configuration c: DistributedDPConfiguration) throws {
        do {
            try RoundPlanner.checkSkipSlack(
                eta, epsilonCap: epsilonCap, population: population, minimumSurvivors: c.minimumSurvivors,
                colluders: c.colludingClients, settings: accountingSettings)
        } catch { throw ToolFailure.badInput(error.description) }
    }

    /// Local stddev of the continuous Gaussian: z·c/√clients (c defaults to 1; without clients, z·c).
    func gaussianLocalStddev(noiseMultiplier z: Double) -> Double {
        let c = l2Clip ?? 1
        guard let clients else { return z * c }
        return z * c / Double(clients).squareRoot()
    }

    /// A distributed configuration at noise multiplier z (bits chosen when not given), planned as `simulate` plans.
    func configuration(mechanism: DistributedMechanism, noiseMultiplier z: Double) throws -> DistributedDPConfiguration {
        let plan = try distributedPlan()
        let c = l2Clip ?? 0
        return try PrivacyErrors.mapping {
            if let bits {
                return try DistributedDPConfiguration(
                    mechanism: mechanism, l2Clip: c, dimension: plan.dimension, minimumSurvivors: plan.minimumSurvivors,
                    colludingClients: plan.colluders, maximumSummands: plan.summands, noiseMultiplier: z, bits: bits,
                    beta: beta, modClipProbability: modClipProbability)
            }
            return try DistributedDPConfiguration.smallestAdequate(
                mechanism: mechanism, l2Clip: c, dimension: plan.dimension, minimumSurvivors: plan.minimumSurvivors,
                colludingClients: plan.colluders, maximumSummands: plan.summands, noiseMultiplier: z, beta: beta,
                modClipProbability: modClipProbability)
        }
    }
}

/// Maps the accountant's errors to the one-line, flag-naming failures of the CLI contract (exit 2).
enum PrivacyErrors {
    /// The flag of `privacy epsilon` / `privacy calibrate` that sets `parameter`, or nil when no flag does (the
    /// value was derived, and the error's own text says what it is). Exhaustive: a new parameter must be placed.
    static func flag(for parameter: AccountingParameter) -> String? {
        switch parameter {
        case .noiseMultiplier: "--noise-multiplier"
        case .samplingRate: "--sampling-rate"
        case .steps: "--rounds"
        case .delta: "--delta"
        case .l2Clip: "--clip"
        case .dimension: "--dimension"
        case .minimumSurvivors: "--min-survivors"
        case .colludingClients: "--colluding-clients"
        case .maximumSummands: "--max-summands"
        case .bits: "--bits"
        case .beta: "--beta"
        case .modClipProbability: "--mod-clip-probability"
        case .targetEpsilon: "--target-epsilon"
        case .discretization: "--discretization"
        case .baseNoiseMultiplier, .times, .count, .epsilon, .relativeTolerance, .clients, .totalClients,
             .baseClientsPerRound, .scale, .sensitivity, .laplaceParameter, .variance, .denominator, .noise, .encoding,
             .mechanism, .orders, .rdp, .tailBound, .ledger, .skipSlack:
            nil
        }
    }

    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DPNoiseError.Accounting {
            switch error {
            case .invalidParameter(let parameter, let reason):
                guard let flag = flag(for: parameter) else { throw ToolFailure.badInput(error.description) }
                throw ToolFailure.badInput("\(flag): \(reason)")
            case .insufficientBits:
                throw ToolFailure.badInput("--\(error.description)")
            case .calibrationFailed:
                throw ToolFailure.badInput("--target-epsilon: \(error.description)")
            }
        }
        // Any other error is already a ToolFailure or an ArgumentParser error; pass it on unchanged.
    }
}

extension String {
    /// nil for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
