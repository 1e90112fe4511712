import FedCore
import Foundation
import Sodium
import Testing

@Suite struct KeyFileTests {
    let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))

    @Test func plainKeyFileRoundTripsTheSigningKey() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let key = try fixedKey(7)
        let url = dir.file("client-0003.key")
        let written = try IdentityKeyFile.write(
            secretKey: key, id: 3, role: .client, to: url, passphrase: nil, force: false)
        let (file, readKey) = try IdentityKeyFile.read(from: url, passphrase: nil)
        #expect(file == written)
        #expect(file.id == 3 && file.role == .client && !file.isEncrypted)
        #expect(file.publicKey == key.publicKey)
        #expect(readKey.seed == key.seed)
        let message = Array("round 1".utf8)
        #expect(key.publicKey.isValidSignature(readKey.sign(message), for: message))
        #expect(try fileMode(url) == 0o600)
        #expect(try jsonString("seed", in: url) == seedHex(key))
        #expect(try jsonString("format", in: url) == "secagg-identity-key")
        // No temporary file is left next to the key.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["client-0003.key"])
    }

    @Test func encryptedKeyFileRoundTripsAndStoresNoSeed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let key = try fixedKey(9)
        let url = dir.file("server.key")
        try IdentityKeyFile.write(
            secretKey: key, id: 0, role: .server, to: url, passphrase: passphrase, argon2: cheapArgon2, force: false)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(!text.contains(seedHex(key)))
        #expect(try jsonString("encoding", in: url) == "argon2id-xchacha20poly1305")
        #expect(try jsonString("ciphertext", in: url)?.count == 2 * (32 + 40))
        #expect(try jsonString("salt", in: url)?.count == 32)
        let (file, readKey) = try IdentityKeyFile.read(from: url, passphrase: passphrase)
        #expect(file.id == 0 && file.role == .server && file.isEncrypted)
        #expect(readKey.seed == key.seed)
        #expect(try fileMode(url) == 0o600)
    }

    @Test func wrongPassphraseIsATypedError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.file("client-0001.key")
        try IdentityKeyFile.write(
            secretKey: try fixedKey(1), id: 1, role: .client, to: url, passphrase: passphrase, argon2: cheapArgon2,
            force: false)
        let wrong = SecureBytes(copying: Array("Correct horse battery staple".utf8))
        let error = #expect(throws: FedCoreError.KeyFile.self) { try IdentityKeyFile.read(from: url, passphrase: wrong) }
        #expect(error == .wrongPassphrase(path: url.path))
        #expect(error?.description.contains("wrong passphrase or corrupted key file") == true)
        #expect(throws: FedCoreError.KeyFile.passphraseRequired(path: url.path)) {
            try IdentityKeyFile.read(from: url, passphrase: nil)
        }
    }

    enum Corruption: String, CaseIterable, Sendable {
        case flippedCiphertextByte, editedPublicKeyEncrypted, swappedId, editedPublicKeyPlain, badSeedHex,
            shortSeed, unknownVersion, unknownFormat, unknownEncoding, truncatedJSON, clientClaimsServerId,
            missingSalt, shortCiphertext

        var encrypted: Bool {
            switch self {
            case .flippedCiphertextByte, .editedPublicKeyEncrypted, .swappedId, .missingSalt, .shortCiphertext: true
            default: false
            }
        }
    }

    @Test(arguments: Corruption.allCases)
    func corruptedFilesAreRefusedWithTheRightError(_ corruption: Corruption) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.file("client-0003.key")
        let key = try fixedKey(3)
        try IdentityKeyFile.write(
            secretKey: key, id: 3, role: .client, to: url, passphrase: corruption.encrypted ? passphrase : nil,
            argon2: cheapArgon2, force: false)
        let publicHex = key.publicKey.hex
        let seed = seedHex(key)
        let path = url.path
        let expected: FedCoreError.KeyFile
        switch corruption {
        case .flippedCiphertextByte:
            let ciphertext = try #require(try jsonString("ciphertext", in: url))
            try edit(url) { flipHexDigit(in: $0, of: ciphertext, at: 80) }
            expected = .wrongPassphrase(path: path)
        case .editedPublicKeyEncrypted:
            try edit(url) { flipHexDigit(in: $0, of: publicHex, at: 10) }
            expected = .wrongPassphrase(path: path)
        case .swappedId:
            try edit(url) { $0.replacingOccurrences(of: "\"id\": 3", with: "\"id\": 4") }
            expected = .wrongPassphrase(path: path)
        case .editedPublicKeyPlain:
            try edit(url) { flipHexDigit(in: $0, of: publicHex, at: 10) }
            expected = .publicKeyMismatch(path: path)
        case .badSeedHex:
            try edit(url) { $0.replacingOccurrences(of: seed, with: "zz" + seed.dropFirst(2)) }
            expected = .invalidField(path: path, field: "secret.seed", reason: "not hexadecimal")
        case .shortSeed:
            try edit(url) { $0.replacingOccurrences(of: seed, with: String(seed.dropLast(2))) }
            expected = .invalidField(path: path, field: "secret.seed", reason: "expected 64 hex digits")
        case .unknownVersion:
            try edit(url) { $0.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2") }
            expected = .unsupportedVersion(path: path, version: 2)
        case .unknownFormat:
            try edit(url) { $0.replacingOccurrences(of: "secagg-identity-key", with: "other-key") }
            expected = .unsupportedFormat(path: path, format: "other-key")
        case .unknownEncoding:
            try edit(url) { $0.replacingOccurrences(of: "\"plain\"", with: "\"rot13\"") }
            expected = .unsupportedSecretEncoding(path: path, encoding: "rot13")
        case .truncatedJSON:
            try edit(url) { String($0.prefix(60)) }
            expected = .malformed(path: path, reason: "not valid JSON")
        case .clientClaimsServerId:
            try edit(url) { $0.replacingOccurrences(of: "\"id\": 3", with: "\"id\": 0") }
            expected = .idRoleMismatch(path: path, id: 0, role: "client")
        case .missingSalt:
            try edit(url) { $0.replacingOccurrences(of: "\"salt\"", with: "\"pepper\"") }
            expected = .malformed(path: path, reason: "missing field secret.salt")
        case .shortCiphertext:
            let ciphertext = try #require(try jsonString("ciphertext", in: url))
            try edit(url) { $0.replacingOccurrences(of: ciphertext, with: String(ciphertext.dropLast(2))) }
            expected = .invalidField(path: path, field: "secret.ciphertext", reason: "expected 144 hex digits")
        }
        #expect(throws: expected) { try IdentityKeyFile.read(from: url, passphrase: passphrase) }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o700])
    func keyFilesAccessibleByOthersAreRefused(mode: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.file("client-0001.key")
        try IdentityKeyFile.write(
            secretKey: try fixedKey(1), id: 1, role: .client, to: url, passphrase: nil, force: false)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        if mode & 0o077 == 0 {
            // Owner-only modes (here 0700) are accepted.
            #expect(try IdentityKeyFile.read(from: url, passphrase: nil).0.id == 1)
            return
        }
        let error = #expect(throws: FedCoreError.KeyFile.self) { try IdentityKeyFile.read(from: url, passphrase: nil) }
        #expect(error == .insecurePermissions(path: url.path, mode: UInt32(0o100000 | mode)))
        #expect(error?.description.contains("chmod 600 \(url.path)") == true)
    }

    @Test func existingFileIsNotOverwrittenWithoutForce() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.file("client-0001.key")
        let first = try fixedKey(1)
        let second = try fixedKey(2)
        try IdentityKeyFile.write(secretKey: first, id: 1, role: .client, to: url, passphrase: nil, force: false)
        #expect(throws: FedCoreError.KeyFile.fileExists(path: url.path)) {
            try IdentityKeyFile.write(secretKey: second, id: 1, role: .client, to: url, passphrase: nil, force: false)
        }
        #expect(try IdentityKeyFile.read(from: url, passphrase: nil).1.seed == first.seed)
        try IdentityKeyFile.write(secretKey: second, id: 1, role: .client, to: url, passphrase: nil, force: true)
        #expect(try IdentityKeyFile.read(from: url, passphrase: nil).1.seed == second.seed)
        #expect(try fileMode(url) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["client-0001.key"])
    }

    @Test func writerRefusesAnIdThatDoesNotFitTheRole() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.file("x.key")
        let key = try fixedKey(1)
        #expect(throws: FedCoreError.KeyFile.idRoleMismatch(path: url.path, id: 0, role: "client")) {
            try IdentityKeyFile.write(secretKey: key, id: 0, role: .client, to: url, passphrase: nil, force: false)
        }
        #expect(throws: FedCoreError.KeyFile.idRoleMismatch(path: url.path, id: 5, role: "server")) {
            try IdentityKeyFile.write(secretKey: key, id: 5, role: .server, to: url, passphrase: nil, force: false)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    /// A crafted file asking for 1 TiB (or 2 GiB just above the cap, or 1000 passes) is refused by the bounds
    /// check before Argon2id runs: the error is the bounds error, not a derivation (allocation) failure.
    @Test(arguments: [
        (UInt64(1), UInt64(1) << 40), (UInt64(1), UInt64(2) << 30), (UInt64(1000), UInt64(64) << 10),
        (UInt64(0), UInt64(64) << 10), (UInt64(1), UInt64(1024)),
    ])
    func craftedArgon2CostBeyondTheBoundsIsRefused(opsLimit: UInt64, memLimit: UInt64) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let url = dir.file("server.key")
        try IdentityKeyFile.write(
            secretKey: try fixedKey(4), id: 0, role: .server, to: url, passphrase: passphrase, argon2: cheapArgon2,
            force: false)
        try edit(url) {
            $0.replacingOccurrences(of: "\"memlimit\": \(cheapArgon2.memLimitBytes)", with: "\"memlimit\": \(memLimit)")
                .replacingOccurrences(of: "\"opslimit\": 1", with: "\"opslimit\": \(opsLimit)")
        }
        let expected = FedCoreError.KeyFile.argon2ParametersOutOfBounds(
            path: url.path, opsLimit: opsLimit, memLimitBytes: memLimit)
        #expect(throws: expected) { try IdentityKeyFile.read(from: url, passphrase: passphrase) }
    }

    @Test func oversizedMissingAndNonRegularFilesAreRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let big = dir.file("big.key")
        let limit = IdentityKeyFile.maxFileByteCount
        try Data(repeating: 0x20, count: limit + 1).write(to: big)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: big.path)
        #expect(throws: FedCoreError.KeyFile.fileTooLarge(path: big.path, byteCount: limit + 1, limit: limit)) {
            try IdentityKeyFile.read(from: big, passphrase: nil)
        }
        let sub = dir.file("dir.key")
        try FileManager.default.createDirectory(
            at: sub, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        #expect(throws: FedCoreError.KeyFile.notARegularFile(path: sub.path)) {
            try IdentityKeyFile.read(from: sub, passphrase: nil)
        }
        let missing = dir.file("missing.key")
        let error = #expect(throws: FedCoreError.KeyFile.self) { try IdentityKeyFile.read(from: missing, passphrase: nil) }
        guard case .ioFailed(let path, "open", _) = error else {
            Issue.record("expected an open failure, got \(String(describing: error))")
            return
        }
        #expect(path == missing.path)
    }

    @Test func errorDescriptionsNeverContainTheSecretOrThePassphrase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let key = try fixedKey(0x5a)
        let seed = seedHex(key)
        let passphraseText = "correct horse battery staple"
        var errors: [FedCoreError.KeyFile] = []
        func collect(_ body: () throws -> Void) {
            do { try body() } catch let error as FedCoreError.KeyFile { errors.append(error) } catch {
                Issue.record("unexpected error type \(type(of: error))")
            }
        }
        // Plain file: corrupt the public key, the version, the seed's syntax and type.
        let plain = dir.file("plain.key")
        let edits: [(String) -> String] = [
            { flipHexDigit(in: $0, of: key.publicKey.hex, at: 0) },
            { $0.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 7") },
            { $0.replacingOccurrences(of: "\"seed\": \"", with: "\"seed\": \"x") },
            { $0.replacingOccurrences(of: "\"seed\": \"\(seed)\"", with: "\"seed\": \(seed)") },
            { $0.replacingOccurrences(of: "\"seed\": \"\(seed)\"", with: "\"seed\": [\"\(seed)\"]") },
            { $0.replacingOccurrences(of: "\"\(seed)\"", with: "\"\(seed)") },
        ]
        for transform in edits {
            try? FileManager.default.removeItem(at: plain)
            try IdentityKeyFile.write(secretKey: key, id: 1, role: .client, to: plain, passphrase: nil, force: false)
            try edit(plain, transform)
            collect { _ = try IdentityKeyFile.read(from: plain, passphrase: nil) }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: plain.path)
        collect { _ = try IdentityKeyFile.read(from: plain, passphrase: nil) }
        // Encrypted file: wrong passphrase, no passphrase, overwrite refused.
        let sealed = dir.file("sealed.key")
        try IdentityKeyFile.write(
            secretKey: key, id: 1, role: .client, to: sealed, passphrase: passphrase, argon2: cheapArgon2, force: false)
        collect { _ = try IdentityKeyFile.read(from: sealed, passphrase: SecureBytes(copying: Array("nope".utf8))) }
        collect { _ = try IdentityKeyFile.read(from: sealed, passphrase: nil) }
        collect {
            try IdentityKeyFile.write(
                secretKey: key, id: 1, role: .client, to: sealed, passphrase: passphrase, argon2: cheapArgon2,
                force: false)
        }
        #expect(errors.count == 10)
        for error in errors {
            for text in [error.description, String(reflecting: error), error.localizedDescription] {
                #expect(!text.lowercased().contains(seed.prefix(16)))
                #expect(!text.contains(passphraseText))
            }
        }
    }

    @Test func passphraseComesFromTheNamedEnvironmentVariable() throws {
        let name = "SECAGG_TEST_PASS_\(UInt32.random(in: 0...UInt32.max))"
        #expect(throws: FedCoreError.KeyFile.passphraseVariableMissing(name: name)) { try Passphrase.fromEnvironment(name) }
        setenv(name, "", 1)
        defer { unsetenv(name) }
        #expect(throws: FedCoreError.KeyFile.passphraseVariableEmpty(name: name)) { try Passphrase.fromEnvironment(name) }
        setenv(name, "s3cret phrase", 1)
        #expect(try Passphrase.fromEnvironment(name) == SecureBytes(copying: Array("s3cret phrase".utf8)))
        #expect(throws: FedCoreError.KeyFile.self) { try Passphrase.fromEnvironment("A=B") }
    }
}
