internal import CSodium

/// BLAKE2b (RFC 7693) via libsodium's `crypto_generichash`.
public enum Blake2b {
    /// Output length bounds accepted by libsodium (bytes).
    public static let minOutputByteCount = 16
    public static let maxOutputByteCount = 64

    /// Unkeyed hash of `message`, `outputByteCount` bytes (16…64).
    public static func hash(_ message: [UInt8], outputByteCount: Int = 32) -> [UInt8] {
        SodiumRuntime.ensureInitialized()
        precondition((minOutputByteCount...maxOutputByteCount).contains(outputByteCount))
        var out = [UInt8](repeating: 0, count: outputByteCount)
        // Fails only for an output or key length outside libsodium's bounds (checked above).
        sodiumMustSucceed(
            crypto_generichash(&out, outputByteCount, message, UInt64(message.count), nil, 0), "crypto_generichash")
        return out
    }

    /// Keyed hash (a PRF / MAC). The output is secret when the key is, so it is returned wiped-on-release.
    public static func keyedHash(key: SecureBytes, message: [UInt8], outputByteCount: Int = 32) -> SecureBytes {
        precondition((minOutputByteCount...maxOutputByteCount).contains(outputByteCount))
        precondition((16...64).contains(key.count), "BLAKE2b key must be 16…64 bytes")
        SodiumRuntime.ensureInitialized()
        return SecureBytes(count: outputByteCount) { out in
            key.withUnsafeBytes { k in
                let code = crypto_generichash(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), outputByteCount,
                    message, UInt64(message.count),
                    k.baseAddress!.assumingMemoryBound(to: UInt8.self), k.count)
                sodiumMustSucceed(code, "crypto_generichash")
            }
        }
    }

    /// Incremental unkeyed BLAKE2b for large or streamed inputs (files, audit records).
    /// Not thread-safe; use one hasher per task.
    public final class Hasher {
        private let state: UnsafeMutableRawPointer
        private let outputByteCount: Int
        private var finished = false

        public init(outputByteCount: Int = 32) {
            SodiumRuntime.ensureInitialized()
            precondition((Blake2b.minOutputByteCount...Blake2b.maxOutputByteCount).contains(outputByteCount))
            self.outputByteCount = outputByteCount
            // crypto_generichash_state is opaque to Swift: allocate its size, 64-byte aligned.
            state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
            sodiumMustSucceed(
                crypto_generichash_init(OpaquePointer(state), nil, 0, outputByteCount), "crypto_generichash_init")
        }

        deinit {
            sodium_memzero(state, crypto_generichash_statebytes())
            state.deallocate()
        }

        /// Absorbs `bytes`.
        public func update(_ bytes: UnsafeRawBufferPointer) {
            precondition(!finished, "Blake2b.Hasher used after finalize()")
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            let code = crypto_generichash_update(
                OpaquePointer(state), base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
            sodiumMustSucceed(code, "crypto_generichash_update")
        }

        public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

        /// The digest; the hasher cannot be used afterwards.
        public func finalize() -> [UInt8] {
            precondition(!finished, "Blake2b.Hasher finalized twice")
            finished = true
            var out = [UInt8](repeating: 0, count: outputByteCount)
            // Fails only when finalised twice (refused above).
            sodiumMustSucceed(
                crypto_generichash_final(OpaquePointer(state), &out, outputByteCount), "crypto_generichash_final")
            return out
        }
    }
}
