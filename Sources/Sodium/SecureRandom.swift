internal import CSodium

/// A source of cryptographically strong random bits that can also fill buffers.
///
/// Everything that needs randomness takes one of these so that tests and `--seed` runs can inject a
/// deterministic generator.
public protocol SecureRandom: RandomNumberGenerator {
    /// Fills `buffer` with random bytes.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

extension SecureRandom {
    /// `count` random bytes in a wiped buffer.
    public mutating func secureBytes(count: Int) -> SecureBytes {
        var copy = self
        let out = SecureBytes(count: count) { copy.fill($0) }
        self = copy
        return out
    }

    /// `count` random public bytes (nonces, salts).
    public mutating func bytes(count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }
}

/// A fast CSPRNG: ChaCha20 keystream (libsodium) under a 256-bit key, buffered 4 KiB at a time.
///
/// - ``system()`` takes its key from libsodium's `randombytes_buf` (the OS entropy source): use it for
///   everything real.
/// - ``seeded(_:)`` derives the key from a caller-chosen value: **deterministic — tests and
///   `--seed` reproductions only, never secure**.
///
/// The type has reference semantics (copies share one stream); it is not thread-safe. The buffer and key
/// are wiped when released.
public struct ChaChaRandom: SecureRandom {
    private final class State {
        let key: SecureBytes
        var nonceCounter: UInt64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 64)
        var position = 4096

        init(key: SecureBytes) { self.key = key }

        deinit {
            secureZero(buffer)
            buffer.deallocate()
        }

        func refill() {
            var nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
            withUnsafeBytes(of: nonceCounter.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
            nonceCounter += 1
            ChaCha20.keystream(key: key, nonce: nonce, initialCounter: 0, into: buffer)
            position = 0
        }
    }

    private let state: State

    private init(key: SecureBytes) { state = State(key: key) }

    /// Keyed from the operating system's entropy (libsodium `randombytes_buf`).
    public static func system() -> ChaChaRandom { ChaChaRandom(key: SecureBytes(randomCount: 32)) }

    /// Deterministic generator from `seed`. **Tests and reproducible simulations only; not secure.**
    public static func seeded(_ seed: UInt64) -> ChaChaRandom {
        var material = Array("secagg.seeded-random.v1".utf8)
        withUnsafeBytes(of: seed.littleEndian) { material.append(contentsOf: $0) }
        return ChaChaRandom(key: SecureBytes(copying: Blake2b.hash(material, outputByteCount: 32)))
    }

    /// Deterministic generator from a 32-byte key (e.g. a public round seed for the Hadamard rotation).
    public static func seeded(key: SecureBytes) -> ChaChaRandom {
        precondition(key.count == 32)
        return ChaChaRandom(key: key)
    }

    public mutating func next() -> UInt64 {
        if state.position + 8 > state.buffer.count { state.refill() }
        let v = state.buffer.loadUnaligned(fromByteOffset: state.position, as: UInt64.self)
        state.position += 8
        return UInt64(littleEndian: v)
    }

    public mutating func fill(_ out: UnsafeMutableRawBufferPointer) {
        var written = 0
        while written < out.count {
            if state.position >= state.buffer.count { state.refill() }
            let n = min(out.count - written, state.buffer.count - state.position)
            out.baseAddress!.advanced(by: written).copyMemory(
                from: state.buffer.baseAddress!.advanced(by: state.position), byteCount: n)
            state.position += n
            written += n
        }
    }
}

/// Direct calls to libsodium's `randombytes_buf` (one system call per fill; use ``ChaChaRandom`` for many draws).
public struct SystemRandom: SecureRandom {
    public init() { SodiumRuntime.ensureInitialized() }

    public mutating func next() -> UInt64 {
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { fill($0) }
        return v
    }

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        randombytes_buf(base, buffer.count)
    }
}
