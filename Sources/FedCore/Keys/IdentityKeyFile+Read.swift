import Foundation
import Sodium

extension IdentityKeyFile {
    /// Reads and verifies the key file at `url`, returning its public description and its signing key.
    ///
    /// Refuses, with a typed error naming the file: permissions looser than 0600 (any group/other bit),
    /// non-regular or oversized files, unknown `format`/`version`/`secret.encoding`, bad hex or lengths, an id
    /// that does not fit the role, Argon2id costs beyond ``Argon2id/Parameters`` maxima (checked before any
    /// allocation), a missing passphrase for an encrypted file, a wrong passphrase or altered ciphertext
    /// (``FedCoreError/KeyFile/wrongPassphrase(path:)``), and a seed that does not reproduce the stored public key.
    ///
    /// `passphrase` is ignored for plain files. The raw file bytes and decoded seed bytes are wiped before
    /// returning. (The plain seed's hex also passes through `JSONDecoder` as a `String`, which cannot be wiped;
    /// plain files rely on file permissions — encrypt them when that matters.)
    public static func read(
        from url: URL, passphrase: SecureBytes?
    ) throws(FedCoreError.KeyFile) -> (IdentityKeyFile, Ed25519.SecretKey) {
        let path = url.path
        var raw: [UInt8]
        do {
            raw = try FileIO.read(path, limit: maxFileByteCount, ownerOnly: true)
        } catch {
            throw FedCoreError.KeyFile(error)
        }
        defer { secureZero(&raw) }
        let document = try decodeDocument(raw, path: path)
        return try open(document, path: path, passphrase: passphrase)
    }

    private static func decodeDocument(_ raw: [UInt8], path: String) throws(FedCoreError.KeyFile) -> KeyFileDocument {
        // Decode straight from the wiped buffer, without copying it into an unwiped `Data`.
        var mutable = raw
        defer { secureZero(&mutable) }
        let result: Result<KeyFileDocument, FedCoreError.KeyFile> = mutable.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return .failure(.malformed(path: path, reason: "empty file")) }
            let data = Data(bytesNoCopy: base, count: buffer.count, deallocator: .none)
            let decoder = JSONDecoder()
            let header: KeyFileHeaderDocument
            do {
                header = try decoder.decode(KeyFileHeaderDocument.self, from: data)
            } catch {
                return .failure(.malformed(path: path, reason: describeDecodingFailure(error)))
            }
            guard let format = header.format else {
                return .failure(.malformed(path: path, reason: "missing field format"))
            }
            guard format == formatName else { return .failure(.unsupportedFormat(path: path, format: format)) }
            guard let version = header.version else {
                return .failure(.malformed(path: path, reason: "missing field version"))
            }
            guard version == formatVersion else { return .failure(.unsupportedVersion(path: path, version: version)) }
            do {
                return .success(try decoder.decode(KeyFileDocument.self, from: data))
            } catch {
                return .failure(.malformed(path: path, reason: describeDecodingFailure(error)))
            }
        }
        return try result.get()
    }

    private static func open(
        _ document: KeyFileDocument, path: String, passphrase: SecureBytes?
    ) throws(FedCoreError.KeyFile) -> (IdentityKeyFile, Ed25519.SecretKey) {
        guard let role = Role(rawValue: document.role) else {
            throw .invalidField(path: path, field: "role", reason: "expected \"server\" or \"client\"")
        }
        guard role.accepts(id: document.id) else {
            throw .idRoleMismatch(path: path, id: document.id, role: role.rawValue)
        }
        let publicKey = try parsePublicKey(document.signPublicKey, path: path)
        let header = KeyFileHeader(id: document.id, role: role, publicKey: publicKey)

        let seed: SecureBytes
        let encrypted: Bool
        switch document.secret.encoding {
        case KeyFileSecret.plainEncoding:
            seed = try plainSeed(document.secret, path: path)
            encrypted = false
        case KeyFileSecret.encryptedEncoding:
            seed = try decryptSeed(document.secret, header: header, path: path, passphrase: passphrase)
            encrypted = true
        default:
            throw .unsupportedSecretEncoding(path: path, encoding: document.secret.encoding)
        }

        let secretKey: Ed25519.SecretKey
        do {
            secretKey = try Ed25519.SecretKey(seed: seed)
        } catch {
            throw .invalidField(path: path, field: "secret", reason: "not a 32-byte Ed25519 seed")
        }
        guard secretKey.publicKey == publicKey else { throw .publicKeyMismatch(path: path) }
        return (IdentityKeyFile(id: document.id, role: role, publicKey: publicKey, isEncrypted: encrypted), secretKey)
    }

    private static func parsePublicKey(_ hex: String, path: String) throws(FedCoreError.KeyFile) -> Ed25519.PublicKey {
        let bytes = try decodeHex(hex, field: "sign_public_key", byteCount: Ed25519.publicKeyByteCount, path: path)
        do {
            return try Ed25519.PublicKey(bytes: bytes)
        } catch {
            throw .invalidField(path: path, field: "sign_public_key", reason: "not an Ed25519 public key")
        }
    }

    private static func plainSeed(_ secret: KeyFileDocument.Secret, path: String) throws(FedCoreError.KeyFile) -> SecureBytes {
        guard let hex = secret.seed else { throw .malformed(path: path, reason: "missing field secret.seed") }
        var bytes = try decodeHex(hex, field: "secret.seed", byteCount: Ed25519.seedByteCount, path: path)
        defer { secureZero(&bytes) }
        return SecureBytes(copying: bytes)
    }

    private static func decryptSeed(
        _ secret: KeyFileDocument.Secret, header: KeyFileHeader, path: String, passphrase: SecureBytes?
    ) throws(FedCoreError.KeyFile) -> SecureBytes {
        guard let saltHex = secret.salt else { throw .malformed(path: path, reason: "missing field secret.salt") }
        guard let ops = secret.opslimit else { throw .malformed(path: path, reason: "missing field secret.opslimit") }
        guard let mem = secret.memlimit else { throw .malformed(path: path, reason: "missing field secret.memlimit") }
        guard let sealedHex = secret.ciphertext else {
            throw .malformed(path: path, reason: "missing field secret.ciphertext")
        }
        let salt = try decodeHex(saltHex, field: "secret.salt", byteCount: Argon2id.saltByteCount, path: path)
        let sealed = try decodeHex(
            sealedHex, field: "secret.ciphertext", byteCount: KeyFileSecret.sealedByteCount, path: path)
        let parameters = Argon2id.Parameters(opsLimit: ops, memLimitBytes: mem)
        do {
            try parameters.validate()
        } catch {
            throw .argon2ParametersOutOfBounds(path: path, opsLimit: ops, memLimitBytes: mem)
        }
        guard let passphrase, passphrase.count > 0 else { throw .passphraseRequired(path: path) }
        let key: SecureBytes
        do {
            key = try Argon2id.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        } catch {
            throw .keyDerivationFailed(path: path)
        }
        do {
            return try XChaCha20Poly1305.open(sealed, key: key, additionalData: header.additionalData)
        } catch {
            throw .wrongPassphrase(path: path)
        }
    }

    private static func decodeHex(
        _ hex: String, field: String, byteCount: Int, path: String
    ) throws(FedCoreError.KeyFile) -> [UInt8] {
        guard hex.utf8.count == 2 * byteCount else {
            throw .invalidField(path: path, field: field, reason: "expected \(2 * byteCount) hex digits")
        }
        guard let bytes = Hex.decode(hex) else {
            throw .invalidField(path: path, field: field, reason: "not hexadecimal")
        }
        return bytes
    }
}
