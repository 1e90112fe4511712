internal import CSodium

/// A fixed-size buffer of secret bytes.
///
/// Invariants:
/// - The bytes are written once, at initialisation, and never change afterwards (hence `Sendable`).
/// - When the last reference goes away the bytes are overwritten with `sodium_memzero` before the
///   memory is released.
/// - The bytes are reachable only through ``withUnsafeBytes(_:)``; `description`, `debugDescription`
///   and string interpolation print the length only. There is deliberately no `Codable` conformance.
/// - `==` compares in constant time (`sodium_memcmp`).
public final class SecureBytes: @unchecked Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let storage: UnsafeMutableRawBufferPointer

    /// Number of bytes held.
    public var count: Int { countValue }

    /// Allocates `count` zeroed bytes and lets `initializer` fill them.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        SodiumRuntime.ensureInitialized()
        // Small secrets (keys, seeds, shares: a simulation holds millions) get malloc's own 16-byte alignment,
        // which costs no padding; long buffers start on a cache line.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: count < 256 ? 16 : 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try initializer(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
        } catch {
            secureZero(buffer)
            buffer.deallocate()
            throw error
        }
        storage = buffer
        countValue = count
    }

    private let countValue: Int

    /// `count` bytes from libsodium's CSPRNG (`randombytes_buf`).
    public convenience init(randomCount count: Int) {
        self.init(count: count) { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 { randombytes_buf(base, buffer.count) }
        }
    }

    /// Copies `bytes`. The caller remains responsible for wiping its own copy.
    public convenience init(copying bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        self.init(count: array.count) { buffer in
            array.withUnsafeBytes { source in buffer.copyMemory(from: source) }
        }
    }

    deinit {
        secureZero(storage)
        storage.deallocate()
    }

    /// Read access to the secret bytes. Do not let the pointer escape the closure.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<countValue]))
    }

    /// Constant-time comparison; buffers of different length are unequal.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.countValue == rhs.countValue else { return false }
        if lhs.countValue == 0 { return true }
        return sodium_memcmp(lhs.storage.baseAddress!, rhs.storage.baseAddress!, lhs.countValue) == 0
    }

    /// True when every byte is zero (constant time, `sodium_is_zero`).
    public var isAllZero: Bool {
        countValue == 0 || sodium_is_zero(storage.baseAddress!.assumingMemoryBound(to: UInt8.self), countValue) == 1
    }

    public var description: String { "SecureBytes(\(countValue) bytes, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["count": countValue]) }
}
