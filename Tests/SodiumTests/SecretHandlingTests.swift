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
        var a = ChaChaRandom.seeded(42)
        var b = ChaChaRandom.seeded(42)
        var c = ChaChaRandom.seeded(43)
        let xa = (0..<1000).map { _ in a.next() }
        #expect(xa == (0..<1000).map { _ in b.next() })
        #expect(xa != (0..<1000).map { _ in c.next() })
        var s1 = ChaChaRandom.system()
        var s2 = ChaChaRandom.system()
        #expect(s1.next() != s2.next())
    }

    @Test func randomBitsAreBalanced() {
        // 2^20 bits: the count of ones is within 6 standard deviations of half.
        var rng = ChaChaRandom.system()
        var ones = 0
        for _ in 0..<(1 << 14) { ones += rng.next().nonzeroBitCount }
        let n = Double(1 << 20)
        #expect(abs(Double(ones) - n / 2) < 6 * (n / 4).squareRoot())
    }
}
