import ArgumentParser
import FedCore
import Foundation
import SecAggTransport
import SecureAgg

/// `secagg-tool client`: one participant of rounds run by `serve`.
struct Client: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take part in the rounds of a `serve` process with one model update.",
        discussion: """
            Connects to --server, proves its identity (--identity, a keygen client key) and checks the server's \
            against its own copy of --registry. For each round it learns the parameters from the server, checks \
            that every peer's signed key advertisement verifies against its registry and that --update has the \
            round's model layout, then clips, rotates, quantizes, adds its share of the announced noise, masks \
            and sends its update. When the server samples cohorts (serve --sampling-rate), a client left out of \
            a round sends nothing and waits for the next one. It exits 0 after the last round's result.

            Example:
              secagg-tool client --server 10.0.0.5:7443 \\
                --identity keys/client-0003.key --registry keys/registry.json \\
                --update update.safetensors --tls-ca certs/ca.pem \\
                --max-epsilon 8 --ledger client-0003.ledger
            """
    )

    @Option(help: "The server, HOST:PORT.")
    var server: String

    @Option(help: "This client's identity key file (keygen's client-NNNN.key).")
    var identity: String

    @Option(help: "This client's copy of registry.json.")
    var registry: String

    @Option(help: "The model update (safetensors delta, the server model's layout).")
    var update: String

    @Option(name: .customLong("passphrase-env"), help: "Environment variable holding the key file passphrase.")
    var passphraseEnv: String?

    @Option(name: .customLong("tls-ca"), help: "CA certificate (PEM) to verify the server's TLS certificate.")
    var tlsCA: String?

    @Flag(help: "Allow plaintext (no --tls-ca) to a server that is not on a loopback address; without it such a server is refused before connecting.")
    var insecure = false

    @Option(name: .customLong("timeout"), help: "Seconds the whole session (all rounds) may take.")
    var timeout: Double = 3600

    @Option(
        name: .customLong("join-timeout"),
        help: "Seconds to keep retrying (jittered backoff) while the server is unreachable or full, until Welcome.")
    var joinTimeout: Double = 120

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds without any server message before giving up (must exceed serve's --join-timeout).")
    var idleTimeout: Double = 600

    @Option(help: "Policy JSON file (format_version 1; colluders, max_epsilon, delta, min_noise_multiplier, min_survivors, allow_no_dp). Flags given on the command line override it.")
    var policy: String?

    @Option(
        name: .customLong("colluding-clients"),
        help: "Colluding clients this client assumes (default 0): raises the threshold it accepts and the signature quorum, and their noise is not counted (policy key colluders).")
    var colludingClients: Int?

    @Option(name: .customLong("colluders"), help: ArgumentHelp("Old spelling of --colluding-clients.", visibility: .hidden))
    var colludersAlias: Int?

    /// `--colluding-clients`, or its old spelling `--colluders`.
    var colluders: Int? { colludingClients ?? colludersAlias }

    @Option(name: .customLong("max-epsilon"), help: "Most epsilon this client spends over the run and the rounds in --ledger (default 10).")
    var maxEpsilon: Double?

    @Option(help: "Delta at which this client computes epsilon (default 1e-5).")
    var delta: Double?

    @Option(name: .customLong("min-noise-multiplier"), help: "Smallest central noise multiplier accepted, counting only honest survivors (default 0).")
    var minNoiseMultiplier: Double?

    @Option(name: .customLong("min-survivors"), help: "Smallest min_survivors a round may announce (default 2; at least colluders + 2 with noise).")
    var minSurvivors: Int?

    @Flag(name: .customLong("allow-no-dp"), help: "Take rounds that add no noise (recorded as epsilon = infinity).")
    var allowNoDP = false

    @Option(help: "Accountant this client computes epsilon with: pld (default; rdp for noise without a Gaussian equivalent) or rdp.")
    var accountant: AccountantChoice?

    @Option(help: "Client ledger (JSON lines): rounds taken here count against --max-epsilon in later runs; each round is appended before any key is sent.")
    var ledger: String?

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    /// The policy file, then the flags given.
    func clientPolicy() throws -> ClientPolicy {
        var p = ClientPolicy()
        if let policy {
            do { p = try ClientPolicy.load(from: policy) } catch { throw ToolFailure.badInput(error.description) }
        }
        try OptionAlias.once(colludingClients, colludersAlias, canonical: "--colluding-clients", old: "--colluders")
        if let colluders { p.colluders = colluders }
        if let maxEpsilon { p.maxEpsilon = maxEpsilon }
        if let delta { p.delta = delta }
        if let minNoiseMultiplier { p.minNoiseMultiplier = minNoiseMultiplier }
        if let minSurvivors { p.minSurvivors = minSurvivors }
        if allowNoDP { p.allowNoDP = true }
        if let accountant { p.accountant = accountant.accountant }
        do { try p.validate() } catch { throw ToolFailure.badInput(error.description) }
        return p
    }

    func validate() throws {
        guard timeout > 0, timeout <= 7 * 86_400 else { throw ValidationError("--timeout must be in (0, 604800]") }
        guard joinTimeout > 0, idleTimeout > 0 else {
            throw ValidationError("--join-timeout and --idle-timeout must be > 0")
        }
    }

    func run() async throws {
        let (host, port) = try NetworkSupport.hostPort(server, option: "--server")
        // Before reading any file or opening any socket: plaintext off loopback needs --insecure (exit 2).
        do { try PlaintextPolicy.check(host: host, port: port, tls: tlsCA != nil, insecure: insecure) } catch {
            throw ToolFailure.badInput(error.description)
        }
        let registry = try NetworkSupport.loadRegistry(self.registry)
        let (keyFile, secret) = try NetworkSupport.loadIdentity(identity, passphraseEnv: passphraseEnv)
        guard keyFile.role == .client else { throw ToolFailure.badInput("\(identity): not a client key file") }
        let (values, layoutHash, exampleCount) = try loadUpdate()
        let participant = ClientParticipant(
            identity: secret, id: keyFile.id, registry: registry, update: values, layoutHash: layoutHash,
            exampleCount: exampleCount, policy: try clientPolicy(), ledger: ledger.map(ClientLedger.init(path:)))
        let id = keyFile.id
        let outcome: AggregationClient.Outcome
        do {
            outcome = try await AggregationClient.run(
                host: host, port: port, caCertificate: tlsCA, participant: participant,
                sessionTimeout: NetworkSupport.seconds(timeout), joinTimeout: NetworkSupport.seconds(joinTimeout),
                idleTimeout: NetworkSupport.seconds(idleTimeout), allowPlaintext: insecure,
                log: { printError("client \(id): \($0)") })
        } catch {
            if case .configuration = error { throw ToolFailure.badInput(error.description) }
            if case .refused = error { throw ToolFailure.badInput("client \(id): \(error.description)") }
            throw ToolFailure.failed("client \(id): \(error.description)")
        }
        let output = ClientOutput(
            client: id,
            rounds: outcome.rounds.map {
                ClientOutput.Round(round: Int($0.round), survivorIDs: $0.survivors, sampled: $0.sampled)
            })
        if json {
            try JSONOutput.print(output)
        } else {
            for r in outcome.rounds {
                print(
                    "round \(r.round): \(r.survivors.count) survivors \(r.survivors)"
                        + (r.sampled ? "" : " (not sampled: sat this round out)"))
            }
        }
    }

    /// The flat update, its layout hash and its `__metadata__` num_examples (nil when absent; weighted rounds
    /// then refuse the client).
    private func loadUpdate() throws -> (FlatParameters, String, Int?) {
        guard FileManager.default.fileExists(atPath: update) else {
            throw ToolFailure.badInput("\(update): no such file")
        }
        do {
            let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: update))
            let layout = try ModelLayout(file: file)
            var count: Int?
            if let raw = file.metadata[SyntheticUpdates.exampleCountKey] {
                guard let n = Int(raw), n >= 1 else {
                    throw ToolFailure.badInput(
                        "\(update): __metadata__ \(SyntheticUpdates.exampleCountKey) must be a positive integer")
                }
                count = n
            }
            // Read straight into the update's precision (Float for F32), no Double copy; unmapped on return.
            return (try FlatParameters(file: file, layout: layout), layout.layoutHash, count)
        } catch let failure as ToolFailure {
            throw failure
        } catch {
            throw ToolFailure.badFile(update, error)
        }
    }
}

/// The JSON result of `client`.
struct ClientOutput: Encodable {
    struct Round: Encodable {
        let round: Int
        let survivorIDs: [UInt32]
        /// False for a round whose sampled cohort left this client out.
        let sampled: Bool
        enum CodingKeys: String, CodingKey {
            case round, sampled
            case survivorIDs = "survivor_ids"
        }
    }
    let client: UInt32
    let rounds: [Round]
}
