// grpc-bench: one SecAgg+ round over real gRPC on loopback, the server in its own process.
//
//   swift run -c release grpc-bench [--clients 200] [--length 100000] [--json]
//
// The benchmark re-executes itself with the hidden `--server-only` mode: that child process runs the server
// (127.0.0.1, a free port) and nothing else, so its peak RSS and CPU time, read from the kernel with wait4, are
// the server's own. This process then opens --clients concurrent client connections; each authenticates with
// an Ed25519 key of the registry the parent wrote for the child and sends a synthetic update of a one-tensor
// layout of --length F32 coordinates. No DP (`--no-dp` settings), so the recovered average the child writes
// can be checked here against the plain average within the proven rounding bound.
import ArgumentParser
import FedCore
import Foundation
import SecAggTransport
import Sodium

@main
struct GRPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grpc-bench",
        abstract: "Load benchmark: one round of a server process + N concurrent clients over loopback gRPC.",
        discussion: """
            Reports the wall time (server start, joins and the round) and the round alone, the server process's \
            own peak RSS and CPU seconds (a child process, measured with wait4), those of the client process, \
            the survivors, and whether the recovered average equals the plain average of the survivors' \
            updates within the round's error bound (no DP noise).
            """)

    @Option(help: "Concurrent client connections (2…1000).") var clients: Int = 200
    @Option(help: "Coordinates m of the update (1…10,000,000).") var length: Int = 100_000
    @Option(help: "Seconds each phase (and the joins) may take before clients count as dropouts.")
    var phaseTimeout: Double = 600
    @Option(help: "Seed of the synthetic updates.") var seed: UInt64 = 7
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: .hidden) var serverOnly = false
    @Option(help: .hidden) var workDir: String?

    func validate() throws {
        guard (2...1000).contains(clients) else { throw ValidationError("--clients must be in 2…1000") }
        guard (1...10_000_000).contains(length) else { throw ValidationError("--length must be in 1…10,000,000") }
        guard phaseTimeout > 0, phaseTimeout <= 3600 else { throw ValidationError("--phase-timeout in (0, 3600]") }
        guard !serverOnly || workDir != nil else { throw ValidationError("--server-only needs --work-dir") }
    }

    private var round: BenchRound {
        BenchRound(clients: clients, length: length, seed: seed, phaseTimeout: phaseTimeout)
    }

    func run() async throws {
        if serverOnly, let workDir {
            do { try await round.serveOnce(in: URL(fileURLWithPath: workDir)) } catch {
                printError("grpc-bench server: \(error)")
                throw ExitCode(1)
            }
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await load(in: directory)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(result.text)
        }
        if !result.correct || result.clientFailures > 0 { throw ExitCode(1) }
    }

    /// Writes the keys, starts the server child, drives the clients, reaps the child and checks its average.
    private func load(in directory: URL) async throws -> GRPCBenchResult {
        let round = self.round
        let layout = try round.layout()
        let updates = SyntheticUpdates(layout: layout, seed: seed)
        let serverKey = Ed25519.SecretKey.generate()
        let clientKeys = (1...clients).map { _ in Ed25519.SecretKey.generate() }
        let registry = try Registry(
            serverPublicKey: serverKey.publicKey,
            clients: clientKeys.enumerated().map {
                Registry.Client(id: UInt32($0.offset + 1), signPublicKey: $0.element.publicKey)
            })
        try registry.write(to: directory.appendingPathComponent(WorkFiles.registry), force: false)
        try IdentityKeyFile.write(
            secretKey: serverKey, id: Registry.serverId, role: .server,
            to: directory.appendingPathComponent(WorkFiles.serverKey), passphrase: nil, force: false)
        let participants = clientKeys.enumerated().map { index, key in
            ClientParticipant(
                identity: key, id: UInt32(index + 1), registry: registry,
                update: .double(updates.delta(client: index + 1)),
                layoutHash: layout.layoutHash)
        }

        let rssBefore = peakRSSMegabytes()
        let cpuBefore = processCPUSeconds()
        let start = ContinuousClock.now
        let server = try ChildProcess(
            executable: try Self.executablePath(),
            arguments: [
                "--server-only", "--work-dir", directory.path, "--clients", "\(clients)", "--length", "\(length)",
                "--phase-timeout", "\(phaseTimeout)", "--seed", "\(seed)",
            ])
        defer { server.terminate() }
        let port = try await waitForPort(server, in: directory, deadline: start + round.timeout)
        let sessionTimeout = round.timeout * 6
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
        let cpu = processCPUSeconds() - cpuBefore
        let usage = try require(try server.reap(block: true), "the server process was not reaped")
        let wall = seconds(ContinuousClock.now - start)
        guard usage.exitCode == 0 else {
            throw ValidationError(
                "the server process failed (\(usage.exitCode.map { "exit \($0)" } ?? "signal \(usage.signal ?? 0)"))")
        }
        let report = try JSONDecoder().decode(
            ServerReport.self, from: Data(contentsOf: directory.appendingPathComponent(WorkFiles.report)))
        guard report.version == ServerReport.currentVersion else {
            throw ValidationError("server report version \(report.version) (expected \(ServerReport.currentVersion))")
        }
        let file = try SafetensorsFile(contentsOf: directory.appendingPathComponent(WorkFiles.average))
        let tensor = try require(file.tensor(named: WorkFiles.averageTensor), "the average file has no tensor")
        let average = try file.values(of: tensor)
        guard average.count == length else {
            throw ValidationError("the server's average has \(average.count) values, expected \(length)")
        }

        // The plain average of the survivors' updates, against the proven rounding bound.
        var plain = [Double](repeating: 0, count: length)
        for id in report.survivorIDs {
            let d = updates.delta(client: Int(id))
            for i in plain.indices { plain[i] += d[i] }
        }
        var maxError = 0.0
        let n = Double(report.survivorIDs.count)
        for i in plain.indices { maxError = max(maxError, abs(average[i] - plain[i] / n)) }

        return GRPCBenchResult(
            clients: clients, length: length, survivors: report.survivorIDs.count, clientFailures: clientFailures,
            degree: report.degree, threshold: report.threshold, bits: report.bits,
            wallSeconds: wall, roundSeconds: report.roundSeconds,
            serverCPUSeconds: usage.cpuSeconds, serverPeakRSSMegabytes: usage.peakRSSMegabytes,
            clientCPUSeconds: cpu, clientPeakRSSMegabytes: peakRSSMegabytes(), rssBeforeRoundMegabytes: rssBefore,
            maxAbsError: maxError, errorBound: report.errorBound,
            correct: !report.survivorIDs.isEmpty && maxError <= report.errorBound)
    }

    /// Polls for the port file the child writes once listening; fails early when the child exits first.
    private func waitForPort(
        _ server: ChildProcess, in directory: URL, deadline: ContinuousClock.Instant
    ) async throws -> Int {
        let url = directory.appendingPathComponent(WorkFiles.port)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: url, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return port
            }
            if let usage = try server.reap(block: false) {
                throw ValidationError("the server process stopped before listening (exit \(usage.exitCode ?? -1))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ValidationError("the server process did not listen within --phase-timeout")
    }

    /// This benchmark's own executable (re-executed for the server).
    private static func executablePath() throws -> String {
        if let path = Bundle.main.executablePath { return path }
        guard let argument = CommandLine.arguments.first, argument.contains("/") else {
            throw ValidationError("cannot locate the grpc-bench executable to start the server")
        }
        return argument
    }

    private func require<T>(_ value: T?, _ message: String) throws -> T {
        guard let value else { throw ValidationError(message) }
        return value
    }
}
