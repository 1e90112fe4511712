/// Errors raised by the libsodium layer. No case ever carries secret material.
public enum SodiumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input had the wrong number of bytes (`what` names the input).
    case invalidLength(what: String, expected: Int, actual: Int)
    /// X25519 produced the all-zero shared secret (a low-order peer key); refused.
    case weakSharedSecret
    /// A public key was rejected by libsodium (not a valid encoding).
    case invalidPublicKey
    /// AEAD decryption failed: wrong key, wrong additional data, or tampered ciphertext.
    case authenticationFailed
    /// Argon2id failed (typically: not enough memory for the requested limit).
    case keyDerivationFailed
    /// Parameters outside the range this layer accepts (`what` says which).
    case invalidParameter(what: String)
    /// libsodium could not be initialised.
    case initializationFailed
    /// A libsodium call returned a failure code although its arguments were valid (`function` and its code).
    case libraryCallFailed(function: String, code: Int32)

    public var description: String {
        switch self {
        case let .invalidLength(what, expected, actual):
            return "\(what): expected \(expected) bytes, got \(actual)"
        case .weakSharedSecret: return "X25519 shared secret is all zero (low-order public key)"
        case .invalidPublicKey: return "invalid public key"
        case .authenticationFailed: return "authentication failed (wrong key, wrong context or tampered data)"
        case .keyDerivationFailed: return "Argon2id key derivation failed"
        case let .invalidParameter(what): return "invalid parameter: \(what)"
        case .initializationFailed: return "libsodium could not be initialised"
        case let .libraryCallFailed(function, code): return "libsodium \(function) failed (return code \(code))"
        }
    }
}

@inline(__always)
func checkLength(_ what: String, _ actual: Int, _ expected: Int) throws(SodiumError) {
    guard actual == expected else { throw .invalidLength(what: what, expected: expected, actual: actual) }
}
