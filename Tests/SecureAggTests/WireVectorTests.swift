import Foundation
import SecAggTestSupport
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
            let run_id: String
            let registry_hash: String
            let context_bytes: String
            let session_id: String
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

    /// Counts the 64-bit draws (rejections included) of the Fisher–Yates shuffle of `n` ids, as Docs/wire.md
    /// states it: for i = n − 1 … 1, draw until v < 2^64 − 1 − ((2^64 − 1) mod (i + 1)).
    static func shuffleDraws(count n: Int, seed: [UInt8]) -> Int {
        let rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
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
        let v = try WireVectors.load("prg_stream", as: PRGVectors.self)
        let key = try WireVectors.bytes(v.key)
        let rng = ChaChaRandom.seeded(key: SecureBytes(copying: key))
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

        let seeded = ChaChaRandom.seeded(v.seeded.seed)
        let expectedKey = Blake2b.hash(
            Array("secagg.seeded-random.v1".utf8) + withUnsafeBytes(of: v.seeded.seed.littleEndian) { Array($0) })
        #expect(Hex.encode(expectedKey) == v.seeded.key)
        #expect(v.seeded.first_words == (0..<v.seeded.first_words.count).map { _ in String(seeded.next()) })
    }

    @Test("Registry hash, round context, permutation seed, ring and neighbours")
    func hararyPermutation() throws {
        let v = try WireVectors.load("harary_permutation", as: HararyVectors.self)
        #expect(v.cases.count >= 5)
        for c in v.cases {
            var registry = [UInt32: Ed25519.PublicKey]()
            for e in c.registry where !e.revoked { registry[e.id] = try Ed25519.PublicKey(bytes: WireVectors.bytes(e.key)) }
            let config = try RoundConfiguration(
                round: c.round, cohort: c.cohort, degree: c.degree, threshold: c.threshold, bits: c.bits,
                vectorLength: c.vector_length, registry: registry, runID: WireVectors.bytes(c.run_id))
            #expect(Hex.encode(config.registryHash) == c.registry_hash, "\(c.name)")
            #expect(Hex.encode(config.contextBytes) == c.context_bytes, "\(c.name)")
            let sessionID = try WireVectors.bytes(c.session_id)
            let seed = HararyGraph.permutationSeed(sessionID: sessionID)
            #expect(Hex.encode(seed) == c.permutation_seed, "\(c.name)")
            let rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
            #expect(c.first_words == (0..<c.first_words.count).map { _ in String(rng.next()) }, "\(c.name)")
            #expect(Self.shuffleDraws(count: c.cohort.count, seed: seed) == c.words_used, "\(c.name)")
            let graph = HararyGraph(configuration: config, sessionID: sessionID)
            #expect(graph.ring == c.ring, "\(c.name)")
            for id in c.cohort {
                #expect(graph.neighbours(of: id) == c.neighbours[String(id)], "\(c.name): neighbours of \(id)")
            }
        }
        for c in v.raw_seed_cases {
            let seed = try WireVectors.bytes(c.seed)
            let graph = try HararyGraph(cohort: c.cohort, degree: c.degree, seed: seed)
            #expect(graph.ring == c.ring, "\(c.name)")
            #expect(Self.shuffleDraws(count: c.cohort.count, seed: seed) == c.words_used, "\(c.name)")
            for (id, expected) in c.neighbours {
                #expect(graph.neighbours(of: try #require(UInt32(id))) == expected, "\(c.name): neighbours of \(id)")
            }
        }
    }

    struct RoundVectors: Decodable {
        struct Revealed: Decodable {
            let owner: UInt32
            let kind: UInt8
            let share: String
        }
        struct Client: Decodable {
            let id: UInt32
            let identity_seed: String
            let identity_key: String
            let rng_seed: UInt64
            let c_pk: String
            let s_pk: String
            let s_sk: String
            let b_u: String
            let commitment: String
            let advertise_signed_bytes: String
            let advertise_signature: String
            let neighbours: [UInt32]
            let share_keys: [String: String]
            let self_mask_key: String
            let pairwise_seeds: [String: String]
            let share_plaintexts: [String: String]
            let input_seed: UInt64?
            let masked_packed: String?
            let consistency_signature: String?
            let revealed: [Revealed]?
        }
        let round: UInt64
        let cohort: [UInt32]
        let degree: Int
        let threshold: Int
        let bits: Int
        let vector_length: Int
        let dropped: UInt32
        let run_id: String
        let registry_hash: String
        let context_bytes: String
        let context_digest: String
        let ring: [UInt32]
        let session_id: String
        let survivors: [UInt32]
        let survivor_list_digest: String
        let consistency_signed_bytes: String
        let clients: [Client]
        let sum: [UInt32]
    }

    @Test("A whole round: advertisements, session id, sealed share plaintexts, masked vectors, signatures, reveals")
    func wholeRound() throws {
        let v = try WireVectors.load("secagg_round", as: RoundVectors.self)
        var identities = [UInt32: Ed25519.SecretKey]()
        var registry = [UInt32: Ed25519.PublicKey]()
        for c in v.clients {
            let key = try Ed25519.SecretKey(seed: SecureBytes(copying: WireVectors.bytes(c.identity_seed)))
            #expect(Hex.encode(key.publicKey.bytes) == c.identity_key, "identity of \(c.id)")
            identities[c.id] = key
            registry[c.id] = key.publicKey
        }
        let config = try RoundConfiguration(
            round: v.round, cohort: v.cohort, degree: v.degree, threshold: v.threshold, bits: v.bits,
            vectorLength: v.vector_length, registry: registry, runID: WireVectors.bytes(v.run_id))
        #expect(Hex.encode(config.registryHash) == v.registry_hash)
        #expect(Hex.encode(config.contextBytes) == v.context_bytes)
        #expect(Hex.encode(config.contextDigest) == v.context_digest)
        let byID = Dictionary(uniqueKeysWithValues: v.clients.map { ($0.id, $0) })

        // Phase 0
        var rngs = [UInt32: ChaChaRandom]()
        var clients = [UInt32: SecAggClient]()
        var server = SecAggServer(configuration: config)
        for c in v.clients {
            var rng = ChaChaRandom.seeded(c.rng_seed)
            var client = try SecAggClient(
                configuration: config, id: c.id, identity: try #require(identities[c.id]), using: &rng)
            #expect(client.neighbours.isEmpty, "no graph before the session id exists")
            let ad = try client.advertiseKeys()
            #expect(Hex.encode(ad.encryptionKey.bytes) == c.c_pk, "c_pk of \(c.id)")
            #expect(Hex.encode(ad.maskingKey.bytes) == c.s_pk, "s_pk of \(c.id)")
            #expect(Hex.encode(ad.selfSeedCommitment) == c.commitment, "commitment of \(c.id)")
            #expect(Hex.encode(ad.signedBytes(contextDigest: config.contextDigest)) == c.advertise_signed_bytes)
            #expect(Hex.encode(ad.signature) == c.advertise_signature, "advertisement signature of \(c.id)")
            #expect(try server.receiveAdvertisement(ad) == .accepted)
            rngs[c.id] = rng
            clients[c.id] = client
        }
        let keyBroadcasts = try server.finishAdvertising()
        let sessionID = try #require(keyBroadcasts.first?.sessionID)
        #expect(Hex.encode(sessionID) == v.session_id)
        #expect(HararyGraph(configuration: config, sessionID: sessionID).ring == v.ring)
        // The derivations of § 12.2–12.3 from the pinned secrets (the ciphertexts and masked vectors below pin
        // them only through their effects).
        for c in v.clients {
            let selfKey = MaskSeed(key: SecureBytes(copying: try WireVectors.bytes(c.b_u))).selfMaskSeed(sessionID: sessionID)
            #expect(selfKey.key.withUnsafeBytes { Hex.encode($0) } == c.self_mask_key, "self-mask key of \(c.id)")
            let sSK = try X25519.SecretKey(secretBytes: SecureBytes(copying: try WireVectors.bytes(c.s_sk)))
            #expect(Hex.encode(sSK.publicKey.bytes) == c.s_pk)
            #expect(c.pairwise_seeds.count == c.neighbours.count)
            for peer in c.neighbours {
                let peerKey = try X25519.PublicKey(bytes: WireVectors.bytes(try #require(byID[peer]).s_pk))
                let seed = try KeyDerivation.pairwiseSeed(
                    sessionID: sessionID, me: c.id, secretKey: sSK, peer: peer, peerKey: peerKey)
                #expect(
                    seed.key.withUnsafeBytes { Hex.encode($0) } == c.pairwise_seeds[String(peer)],
                    "pairwise seed \(c.id)–\(peer)")
            }
        }

        // Phase 1
        for b in keyBroadcasts {
            var rng = try #require(rngs[b.receiver])
            var client = try #require(clients[b.receiver])
            let message = try client.shareKeys(b, using: &rng)
            clients[b.receiver] = client
            let c = try #require(byID[b.receiver])
            #expect(client.neighbours == c.neighbours, "neighbours of \(b.receiver)")
            for share in message.shares {
                // Python's share key opens the Swift ciphertext under the documented additional data.
                let key = try WireVectors.bytes(try #require(c.share_keys[String(share.receiver)]))
                var ad = sessionID
                withUnsafeBytes(of: share.sender.littleEndian) { ad.append(contentsOf: $0) }
                withUnsafeBytes(of: share.receiver.littleEndian) { ad.append(contentsOf: $0) }
                let plain = try XChaCha20Poly1305.open(
                    share.ciphertext, key: SecureBytes(copying: key), additionalData: ad)
                #expect(
                    plain.withUnsafeBytes { Hex.encode($0) } == c.share_plaintexts[String(share.receiver)],
                    "share plaintext \(share.sender) → \(share.receiver)")
            }
            #expect(try server.receiveShareKeys(message) == .accepted)
        }
        let shareBroadcasts = try server.finishShareKeys()

        // Phase 2 (the dropped client sends nothing from here on)
        for b in shareBroadcasts where b.receiver != v.dropped {
            let c = try #require(byID[b.receiver])
            let inputRNG = ChaChaRandom.seeded(try #require(c.input_seed))
            let mask = config.valueMask
            let input = (0..<v.vector_length).map { _ in UInt32(truncatingIfNeeded: inputRNG.next()) & mask }
            var client = try #require(clients[b.receiver])
            let masked = try client.maskedInput(input, shares: b)
            clients[b.receiver] = client
            #expect(Hex.encode(masked.packed) == c.masked_packed, "masked vector of \(b.receiver)")
            #expect(try server.receiveMaskedInput(masked) == .accepted)
        }
        let requests = try server.finishMaskedInput()
        #expect(requests.first?.survivors == v.survivors)
        #expect(
            Hex.encode(ConsistencyRequest.survivorListDigest(sessionID: sessionID, survivors: v.survivors))
                == v.survivor_list_digest)
        #expect(
            Hex.encode(ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: v.survivors))
                == v.consistency_signed_bytes)

        // Phase 3
        for r in requests {
            var client = try #require(clients[r.receiver])
            let check = try client.consistencyCheck(r)
            clients[r.receiver] = client
            #expect(Hex.encode(check.signature) == byID[r.receiver]?.consistency_signature)
            #expect(try server.receiveConsistencyCheck(check) == .accepted)
        }
        let unmasking = try server.finishConsistencyCheck()

        // Phase 4
        for r in unmasking {
            var client = try #require(clients[r.receiver])
            let response = try client.unmask(r)
            clients[r.receiver] = client
            let expected = try #require(byID[r.receiver]?.revealed)
            #expect(response.shares.map(\.owner) == expected.map(\.owner), "reveal order of \(r.receiver)")
            for (got, want) in zip(response.shares, expected) {
                #expect(got.kind.rawValue == want.kind, "kind for \(got.owner) from \(r.receiver)")
                #expect(got.share.serialized().withUnsafeBytes { Hex.encode($0) } == want.share)
            }
            #expect(try server.receiveUnmaskingResponse(response) == .accepted)
        }
        let result = try server.finishUnmasking()
        #expect(result.survivors == v.survivors)
        #expect(result.sum == v.sum)
    }
}
