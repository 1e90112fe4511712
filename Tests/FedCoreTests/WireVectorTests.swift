import DPNoise
import FedCore
import Foundation
import SecAggTestSupport
import SecureAgg
import Sodium
import Testing

/// Docs/wire.md §§ 5, 13.6, 14: the two registry hashes of one registry.json, weighted-round count limbs and the
/// output hash, from vectors written by Scripts/generate-wire-vectors.py (an independent Python implementation of
/// the document). The files live with the other wire vectors (SecureAggTests/DPNoiseTests `Resources/Vectors`)
/// and are read from the source tree.
@Suite("Wire vectors (registry hashes)")
struct WireVectorTests {
    struct LimbVectors: Decodable {
        struct Count: Decodable {
            let examples: Int
            let clamped: Int
            let weight: String
            let limbs: [UInt32]
        }
        struct Case: Decodable {
            let clients: Int
            let bits: Int
            let max_weight: Int
            let limb_bits: Int
            let limb_count: Int
            let counts: [Count]
        }
        let cases: [Case]
    }

    @Test("H_file covers every listed client (revoked too); H_round only the active ones")
    func registryHashes() throws {
        let v = try WireVectors.load("registry_hashes", as: RegistryHashVectors.self)
        let registry = try Registry.decode(Data(v.registry_json.utf8))
        #expect(registry.registryHash == v.registry_file_hash)
        #expect(registry.activeClientIds == v.active_ids)
        var active = [UInt32: Ed25519.PublicKey]()
        for client in registry.activeClients { active[client.id] = client.signPublicKey }
        #expect(Hex.encode(RoundConfiguration.registryHash(of: active)) == v.secureagg_registry_hash)
        // Re-encoding (sorted, lower-case, pretty) keeps H_file.
        #expect(try Registry.decode(registry.encoded()).registryHash == v.registry_file_hash)
    }

    @Test("Weighted rounds: limb width and count, clamped count, weight, limbs")
    func countLimbs() throws {
        let v: LimbVectors = try WireVectors.load("weighted_limbs")
        #expect(v.cases.count >= 3)
        for c in v.cases {
            let limbs = try ExampleCountLimbs(clients: c.clients, bits: c.bits, maxWeight: c.max_weight)
            #expect(limbs.limbBits == c.limb_bits, "h for n=\(c.clients) b=\(c.bits)")
            #expect(limbs.limbCount == c.limb_count, "limbs for W=\(c.max_weight)")
            for row in c.counts {
                let (weight, values) = ExampleCountLimbs.clientInput(exampleCount: row.examples, weights: limbs)
                #expect(limbs.clampedCount(row.examples) == row.clamped)
                #expect(weight == Double(row.weight))
                #expect(values == row.limbs, "limbs of \(row.examples)")
            }
        }
    }

    @Test("output_hash: BLAKE2b-256 of the decoded average as little-endian doubles")
    func outputHash() throws {
        let v: EncoderRandomnessVectors = try WireVectors.load("encoder_randomness", in: .dpNoise)
        for c in v.cases {
            let parameters = EncodingParameters(
                dimension: c.dimension, blockSize: c.block_size, l2Clip: c.l2_clip, scale: c.scale, bits: c.bits,
                beta: 0, roundSeed: try WireVectors.bytes(c.round_seed), noise: .none)
            let decoder = try DPDecoder(parameters: parameters)
            let decoded = try c.encoded.withUnsafeBufferPointer { sum in
                try decoder.decodeAverage(
                    sum: sum, divisor: 1, precision: .double([Double](repeating: 0, count: c.dimension))
                ) { _, _ in }
            }
            #expect(decoded.outputHash == c.output_hash, "\(c.name)")
        }
    }
}
