import Foundation
import SecAggTestSupport
import Testing
@testable import FedCore

@Suite struct EmbeddedModelTests {
    @Test func embeddedModelHasBERTTensorNamesShapesAndParameterCount() throws {
        let model = try EmbeddedBERT.model(seed: 1)
        let layout = try ModelLayout(file: model)
        #expect(layout == (try EmbeddedBERT.layout()))
        // embeddings 73 984 + 2 × 49 984 per layer + pooler 4 160.
        #expect(layout.parameterCount == 178_112)
        #expect(layout.entries.count == 5 + 2 * 16 + 2)
        let shapes = Dictionary(uniqueKeysWithValues: model.tensors.map { ($0.name, $0.shape) })
        #expect(shapes["embeddings.word_embeddings.weight"] == [1024, 64])
        #expect(shapes["embeddings.position_embeddings.weight"] == [128, 64])
        #expect(shapes["embeddings.token_type_embeddings.weight"] == [2, 64])
        #expect(shapes["encoder.layer.1.attention.self.value.bias"] == [64])
        #expect(shapes["encoder.layer.0.intermediate.dense.weight"] == [256, 64])
        #expect(shapes["encoder.layer.1.output.dense.weight"] == [64, 256])
        #expect(shapes["encoder.layer.1.output.LayerNorm.bias"] == [64])
        #expect(shapes["pooler.dense.weight"] == [64, 64])
        let positions = try #require(model.tensor(named: "embeddings.position_ids"))
        #expect(positions.dtype == .i64 && positions.shape == [1, 128])
        #expect(layout.entry(named: "embeddings.position_ids") == nil)
        let ids = model.rawBytes(of: positions).withUnsafeBytes { raw in
            (0..<128).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        }
        #expect(ids == Array(0..<128))
        #expect(model.tensors.allSatisfy { $0.dtype == .f32 || $0.name == "embeddings.position_ids" })
    }

    @Test func embeddedWeightsAreDeterministicInTheSeedAndFollowTheInitializer() throws {
        let a = try SafetensorsWriter.encode(EmbeddedBERT.tensors(seed: 5), metadata: EmbeddedBERT.metadata(seed: 5))
        let b = try SafetensorsWriter.encode(EmbeddedBERT.tensors(seed: 5), metadata: EmbeddedBERT.metadata(seed: 5))
        let c = try SafetensorsWriter.encode(EmbeddedBERT.tensors(seed: 6), metadata: EmbeddedBERT.metadata(seed: 5))
        #expect(a == b)
        #expect(a != c)
        let model = try SafetensorsFile(bytes: a, name: "m")
        let words = try model.values(of: try #require(model.tensor(named: "embeddings.word_embeddings.weight")))
        let mean = words.reduce(0, +) / Double(words.count)
        let sd = (words.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(words.count)).squareRoot()
        // n = 65 536 draws of N(0, 0.02²): sd of the mean ≈ 7.8e-5, of the sample sd ≈ 5.5e-5; bounds are > 12σ.
        #expect(abs(mean) < 0.001)
        #expect(abs(sd - 0.02) < 0.0007)
        #expect(try model.values(of: try #require(model.tensor(named: "encoder.layer.0.output.LayerNorm.weight"))).allSatisfy { $0 == 1 })
        #expect(try model.values(of: try #require(model.tensor(named: "pooler.dense.bias"))).allSatisfy { $0 == 0 })
    }

    @Test func syntheticUpdatesAreDeterministicPerClientAndShareADirection() throws {
        let layout = try EmbeddedBERT.layout()
        let updates = SyntheticUpdates(layout: layout, seed: 9)
        let again = SyntheticUpdates(layout: layout, seed: 9)
        #expect(updates.delta(client: 3) == again.delta(client: 3))
        #expect(updates.delta(client: 3) != updates.delta(client: 4))
        #expect(SyntheticUpdates(layout: layout, seed: 10).delta(client: 3) != updates.delta(client: 3))
        #expect(updates.exampleCount(client: 2) == again.exampleCount(client: 2))
        let direction = updates.sharedDirection
        // ‖direction‖ ≈ 1 (chi with 178 112 degrees of freedom: relative sd ≈ 0.17 %).
        #expect(abs(VectorNorms.l2Norm(direction) - 1) < 0.02)
        for client in 1...5 {
            let delta = updates.delta(client: client)
            #expect(delta.count == layout.parameterCount)
            let cosine = zip(delta, direction).reduce(0) { $0 + $1.0 * $1.1 } / (VectorNorms.l2Norm(delta) * VectorNorms.l2Norm(direction))
            // scale ∈ [0.5, 1.5], variation norm 0.25 ⇒ cosine ≥ 0.5 / √(0.5² + 0.25²·1.1) ≈ 0.88.
            #expect(cosine > 0.85, "client \(client): cosine \(cosine)")
            #expect((16...512).contains(updates.exampleCount(client: client)))
        }
        let counts = Set((1...40).map { updates.exampleCount(client: $0) })
        #expect(counts.count > 30)
    }

    /// The cached shared direction gives the same bits as regenerating it, for whole deltas and for ranges that
    /// start and end inside chunks.
    @Test func cachedDirectionGivesTheSameUpdatesAsRegeneratingIt() throws {
        let layout = try EmbeddedBERT.layout()
        let cached = SyntheticUpdates(layout: layout, seed: 9)
        let regenerated = SyntheticUpdates(layout: layout, seed: 9, cacheDirection: false)
        let whole = regenerated.delta(client: 7)
        #expect(cached.delta(client: 7) == whole)
        for (offset, count) in [(0, 1), (4095, 2), (5000, 9000), (layout.parameterCount - 3, 3)] {
            var block = [Double](repeating: .nan, count: count)
            block.withUnsafeMutableBufferPointer { cached.fill(client: 7, offset: offset, into: $0) }
            #expect(block == Array(whole[offset..<(offset + count)]), "range \(offset) + \(count)")
        }
    }

    @Test func syntheticUpdatesWrittenToFilesReadBackWithExampleCounts() throws {
        let model = try EmbeddedBERT.model(seed: 2)
        let layout = try ModelLayout(file: model)
        let updates = SyntheticUpdates(layout: layout, seed: 4)
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let urls = try updates.write(clients: 3, to: directory)
        #expect(urls.map(\.lastPathComponent) == ["client-0001.safetensors", "client-0002.safetensors", "client-0003.safetensors"])
        for (i, url) in urls.enumerated() {
            let file = try SafetensorsFile(contentsOf: url)
            #expect(file.metadata[SyntheticUpdates.exampleCountKey] == String(updates.exampleCount(client: i + 1)))
            #expect(file.metadata["layout_hash"] == layout.layoutHash)
            let read = try layout.flatten(file)
            let expected = updates.delta(client: i + 1).map { Double(Float($0)) }  // stored as F32
            #expect(read == expected)
        }
        #expect(SyntheticUpdates.fileName(client: 12345) == "client-12345.safetensors")
    }
}
