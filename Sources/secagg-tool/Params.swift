import ArgumentParser
import SecureAgg

/// `secagg-tool params`: SecAgg+ neighbourhood size (Harary-graph degree) and Shamir threshold for a cohort.
struct Params: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "SecAgg+ neighbourhood size and threshold.",
        discussion: """
            SecAgg+ (Bell et al. 2020) connects each client to k neighbours on a random Harary graph instead of to \
            everyone. A client masks its update with pairwise keys shared with those k neighbours and \
            Shamir-shares its secrets among them with threshold t: any t of its neighbours can help the server \
            unmask it, fewer than t learn nothing.

            k (the degree: neighbours per client, not counting the client itself) is the smallest even value, and \
            t the smallest threshold, that give both guarantees below when a fraction --adversarial-rate of the \
            clients colludes with the server and a fraction --dropout drops out:

            Security, failure probability < 2^-40: the honest survivors stay connected and no client has t \
            adversarial neighbours (a semi-malicious server, which may lie about dropouts, also needs t above \
            half of the neighbourhood plus its share), so the server learns only the sum.

            Correctness, failure probability < 2^-20: every client keeps at least t surviving neighbours, so the \
            round recovers the sum.

            The values match Google's production finder (federated-compute graph_parameter_finder). Infeasible \
            input exits with code 2: rates outside [0, 1), adversarial + dropout rate > 0.9 (adversarial + 2 x \
            dropout rate for semi-malicious), a positive adversarial rate with --adversary none, more than \
            1000000 clients, or a cohort too small for any k.

            Example (prints degree 30, threshold 17):
              secagg-tool params --clients 1000 --adversarial-rate 0.05 \\
                --dropout 0.05 --adversary curious
            """)

    @Option(help: "Number of clients in the round (1 to 1000000).")
    var clients: Int

    @Option(help: "Fraction of clients that may collude with the server, in [0, 1).")
    var adversarialRate: Double

    @Option(name: .customLong("dropout"), help: "Fraction of clients expected to drop out during the round, in [0, 1) (required).")
    var dropoutOption: Double?

    @Option(name: .customLong("dropout-rate"), help: ArgumentHelp("Old spelling of --dropout.", visibility: .hidden))
    var dropoutRateAlias: Double?

    /// `--dropout` (or its old spelling `--dropout-rate`); validate() requires one.
    var dropoutRate: Double { dropoutOption ?? dropoutRateAlias ?? 0 }

    @Option(help: "Server behaviour to protect against.")
    var adversary: AdversaryClass

    @Option(help: "Statistical security parameter: leak probability below 2^-bits.")
    var securityBits: Double = 40

    @Option(help: "Correctness parameter: failure probability below 2^-bits.")
    var correctnessBits: Double = 20

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        try OptionAlias.once(dropoutOption, dropoutRateAlias, canonical: "--dropout", old: "--dropout-rate")
        guard dropoutOption != nil || dropoutRateAlias != nil else {
            throw ValidationError("--dropout is required: the fraction of clients expected to drop out, in [0, 1)")
        }
    }

    func run() async throws {
        let parameters: GraphParameters
        do {
            parameters = try ParameterFinder.find(
                clients: clients, adversarialRate: adversarialRate, dropoutRate: dropoutRate, adversary: adversary,
                securityBits: securityBits, correctnessBits: correctnessBits)
        } catch {
            throw ToolFailure.badInput("\(Self.option(naming: error)): \(error.description)")
        }
        let report = ParamsReport(
            clients: clients, adversarialRate: adversarialRate, dropoutRate: dropoutRate,
            adversary: adversary.rawValue, securityBits: securityBits, correctnessBits: correctnessBits,
            degree: parameters.degree, threshold: parameters.threshold)
        if json {
            try JSONOutput.print(report)
        } else {
            print("degree \(parameters.degree), threshold \(parameters.threshold)")
            print(
                "each of \(clients) clients shares with \(parameters.degree) neighbours; any \(parameters.threshold) "
                    + "of them can unmask it (\(adversary.rawValue) server, adversarial rate \(adversarialRate), "
                    + "dropout rate \(dropoutRate), security 2^-\(Self.format(securityBits)), "
                    + "correctness 2^-\(Self.format(correctnessBits)))")
        }
    }

    /// The command-line option a refusal is about.
    static func option(naming error: SecureAggError.ParameterSearch) -> String {
        switch error {
        case .tooFewClients, .tooManyClients, .noParametersFound: return "--clients"
        case .adversarialRateOutOfRange, .adversarialRateWithoutAdversary: return "--adversarial-rate"
        case .dropoutRateOutOfRange: return "--dropout"
        case .curiousRatesInfeasible, .semiMaliciousRatesInfeasible: return "--adversarial-rate/--dropout"
        case .securityBitsOutOfRange: return "--security-bits"
        case .correctnessBitsOutOfRange: return "--correctness-bits"
        }
    }

    /// Whole numbers without a trailing ".0".
    private static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}

/// The `--json` output of `params` (field names are part of the command-surface contract).
struct ParamsReport: Encodable {
    let clients: Int
    let adversarialRate: Double
    let dropoutRate: Double
    let adversary: String
    let securityBits: Double
    let correctnessBits: Double
    /// Harary-graph degree k: neighbours per client, excluding the client itself.
    let degree: Int
    /// Shamir threshold t.
    let threshold: Int

    enum CodingKeys: String, CodingKey {
        case clients, adversary, degree, threshold
        case adversarialRate = "adversarial_rate"
        case dropoutRate = "dropout_rate"
        case securityBits = "security_bits"
        case correctnessBits = "correctness_bits"
    }
}

extension AdversaryClass: ExpressibleByArgument {}
