internal import CSodium

/// One-time libsodium initialisation. Every entry point of this module calls
/// `SodiumRuntime.ensureInitialized()` first; `sodium_init` is itself idempotent and thread-safe.
enum SodiumRuntime {
    static let initialized: Bool = sodium_init() >= 0

    @inline(__always)
    static func ensureInitialized() {
        // sodium_init only fails when the system has no entropy source; nothing can work then.
        precondition(initialized, "libsodium could not be initialised")
    }
}

/// Checks the return code of a libsodium call whose documented failure conditions this layer has already
/// ruled out (lengths checked, output and key sizes within the primitive's bounds, message far below its
/// maximum, state finalised once). A non-zero code then means libsodium itself is broken; carrying on would
/// hand out an unwritten buffer as a key, tag, digest or signature, so the process stops instead.
///
/// Calls that *can* fail for their inputs (decryption, `crypto_scalarmult` on a peer key, Argon2id's memory)
/// throw ``SodiumError`` instead; so do the key constructors, which already throw.
@inline(__always)
func sodiumMustSucceed(_ code: CInt, _ function: StaticString) {
    precondition(code == 0, "libsodium \(function) returned \(code) for arguments it accepts by contract")
}

/// Overwrites `buffer` with zeros in a way the compiler cannot elide (`sodium_memzero`).
public func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    sodium_memzero(base, buffer.count)
}

/// Overwrites an array's bytes with zeros (`sodium_memzero`).
public func secureZero(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { secureZero($0) }
}
