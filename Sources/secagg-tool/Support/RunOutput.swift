/// The JSON result of a federated run (`simulate`, `serve`): field names follow the command-surface contract.
/// `Round` is the per-round report of the command (`RoundReport` in-process, `ServedRound` over gRPC).
struct RunOutput<Round: Encodable>: Encodable {
    let rounds: [Round]
    /// Cumulative ε after the last round (0 without DP).
    let epsilon: Double
    let delta: Double
    /// Path of the averaged update written with --out, or null.
    let output: String?
    let modelOutput: String?
    let ledger: String?
    let parameters: Int
    let layoutHash: String
    let dp: Bool
    /// The model file, or `embedded-bert-2layer` for the embedded default.
    let model: String
    /// `pld` or `rdp`: the accountant ε was computed with (null without DP).
    var accountant: String? = nil

    enum CodingKeys: String, CodingKey {
        case rounds, epsilon, delta, output, ledger, parameters, dp, model, accountant
        case modelOutput = "model_output"
        case layoutHash = "layout_hash"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(delta, forKey: .delta)
        try c.encode(output, forKey: .output)  // null when not written, as the contract says
        try c.encode(modelOutput, forKey: .modelOutput)
        try c.encode(ledger, forKey: .ledger)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(layoutHash, forKey: .layoutHash)
        try c.encode(dp, forKey: .dp)
        try c.encode(model, forKey: .model)
        try c.encode(accountant, forKey: .accountant)
    }
}

extension ModelOptions {
    /// The model's name in a run's output.
    var modelName: String { model ?? "embedded-bert-2layer" }
}
