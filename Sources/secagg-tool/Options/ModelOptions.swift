import ArgumentParser

/// The model a run starts from and where its results go; shared by `simulate` and `serve`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Global model (safetensors). Default: the embedded BERT-shaped model.")
    var model: String?

    @Option(help: "Write the last round's averaged update here (safetensors, aggregated float tensors only).")
    var out: String?

    @Option(name: .customLong("model-out"), help: "Write the updated global model here (safetensors).")
    var modelOut: String?

    @Flag(help: "Overwrite existing --out / --model-out files (without it an existing file is refused before the run).")
    var force = false

    /// The one overwrite policy of every command: an existing output file is refused before any work starts,
    /// unless `--force`.
    func checkOutputs() throws {
        for (flag, path) in [("--out", out), ("--model-out", modelOut)] {
            guard let path else { continue }
            try OutputFile.refuseExisting(path, flag: flag, force: force)
        }
        if let out, let modelOut, out == modelOut {
            throw ToolFailure.badInput("--out and --model-out are the same file (\(out)); give two paths")
        }
    }
}
