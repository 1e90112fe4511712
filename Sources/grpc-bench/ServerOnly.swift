import FedCore
import Foundation
import SecAggTransport
import Sodium

/// The files the parent and the `--server-only` child exchange in the work directory (created 0700 by the
/// parent and removed after the run).
enum WorkFiles {
    /// Written by the parent: the registry (public keys) and the server's identity key file (mode 0600).
    static let registry = "registry.json"
    static let serverKey = "server.key"
    /// Written by the child, atomically, once listening: the bound port as decimal text.
    static let port = "port"
    /// Written by the child after the round: the averaged update (one F64 tensor, exact) and ``ServerReport``.
    static let average = "average.safetensors"
    static let report = "server.json"
    static let averageTensor = "average"
}

/// What the server child reports about its round (`server.json`).
struct ServerReport: Codable {
    static let currentVersion = 1
    let version: Int
    let survivorIDs: [UInt32]
    let degree: Int
    let threshold: Int
    let bits: Int
    let errorBound: Double
    /// From the child's start of `AggregationServer.run` to its outcome (listen, joins, round).
    let serverSeconds: Double
    /// From the last join (the round starts) to the outcome; nil if the join line was never logged.
    let roundSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case version, degree, threshold, bits
        case survivorIDs = "survivor_ids"
        case errorBound = "error_bound"
        case serverSeconds = "server_seconds"
        case roundSeconds = "round_seconds"
    }
}

/// The shared description of one benchmark round: the same in the parent (clients) and the child (server).
struct BenchRound {
    let clients: Int
    let length: Int
    let seed: UInt64
    let phaseTimeout: Double

    func layout() throws -> ModelLayout {
        try ModelLayout(tensors: [(name: "weights", dtype: .f32, shape: [length])])
    }

    var timeout: Duration { .milliseconds(Int(phaseTimeout * 1000)) }

    var settings: SimulationSettings {
        var settings = SimulationSettings()
        settings.rounds = 1
        settings.cohortSize = clients
        settings.noise = .none
        settings.clip = 10  // synthetic updates have norm ≈ 1: nothing is clipped, so the plain average is exact
        settings.seed = seed
        return settings
    }

    /// The `--server-only` child: serves one round to `clients` connections, writes the port once listening and
    /// the averaged update and ``ServerReport`` after the round. Nothing else runs in its process.
    func serveOnce(in directory: URL) async throws {
        let (_, identity) = try IdentityKeyFile.read(
            from: directory.appendingPathComponent(WorkFiles.serverKey), passphrase: nil)
        let registry = try Registry.load(from: directory.appendingPathComponent(WorkFiles.registry))
        let layout = try layout()
        var configuration = ServeConfiguration(expectedClients: clients, phaseTimeout: timeout, joinTimeout: timeout)
        // Every bench client connects from 127.0.0.1 at once: room for all of them to authenticate together.
        configuration.maxPendingConnections = max(configuration.maxPendingConnections, clients)
        configuration.maxPendingPerPeer = configuration.maxPendingConnections
        let joinedAt = Timestamp()
        let start = ContinuousClock.now
        let outcome = try await AggregationServer.run(
            host: "127.0.0.1", port: 0, tls: nil, configuration: configuration, registry: registry,
            identity: identity, settings: settings, layout: layout, model: .float([Float](repeating: 0, count: length)),
            ledger: nil,
            onListening: { port in
                // Atomic: the parent never reads a partial port number.
                let url = directory.appendingPathComponent(WorkFiles.port)
                do { try Data("\(port)\n".utf8).write(to: url, options: .atomic) } catch {
                    printError("grpc-bench server: cannot write \(url.path): \(error)")
                }
            },
            onRound: { _ in },
            log: { line in if line.contains("clients joined; starting") { joinedAt.mark() } })
        let end = ContinuousClock.now
        guard let round = outcome.rounds.first, let average = outcome.lastAverage else {
            throw ChildProcessError(description: "the server reported no round")
        }
        try SafetensorsWriter.write(
            [
                WritableTensor(
                    name: WorkFiles.averageTensor, dtype: .f64, shape: [average.count],
                    payload: .flat(average, offset: 0))
            ],
            metadata: ["kind": "grpc-bench-average", "version": "1"],
            to: directory.appendingPathComponent(WorkFiles.average))
        let report = ServerReport(
            version: ServerReport.currentVersion, survivorIDs: round.survivorIDs, degree: round.degree,
            threshold: round.threshold, bits: round.bits, errorBound: round.errorBound,
            serverSeconds: seconds(end - start), roundSeconds: joinedAt.value.map { seconds(end - $0) })
        try JSONEncoder().encode(report).write(
            to: directory.appendingPathComponent(WorkFiles.report), options: .atomic)
    }
}
