import FedCore
import Foundation

/// Loading and writing the models and updates the commands work on, with failures as exit-2 one-liners.
enum ModelFiles {
    /// Seed of the embedded default model (the same in `simulate`, `serve` and `make-updates`, so their
    /// layouts and weights agree).
    static let embeddedSeed: UInt64 = 2026

    /// The model at `path`, or the embedded BERT-shaped default when `path` is nil, with its layout.
    static func load(_ path: String?) throws -> (SafetensorsFile, ModelLayout) {
        do {
            let file: SafetensorsFile
            if let path {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ToolFailure.badInput("\(path): no such file")
                }
                file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: path))
            } else {
                file = try EmbeddedBERT.model(seed: embeddedSeed)
            }
            return (file, try ModelLayout(file: file))
        } catch let failure as ToolFailure {
            throw failure
        } catch {
            throw ToolFailure.badInput("\(error)")
        }
    }

    /// The model at `path` (or the embedded default) as a flat vector in its storage precision, with its
    /// layout and `__metadata__`. The file is unmapped on return, so its pages do not stay resident.
    static func loadParameters(_ path: String?) throws -> (FlatParameters, ModelLayout, [String: String]) {
        let (file, layout) = try load(path)
        do { return (try FlatParameters(file: file, layout: layout), layout, file.metadata) } catch {
            throw ToolFailure.badInput("\(error)")
        }
    }

    /// Writes what `files` asks for after a run: `--out`, the last round's average (aggregated tensors only),
    /// and `--model-out`, the updated model with the model file's other tensors and metadata carried through
    /// (the file is reopened here, so it was not mapped during the rounds).
    static func writeOutputs(
        _ files: ModelOptions, layout: ModelLayout, modelMetadata: [String: String], lastAverage: FlatParameters?,
        lastRound: Int?, model: FlatParameters
    ) throws {
        if let out = files.out, let average = lastAverage, let round = lastRound {
            try write(
                layout: layout, values: average, carryingThrough: nil, to: out,
                metadata: ["layout_hash": layout.layoutHash, "round": String(round), "kind": "averaged-update"])
        }
        if let modelOut = files.modelOut {
            try write(
                layout: layout, values: model, carryingThrough: try load(files.model).0, to: modelOut,
                metadata: modelMetadata.merging(["layout_hash": layout.layoutHash]) { _, new in new })
        }
    }

    /// Writes `values` (layout order) as safetensors, carrying `source`'s other tensors through when given.
    static func write(
        layout: ModelLayout, values: FlatParameters, carryingThrough source: SafetensorsFile?, to path: String,
        metadata: [String: String]
    ) throws {
        do {
            let tensors = try layout.unflatten(values, carryingThrough: source)
            try SafetensorsWriter.write(tensors, metadata: metadata, to: URL(fileURLWithPath: path))
        } catch {
            throw ToolFailure.badInput("\(path): cannot write (\(error))")
        }
    }
}
