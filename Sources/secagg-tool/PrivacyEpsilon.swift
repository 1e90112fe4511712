import ArgumentParser
import DPNoise

/// `secagg-tool privacy epsilon`: ε after T rounds for given noise.
struct PrivacyEpsilon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epsilon",
        abstract: "ε for given noise, sampling rate, rounds and δ.",
        discussion: """
            gaussian / sampled-gaussian use the PLD accountant by default (dp-accounting's PLDAccountant: \
            pessimistic connect-the-dots, grid --discretization) or, with --accountant rdp, dp-accounting's 156 \
            default RDP orders. ddgauss / skellam use the PLD of each round's Gaussian equivalent by default (RDP with \
            integer orders 2…128 and 256 with --accountant rdp, or with a note where the noise has no equivalent), \
            the encoder's scale and rounded variance for M = --min-survivors less --colluding-clients. The round is \
            planned as simulate plans it: --dimension is the model's and is padded as the encoder pads it; \
            --cohort is the cohort simulate runs, and whichever of --min-survivors (M) and --cohort is not given is what \
            simulate plans at --dropout, so the ε equals what a run with the same flags charges.

            Examples:
              secagg-tool privacy epsilon --mechanism sampled-gaussian \\
                --noise-multiplier 1.1 --sampling-rate 0.01 --rounds 10000 \\
                --delta 1e-5 --json
              secagg-tool privacy epsilon --mechanism ddgauss --noise-multiplier 1 \\
                --min-survivors 100 --dimension 65536 --clip 1 --bits 18 \\
                --rounds 1500 --sampling-rate 0.0294 --delta 3e-4
            """)

    @Option(parsing: .unconditional, help: "Noise multiplier z = central noise stddev / L2 clip, > 0.")
    var noiseMultiplier: Double

    @OptionGroup var options: PrivacyCommonOptions

    struct Output: Encodable {
        let epsilon: Double
        let delta: Double
        let accountant: String
        /// RDP only.
        let order: Double?
        /// PLD only.
        let discretization: Double?
        /// Why the requested accountant was not used, when it was not.
        let accountantNote: String?
        let mechanism: String
        let steps: Int
        let samplingRate: Double
        let noiseMultiplier: Double
        let localStddev: Double
        let scale: Double?
        let inflatedL2: Double?
        let bits: Int?
        /// Distributed only: what the round is accounted with (padded d, M, colluders, summands).
        var dimension: Int?
        var minSurvivors: Int?
        var colludingClients: Int?
        var maxSummands: Int?
        /// Distributed, q < 1: the share of `delta` the skipped rounds take (e^ε·T·η; the rest is the RDP conversion's).
        var skipDelta: Double?

        enum CodingKeys: String, CodingKey {
            case epsilon, delta, accountant, order, discretization, mechanism, steps, bits, scale, dimension
            case minSurvivors = "min_survivors"
            case colludingClients = "colluding_clients"
            case maxSummands = "max_summands"
            case skipDelta = "skip_delta"
            case accountantNote = "accountant_note"
            case samplingRate = "sampling_rate"
            case noiseMultiplier = "noise_multiplier"
            case localStddev = "local_stddev"
            case inflatedL2 = "inflated_l2"
        }
    }

    func run() async throws {
        guard noiseMultiplier.isFinite, noiseMultiplier > 0 else {
            throw ToolFailure.badInput("--noise-multiplier must be a number > 0, got \(noiseMultiplier)")
        }
        try options.validateCommon()
        var output: Output
        var note: String? { [accountantNote, options.skipNote].compactMap { $0 }.joined(separator: "; ").nilIfEmpty }
        let (accountant, resolvedNote) = options.resolvedAccountant()
        var accountantNote = resolvedNote
        if let distributed = options.mechanism.distributed {
            let configuration = try options.configuration(mechanism: distributed, noiseMultiplier: noiseMultiplier)
            // The round's Gaussian equivalent is derived once, here: every ε below reuses it.
            let rounds = configuration.accounting(samplingRate: options.samplingRate, accountant: accountant,
                                                  discretization: options.discretization)
            if let reason = rounds.pldUnavailable {
                accountantNote = "no PLD bound for this noise (\(reason)); used rdp"
            }
            // A sampled run's skipped rounds (Docs/privacy.md, "Skipped rounds"): ε at δ − e^ε·T·η, as the run charges.
            let (eta, population) = options.skipSlack(minimumSurvivors: configuration.minimumSurvivors)
            let slack = Double(options.steps) * eta
            if eta > 0 {
                let cap = try PrivacyErrors.mapping {
                    try rounds.epsilon(steps: options.steps, delta: 0.9 * options.delta).epsilon
                }
                try options.checkSkipSlack(eta, epsilonCap: cap, population: population, configuration: configuration)
            }
            let epsilon = try PrivacyErrors.mapping {
                try SkipSlack.epsilon(delta: options.delta, slack: slack) { d throws(DPNoiseError.Accounting) in
                    try rounds.epsilon(steps: options.steps, delta: d).epsilon
                }
            }
            let skipDelta = SkipSlack.delta(epsilon: epsilon, slack: slack)
            let guarantee = try PrivacyErrors.mapping {
                try rounds.epsilon(steps: options.steps, delta: options.delta - skipDelta)
            }
            output = Output(epsilon: epsilon, delta: options.delta, accountant: guarantee.accountant.rawValue,
                            order: guarantee.order, discretization: guarantee.discretization, accountantNote: note,
                            mechanism: options.mechanism.rawValue, steps: options.steps,
                            samplingRate: options.samplingRate, noiseMultiplier: noiseMultiplier,
                            localStddev: configuration.localStddev, scale: configuration.scale,
                            inflatedL2: configuration.inflatedL2, bits: configuration.bits)
            output.dimension = configuration.dimension
            output.minSurvivors = configuration.minimumSurvivors
            output.colludingClients = configuration.colludingClients
            output.maxSummands = configuration.maximumSummands
            if eta > 0 { output.skipDelta = skipDelta }
        } else {
            let guarantee = try PrivacyErrors.mapping {
                try accountant.gaussianEpsilon(noiseMultiplier: noiseMultiplier, samplingRate: options.samplingRate,
                                               steps: options.steps, delta: options.delta,
                                               discretization: options.discretization)
            }
            output = Output(epsilon: guarantee.epsilon, delta: guarantee.delta, accountant: accountant.rawValue,
                            order: guarantee.order, discretization: guarantee.discretization, accountantNote: note,
                            mechanism: options.mechanism.rawValue, steps: options.steps,
                            samplingRate: options.samplingRate, noiseMultiplier: noiseMultiplier,
                            localStddev: options.gaussianLocalStddev(noiseMultiplier: noiseMultiplier),
                            scale: nil, inflatedL2: nil, bits: nil)
        }
        if options.json {
            try JSONOutput.print(output)
        } else {
            if let note { printError("note: \(note)") }
            let how = output.order.map { "RDP, order \($0)" } ?? "PLD, h = \(output.discretization ?? .nan)"
            print("ε = \(output.epsilon) at δ = \(output.delta) (\(how)) after \(output.steps) rounds")
        }
    }
}
