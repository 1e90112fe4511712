import Foundation
import Sodium

/// A small BERT-shaped encoder built in code: the default model of `simulate`.
///
/// Tensor names and shape pattern are those of a sentence-transformers BERT checkpoint (e.g.
/// all-MiniLM): `embeddings.*`, `encoder.layer.{i}.*`, `pooler.dense.*`, with linear weights stored
/// PyTorch-style as `[out, in]`, plus the `I64` buffer `embeddings.position_ids` `[1, maxPositions]`
/// that is carried through and never aggregated. All float tensors are F32.
///
/// Weights are deterministic in the seed: linear and embedding weights ~ N(0, 0.02²) (BERT's
/// initializer range), biases 0, LayerNorm weight 1 and bias 0. **Seeded — tests and simulations only.**
public enum EmbeddedBERT {
    /// Dimensions of the embedded model.
    public struct Configuration: Sendable, Equatable {
        public var vocabularySize: Int
        public var hiddenSize: Int
        public var intermediateSize: Int
        public var maxPositions: Int
        public var typeVocabularySize: Int
        public var layerCount: Int

        /// The default: vocabulary 1024, hidden 64, intermediate 256, 128 positions, 2 token types,
        /// 2 layers — 178 112 aggregated parameters.
        public static let `default` = Configuration(
            vocabularySize: 1024, hiddenSize: 64, intermediateSize: 256, maxPositions: 128,
            typeVocabularySize: 2, layerCount: 2)

        public init(
            vocabularySize: Int, hiddenSize: Int, intermediateSize: Int, maxPositions: Int,
            typeVocabularySize: Int, layerCount: Int
        ) {
            self.vocabularySize = vocabularySize
            self.hiddenSize = hiddenSize
            self.intermediateSize = intermediateSize
            self.maxPositions = maxPositions
            self.typeVocabularySize = typeVocabularySize
            self.layerCount = layerCount
        }
    }

    /// The name of the carried-through integer buffer.
    public static let positionIDsName = "embeddings.position_ids"

    private enum Initializer { case normal, zeros, ones }

    /// (name, shape, initializer) of every float tensor, in file order.
    private static func floatSpecs(_ c: Configuration) -> [(String, [Int], Initializer)] {
        let h = c.hiddenSize
        var specs: [(String, [Int], Initializer)] = [
            ("embeddings.word_embeddings.weight", [c.vocabularySize, h], .normal),
            ("embeddings.position_embeddings.weight", [c.maxPositions, h], .normal),
            ("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h], .normal),
            ("embeddings.LayerNorm.weight", [h], .ones),
            ("embeddings.LayerNorm.bias", [h], .zeros),
        ]
        for i in 0..<c.layerCount {
            let p = "encoder.layer.\(i)."
            for part in ["query", "key", "value"] {
                specs.append((p + "attention.self.\(part).weight", [h, h], .normal))
                specs.append((p + "attention.self.\(part).bias", [h], .zeros))
            }
            specs += [
                (p + "attention.output.dense.weight", [h, h], .normal),
                (p + "attention.output.dense.bias", [h], .zeros),
                (p + "attention.output.LayerNorm.weight", [h], .ones),
                (p + "attention.output.LayerNorm.bias", [h], .zeros),
                (p + "intermediate.dense.weight", [c.intermediateSize, h], .normal),
                (p + "intermediate.dense.bias", [c.intermediateSize], .zeros),
                (p + "output.dense.weight", [h, c.intermediateSize], .normal),
                (p + "output.dense.bias", [h], .zeros),
                (p + "output.LayerNorm.weight", [h], .ones),
                (p + "output.LayerNorm.bias", [h], .zeros),
            ]
        }
        specs += [("pooler.dense.weight", [h, h], .normal), ("pooler.dense.bias", [h], .zeros)]
        return specs
    }

    /// Every tensor of the model (floats in layout order, `position_ids` after the embeddings' float tensors).
    /// Dimensions must be positive.
    public static func tensors(seed: UInt64, configuration c: Configuration = .default) -> [WritableTensor] {
        var gaussian = SeededGaussian(ChaChaRandom.seeded(seed))
        var out: [WritableTensor] = []
        for (index, (name, shape, initializer)) in floatSpecs(c).enumerated() {
            let count = shape.reduce(1, *)
            let values: [Double]
            switch initializer {
            case .normal: values = (0..<count).map { _ in Double(Float(0.02 * gaussian.next())) }
            case .zeros: values = [Double](repeating: 0, count: count)
            case .ones: values = [Double](repeating: 1, count: count)
            }
            out.append(WritableTensor(name: name, dtype: .f32, shape: shape, payload: .values(values)))
            if index == 4 {  // after the embeddings' LayerNorm, as a checkpoint lists them
                var ids = Data(capacity: 8 * c.maxPositions)
                for p in 0..<c.maxPositions { withUnsafeBytes(of: Int64(p).littleEndian) { ids.append(contentsOf: $0) } }
                out.append(WritableTensor(name: positionIDsName, dtype: .i64, shape: [1, c.maxPositions], payload: .raw(ids)))
            }
        }
        return out
    }

    /// `__metadata__` written with the model.
    public static func metadata(seed: UInt64) -> [String: String] {
        ["format": "pt", "model": "secagg-embedded-bert", "seed": String(seed)]
    }

    /// The model as a validated in-memory safetensors file.
    public static func model(seed: UInt64, configuration: Configuration = .default) throws(FedCoreError.Safetensors) -> SafetensorsFile {
        let name = "<embedded-bert seed \(seed)>"
        let bytes = try SafetensorsWriter.encode(tensors(seed: seed, configuration: configuration), metadata: metadata(seed: seed), name: name)
        return try SafetensorsFile(bytes: bytes, name: name)
    }

    /// The layout of the embedded model's float tensors (no weights are generated).
    public static func layout(configuration: Configuration = .default) throws(FedCoreError.Layout) -> ModelLayout {
        try ModelLayout(tensors: floatSpecs(configuration).map { ($0.0, TensorDType.f32, $0.1) })
    }

    /// Writes the model atomically to `url`.
    public static func write(seed: UInt64, configuration: Configuration = .default, to url: URL) throws(FedCoreError.Safetensors) {
        try SafetensorsWriter.write(tensors(seed: seed, configuration: configuration), metadata: metadata(seed: seed), to: url)
    }
}
