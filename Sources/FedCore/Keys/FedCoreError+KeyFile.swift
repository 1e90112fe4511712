import Sodium

extension FedCoreError {
    /// Errors reading or writing identity key files (``IdentityKeyFile``) and reading passphrases.
    ///
    /// No case ever carries secret material: only paths, field names, environment-variable names and public numbers.
    /// `description` is one line suitable for the CLI's stderr.
    public enum KeyFile: Error, Equatable, Sendable, CustomStringConvertible {
        /// The destination exists and `force` was not given.
        case fileExists(path: String)
        /// An operating-system call failed (`operation` names it, `reason` is `strerror`).
        case ioFailed(path: String, operation: String, reason: String)
        /// The key file is readable or writable by group or others (mode shown in octal).
        case insecurePermissions(path: String, mode: UInt32)
        /// The path is not a regular file.
        case notARegularFile(path: String)
        /// The file is larger than any valid key file (bytes).
        case fileTooLarge(path: String, byteCount: Int, limit: Int)
        /// Not valid JSON, or a required field is missing or has the wrong type.
        case malformed(path: String, reason: String)
        /// The `format` field is not `secagg-identity-key`.
        case unsupportedFormat(path: String, format: String)
        /// The `version` field is not one this reader knows.
        case unsupportedVersion(path: String, version: Int)
        /// The `secret.encoding` field is not `plain` or `argon2id-xchacha20poly1305`.
        case unsupportedSecretEncoding(path: String, encoding: String)
        /// A field has bad hex or the wrong length (`field` is its JSON path, e.g. `secret.salt`).
        case invalidField(path: String, field: String, reason: String)
        /// The id does not match the role (the server is id 0, clients are ids 1 and up).
        case idRoleMismatch(path: String, id: UInt32, role: String)
        /// The stored Argon2id cost exceeds ``Argon2id/Parameters`` bounds (refused before any allocation).
        case argon2ParametersOutOfBounds(path: String, opsLimit: UInt64, memLimitBytes: UInt64)
        /// The file is encrypted and no passphrase was supplied.
        case passphraseRequired(path: String)
        /// Decryption failed: the passphrase is wrong or the file was altered.
        case wrongPassphrase(path: String)
        /// Argon2id could not run (typically not enough memory for the stored limit).
        case keyDerivationFailed(path: String)
        /// The stored seed does not reproduce the stored public key: the file is corrupted.
        case publicKeyMismatch(path: String)
        /// The environment variable named for the passphrase is not set.
        case passphraseVariableMissing(name: String)
        /// The environment variable named for the passphrase is set but empty.
        case passphraseVariableEmpty(name: String)
        /// Parameters passed to a writer are invalid (`reason` says which).
        case invalidArgument(reason: String)

        public var description: String {
            switch self {
            case let .fileExists(path):
                return "\(path) already exists (refusing to overwrite without force)"
            case let .ioFailed(path, operation, reason):
                return "\(path): \(operation) failed: \(reason)"
            case let .insecurePermissions(path, mode):
                return "\(path) is accessible by group or others (mode \(String(mode & 0o7777, radix: 8))); "
                    + "run `chmod 600 \(path)`"
            case let .notARegularFile(path):
                return "\(path) is not a regular file"
            case let .fileTooLarge(path, byteCount, limit):
                return "\(path) is \(byteCount) bytes, larger than the \(limit)-byte limit for this kind of file"
            case let .malformed(path, reason):
                return "\(path) is not a valid key file: \(reason)"
            case let .unsupportedFormat(path, format):
                return "\(path) has format \"\(format)\", expected \"\(IdentityKeyFile.formatName)\""
            case let .unsupportedVersion(path, version):
                return "\(path) has key-file version \(version); this build reads version \(IdentityKeyFile.formatVersion)"
            case let .unsupportedSecretEncoding(path, encoding):
                return "\(path) has unknown secret encoding \"\(encoding)\""
            case let .invalidField(path, field, reason):
                return "\(path): field \(field): \(reason)"
            case let .idRoleMismatch(path, id, role):
                return "\(path): id \(id) does not fit role \(role) (server is id 0, clients are 1 and up)"
            case let .argon2ParametersOutOfBounds(path, ops, mem):
                return "\(path): Argon2id cost opslimit \(ops), memlimit \(mem) bytes is outside the accepted bounds "
                    + "(opslimit 1…\(Argon2id.Parameters.maxOpsLimit), memlimit "
                    + "\(Argon2id.Parameters.minMemLimitBytes)…\(Argon2id.Parameters.maxMemLimitBytes) bytes)"
            case let .passphraseRequired(path):
                return "\(path) is encrypted: a passphrase is required (--passphrase-env VAR)"
            case let .wrongPassphrase(path):
                return "\(path): wrong passphrase or corrupted key file"
            case let .keyDerivationFailed(path):
                return "\(path): Argon2id key derivation failed (not enough memory?)"
            case let .publicKeyMismatch(path):
                return "\(path): the secret does not reproduce the stored public key (corrupted key file)"
            case let .passphraseVariableMissing(name):
                return "passphrase environment variable \(name) is not set"
            case let .passphraseVariableEmpty(name):
                return "passphrase environment variable \(name) is empty"
            case let .invalidArgument(reason):
                return reason
            }
        }
    }
}
