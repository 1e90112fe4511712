// grpc-bench: one SecAgg+ round over real gRPC on loopback, server and clients in this process.
//
//   swift run -c release grpc-bench [--clients 200] [--length 100000] [--json]
//
// The server listens on 127.0.0.1 (a free port); --clients concurrent tasks connect as clients, authenticate
// with Ed25519 keys of an in-memory registry and send synthetic updates of a one-tensor layout of --length
// F32 coordinates. No DP (`--no-dp` settings), so the recovered average can be checked against the plain
// average within the proven rounding bound. Figures cover the whole process (server and clients together).
import ArgumentParser
import FedCore
import Foundation
import SecAggTransport
import Sodium

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct GRPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grpc-bench",
        abstract: "Load benchmark: one round of serve + N concurrent clients over loopback gRPC.",
        discussion: """
            Reports the wall time (joins + the round), the process's peak RSS and CPU seconds (server and \
            clients share the process), the survivors, and whether the recovered average equals the plain \
            average of the survivors' updates within the round's error bound (no DP noise).
            """)

    @Option(help: "Concurrent client connections (2…1000).") var clients: Int = 200
    @Option(help: "Coordinates m of the update (1…10,000,000).") var length: Int = 100_000
    @Option(help: "Seconds each phase (and the joins) may take before clients count as dropouts.")
    var phaseTimeout: Double = 600
    @Option(help: "Seed of the synthetic updates.") var seed: UInt64 = 7
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard (2...1000).contains(clients) else { throw ValidationError("--clients must be in 2…1000") }
        guard (1...10_000_000).contains(length) else { throw ValidationError("--length must be in 1…10,000,000") }
        guard phaseTimeout > 0, phaseTimeout <= 3600 else { throw ValidationError("--phase-timeout in (0, 3600]") }
    }

    func run() async throws {
        let layout = try ModelLayout(tensors: [(name: "weights", dtype: .f32, shape: [length])])
        let updates = SyntheticUpdates(layout: layout, seed: seed)
        let serverKey = Ed25519.SecretKey.generate()
        let clientKeys = (1...clients).map { _ in Ed25519.SecretKey.generate() }
        let registry = try Registry(
            serverPublicKey: serverKey.publicKey,
            clients: clientKeys.enumerated().map {
                Registry.Client(id: UInt32($0.offset + 1), signPublicKey: $0.element.publicKey)
            })
        let participants = clientKeys.enumerated().map { index, key in
            ClientParticipant(
                identity: key, id: UInt32(index + 1), registry: registry, update: updates.delta(client: index + 1),
                layoutHash: layout.layoutHash)
        }

        var settings = SimulationSettings()
        settings.rounds = 1
        settings.cohortSize = clients
        settings.noise = .none
        settings.clip = 10  // synthetic updates have norm ≈ 1: nothing is clipped, so the plain average is exact
        settings.seed = seed
        let timeout = Duration.milliseconds(Int(phaseTimeout * 1000))
        let configuration = ServeConfiguration(expectedClients: clients, phaseTimeout: timeout, joinTimeout: timeout)

        let rssBefore = peakRSSMegabytes()
        let cpuBefore = processCPUSeconds()
        let start = ContinuousClock.now
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let joinedAt = Timestamp()
        let server = Task {
            try await AggregationServer.run(
                host: "127.0.0.1", port: 0, tls: nil, configuration: configuration, registry: registry,
                identity: serverKey, settings: settings, layout: layout, model: [Double](repeating: 0, count: length),
                ledger: nil,
                onListening: { port in
                    portSink.yield(port)
                    portSink.finish()
                },
                onRound: { _ in },
                log: { line in if line.contains("clients joined; starting") { joinedAt.mark() } })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = try await server.value  // the server failed before listening: surface its error
            throw ValidationError("the server stopped before listening")
        }
        let sessionTimeout = timeout * 6
        let clientFailures = await withTaskGroup(of: Bool.self) { group in
            for participant in participants {
                group.addTask {
                    do {
                        _ = try await AggregationClient.run(
                            host: "127.0.0.1", port: port, caCertificate: nil, participant: participant,
                            sessionTimeout: sessionTimeout, log: { _ in })
                        return true
                    } catch {
                        printError("client \(participant.id): \(error)")
                        return false
                    }
                }
            }
            var failures = 0
            for await ok in group where !ok { failures += 1 }
            return failures
        }
        let outcome = try await server.value
        let end = ContinuousClock.now
        let wall = seconds(end - start)
        let cpu = processCPUSeconds() - cpuBefore
        let round = try require(outcome.rounds.first, "the server reported no round")
        let average = try require(outcome.lastAverage, "the server reported no average")

        // The plain average of the survivors' updates, against the proven rounding bound.
        var plain = [Double](repeating: 0, count: length)
        for id in round.survivorIDs {
            let d = updates.delta(client: Int(id))
            for i in plain.indices { plain[i] += d[i] }
        }
        var maxError = 0.0
        let n = Double(round.survivorIDs.count)
        for i in plain.indices { maxError = max(maxError, abs(average[i] - plain[i] / n)) }

        let result = GRPCBenchResult(
            clients: clients, length: length, survivors: round.survivors, clientFailures: clientFailures,
            degree: round.degree, threshold: round.threshold, bits: round.bits,
            wallSeconds: wall, roundSeconds: joinedAt.value.map { seconds(end - $0) },
            cpuSeconds: cpu, peakRSSMegabytes: peakRSSMegabytes(), rssBeforeRoundMegabytes: rssBefore,
            maxAbsError: maxError, errorBound: round.errorBound, correct: maxError <= round.errorBound)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(result.text)
        }
        if !result.correct || clientFailures > 0 { throw ExitCode(1) }
    }

    private func require<T>(_ value: T?, _ message: String) throws -> T {
        guard let value else { throw ValidationError(message) }
        return value
    }
}
