import ArgumentParser
import DPNoise
import FedCore

/// `secagg-tool privacy calibrate`: the smallest noise meeting an (ε, δ) budget.
struct PrivacyCalibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Smallest noise multiplier meeting a target (ε, δ).",
        discussion: """
            Bisection on the noise multiplier (relative 1e-7 with RDP, 1e-5 with PLD, each PLD step being a full \
            accountant run); the result always satisfies ε ≤ target. Every mechanism defaults to --accountant pld \
            (ddgauss / skellam: the PLD of each round's Gaussian equivalent; RDP, with a note, where the noise has \
            none). \
            local_stddev is each client's noise stddev in model units (gaussian: z·c/√M with M = --min-survivors, or z·c).

            Example:
              secagg-tool privacy calibrate --target-epsilon 3 --delta 1e-5 \\
                --mechanism ddgauss --min-survivors 100 --dimension 65536 \\
                --clip 1 --rounds 100 --json
            """)

    @Option(parsing: .unconditional, help: "Target ε, > 0.")
    var targetEpsilon: Double

    @Option(
        help: ArgumentHelp(
            "Also answer: how many clients per round bring the noise of the average down to R times the clip?",
            discussion: """
                The average of clipped updates has L2 norm ≤ clip; its noise has norm ≈ z·clip·√d / n for n \
                survivors, so n = ⌈z·√d / R⌉ (needs --dimension; continuous-Gaussian approximation at the \
                calibrated z, which for a fixed cohort does not depend on n). R = 0.5: noise at half the \
                largest possible signal. Reported as clients_for_noise_ratio.
                """, valueName: "R"))
    var targetNoiseRatio: Double?

    @OptionGroup var options: PrivacyCommonOptions

    struct Output: Encodable {
        let noiseMultiplier: Double
        let localStddev: Double
        let epsilon: Double
        let delta: Double
        let accountant: String
        /// RDP only.
        let order: Double?
        /// PLD only.
        let discretization: Double?
        /// Why the requested accountant was not used, when it was not.
        let accountantNote: String?
        let targetEpsilon: Double
        let mechanism: String
        let steps: Int
        let samplingRate: Double
        let scale: Double?
        let inflatedL2: Double?
        let bits: Int?
        /// Clients per round for noise norm ≤ R · clip (with --target-noise-ratio).
        var clientsForNoiseRatio: Int?
        /// Distributed, q < 1: the share of `delta` the skipped rounds take (e^ε·T·η).
        var skipDelta: Double?

        enum CodingKeys: String, CodingKey {
            case epsilon, delta, accountant, order, discretization, mechanism, steps, bits, scale
            case accountantNote = "accountant_note"
            case noiseMultiplier = "noise_multiplier"
            case localStddev = "local_stddev"
            case targetEpsilon = "target_epsilon"
            case samplingRate = "sampling_rate"
            case inflatedL2 = "inflated_l2"
            case clientsForNoiseRatio = "clients_for_noise_ratio"
            case skipDelta = "skip_delta"
        }
    }

    func run() async throws {
        guard targetEpsilon.isFinite, targetEpsilon > 0 else {
            throw ToolFailure.badInput("--target-epsilon must be a number > 0, got \(targetEpsilon)")
        }
        try options.validateCommon()
        if let r = targetNoiseRatio {
            guard r.isFinite, r > 0 else { throw ToolFailure.badInput("--target-noise-ratio must be a number > 0, got \(r)") }
            guard options.dimension != nil else {
                throw ToolFailure.badInput("--target-noise-ratio needs --dimension (the number of aggregated parameters)")
            }
        }
        let o = options
        var output: Output
        let (accountant, accountantNote) = o.resolvedAccountant()
        var notes = [accountantNote, o.skipNote]
        var note: String? { notes.compactMap { $0 }.joined(separator: "; ").nilIfEmpty }
        if let distributed = o.mechanism.distributed {
            let plan = try o.distributedPlan()
            // A sampled run's skipped rounds take e^target·T·η of δ: calibrated at the rest, as simulate does.
            let (eta, population) = o.skipSlack(minimumSurvivors: plan.minimumSurvivors)
            let slack = Double(o.steps) * eta
            if eta > 0 {
                do {
                    try RoundPlanner.checkSkipSlack(
                        eta, epsilonCap: targetEpsilon, population: population, minimumSurvivors: plan.minimumSurvivors,
                        colluders: plan.colluders, settings: o.accountingSettings)
                } catch { throw ToolFailure.badInput(error.description) }
            }
            let result = try PrivacyErrors.mapping {
                try NoiseCalibration.distributed(
                    targetEpsilon: targetEpsilon, delta: o.delta - SkipSlack.delta(epsilon: targetEpsilon, slack: slack),
                    samplingRate: o.samplingRate, steps: o.steps,
                    mechanism: distributed, l2Clip: o.l2Clip ?? 0, dimension: plan.dimension,
                    minimumSurvivors: plan.minimumSurvivors, colludingClients: plan.colluders,
                    maximumSummands: plan.summands, bits: o.bits,
                    beta: o.beta, modClipProbability: o.modClipProbability, accountant: accountant,
                    discretization: o.discretization)
            }
            let configuration = result.configuration
            let used = result.accountant
            // The calibration's accounting of its result says why PLD fell back, and is reused below: the
            // Gaussian equivalent is not derived again.
            if let reason = result.accounting?.pldUnavailable {
                notes.insert("no PLD bound for this noise (\(reason)); used rdp", at: 0)
            }
            var epsilon = result.guarantee.epsilon
            if eta > 0, let rounds = result.accounting {
                epsilon = try PrivacyErrors.mapping {
                    try SkipSlack.epsilon(delta: o.delta, slack: slack) { d throws(DPNoiseError.Accounting) in
                        try rounds.epsilon(steps: o.steps, delta: d).epsilon
                    }
                }
            }
            output = Output(noiseMultiplier: result.noiseMultiplier, localStddev: configuration?.localStddev ?? .nan,
                            epsilon: epsilon, delta: o.delta, accountant: used.rawValue,
                            order: used == .rdp ? result.guarantee.order : nil,
                            discretization: used == .pld ? o.discretization : nil, accountantNote: note,
                            targetEpsilon: targetEpsilon, mechanism: o.mechanism.rawValue, steps: o.steps,
                            samplingRate: o.samplingRate, scale: configuration?.scale,
                            inflatedL2: configuration?.inflatedL2, bits: configuration?.bits)
            if eta > 0 { output.skipDelta = SkipSlack.delta(epsilon: epsilon, slack: slack) }
        } else {
            let result = try PrivacyErrors.mapping {
                try accountant.calibrateGaussian(targetEpsilon: targetEpsilon, delta: o.delta,
                                                 samplingRate: o.samplingRate, steps: o.steps,
                                                 discretization: o.discretization)
            }
            output = Output(noiseMultiplier: result.noiseMultiplier,
                            localStddev: o.gaussianLocalStddev(noiseMultiplier: result.noiseMultiplier),
                            epsilon: result.guarantee.epsilon, delta: o.delta, accountant: accountant.rawValue,
                            order: result.guarantee.order, discretization: result.guarantee.discretization,
                            accountantNote: note,
                            targetEpsilon: targetEpsilon, mechanism: o.mechanism.rawValue, steps: o.steps,
                            samplingRate: o.samplingRate, scale: nil, inflatedL2: nil, bits: nil)
        }
        if let r = targetNoiseRatio, let d = o.dimension {
            output.clientsForNoiseRatio = Self.clients(noiseMultiplier: output.noiseMultiplier, dimension: d, ratio: r)
        }
        if o.json {
            try JSONOutput.print(output)
        } else {
            if let note { printError("note: \(note)") }
            print("noise multiplier \(output.noiseMultiplier) (local stddev \(output.localStddev)) gives "
                  + "ε = \(output.epsilon) at δ = \(output.delta) (\(output.accountant))")
            if let n = output.clientsForNoiseRatio, let r = targetNoiseRatio {
                print("about \(n) clients per round keep the noise of the average at \(r) × the clip")
            }
        }
    }

    /// n = ⌈z·√d / R⌉: the survivors whose average has noise norm z·clip·√d / n ≤ R · clip.
    static func clients(noiseMultiplier z: Double, dimension d: Int, ratio r: Double) -> Int {
        let n = (z * Double(d).squareRoot() / r).rounded(.up)
        return n >= Double(Int.max) ? Int.max : max(1, Int(n))
    }
}
