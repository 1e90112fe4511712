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

/// A fast CSPRNG: ChaCha20 keystream (libsodium) under a 256-bit key.
///
/// The stream is a sequence of 4 KiB segments: segment j is ChaCha20-IETF(key, nonce = j as 8 little-endian bytes
/// ‖ 4 zero bytes, block counter 0 … 63). The generator holds 512 bytes of it at a time (eight blocks, what
/// libsodium's vector code makes in one call), so a generator costs little memory while it waits (an in-process
/// simulation keeps two per client); a large ``fill(_:)`` writes the keystream straight into the caller's buffer.
/// The bytes are the same whatever the buffer size.
///
/// - ``system()`` takes its key from libsodium's `randombytes_buf` (the OS entropy source): use it for
///   everything real.
/// - ``seeded(_:)`` derives the key from a caller-chosen value: **deterministic — tests and
///   `--seed` reproductions only, never secure**.
///
/// A class, because a generator is one stream: `let b = a` (or `var b = a`) is the *same* generator, and
/// drawing from either advances both. To hand a party a generator of its own, call ``fork(label:)``, which
/// derives an independent keyed stream. Not thread-safe (hence not `Sendable`): use one generator per task.
/// The buffer and key are wiped when released.
public final class ChaChaRandom: SecureRandom {
    /// Bytes of one segment (one nonce), and of the buffer.
    static let segmentByteCount = 4096
    static let bufferByteCount = 512
    private static let blockByteCount = 64
    private static let blocksPerSegment = segmentByteCount / blockByteCount

    private let key: SecureBytes
    /// Blocks of the stream taken so far (into the buffer or straight out): the next one is block
    /// `taken % 64` of segment `taken / 64`.
    private var taken: UInt64 = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ChaChaRandom.bufferByteCount, alignment: 64)
    private var position = ChaChaRandom.bufferByteCount

    private init(key: SecureBytes) {
        precondition(key.count == ChaCha20.keyByteCount)
        self.key = key
    }

    deinit {
        secureZero(buffer)
        buffer.deallocate()
    }

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

    /// A new, independent generator for one purpose (e.g. one simulated client).
    ///
    /// Draws 32 bytes from this stream and derives the child's key from them as
    /// BLAKE2b-256(key = those bytes, message = "secagg.chacha-random.fork.v1" ‖ 0x00 ‖ UTF-8(`label`)).
    /// The child's output is therefore unrelated to anything this generator yields later, two forks never
    /// share a stream (each consumes fresh bytes, whatever the labels), and a seeded parent gives
    /// reproducible children. The parent advances by exactly 32 bytes.
    public func fork(label: String) -> ChaChaRandom {
        let material = SecureBytes(count: 32) { fill($0) }
        var message = Array("secagg.chacha-random.fork.v1".utf8)
        message.append(0)
        message.append(contentsOf: label.utf8)
        return ChaChaRandom(key: Blake2b.keyedHash(key: material, message: message, outputByteCount: 32))
    }

    /// Blocks left in the segment the next block belongs to (1 … 64).
    private var blocksLeftInSegment: Int { Self.blocksPerSegment - Int(taken % UInt64(Self.blocksPerSegment)) }

    /// Writes the next `blocks` whole blocks of the stream (all within one segment) into `out`.
    private func keystream(blocks: Int, into out: UnsafeMutableRawBufferPointer) {
        let segment = taken / UInt64(Self.blocksPerSegment)
        var nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
        withUnsafeBytes(of: segment.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
        ChaCha20.keystream(
            key: key, nonce: nonce, initialCounter: UInt32(taken % UInt64(Self.blocksPerSegment)),
            into: UnsafeMutableRawBufferPointer(rebasing: out[0..<(blocks * Self.blockByteCount)]))
        taken += UInt64(blocks)
    }

    private func refill() {
        keystream(blocks: Self.bufferByteCount / Self.blockByteCount, into: buffer)
        position = 0
    }

    /// The next 8 bytes of the stream, little-endian. A word never spans two segments: when fewer than 8 bytes
    /// are left in a segment they are skipped (Docs/wire.md; no consumer reads words after an odd byte count).
    public func next() -> UInt64 {
        if position + 8 <= buffer.count {
            let v = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            position += 8
            return UInt64(littleEndian: v)
        }
        let left = buffer.count - position
        // The buffer just used up ended its segment (taken is then a whole number of segments).
        if left == 0 || blocksLeftInSegment == Self.blocksPerSegment {
            refill()
            return next()
        }
        // The word continues in the next buffer of the same segment.
        var bytes: UInt64 = 0
        withUnsafeMutableBytes(of: &bytes) { word in
            word.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[position...]))
            refill()
            UnsafeMutableRawBufferPointer(rebasing: word[left...]).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<(8 - left)]))
        }
        position = 8 - left
        return UInt64(littleEndian: bytes)
    }

    public func fill(_ out: UnsafeMutableRawBufferPointer) {
        guard let target = out.baseAddress else { return }
        var written = 0
        while written < out.count {
            let remaining = out.count - written
            if position >= buffer.count, remaining >= buffer.count {
                // Whole buffers' worth of blocks straight into the caller's memory (the buffer is empty, so the
                // stream is at a buffer boundary here), at most to the end of the segment. Every step moves by a
                // multiple of the buffer's blocks, which divides a segment, so a refill never straddles two.
                let perBuffer = Self.bufferByteCount / Self.blockByteCount
                let blocks = min((remaining / Self.bufferByteCount) * perBuffer, blocksLeftInSegment)
                keystream(
                    blocks: blocks,
                    into: UnsafeMutableRawBufferPointer(rebasing: out[written..<(written + blocks * Self.blockByteCount)]))
                written += blocks * Self.blockByteCount
                continue
            }
            if position >= buffer.count { refill() }
            let n = min(remaining, buffer.count - position)
            // `buffer` is a non-empty allocation, so its base address exists.
            target.advanced(by: written).copyMemory(from: buffer.baseAddress!.advanced(by: position), byteCount: n)
            position += n
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
