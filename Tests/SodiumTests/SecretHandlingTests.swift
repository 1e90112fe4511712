import Testing
import Sodium

@Suite struct SecretHandlingTests {
    @Test func secureBytesNeverPrintsItsContent() {
        let secret = SecureBytes(copying: Array("top-secret-value".utf8))
        let rendered = [
            "\(secret)", String(describing: secret), String(reflecting: secret), "\(Mirror(reflecting: secret).children.map { "\($0.value)" })",
        ]
        for text in rendered {
            #expect(!text.contains("top-secret"))
            #expect(!text.contains(Hex.encode(Array("top-secret-value".utf8))))
        }
        #expect("\(secret)".contains("16 bytes"))
    }

    @Test func secureBytesEqualityComparesContent() {
        let a = SecureBytes(copying: [1, 2, 3])
        #expect(a == SecureBytes(copying: [1, 2, 3]))
        #expect(a != SecureBytes(copying: [1, 2, 4]))
        #expect(a != SecureBytes(copying: [1, 2]))
    }

    @Test func secretKeysDoNotPrintSecrets() {
        let sk = X25519.SecretKey.generate()
        let text = String(reflecting: sk)
        let raw = sk.withUnsafeSecretBytes { Hex.encode($0) }
        #expect(!text.contains(raw))
        let ed = Ed25519.SecretKey.generate()
        let seedHex = ed.seed.withUnsafeBytes { Hex.encode($0) }
        #expect(!String(reflecting: ed).contains(seedHex))
    }

    @Test func secureZeroWipesArrays() {
        var bytes: [UInt8] = [9, 9, 9, 9]
        secureZero(&bytes)
        #expect(bytes == [0, 0, 0, 0])
    }

    @Test func aeadRoundTripAndRefusals() throws {
        let key = SecureBytes(randomCount: 32)
        let sealed = XChaCha20Poly1305.seal(Array("share".utf8), key: key, additionalData: [1, 2])
        let opened = try XChaCha20Poly1305.open(sealed, key: key, additionalData: [1, 2])
        #expect(opened == SecureBytes(copying: Array("share".utf8)))
        #expect(throws: SodiumError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, key: key, additionalData: [1, 3])
        }
        var tampered = sealed
        tampered[tampered.count - 1] ^= 0x80
        #expect(throws: SodiumError.authenticationFailed) {
            try XChaCha20Poly1305.open(tampered, key: key, additionalData: [1, 2])
        }
        #expect(throws: SodiumError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, key: SecureBytes(randomCount: 32), additionalData: [1, 2])
        }
        #expect(throws: SodiumError.self) { try XChaCha20Poly1305.open([1, 2, 3], key: key, additionalData: []) }
    }

    @Test func argon2idIsDeterministicAndBounded() throws {
        let pw = SecureBytes(copying: Array("passphrase".utf8))
        let salt = [UInt8](repeating: 3, count: 16)
        let params = Argon2id.Parameters(opsLimit: 1, memLimitBytes: 64 << 10)
        let a = try Argon2id.deriveKey(passphrase: pw, salt: salt, parameters: params)
        let b = try Argon2id.deriveKey(passphrase: pw, salt: salt, parameters: params)
        let c = try Argon2id.deriveKey(passphrase: SecureBytes(copying: Array("other".utf8)), salt: salt, parameters: params)
        #expect(a == b)
        #expect(a != c)
        #expect(throws: SodiumError.invalidParameter(what: "argon2 memlimit")) {
            try Argon2id.deriveKey(
                passphrase: pw, salt: salt, parameters: .init(opsLimit: 1, memLimitBytes: 1 << 40))
        }
    }

    @Test func seededRandomIsReproducibleAndSystemRandomIsNot() {
        let a = ChaChaRandom.seeded(42)
        let b = ChaChaRandom.seeded(42)
        let c = ChaChaRandom.seeded(43)
        let xa = (0..<1000).map { _ in a.next() }
        #expect(xa == (0..<1000).map { _ in b.next() })
        #expect(xa != (0..<1000).map { _ in c.next() })
        let s1 = ChaChaRandom.system()
        let s2 = ChaChaRandom.system()
        #expect(s1.next() != s2.next())
    }

    @Test("ChaChaRandom is one stream: a second reference draws from it, it does not restart it")
    func copiesShareTheStream() {
        let a = ChaChaRandom.seeded(7)
        let alias = a
        let reference = ChaChaRandom.seeded(7)
        let expected = (0..<4).map { _ in reference.next() }
        #expect([a.next(), alias.next(), a.next(), alias.next()] == expected)
    }

    @Test("fork(label:) gives independent, reproducible streams and advances the parent by 32 bytes")
    func forkDerivesIndependentStreams() {
        let parent = ChaChaRandom.seeded(11)
        let c1 = parent.fork(label: "client 1")
        let c2 = parent.fork(label: "client 1")  // same label, later fork: a different stream
        let after = (0..<64).map { _ in parent.next() }

        let replay = ChaChaRandom.seeded(11)
        let r1 = replay.fork(label: "client 1")
        // The parent moved by exactly two 32-byte draws.
        let skipped = ChaChaRandom.seeded(11)
        for _ in 0..<8 { _ = skipped.next() }
        #expect((0..<64).map { _ in skipped.next() } == after)

        let x1 = (0..<64).map { _ in c1.next() }
        let x2 = (0..<64).map { _ in c2.next() }
        #expect(x1 == (0..<64).map { _ in r1.next() })  // reproducible from the seed
        #expect(x1 != x2)
        #expect(x1 != after && x2 != after)
        #expect(Set(x1).isDisjoint(with: after) && Set(x1).isDisjoint(with: x2))
        // The label matters too.
        let other = ChaChaRandom.seeded(11).fork(label: "client 2")
        #expect((0..<64).map { _ in other.next() } != x1)
    }

    @Test func randomBitsAreBalanced() {
        // 2^20 bits: the count of ones is within 6 standard deviations of half.
        let rng = ChaChaRandom.system()
        var ones = 0
        for _ in 0..<(1 << 14) { ones += rng.next().nonzeroBitCount }
        let n = Double(1 << 20)
        #expect(abs(Double(ones) - n / 2) < 6 * (n / 4).squareRoot())
    }
}
