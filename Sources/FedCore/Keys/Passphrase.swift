import Foundation
import Sodium

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading key-file passphrases from the environment (`--passphrase-env VAR`), so they never appear on a
/// command line or in shell history.
public enum Passphrase {
    /// The value of environment variable `name`, copied straight from the C environment into a wiped buffer
    /// (no Swift `String` of the secret is made).
    ///
    /// - Throws: ``FedCoreError/KeyFile/passphraseVariableMissing(name:)`` when unset,
    ///   ``FedCoreError/KeyFile/passphraseVariableEmpty(name:)`` when set to the empty string,
    ///   ``FedCoreError/KeyFile/invalidArgument(reason:)`` for an empty name or one containing `=`.
    public static func fromEnvironment(_ name: String) throws(FedCoreError.KeyFile) -> SecureBytes {
        guard !name.isEmpty, !name.contains("="), !name.contains("\0") else {
            throw .invalidArgument(reason: "invalid environment variable name \"\(name)\"")
        }
        guard let value = getenv(name) else { throw .passphraseVariableMissing(name: name) }
        let count = strlen(value)
        guard count > 0 else { throw .passphraseVariableEmpty(name: name) }
        return SecureBytes(count: count) { out in
            out.copyMemory(from: UnsafeRawBufferPointer(start: value, count: count))
        }
    }
}
