import Foundation
import Sodium

/// The public half of one identity key file: who the file belongs to. The secret half is returned separately,
/// as an ``Ed25519/SecretKey``, by ``read(from:passphrase:)``.
///
/// On disk (version 1, JSON; see Docs/keys.md):
/// ```
/// {"format": "secagg-identity-key", "version": 1, "id": 3, "role": "client",
///  "sign_public_key": "<64 hex>",
///  "secret": {"encoding": "plain", "seed": "<64 hex>"}}
/// ```
/// or, with a passphrase, `"secret": {"encoding": "argon2id-xchacha20poly1305", "salt": "<32 hex>",
/// "opslimit": 2, "memlimit": 67108864, "ciphertext": "<144 hex>"}` where `ciphertext` is
/// nonce(24) ‖ XChaCha20-Poly1305(seed)(32) ‖ tag(16) under the 32-byte Argon2id key, with additional data
/// binding format, version, id, role and public key (so no field can be swapped between files).
///
/// Invariants: the server is id 0 with role `.server`; clients are ids ≥ 1 with role `.client`. Key files are
/// written with mode 0600 and refused on read when group or others have any permission.
public struct IdentityKeyFile: Sendable, Equatable {
    /// The value of the `format` field.
    public static let formatName = "secagg-identity-key"
    /// The key-file version this build writes and reads.
    public static let formatVersion = 1
    /// No valid key file is larger than this (bytes); larger files are refused before parsing.
    public static let maxFileByteCount = 16 << 10

    /// Which side of the protocol an identity belongs to.
    public enum Role: String, Sendable, Equatable, CaseIterable {
        /// The aggregation server, always id 0.
        case server
        /// A client, ids 1 and up.
        case client

        /// Whether `id` is legal for this role (server: 0; client: ≥ 1).
        public func accepts(id: UInt32) -> Bool { self == .server ? id == 0 : id >= 1 }
    }

    /// The identity's id (0 for the server, 1… for clients, as in registry.json).
    public let id: UInt32
    /// The identity's role; consistent with `id`.
    public let role: Role
    /// The Ed25519 public key recorded in the file (verified against the secret on read).
    public let publicKey: Ed25519.PublicKey
    /// Whether the secret is Argon2id-encrypted on disk.
    public let isEncrypted: Bool

    init(id: UInt32, role: Role, publicKey: Ed25519.PublicKey, isEncrypted: Bool) {
        self.id = id
        self.role = role
        self.publicKey = publicKey
        self.isEncrypted = isEncrypted
    }

    /// Writes `secretKey` as identity `id` to `url`, atomically, with mode 0600 from the file's creation.
    ///
    /// - Parameters:
    ///   - passphrase: when non-nil (and non-empty), the seed is sealed under an Argon2id key derived with
    ///     `argon2` and a fresh 16-byte salt; when nil the seed is stored in plain hex (rely on file permissions).
    ///   - argon2: Argon2id cost; must satisfy ``Argon2id/Parameters/validate()``. Default `.moderate`
    ///     (3 passes, 256 MiB); `secagg-tool keygen` uses `.interactive`.
    ///   - force: replace an existing file; without it an existing destination is refused (atomically).
    /// - Returns: the public description of what was written.
    @discardableResult
    public static func write(
        secretKey: Ed25519.SecretKey, id: UInt32, role: Role, to url: URL, passphrase: SecureBytes?,
        argon2: Argon2id.Parameters = .moderate, force: Bool
    ) throws(FedCoreError.KeyFile) -> IdentityKeyFile {
        let path = url.path
        guard role.accepts(id: id) else { throw .idRoleMismatch(path: path, id: id, role: role.rawValue) }
        if let passphrase, passphrase.count == 0 {
            throw .invalidArgument(reason: "empty passphrase for \(path)")
        }
        // Fail fast before spending Argon2id time; the final link(2) re-checks atomically.
        if !force, FileIO.exists(path) { throw .fileExists(path: path) }

        let header = KeyFileHeader(id: id, role: role, publicKey: secretKey.publicKey)
        let secret: KeyFileSecret
        if let passphrase {
            do {
                try argon2.validate()
            } catch {
                throw .invalidArgument(reason: "Argon2id parameters out of bounds: \(error)")
            }
            let salt = SecureBytes(randomCount: Argon2id.saltByteCount).withUnsafeBytes { Array($0) }
            let key: SecureBytes
            do {
                key = try Argon2id.deriveKey(passphrase: passphrase, salt: salt, parameters: argon2)
            } catch {
                throw .keyDerivationFailed(path: path)
            }
            let sealed = XChaCha20Poly1305.seal(secretKey.seed, key: key, additionalData: header.additionalData)
            secret = .encrypted(salt: salt, parameters: argon2, ciphertext: sealed)
        } else {
            secret = .plain(secretKey.seed)
        }

        var bytes = KeyFileJSON.render(header: header, secret: secret)
        defer { secureZero(&bytes) }
        let outcome: Result<Void, FileIOFailure> = bytes.withUnsafeBytes { raw in
            Result { () throws(FileIOFailure) in try FileIO.writeAtomically(raw, to: path, mode: 0o600, force: force) }
        }
        if case let .failure(failure) = outcome { throw FedCoreError.KeyFile(failure) }
        return IdentityKeyFile(id: id, role: role, publicKey: secretKey.publicKey, isEncrypted: passphrase != nil)
    }
}

extension FedCoreError.KeyFile {
    init(_ failure: FileIOFailure) {
        switch failure {
        case let .exists(path): self = .fileExists(path: path)
        case let .io(path, operation, reason): self = .ioFailed(path: path, operation: operation, reason: reason)
        case let .notRegular(path): self = .notARegularFile(path: path)
        case let .tooLarge(path, count, limit): self = .fileTooLarge(path: path, byteCount: count, limit: limit)
        case let .looseMode(path, mode): self = .insecurePermissions(path: path, mode: mode)
        }
    }
}
