import Foundation
import Sodium
import Testing

@testable import SecureAgg

/// The wire test vectors of Docs/wire.md ("Test vectors"): Resources/Vectors/*.json were written by
/// Scripts/generate-wire-vectors.py, an independent Python implementation of the document's text (hashlib
/// BLAKE2b, pure-Python ChaCha20). These tests require the Swift code to reproduce every value exactly; they
/// never run Python.
@Suite("Wire vectors (SecureAgg)")
struct WireVectorTests {
    struct PRGVectors: Decodable {
        struct Word: Decodable {
            let index: Int
            let value: String
        }
        struct Seeded: Decodable {
            let seed: UInt64
            let key: String
            let first_words: [String]
        }
        let key: String
        let words: [Word]
        let stream_bytes_4088_4104: String
        let seeded: Seeded
    }

    struct HararyVectors: Decodable {
        struct Entry: Decodable {
            let id: UInt32
            let key: String
            let revoked: Bool
        }
        struct Case: Decodable {
            let name: String
            let registry: [Entry]
            let round: UInt64
            let cohort: [UInt32]
            let degree: Int
            let threshold: Int
            let bits: Int
            let vector_length: Int
            let registry_hash: String
            let context_bytes: String
            let permutation_seed: String
            let first_words: [String]
            let words_used: Int
            let ring: [UInt32]
            let neighbours: [String: [UInt32]]
        }
        struct RawCase: Decodable {
            let name: String
            let seed: String
            let cohort: [UInt32]
            let degree: Int
            let ring: [UInt32]
            let words_used: Int
            let neighbours: [String: [UInt32]]
        }
        let cases: [Case]
        let raw_seed_cases: [RawCase]
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources/Vectors"))
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static func bytes(_ hex: String) throws -> [UInt8] { try #require(Hex.decode(hex)) }

    /// Counts the 64-bit draws (rejections included) of the Fisher–Yates shuffle of `n` ids, as Docs/wire.md
    /// states it: for i = n − 1 … 1, draw until v < 2^64 − 1 − ((2^64 − 1) mod (i + 1)).
    static func shuffleDraws(count n: Int, seed: [UInt8]) -> Int {
        var rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
        var draws = 0
        for i in stride(from: n - 1, to: 0, by: -1) {
            let bound = UInt64(i + 1)
            let limit = UInt64.max - (UInt64.max % bound)
            var v: UInt64
            repeat {
                v = rng.next()
                draws += 1
            } while v >= limit
        }
        return draws
    }

    @Test("ChaChaRandom: 64-bit words, the 4096-byte buffer boundary, seeded(UInt64)")
    func prgStream() throws {
        let v = try Self.load("prg_stream", as: PRGVectors.self)
        let key = try Self.bytes(v.key)
        var rng = ChaChaRandom.seeded(key: SecureBytes(copying: key))
        var index = 0
        for word in v.words {
            var value: UInt64 = 0
            while index <= word.index {
                value = rng.next()
                index += 1
            }
            #expect(String(value) == word.value, "word \(word.index)")
        }
        var bytes = ChaChaRandom.seeded(key: SecureBytes(copying: key))
        let stream = bytes.bytes(count: 4104)
        #expect(Hex.encode(stream[4088..<4104]) == v.stream_bytes_4088_4104)

        var seeded = ChaChaRandom.seeded(v.seeded.seed)
        let expectedKey = Blake2b.hash(
            Array("secagg.seeded-random.v1".utf8) + withUnsafeBytes(of: v.seeded.seed.littleEndian) { Array($0) })
        #expect(Hex.encode(expectedKey) == v.seeded.key)
        #expect(v.seeded.first_words == (0..<v.seeded.first_words.count).map { _ in String(seeded.next()) })
    }

    @Test("Registry hash, round context, permutation seed, ring and neighbours")
    func hararyPermutation() throws {
        let v = try Self.load("harary_permutation", as: HararyVectors.self)
        #expect(v.cases.count >= 5)
        for c in v.cases {
            var registry = [UInt32: Ed25519.PublicKey]()
            for e in c.registry where !e.revoked { registry[e.id] = try Ed25519.PublicKey(bytes: Self.bytes(e.key)) }
            let config = try RoundConfiguration(
                round: c.round, cohort: c.cohort, degree: c.degree, threshold: c.threshold, bits: c.bits,
                vectorLength: c.vector_length, registry: registry)
            #expect(Hex.encode(config.registryHash) == c.registry_hash, "\(c.name)")
            #expect(Hex.encode(config.contextBytes) == c.context_bytes, "\(c.name)")
            let seed = HararyGraph.permutationSeed(configuration: config)
            #expect(Hex.encode(seed) == c.permutation_seed, "\(c.name)")
            var rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
            #expect(c.first_words == (0..<c.first_words.count).map { _ in String(rng.next()) }, "\(c.name)")
            #expect(Self.shuffleDraws(count: c.cohort.count, seed: seed) == c.words_used, "\(c.name)")
            let graph = HararyGraph(configuration: config)
            #expect(graph.ring == c.ring, "\(c.name)")
            for id in c.cohort {
                #expect(graph.neighbours(of: id) == c.neighbours[String(id)], "\(c.name): neighbours of \(id)")
            }
        }
        for c in v.raw_seed_cases {
            let seed = try Self.bytes(c.seed)
            let graph = try HararyGraph(cohort: c.cohort, degree: c.degree, seed: seed)
            #expect(graph.ring == c.ring, "\(c.name)")
            #expect(Self.shuffleDraws(count: c.cohort.count, seed: seed) == c.words_used, "\(c.name)")
            for (id, expected) in c.neighbours {
                #expect(graph.neighbours(of: try #require(UInt32(id))) == expected, "\(c.name): neighbours of \(id)")
            }
        }
    }
}
