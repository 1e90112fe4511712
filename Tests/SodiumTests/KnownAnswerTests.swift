import Testing
@testable import Sodium

@Suite struct KnownAnswerTests {
    @Test func x25519MatchesRFC7748() throws {
        for c in try RFCVectors.load().x25519 {
            let alice = try X25519.SecretKey(secretBytes: SecureBytes(copying: try hex(c.alice_private)))
            let bob = try X25519.SecretKey(secretBytes: SecureBytes(copying: try hex(c.bob_private)))
            #expect(Hex.encode(alice.publicKey.bytes) == c.alice_public)
            #expect(Hex.encode(bob.publicKey.bytes) == c.bob_public)
            let ab = try X25519.sharedSecret(secretKey: alice, peer: bob.publicKey)
            let ba = try X25519.sharedSecret(secretKey: bob, peer: alice.publicKey)
            #expect(ab.withUnsafeBytesForTesting { Hex.encode($0) } == c.shared)
            #expect(ba.withUnsafeBytesForTesting { Hex.encode($0) } == c.shared)
        }
    }

    @Test func x25519RefusesLowOrderPoint() throws {
        let me = X25519.SecretKey.generate()
        let zeroPoint = try X25519.PublicKey(bytes: [UInt8](repeating: 0, count: 32))
        #expect(throws: SodiumError.weakSharedSecret) { try X25519.sharedSecret(secretKey: me, peer: zeroPoint) }
    }

    @Test func x25519RejectsWrongLength() {
        #expect(throws: SodiumError.invalidLength(what: "X25519 public key", expected: 32, actual: 31)) {
            try X25519.PublicKey(bytes: [UInt8](repeating: 1, count: 31))
        }
    }

    @Test func chacha20BlockMatchesRFC8439() throws {
        for c in try RFCVectors.load().chacha20_block {
            let key = SecureBytes(copying: try hex(c.key))
            var out = [UInt8](repeating: 0xff, count: 64)
            out.withUnsafeMutableBytes {
                ChaCha20.keystream(key: key, nonce: try! hex(c.nonce), initialCounter: c.counter, into: $0)
            }
            #expect(Hex.encode(out) == c.keystream)
        }
    }

    @Test func chacha20KeystreamIsContinuousAcrossCounterOffsets() {
        let key = SecureBytes(randomCount: 32)
        let nonce = [UInt8](repeating: 7, count: 12)
        var whole = [UInt8](repeating: 0, count: 64 * 10)
        whole.withUnsafeMutableBytes { ChaCha20.keystream(key: key, nonce: nonce, initialCounter: 0, into: $0) }
        var tail = [UInt8](repeating: 0, count: 64 * 4)
        tail.withUnsafeMutableBytes { ChaCha20.keystream(key: key, nonce: nonce, initialCounter: 6, into: $0) }
        #expect(Array(whole[(64 * 6)...]) == tail)
    }

    @Test func ed25519MatchesRFC8032() throws {
        for c in try RFCVectors.load().ed25519 {
            let sk = try Ed25519.SecretKey(seed: SecureBytes(copying: try hex(c.seed)))
            #expect(sk.publicKey.hex == c.public)
            let message = try hex(c.message)
            let sig = sk.sign(message)
            #expect(Hex.encode(sig) == c.signature)
            #expect(sk.publicKey.isValidSignature(sig, for: message))
            var tampered = sig
            tampered[0] ^= 1
            #expect(!sk.publicKey.isValidSignature(tampered, for: message))
            #expect(!sk.publicKey.isValidSignature(sig, for: message + [0]))
        }
    }

    @Test func blake2bMatchesRFC7693Abc() {
        // RFC 7693 Appendix A: BLAKE2b-512("abc").
        let digest = Blake2b.hash(Array("abc".utf8), outputByteCount: 64)
        #expect(
            Hex.encode(digest)
                == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
        )
        let h = Blake2b.Hasher(outputByteCount: 64)
        h.update(Array("a".utf8))
        h.update(Array("bc".utf8))
        #expect(h.finalize() == digest)
    }
}
