import FedCore
import Foundation
import SecAggTestSupport
import Testing

/// Keys, a tiny model and client updates in a temporary directory, and helpers to start `serve`/`client`.
struct LoopbackFixture {
    static let configuration = EmbeddedBERT.Configuration(
        vocabularySize: 16, hiddenSize: 8, intermediateSize: 16, maxPositions: 8, typeVocabularySize: 2,
        layerCount: 1)

    let directory: URL
    let layout: ModelLayout
    let updates: SyntheticUpdates

    init(clients: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("secagg-grpc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try EmbeddedBERT.write(
            seed: 11, configuration: Self.configuration, to: directory.appendingPathComponent("model.safetensors"))
        layout = try EmbeddedBERT.layout(configuration: Self.configuration)
        updates = SyntheticUpdates(layout: layout, seed: 99)
        let updatesDirectory = directory.appendingPathComponent("updates")
        try FileManager.default.createDirectory(at: updatesDirectory, withIntermediateDirectories: true)
        _ = try updates.write(clients: clients, to: updatesDirectory)
        try runToCompletion(["keygen", "--out", "keys", "--clients", "\(clients)"], name: "keygen")
    }

    func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    func runToCompletion(_ args: [String], name: String) throws {
        let p = try ToolProcess(args, name: name, in: directory)
        let code = p.wait(seconds: 60)
        #expect(code == 0, "\(name) failed: \(p.stderr)")
    }

    func keyFile(_ id: Int, in keys: String = "keys") -> String {
        "\(keys)/client-" + String(format: "%04d", id) + ".key"
    }

    /// Starts `serve` on 127.0.0.1 with a free port (port 0, or `port`) and returns it with the bound port.
    func startServer(_ extra: [String], clients: Int, joinTimeout: Int = 60, port: Int = 0, group: ProcessGroup)
        throws -> (ToolProcess, Int)
    {
        let portFile = directory.appendingPathComponent("port-\(UUID().uuidString)")
        let server = group.add(
            try ToolProcess(
                [
                    "serve", "--listen", "127.0.0.1:\(port)", "--port-file", portFile.path, "--clients", "\(clients)",
                    "--registry", "keys/registry.json", "--identity", "keys/server.key", "--model", "model.safetensors",
                    "--phase-timeout", "20", "--join-timeout", "\(joinTimeout)", "--json",
                ] + extra,
                name: "server", in: directory))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return (server, port)
            }
            guard server.process.isRunning else { break }
            usleep(20_000)
        }
        server.kill()
        throw LoopbackError.serverDidNotListen(server.stderr)
    }

    /// Runs Scripts/dev-certs.sh into `relative` (needs openssl).
    func makeDevCertificates(_ relative: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/dev-certs.sh")
        let certs = Process()
        certs.executableURL = URL(fileURLWithPath: "/bin/bash")
        certs.arguments = [script.path, path(relative)]
        certs.standardOutput = FileHandle.nullDevice
        try certs.run()
        certs.waitUntilExit()
        try #require(certs.terminationStatus == 0, "dev-certs.sh failed (is openssl installed?)")
    }

    /// Starts `secagg-tool client` for `id`. `policy` are its policy flags: by default it takes rounds without
    /// noise (the loopback rounds here check exact averages with `--no-dp`); policy tests pass their own.
    /// With `hooks` (`--exit-after PHASE`, `--misbehave KIND`), the test-only `secagg-test-client` runs
    /// instead: the shipped tool has no such flags.
    func startClient(
        _ id: Int, port: Int, key: String? = nil, extra: [String] = [], hooks: [String] = [], name: String? = nil,
        policy: [String] = ["--allow-no-dp"], group: ProcessGroup
    ) throws -> ToolProcess {
        let common = [
            "--server", "127.0.0.1:\(port)", "--identity", key ?? keyFile(id),
            "--registry", "keys/registry.json", "--update", "updates/" + SyntheticUpdates.fileName(client: id),
            "--timeout", "120",
        ]
        let process =
            hooks.isEmpty
            ? try ToolProcess(["client"] + common + policy + extra, name: name ?? "client-\(id)", in: directory)
            : try ToolProcess(
                common + policy + extra + hooks, name: name ?? "client-\(id)", in: directory,
                executable: ToolProcess.testClient)
        return group.add(process)
    }

    /// The plain average of the given clients' deltas (layout order).
    func plainAverage(of ids: [Int]) -> [Double] { PlainFedAvg.mean(ids.map { updates.delta(client: $0) }) }

    /// The largest |actual − expected| over the allowed error, per coordinate `bound` plus the float32
    /// rounding of a value written to a safetensors file: ≤ 1 means every coordinate is within it.
    static func worstError(_ actual: [Double], _ expected: [Double], bound: Double) -> Double {
        var worst = 0.0
        for i in expected.indices {
            let allowed = bound + 1.2e-7 * abs(expected[i]) + 1e-12
            worst = max(worst, abs(actual[i] - expected[i]) / allowed)
        }
        return worst
    }

    func readAverage(_ relative: String) throws -> [Double] {
        let file = try SafetensorsFile(contentsOf: directory.appendingPathComponent(relative))
        return try layout.flatten(file)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

enum LoopbackError: Error {
    case serverDidNotListen(String)
}
