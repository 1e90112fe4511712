import ArgumentParser
import DPNoise

/// `secagg-tool privacy calibrate`: the smallest noise meeting an (ε, δ) budget.
struct PrivacyCalibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Smallest noise multiplier meeting a target (ε, δ).",
        discussion: """
            Bisection on the noise multiplier (relative 1e-7 with RDP, 1e-5 with PLD, each PLD step being a full \
            accountant run); the result always satisfies ε ≤ target. gaussian / sampled-gaussian default to \
            --accountant pld; ddgauss / skellam always use RDP. \
            local_stddev is each client's noise stddev in model units (gaussian: z·c/√M with M = --min-survivors, or z·c).

            Example:
              secagg-tool privacy calibrate --target-epsilon 3 --delta 1e-5 \\
                --mechanism ddgauss --min-survivors 100 --dimension 65536 \\
                --clip 1 --rounds 100 --json
            """)

    @Option(parsing: .unconditional, help: "Target ε, > 0.")
    var targetEpsilon: Double

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

        enum CodingKeys: String, CodingKey {
            case epsilon, delta, accountant, order, discretization, mechanism, steps, bits, scale
            case accountantNote = "accountant_note"
            case noiseMultiplier = "noise_multiplier"
            case localStddev = "local_stddev"
            case targetEpsilon = "target_epsilon"
            case samplingRate = "sampling_rate"
            case inflatedL2 = "inflated_l2"
        }
    }

    func run() async throws {
        guard targetEpsilon.isFinite, targetEpsilon > 0 else {
            throw ToolFailure.badInput("--target-epsilon must be a number > 0, got \(targetEpsilon)")
        }
        try options.validateCommon()
        let o = options
        let output: Output
        let (accountant, note) = o.resolvedAccountant()
        if let distributed = o.mechanism.distributed {
            let result = try PrivacyErrors.mapping {
                try NoiseCalibration.distributed(
                    targetEpsilon: targetEpsilon, delta: o.delta, samplingRate: o.samplingRate, steps: o.steps,
                    mechanism: distributed, l2Clip: o.l2Clip ?? 0, dimension: o.dimension ?? 0,
                    minimumSurvivors: o.clients ?? 0, colludingClients: o.colludingClients, maximumSummands: o.cohort,
                    bits: o.bits,
                    beta: o.beta, modClipProbability: o.modClipProbability)
            }
            let configuration = result.configuration
            output = Output(noiseMultiplier: result.noiseMultiplier, localStddev: configuration?.localStddev ?? .nan,
                            epsilon: result.guarantee.epsilon, delta: o.delta, accountant: accountant.rawValue,
                            order: result.guarantee.order, discretization: nil, accountantNote: note,
                            targetEpsilon: targetEpsilon, mechanism: o.mechanism.rawValue, steps: o.steps,
                            samplingRate: o.samplingRate, scale: configuration?.scale,
                            inflatedL2: configuration?.inflatedL2, bits: configuration?.bits)
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
        if o.json {
            try JSONOutput.print(output)
        } else {
            if let note { printError("note: \(note)") }
            print("noise multiplier \(output.noiseMultiplier) (local stddev \(output.localStddev)) gives "
                  + "ε = \(output.epsilon) at δ = \(output.delta) (\(output.accountant))")
        }
    }
}
