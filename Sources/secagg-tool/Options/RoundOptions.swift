import Foundation
import ArgumentParser
import DPNoise
import FedCore
import SecureAgg

/// Round options shared by `simulate` and `serve` (see the command-surface contract in Docs/cli.md).
struct RoundOptions: ParsableArguments {
    @Option(help: "Cohort size per round (serve: required; simulate: default 20 synthetic clients, or one per update file).")
    var clients: Int?

    @Option(help: "Number of rounds.")
    var rounds: Int = 3

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Fraction of the cohort planned to drop after ShareKeys: sets the SecAgg+ threshold and the default "
                + "--min-survivors. simulate drops exactly floor(F*N) clients (chosen with the seed); serve drops nobody "
                + "itself."))
    var dropout: Double = 0.1

    @Option(
        name: .customLong("min-survivors"),
        help: "Fewest masked inputs a round accepts (aborts with exit 1 below it); noise is calibrated for it. Default: the larger of the consistency quorum floor((n + colluders)/2) + 1 and n minus the planned dropouts.")
    var minSurvivors: Int?

    @Flag(name: .customLong("no-dp"), help: "No noise: the recovered average equals the plain average within the quantization bound.")
    var noDP = false

    @Option(name: .customLong("noise-multiplier"), parsing: .unconditional, help: "Noise multiplier z (central stddev = z * clip).")
    var noiseMultiplier: Double?

    @Option(name: .customLong("target-epsilon"), parsing: .unconditional, help: "Calibrate z so that all rounds together spend this epsilon.")
    var targetEpsilon: Double?

    @Option(parsing: .unconditional, help: "Delta of the (epsilon, delta) guarantee.")
    var delta: Double = 1e-5

    @Option(name: .customLong("budget-epsilon"), parsing: .unconditional, help: "Total epsilon allowed across the ledger; a round that would exceed it is refused (exit 1). Default with --ledger: the budget the ledger recorded.")
    var budgetEpsilon: Double?

    @Option(name: .customLong("sampling-rate"), help: "Poisson client-sampling rate q (default: fixed cohort, q = 1).")
    var samplingRate: Double?

    @Option(parsing: .unconditional, help: "L2 clip of the whole flattened update, in model units.")
    var clip: Double = 1.0

    @Option(help: "Bits per coordinate of the modular sum (1-32; default chosen by the encoder).")
    var bits: Int?

    @Option(help: "Noise mechanism: ddgauss (distributed discrete Gaussian) or skellam.")
    var mechanism: NoiseMechanismArgument = .ddgauss

    @Option(help: """
        Privacy accountant for calibration, budget, ledger and audit: pld (privacy-loss distributions of each \
        round's Gaussian equivalent, the tighter; rdp where the noise has none) or rdp. (default: pld)
        """)
    var accountant: AccountantChoice?

    @Option(name: .customLong("colluding-clients"), help: "Security floor: clients assumed to collude with the server inside one neighbourhood (thresholds and quorums are raised against them; a worst-case count, default 0).")
    var colludingClients: Int = 0

    @Option(
        name: .customLong("noise-colluders"),
        help: """
            Noise: clients whose noise shares the server is assumed to know (the noise counts M minus them). \
            Default: ceil(adversarial-rate * cohort), at least --colluding-clients; a lower value is refused unless \
            --adversarial-rate is lowered too.
            """)
    var noiseColluders: Int?

    @Option(name: .customLong("adversarial-rate"), help: "Fraction of adversarial clients assumed by the SecAgg+ parameter finder; ceil(rate * cohort) is also the default --noise-colluders.")
    var adversarialRate: Double = 0.05

    @Option(help: "Adversary class for the SecAgg+ parameter finder: curious, semi-malicious or none (default: semi-malicious for serve, curious for simulate). Every plan also meets the clients' security floor t > (k + colluders)/2.")
    var adversary: AdversaryClass?

    @Option(name: .customLong("server-lr"), parsing: .unconditional, help: "Server learning rate L: global += L * average.")
    var serverLR: Double = 1.0

    @Flag(help: """
        Weight each update by its example count (__metadata__ num_examples) clamped to [1, --max-weight]. \
        The counts travel masked: the server learns only the survivors' total (not covered by DP).
        """)
    var weighted = false

    @Option(name: .customLong("max-weight"), help: "With --weighted: W, the largest example count honoured (1…2^30).")
    var maxWeight: Int = 1000

    @Option(help: "Seed for a reproducible run (deterministic randomness: NOT secure).")
    var seed: UInt64?

    @Option(help: "Privacy ledger (JSON lines); rounds are charged here before unmasking.")
    var ledger: String?

    func validate() throws {
        if let clients {
            guard clients >= 2 else { throw ValidationError("--clients must be at least 2") }
            guard clients <= 100_000 else { throw ValidationError("--clients must be at most 100000") }
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard dropout >= 0, dropout < 1 else {
            throw ValidationError("--dropout must be a fraction in [0, 1), got \(dropout)")
        }
        guard delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1), got \(delta)") }
        guard clip > 0, clip.isFinite else {
            throw ValidationError("--clip must be a positive L2 norm in model units, got \(clip)")
        }
        if let bits, !(1...32).contains(bits) { throw ValidationError("--bits must be in 1...32") }
        if let q = samplingRate, !(q > 0 && q <= 1) { throw ValidationError("--sampling-rate must be in (0, 1]") }
        guard (1...(1 << 30)).contains(maxWeight) else { throw ValidationError("--max-weight must be in 1...2^30") }
        if let z = noiseMultiplier, !(z > 0 && z.isFinite) {
            throw ValidationError("--noise-multiplier must be a positive number, got \(z); for rounds without noise use --no-dp")
        }
        if let e = targetEpsilon, !(e > 0 && e.isFinite) {
            throw ValidationError("--target-epsilon must be a positive number, got \(e)")
        }
        if let b = budgetEpsilon, !(b > 0) { throw ValidationError("--budget-epsilon must be a positive number, got \(b)") }
        if noiseMultiplier != nil && targetEpsilon != nil {
            throw ValidationError("give either --noise-multiplier or --target-epsilon, not both")
        }
        if noDP && (noiseMultiplier != nil || targetEpsilon != nil) {
            throw ValidationError("--no-dp cannot be combined with --noise-multiplier or --target-epsilon")
        }
        if let m = minSurvivors, !(m >= 1 && m <= (clients ?? 100_000)) {
            throw ValidationError("--min-survivors must be in 1...clients")
        }
        guard colludingClients >= 0 else { throw ValidationError("--colluding-clients must be non-negative") }
        if let c = noiseColluders, c < 0 { throw ValidationError("--noise-colluders must be non-negative") }
        guard adversarialRate >= 0, adversarialRate < 1 else { throw ValidationError("--adversarial-rate must be in [0, 1)") }
        guard serverLR.isFinite else { throw ValidationError("--server-lr must be finite") }
    }
}

/// The distributed noise mechanisms a round can use.
enum NoiseMechanismArgument: String, ExpressibleByArgument, CaseIterable {
    case ddgauss, skellam
}

extension RoundOptions {
    /// The library settings these options describe (`synthetic`: no --updates directory).
    /// - Parameter defaultAdversary: the adversary class when `--adversary` is not given.
    func settings(synthetic: Bool, defaultAdversary: AdversaryClass = .curious) -> SimulationSettings {
        var s = SimulationSettings()
        s.rounds = rounds
        s.cohortSize = clients ?? (synthetic ? 20 : nil)
        s.dropoutFraction = dropout
        s.minSurvivors = minSurvivors
        if noDP {
            s.noise = .none
        } else if let z = noiseMultiplier {
            s.noise = .noiseMultiplier(z)
        } else {
            s.noise = .targetEpsilon(targetEpsilon ?? Self.defaultTargetEpsilon)
        }
        s.mechanism = mechanism == .ddgauss ? .ddgauss : .skellam
        s.accountant = accountant?.accountant ?? .pld
        s.delta = delta
        s.budgetEpsilon = budgetEpsilon
        s.samplingRate = samplingRate
        s.clip = clip
        s.bits = bits
        s.colludingClients = colludingClients
        s.noiseColluders = noiseColluders
        s.adversarialRate = adversarialRate
        s.adversary = adversary ?? defaultAdversary
        s.serverLearningRate = serverLR
        s.weighted = weighted
        s.maxWeight = maxWeight
        s.seed = seed
        return s
    }

    /// ε spent by a run's rounds together when neither --noise-multiplier nor --target-epsilon is given.
    static let defaultTargetEpsilon = 8.0
}

extension RoundOptions {
    /// `settings` with the ledger's budget when `--budget-epsilon` is absent: a budget recorded once stays with
    /// its ledger, so a later run on the same ledger (a round without noise included) is held to it. An explicit
    /// `--budget-epsilon` wins. A missing ledger file has no budget yet.
    func withLedgerBudget(_ settings: SimulationSettings) throws -> SimulationSettings {
        guard settings.budgetEpsilon == nil, let path = ledger, FileManager.default.fileExists(atPath: path) else {
            return settings
        }
        var s = settings
        do { s.budgetEpsilon = try PrivacyLedger.read(contentsOf: URL(fileURLWithPath: path)).recordedBudget } catch {
            throw ToolFailure.badFile(path, error)
        }
        return s
    }
}
