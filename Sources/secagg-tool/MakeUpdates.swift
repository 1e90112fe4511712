import ArgumentParser
import FedCore
import Foundation

/// `secagg-tool make-updates`: synthetic client deltas for a model's layout, to try `simulate --updates` and
/// `serve`/`client` without real training.
struct MakeUpdates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-updates",
        abstract: "Write synthetic client updates (safetensors deltas) for a model's layout.",
        discussion: """
            Writes DIR/client-0001.safetensors … DIR/client-NNNN.safetensors: each delta is a shared direction \
            scaled per client plus individual variation, with the model's aggregated tensors (names, dtypes, \
            shapes) and __metadata__ num_examples (for --weighted), client and layout_hash. Deterministic for a \
            given --seed; for trials and tests, not real training.

            Example:
              secagg-tool make-updates --out updates --clients 5
              secagg-tool simulate --updates updates --no-dp
            """)

    @Option(help: "Directory to write into (created if missing).")
    var out: String

    @Option(help: "Number of clients (ids 1…N).")
    var clients: Int

    @Option(help: "Model whose layout the updates follow. Default: the embedded BERT-shaped model.")
    var model: String?

    @Option(help: "Seed of the synthetic data.")
    var seed: UInt64 = 1

    @Flag(help: "Overwrite existing update files.")
    var force = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard (1...100_000).contains(clients) else { throw ValidationError("--clients must be in 1...100000") }
    }

    func run() async throws {
        let (_, layout) = try ModelFiles.load(model)
        let directory = URL(fileURLWithPath: out)
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ToolFailure.badInput("\(out): cannot create directory (\(FileErrorText.reason(error)))")
        }
        if !force {
            for id in 1...clients {
                let path = directory.appendingPathComponent(SyntheticUpdates.fileName(client: id)).path
                if FileManager.default.fileExists(atPath: path) {
                    throw ToolFailure.badInput("\(path) exists (use --force to overwrite)")
                }
            }
        }
        let urls: [URL]
        do { urls = try SyntheticUpdates(layout: layout, seed: seed).write(clients: clients, to: directory) } catch {
            throw ToolFailure.badInput("\(error)")
        }
        struct Output: Encodable {
            let clients: Int
            let directory: String
            let layout_hash: String
            let parameters: Int
        }
        let output = Output(
            clients: urls.count, directory: out, layout_hash: layout.layoutHash, parameters: layout.parameterCount)
        if json {
            try JSONOutput.print(output)
        } else {
            print("wrote \(urls.count) updates (\(layout.parameterCount) parameters, layout \(layout.layoutHash.prefix(16))…) to \(out)")
        }
    }
}
