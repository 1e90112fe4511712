import Testing

@testable import Sodium

/// `ChaChaRandom` holds 512 bytes of its stream at a time, but the stream is defined by 4 KiB segments
/// (Docs/wire.md): these tests read it through every path (words, small and large fills, across buffer and
/// segment boundaries) and compare with the segments computed directly from ChaCha20.
@Suite struct ChaChaRandomStreamTests {
    static let key: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }

    /// Segments 0 ..< count of the stream under `key`, straight from ChaCha20-IETF.
    static func segments(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        for j in 0..<count {
            var nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
            withUnsafeBytes(of: UInt64(j).littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
            var segment = [UInt8](repeating: 0, count: 4096)
            segment.withUnsafeMutableBytes {
                ChaCha20.keystream(key: SecureBytes(copying: key), nonce: nonce, initialCounter: 0, into: $0)
            }
            out += segment
        }
        return out
    }

    static func generator() -> ChaChaRandom { ChaChaRandom.seeded(key: SecureBytes(copying: key)) }

    static func word(_ stream: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(stream[offset + $1]) << (8 * $1) }
    }

    static func fill(_ rng: ChaChaRandom, _ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { rng.fill($0) }
        return bytes
    }

    @Test("fills of every size, small and large, read the stream in order across buffers and segments")
    func fillsFollowTheSegments() {
        let stream = Self.segments(6)
        let rng = Self.generator()
        var offset = 0
        for size in [1, 7, 24, 500, 13, 512, 1024, 3000, 4096, 5, 9000, 300] {
            #expect(Self.fill(rng, size) == Array(stream[offset..<(offset + size)]), "fill of \(size) at \(offset)")
            offset += size
        }
    }

    @Test("words read 8 bytes in place, spanning the 512-byte buffers, and skip a segment's last < 8 bytes")
    func wordsFollowTheSegments() {
        let stream = Self.segments(3)
        // Words from offset 0: every word of segment 0 in order (512 of them), then segment 1.
        let words = Self.generator()
        for i in 0..<520 { #expect(words.next() == Self.word(stream, at: 8 * i)) }

        // After 508 bytes a word spans two buffers of the same segment.
        let spanning = Self.generator()
        _ = Self.fill(spanning, 508)
        #expect(spanning.next() == Self.word(stream, at: 508))
        #expect(spanning.next() == Self.word(stream, at: 516))

        // After 4090 bytes only 6 are left in segment 0: the word is the first of segment 1.
        let skipping = Self.generator()
        _ = Self.fill(skipping, 4090)
        #expect(skipping.next() == Self.word(stream, at: 4096))
        #expect(Self.fill(skipping, 16) == Array(stream[4104..<4120]))
    }
}
