import ArgumentParser

/// The model a run starts from and where its results go; shared by `simulate` and `serve`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Global model (safetensors). Default: the embedded BERT-shaped model.")
    var model: String?

    @Option(help: "Write the last round's averaged update here (safetensors, aggregated float tensors only).")
    var out: String?

    @Option(name: .customLong("model-out"), help: "Write the updated global model here (safetensors).")
    var modelOut: String?
}
