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

/// Overwrites `buffer` with zeros in a way the compiler cannot elide (`sodium_memzero`).
public func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    sodium_memzero(base, buffer.count)
}

/// Overwrites an array's bytes with zeros (`sodium_memzero`).
public func secureZero(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { secureZero($0) }
}
