import Foundation
import SecAggTestSupport
@testable import Sodium
import Testing

@testable import SecureAgg

/// Known answers for each derivation and encoding on its own (Resources/Vectors/primitives.json, written by the
/// independent Python generator Scripts/generate-wire-vectors.py from Docs/wire.md §§ 9, 12). Both ends of a
/// deployment run these functions, so a change would still pass every round-trip test while breaking
/// mixed-version cohorts: only a pinned value catches it.
@Suite("Wire vectors: derivations and encodings in isolation")
struct PrimitiveVectorTests {
    struct Vectors: Decodable {
        struct Pair: Decodable {
            let u: UInt32
            let v: UInt32
            let session_id: String
            let c_sk_u: String
            let c_pk_u: String
            let c_pk_v: String
            let s_sk_u: String
            let s_pk_u: String
            let s_pk_v: String
            let share_raw_secret: String
            let share_context: String
            let share_key: String
            let pairwise_context: String
            let pairwise_seed: String
            let share_additional_data: String
        }
        struct SelfMask: Decodable {
            let b_u: String
            let session_id: String
            let commitment: String
            let self_mask_key: String
        }
        struct Session: Decodable {
            struct Entry: Decodable {
                let id: UInt32
                let key: String
            }
            struct Advertisement: Decodable {
                let sender: UInt32
                let c_pk: String
                let s_pk: String
                let commitment: String
                let signature: String
            }
            let registry: [Entry]
            let round: UInt64
            let cohort: [UInt32]
            let degree: Int
            let threshold: Int
            let bits: Int
            let vector_length: Int
            let context_bytes: String
            let advertisements: [Advertisement]
            let session_id: String
        }
        struct Encoding: Decodable {
            let x: UInt32
            let values: [String]
            let encoded: String
        }
        struct Split: Decodable {
            struct Share: Decodable {
                let x: UInt32
                let encoded: String
            }
            let secret: String
            let threshold: Int
            let rng_seed: UInt64
            let shares: [Share]
        }
        struct Packing: Decodable {
            let bits: Int
            let values: [UInt32]
            let packed: String
        }
        let pairs: [Pair]
        let self_masks: [SelfMask]
        let session: Session
        let shamir_encodings: [Encoding]
        let shamir_splits: [Split]
        let bit_packing: [Packing]
    }

    static func vectors() throws -> Vectors { try WireVectors.load("primitives", as: Vectors.self) }
    static func secret(_ hex: String) throws -> SecureBytes { SecureBytes(copying: try WireVectors.bytes(hex)) }
    static func hex(_ s: SecureBytes) -> String { s.withUnsafeBytes { Hex.encode($0) } }

    @Test("Share-encryption key and pairwise seed: raw X25519 secret, pair context, keyed BLAKE2b")
    func pairwiseDerivations() throws {
        let v = try Self.vectors()
        #expect(v.pairs.count == 3)
        for p in v.pairs {
            let sid = try WireVectors.bytes(p.session_id)
            let cU = try X25519.SecretKey(secretBytes: Self.secret(p.c_sk_u))
            let sU = try X25519.SecretKey(secretBytes: Self.secret(p.s_sk_u))
            let cV = try X25519.PublicKey(bytes: WireVectors.bytes(p.c_pk_v))
            let sV = try X25519.PublicKey(bytes: WireVectors.bytes(p.s_pk_v))
            #expect(Hex.encode(cU.publicKey.bytes) == p.c_pk_u, "c_pk of \(p.u)")
            #expect(Hex.encode(sU.publicKey.bytes) == p.s_pk_u, "s_pk of \(p.u)")
            let raw = try X25519.sharedSecret(secretKey: cU, peer: cV)
            #expect(raw.withUnsafeBytesForTesting { Hex.encode($0) } == p.share_raw_secret, "\(p.u)→\(p.v)")
            #expect(
                Hex.encode(KeyDerivation.pairContext(sessionID: sid, p.u, cU.publicKey, p.v, cV)) == p.share_context)
            #expect(
                Hex.encode(KeyDerivation.pairContext(sessionID: sid, p.u, sU.publicKey, p.v, sV)) == p.pairwise_context)
            let shareKey = try KeyDerivation.shareEncryptionKey(
                sessionID: sid, me: p.u, secretKey: cU, peer: p.v, peerKey: cV)
            #expect(Self.hex(shareKey) == p.share_key, "share key \(p.u)→\(p.v)")
            let seed = try KeyDerivation.pairwiseSeed(sessionID: sid, me: p.u, secretKey: sU, peer: p.v, peerKey: sV)
            #expect(Self.hex(seed.key) == p.pairwise_seed, "pairwise seed \(p.u)→\(p.v)")
            #expect(
                Hex.encode(KeyDerivation.shareAdditionalData(sessionID: sid, sender: p.u, receiver: p.v))
                    == p.share_additional_data)
        }
        // (2, 9) and (9, 2) are the two ends of one pair: the same key and seed.
        #expect(v.pairs[0].share_key == v.pairs[1].share_key)
        #expect(v.pairs[0].pairwise_seed == v.pairs[1].pairwise_seed)
    }

    @Test("Self-mask key and commitment of b_u, bound to the session id")
    func selfMask() throws {
        let v = try Self.vectors()
        for c in v.self_masks {
            let seed = MaskSeed(key: try Self.secret(c.b_u))
            #expect(Hex.encode(seed.commitment) == c.commitment)
            #expect(Self.hex(seed.selfMaskSeed(sessionID: try WireVectors.bytes(c.session_id)).key) == c.self_mask_key)
        }
        #expect(Set(v.self_masks.map(\.self_mask_key)).count == v.self_masks.count)
    }

    @Test("Session id over the advertisements that arrived (one client of five did not advertise)")
    func sessionID() throws {
        let s = try Self.vectors().session
        var registry = [UInt32: Ed25519.PublicKey]()
        for e in s.registry { registry[e.id] = try Ed25519.PublicKey(bytes: WireVectors.bytes(e.key)) }
        let config = try RoundConfiguration(
            round: s.round, cohort: s.cohort, degree: s.degree, threshold: s.threshold, bits: s.bits,
            vectorLength: s.vector_length, registry: registry)
        #expect(Hex.encode(config.contextBytes) == s.context_bytes)
        let ads = try s.advertisements.map { a in
            AdvertiseKeys(
                round: s.round, sender: a.sender, encryptionKey: try X25519.PublicKey(bytes: WireVectors.bytes(a.c_pk)),
                maskingKey: try X25519.PublicKey(bytes: WireVectors.bytes(a.s_pk)), selfSeedCommitment: try WireVectors.bytes(a.commitment),
                signature: try WireVectors.bytes(a.signature))
        }
        #expect(ads.map(\.sender) == [1, 2, 4, 5])
        #expect(Hex.encode(SessionID.compute(configuration: config, advertisements: ads)) == s.session_id)
    }

    @Test("Shamir share encoding: 0x01 ‖ x ‖ chunk count ‖ values, both directions")
    func shamirEncoding() throws {
        for e in try Self.vectors().shamir_encodings {
            var values = [UInt8]()
            for text in e.values {
                let value = try #require(UInt64(text))
                withUnsafeBytes(of: value.littleEndian) { values.append(contentsOf: $0) }
            }
            let share = ShamirShare(x: e.x, values: SecureBytes(copying: values))
            #expect(Self.hex(share.serialized()) == e.encoded)
            let parsed = try ShamirShare(serialized: Self.secret(e.encoded))
            #expect(parsed == share)
            #expect(parsed.x == e.x && parsed.chunkCount == e.values.count)
        }
    }

    @Test("Shamir split: chunking and coefficient draws from a seeded stream; any t shares reconstruct")
    func shamirSplit() throws {
        for c in try Self.vectors().shamir_splits {
            let secret = try Self.secret(c.secret)
            var rng = ChaChaRandom.seeded(c.rng_seed)
            let shares = try Shamir.split(
                secret: secret, threshold: c.threshold, points: c.shares.map(\.x), using: &rng)
            #expect(shares.map { Self.hex($0.serialized()) } == c.shares.map(\.encoded))
            let parsed = try c.shares.map { try ShamirShare(serialized: Self.secret($0.encoded)) }
            let back = try Shamir.reconstruct(
                Array(parsed.suffix(c.threshold)), threshold: c.threshold, secretByteCount: secret.count)
            #expect(back == secret)
        }
    }

    @Test("Bit packing edge cases: b = 1 and 32, m not a multiple of 8, m = 0")
    func bitPacking() throws {
        let cases = try Self.vectors().bit_packing
        #expect(Set(cases.map(\.bits)).isSuperset(of: [1, 32]))
        for c in cases {
            #expect(Hex.encode(BitPacking.pack(c.values, bits: c.bits)) == c.packed, "b = \(c.bits), m = \(c.values.count)")
            #expect(try BitPacking.unpack(WireVectors.bytes(c.packed)) == c.values, "b = \(c.bits), m = \(c.values.count)")
            #expect(BitPacking.encodedByteCount(count: c.values.count, bits: c.bits) == c.packed.count / 2)
        }
    }
}
