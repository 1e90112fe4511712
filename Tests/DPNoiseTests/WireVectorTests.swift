import Foundation
import SecAggTestSupport
import Sodium
import Testing

@testable import DPNoise

/// The wire test vectors of Docs/wire.md ("Test vectors") for the encoding: Resources/Vectors/*.json were
/// written by Scripts/generate-wire-vectors.py, an independent Python implementation of the document's text.
/// These tests require the Swift encoder to reproduce them exactly; they never run Python.
@Suite("Wire vectors (DPNoise)")
struct WireVectorTests {
    struct RotationVectors: Decodable {
        struct Block: Decodable {
            let index: Int
            let padded_offset: Int
            let size: Int
            let first_signs: String
        }
        struct Case: Decodable {
            let name: String
            let round_seed: String
            let dimension: Int
            let block_size: Int
            let block_sizes: [Int]
            let padded_dimension: Int
            let sign_bytes_blake2b256: String
            let sign_bytes_head: String
            let sign_bytes_4080_4112: String
            let blocks: [Block]
        }
        let cases: [Case]
    }

    @Test("Rotation signs: bit i of ChaChaRandom(round seed), indexed by padded coordinate")
    func rotationSigns() throws {
        let v = try WireVectors.load("rotation_signs", as: RotationVectors.self, in: .dpNoise)
        #expect(v.cases.count >= 3)
        for c in v.cases {
            let seed = try WireVectors.bytes(c.round_seed)
            let parameters = EncodingParameters(
                dimension: c.dimension, blockSize: c.block_size, l2Clip: 1, scale: 1, bits: 16, roundSeed: seed,
                noise: .none)
            #expect(parameters.blockSizes == c.block_sizes, "\(c.name)")
            #expect(parameters.paddedDimension == c.padded_dimension, "\(c.name)")
            let rotation = HadamardRotation(seed: seed, blockSizes: parameters.blockSizes)
            // Rebuild the sign bytes from the rotation's own signs.
            var signBytes = [UInt8](repeating: 0, count: (c.padded_dimension + 7) / 8)
            for i in 0..<c.padded_dimension where rotation.sign(at: i) < 0 { signBytes[i >> 3] |= 1 << UInt8(i & 7) }
            #expect(Hex.encode(Blake2b.hash(signBytes)) == c.sign_bytes_blake2b256, "\(c.name)")
            #expect(Hex.encode(signBytes.prefix(64)) == c.sign_bytes_head, "\(c.name)")
            if !c.sign_bytes_4080_4112.isEmpty {
                #expect(Hex.encode(signBytes[4080..<4112]) == c.sign_bytes_4080_4112, "\(c.name)")
            }
            for b in c.blocks {
                let signs = (0..<b.first_signs.count).map { rotation.sign(at: b.padded_offset + $0) < 0 ? "-" : "+" }
                #expect(signs.joined() == b.first_signs, "\(c.name) block \(b.index)")
            }
        }
    }

    @Test("Encoder: attempt key, per-block keyed randomness, the exact encoding (noise none, beta 0) and its decoding")
    func encoderRandomness() throws {
        let v = try WireVectors.load("encoder_randomness", as: EncoderRandomnessVectors.self, in: .dpNoise)
        #expect(v.cases.count >= 2)
        for c in v.cases {
            var keyStream = ChaChaRandom.seeded(c.encoder_seed)
            let attemptKey = keyStream.bytes(count: 32)
            #expect(Hex.encode(attemptKey) == c.attempt_key, "\(c.name)")
            for b in c.block_randomness {
                let key = Blake2b.keyedHash(
                    key: SecureBytes(copying: attemptKey),
                    message: withUnsafeBytes(of: UInt64(b.index).littleEndian) { Array($0) })
                #expect(key.withUnsafeBytes { Hex.encode($0) } == b.key, "\(c.name) block \(b.index)")
                let rng = ChaChaRandom.seeded(key: key)
                #expect(b.first_words == (0..<b.first_words.count).map { _ in String(rng.next()) })
            }
            let input = try c.input.map { try #require(Double($0)) }
            let parameters = EncodingParameters(
                dimension: c.dimension, blockSize: c.block_size, l2Clip: c.l2_clip, scale: c.scale, bits: c.bits,
                beta: c.beta, roundSeed: try WireVectors.bytes(c.round_seed), noise: .none,
                maxRoundingAttempts: c.max_rounding_attempts)
            let encoder = try DPEncoder(parameters: parameters)
            var out = [UInt32](repeating: 0, count: encoder.paddedDimension)
            var rng = ChaChaRandom.seeded(c.encoder_seed)
            let summary = try out.withUnsafeMutableBufferPointer { output in
                try encoder.encode(into: output, using: &rng) { (offset: Int, block: UnsafeMutableBufferPointer<Double>) in
                    for j in block.indices { block[j] = input[offset + j] }
                }
            }
            #expect(summary.roundingAttempts == 1, "\(c.name)")
            #expect(summary.inputNorm == Double(c.input_norm), "\(c.name)")
            #expect(out == c.encoded, "\(c.name)")
            // § 14: the encoded vector decoded on its own (divisor 1), bit for bit.
            let decoded = try DPDecoder(parameters: parameters).decode(sum: c.encoded, count: 1)
            #expect(decoded == (try c.decoded.map { try #require(Double($0)) }), "\(c.name) decoded")
        }
    }
}
