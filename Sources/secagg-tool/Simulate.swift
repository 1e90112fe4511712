import ArgumentParser
import FedAudit
import FedCore
import Foundation
import Sodium

/// `secagg-tool simulate`: masked, noised FedAvg rounds in one process (the main job).
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run masked, noised federated-averaging rounds in one process.",
        discussion: """
            Every client clips its update to --clip (L2, model units), rotates it, scales and rounds it to \
            integers, adds its share of discrete Gaussian noise and masks it with pairwise keys (SecAgg+). The \
            server sums the masked vectors as they arrive, unmasks only the sum, and decodes the average over \
            the survivors; the global model moves by --server-lr times that average.

            With no arguments it runs on an embedded default: a small BERT-shaped model (2 layers, the tensor \
            names of a BERT encoder, seeded weights), 20 synthetic clients, 3 rounds, 10% dropout, DP on \
            (epsilon 8 over the run, delta 1e-5). Progress goes to stderr; the summary to stdout.

            Noise is calibrated for --min-survivors (the fewest masked inputs a round accepts), so dropouts \
            never weaken the promised epsilon. With --ledger the budget is charged before unmasking starts.

            Examples:
              secagg-tool simulate
              secagg-tool simulate --no-dp --json
              secagg-tool simulate --model model.safetensors --updates updates/ \\
                --out average.safetensors
              secagg-tool simulate --rounds 10 --ledger run.ledger \\
                --budget-epsilon 4 --target-epsilon 4
            """
    )

    @OptionGroup var round: RoundOptions

    @OptionGroup var files: ModelOptions

    @Option(help: "Directory of client deltas client-0001.safetensors … (same layout as the model). Default: synthetic updates.")
    var updates: String?

    @Option(name: .customLong("audit-log"), help: "Write a signed, hash-chained audit log of every round here (SQLite; must not exist).")
    var auditLog: String?

    @Option(help: "Server identity key (from keygen) that signs the audit log; with --registry the key is pinned.")
    var identity: String?

    @Option(help: "registry.json from keygen; the --identity key must be its server key.")
    var registry: String?

    @Option(name: .customLong("passphrase-env"), help: "Environment variable holding the passphrase of an encrypted --identity.")
    var passphraseEnv: String?

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        if (identity != nil || registry != nil) && auditLog == nil {
            throw ValidationError("--identity and --registry sign the audit log: give --audit-log too")
        }
        if registry != nil && identity == nil { throw ValidationError("--registry needs --identity (the server key)") }
    }

    func run() async throws {
        try files.checkOutputs()
        // The model in its storage precision (Float for F32/F16/BF16 models), read without a Double copy; the
        // file is reopened only if --model-out needs its other tensors.
        let (parameters, layout, modelMetadata) = try ModelFiles.loadParameters(files.model)
        let source: any ClientUpdateSource
        if let updates {
            let directory: DirectoryUpdateSource
            do { directory = try DirectoryUpdateSource(directory: URL(fileURLWithPath: updates), layout: layout) } catch {
                throw ToolFailure.badInput(error.description)
            }
            if round.weighted {
                let missing: [String]
                do { missing = try directory.filesWithoutExampleCount() } catch {
                    throw ToolFailure.badInput(error.description)
                }
                guard missing.isEmpty else {
                    let shown = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : "")
                    throw ToolFailure.badInput(
                        "--weighted needs __metadata__ num_examples in every update; \(missing.count) of "
                            + "\(directory.clientIDs.count) in \(updates) have none (\(shown)): add the counts, or drop --weighted")
                }
            }
            source = directory
        } else {
            let synthetic = SyntheticUpdates(layout: layout, seed: round.seed ?? 0x5EC_A66)
            source = SyntheticUpdateSource(updates: synthetic, clients: round.clients ?? 20)
        }
        let settings = try round.withLedgerBudget(round.settings(synthetic: updates == nil))
        var ledger: PrivacyLedger?
        if let path = round.ledger {
            do { ledger = try PrivacyLedger.open(URL(fileURLWithPath: path)) } catch {
                throw ToolFailure.badFile(path, error)
            }
        }
        let audit = try openAuditLog(settings: settings)

        var simulation: FederatedSimulation
        var reports: [RoundReport] = []
        var completed: [RoundReport] = []
        let progress = ProgressBar(enabled: true)
        do {
            // `consume`: the simulation must hold the only reference, or its first update copies the model.
            simulation = try FederatedSimulation(
                settings: settings, parameters: consume parameters, source: source, ledger: ledger, audit: audit)
            reports = try simulation.run { event in
                if case .roundFinished(let r) = event { completed.append(r) }
                progress.handle(event)
            }
        } catch {
            progress.finish()
            throw PartialRunFailure.report(
                ToolFailure(error), json: json, rounds: completed,
                epsilon: completed.last?.epsilon ?? 0, delta: settings.delta)
        }
        progress.finish()

        try ModelFiles.writeOutputs(
            files, layout: layout, modelMetadata: modelMetadata, lastAverage: simulation.lastAverageParameters,
            lastRound: reports.last?.round, model: simulation.parameters)
        if let last = reports.last {
            NoiseWarning.printIfNoiseDominates(
                round: last.round, noiseStddev: last.noiseStddev, survivors: last.survivors,
                dimension: layout.parameterCount, clip: settings.clip)
        }
        let epsilon = reports.last?.epsilon ?? 0
        let output = RunOutput(
            rounds: reports, epsilon: epsilon, delta: settings.delta, output: files.out, modelOutput: files.modelOut,
            ledger: round.ledger, parameters: layout.parameterCount, layoutHash: layout.layoutHash,
            dp: settings.noise != .none, model: files.modelName,
            accountant: settings.noise == .none ? nil : simulation.accountant.rawValue)
        if json {
            try JSONOutput.print(output)
        } else {
            print(output.humanSummary)
        }
    }

    /// Creates the audit log, signed by --identity (pinned when --registry lists it) or an ephemeral key.
    private func openAuditLog(settings: SimulationSettings) throws -> AuditLog? {
        guard let auditLog else { return nil }
        var signer = Ed25519.SecretKey.generate()
        var pinned = false
        if let identity {
            do {
                var passphrase: SecureBytes?
                if let passphraseEnv { passphrase = try Passphrase.fromEnvironment(passphraseEnv) }
                let (file, key) = try IdentityKeyFile.read(from: URL(fileURLWithPath: identity), passphrase: passphrase)
                guard file.role == .server else { throw ToolFailure.badInput("\(identity): not a server key") }
                signer = key
            } catch let failure as ToolFailure {
                throw failure
            } catch {
                throw ToolFailure.badFile(identity, error)
            }
            if let registry {
                let loaded: Registry
                do { loaded = try Registry.load(from: URL(fileURLWithPath: registry)) } catch {
                    throw ToolFailure.badFile(registry, error)
                }
                guard loaded.serverPublicKey == signer.publicKey else {
                    throw ToolFailure.badInput("\(identity): its public key is not the server key of \(registry)")
                }
                pinned = true
            }
        }
        do {
            return try AuditLog.create(
                at: URL(fileURLWithPath: auditLog), signer: signer, pinned: pinned,
                budgetEpsilon: settings.budgetEpsilon, delta: settings.delta)
        } catch {
            throw ToolFailure.badFile(auditLog, error)
        }
    }
}

/// The text form of `simulate`'s result.
extension RunOutput where Round == RoundReport {
    var humanSummary: String {
        var lines = ["model \(model): \(parameters) aggregated parameters, layout \(layoutHash.prefix(16))…"]
        lines.append(dp ? "differential privacy: on (delta \(delta))" : "differential privacy: off (--no-dp)")
        lines.append("round  survivors  k/t     bits  epsilon    max|err|     noise σ      rounding bound")
        for r in rounds {
            lines.append(
                pad("\(r.round)", 7) + pad("\(r.survivors)/\(r.clients)", 11) + pad("\(r.degree)/\(r.threshold)", 8)
                    + pad("\(r.bits)", 6) + pad(format(r.epsilon), 11) + pad(format(r.maxAbsError), 13)
                    + pad(format(r.noiseStddev), 13) + format(r.errorBound))
        }
        for r in rounds {
            if let total = r.examplesTotal {
                lines.append("round \(r.round): weighted by \(total) examples in total (counts clamped to [1, --max-weight])")
            }
        }
        lines.append("epsilon spent: \(format(epsilon)) at delta \(delta)")
        lines.append(
            "max|err| is measured against the true average of the survivors' clipped updates; it is the DP noise "
                + "(per-coordinate stddev 'noise σ') plus rounding, which is at most 'rounding bound' per coordinate.")
        if let output { lines.append("averaged update written to \(output)") }
        if let modelOutput { lines.append("updated model written to \(modelOutput)") }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
    private func format(_ x: Double) -> String { String(format: x != 0 && abs(x) < 1e-3 ? "%.3e" : "%.4f", x) }
}
