import ArgumentParser
import FedAudit
import FedCore
import Foundation
import Synchronization
import SecAggTransport

/// `secagg-tool serve`: the aggregation server of real rounds over gRPC.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run masked, noised federated-averaging rounds as a gRPC server for `client` processes.",
        discussion: """
            Listens on --listen, authenticates each client with its Ed25519 identity from --registry (clients \
            not in it, revoked, or with a bad signature are refused with gRPC status PERMISSION_DENIED), waits \
            for --clients of them (or --join-timeout), then runs --rounds rounds with whoever is connected. \
            Each phase closes when every client answered or --phase-timeout passed; clients that did not answer \
            are dropouts and the round goes on without them while enough survive (--min-survivors). \
            Connections that have not authenticated yet have their own budget (--max-pending-connections, \
            --max-pending-per-peer) and must finish the handshake within --handshake-timeout, so idle or \
            hostile connections cannot take the cohort's places.

            With --sampling-rate q, each round's cohort is a Poisson sample of the connected clients (each \
            independently with probability q, from the system CSPRNG); the others sit the round out and wait \
            for the next. The noise is planned for max(2, round(joined * q)) clients and every round is \
            accounted with q, as in `simulate` (amplification that holds against observers of the model, not \
            against this server, which sees the cohorts: Docs/privacy.md); a sample smaller than 2 (or --min-survivors) fails the round \
            (exit 1). --seed makes only these draws reproducible (tests; NOT secure).

            The round options are those of `simulate`. With --ledger the round is charged before unmasking; \
            --audit-log records the same signed events as `simulate --audit-log`, signed by --identity (pinned: \
            it must be the server key of --registry). \
            Use --tls-cert/--tls-key (PEM) outside loopback; see Docs/operations.md.

            Example:
              secagg-tool serve --listen 0.0.0.0:7443 --clients 5 --rounds 3 \\
                --registry keys/registry.json --identity keys/server.key \\
                --tls-cert certs/server.pem --tls-key certs/server.key --json
            """
    )

    @OptionGroup var round: RoundOptions

    @OptionGroup var files: ModelOptions

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port; see --port-file).")
    var listen: String

    @Option(help: "registry.json from keygen: the server's and every client's public key.")
    var registry: String

    @Option(help: "The server's identity key file (keygen's server.key).")
    var identity: String

    @Option(name: .customLong("passphrase-env"), help: "Environment variable holding the key file passphrase.")
    var passphraseEnv: String?

    @Option(name: .customLong("phase-timeout"), help: "Seconds each phase waits for the clients.")
    var phaseTimeout: Double = 30

    @Option(name: .customLong("join-timeout"), help: "Seconds to wait for --clients clients to join.")
    var joinTimeout: Double = 120

    @Option(
        name: .customLong("handshake-timeout"),
        help: "Seconds a new connection may take to authenticate (Hello + Authenticate) before it is closed.")
    var handshakeTimeout: Double = 10

    @Option(
        name: .customLong("max-pending-connections"),
        help: "Most unauthenticated connections at once (authenticated clients never count against it).")
    var maxPendingConnections: Int = 64

    @Option(
        name: .customLong("max-pending-per-peer"),
        help: "Most unauthenticated connections at once from one peer address (IPv4 host, IPv6 /64).")
    var maxPendingPerPeer: Int = 16

    @Option(name: .customLong("tls-cert"), help: "Server certificate chain (PEM).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "Server private key (PEM).")
    var tlsKey: String?

    @Option(
        name: .customLong("audit-log"),
        help:
            "Write a signed, hash-chained audit log of every round here (SQLite; must not exist), signed by --identity."
    )
    var auditLog: String?

    @Option(name: .customLong("port-file"), help: "Write the bound port here once listening (for scripts and tests).")
    var portFile: String?

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard round.clients != nil else { throw ValidationError("--clients is required for serve") }
        guard phaseTimeout > 0, phaseTimeout <= 86_400 else {
            throw ValidationError("--phase-timeout must be in (0, 86400]")
        }
        guard joinTimeout > 0, joinTimeout <= 86_400 else {
            throw ValidationError("--join-timeout must be in (0, 86400]")
        }
        guard handshakeTimeout > 0, handshakeTimeout <= 3600 else {
            throw ValidationError("--handshake-timeout must be in (0, 3600]")
        }
        guard maxPendingConnections >= 1, maxPendingPerPeer >= 1, maxPendingPerPeer <= maxPendingConnections else {
            throw ValidationError("need 1 ≤ --max-pending-per-peer ≤ --max-pending-connections")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("give both --tls-cert and --tls-key") }
    }

    func run() async throws {
        try files.checkOutputs()
        let (host, port) = try NetworkSupport.hostPort(listen, option: "--listen")
        let registry = try NetworkSupport.loadRegistry(self.registry)
        let (keyFile, secret) = try NetworkSupport.loadIdentity(identity, passphraseEnv: passphraseEnv)
        guard keyFile.role == .server, registry.pins(keyFile) else {
            throw ToolFailure.badInput("\(identity): not the server key pinned in \(self.registry)")
        }
        let (flat, layout, modelMetadata) = try ModelFiles.loadParameters(files.model)
        if let auditLog, FileManager.default.fileExists(atPath: auditLog) {
            throw ToolFailure.badInput("\(auditLog): the audit log already exists; choose a new --audit-log path")
        }
        let settings = try round.withLedgerBudget(round.settings(synthetic: false, defaultAdversary: .semiMalicious))
        let expected = round.clients ?? 2
        var configuration = ServeConfiguration(
            expectedClients: expected, phaseTimeout: NetworkSupport.seconds(phaseTimeout),
            joinTimeout: NetworkSupport.seconds(joinTimeout))
        configuration.handshakeTimeout = NetworkSupport.seconds(handshakeTimeout)
        configuration.maxPendingConnections = maxPendingConnections
        configuration.maxPendingPerPeer = maxPendingPerPeer
        // Opened only once the server listens, so a start that fails (busy port, bad TLS files) leaves no file.
        let (ledgerPath, auditLog) = (round.ledger, self.auditLog)
        let openOutputs = { () throws -> AggregationServer.Outputs in
            var outputs = AggregationServer.Outputs()
            if let auditLog {
                // --identity is the registry's server key (checked above), so the signer is pinned.
                do {
                    outputs.audit = try AuditLog.create(
                        at: URL(fileURLWithPath: auditLog), signer: secret, pinned: true,
                        budgetEpsilon: settings.budgetEpsilon, delta: settings.delta)
                } catch { throw ToolFailure.badFile(auditLog, error) }
            }
            if let path = ledgerPath {
                do { outputs.ledger = try PrivacyLedger.open(URL(fileURLWithPath: path)) } catch {
                    // The audit log just created would record a run that never started.
                    if let auditLog { try? FileManager.default.removeItem(atPath: auditLog) }
                    throw ToolFailure.badFile(path, error)
                }
            }
            return outputs
        }

        let tls = tlsCert.flatMap { cert in tlsKey.map { AggregationServer.TLS(certificate: cert, privateKey: $0) } }
        let portFile = self.portFile
        // Rounds completed so far, for the one JSON object of a run that fails later.
        let completed = Mutex<[ServedRound]>([])
        let json = self.json
        func partial(_ failure: ToolFailure) -> ToolFailure {
            let rounds = completed.withLock { $0 }
            return PartialRunFailure.report(
                failure, json: json, rounds: rounds, epsilon: rounds.last?.epsilon ?? 0, delta: settings.delta)
        }
        let outcome: ServeOutcome
        do {
            outcome = try await AggregationServer.run(
                host: host, port: port, tls: tls, configuration: configuration, registry: registry, identity: secret,
                settings: settings, layout: layout, model: flat, openOutputs: openOutputs,
                onListening: { bound in
                    printError("listening on \(host):\(bound)\(tls == nil ? " (plaintext)" : " (TLS)")")
                    if let portFile { try? Data("\(bound)\n".utf8).write(to: URL(fileURLWithPath: portFile)) }
                },
                onRound: { r in
                    completed.withLock { $0.append(r) }
                    printError(
                        "round \(r.round): \(r.survivors)/\(r.clients) survivors, epsilon "
                            + String(format: "%.4f", r.epsilon))
                },
                log: { printError($0) })
        } catch let error as FedCoreError {
            throw partial(ToolFailure(error))
        } catch let error as TransportError {
            if case .configuration = error { throw ToolFailure.badInput(error.description) }
            throw partial(ToolFailure.failed(error.description))
        }
        try ModelFiles.writeOutputs(
            files, layout: layout, modelMetadata: modelMetadata, lastAverage: outcome.lastAverage,
            lastRound: outcome.rounds.last?.round, model: outcome.model)
        if let last = outcome.rounds.last {
            NoiseWarning.printIfNoiseDominates(
                round: last.round, noiseStddev: last.noiseStddev, survivors: last.survivors,
                dimension: layout.parameterCount, clip: settings.clip)
        }
        let result = RunOutput(
            rounds: outcome.rounds, epsilon: outcome.rounds.last?.epsilon ?? 0, delta: settings.delta, output: files.out,
            modelOutput: files.modelOut, ledger: round.ledger, parameters: layout.parameterCount,
            layoutHash: layout.layoutHash, dp: settings.noise != .none, model: files.modelName,
            accountant: settings.noise == .none ? nil : outcome.accountant)
        if json {
            try JSONOutput.print(result)
        } else {
            for r in outcome.rounds {
                print(
                    "round \(r.round): \(r.survivors)/\(r.clients) survivors \(r.survivorIDs), epsilon "
                        + String(format: "%.4f", r.epsilon) + ", error bound " + String(format: "%.3e", r.errorBound)
                        + (r.examplesTotal.map { ", weighted by \($0) examples (counts clamped to [1, --max-weight])" } ?? ""))
            }
            if let out = files.out { print("averaged update written to \(out)") }
        }
    }
}
