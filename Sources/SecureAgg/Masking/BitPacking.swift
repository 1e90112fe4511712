extension SecureAggError {
    /// Errors of ``BitPacking/unpack(_:)``.
    public enum Packing: Error, Equatable, Sendable {
        /// The buffer is shorter than the header.
        case truncatedHeader
        /// Unknown format version.
        case unsupportedVersion(UInt8)
        /// Bits per value outside 1…32.
        case invalidBits(Int)
        /// The payload length does not match ⌈m·b/8⌉ for the header's m and b.
        case wrongLength(expected: Int, actual: Int)
        /// The unused bits of the last byte are not zero.
        case nonZeroPadding
    }
}

/// Packs vectors of b-bit values at exactly b bits each.
///
/// Format version 1: `version (1) ‖ b (1) ‖ m (UInt32 LE) ‖ payload`, payload = ⌈m·b/8⌉ bytes; value i
/// occupies bits i·b … i·b + b − 1 of the payload read as a little-endian bit string. Unused bits of the
/// last byte are zero. Wire cost: b/8 bytes per coordinate plus 6 bytes.
public enum BitPacking {
    public static let formatVersion: UInt8 = 1
    public static let headerByteCount = 6

    /// Total encoded size for `count` values of `bits` bits.
    public static func encodedByteCount(count: Int, bits: Int) -> Int { headerByteCount + (count * bits + 7) / 8 }

    /// Packs `values` (each must be < 2^bits; higher bits are dropped).
    /// - Precondition: 1 ≤ bits ≤ 32, values.count < 2^32.
    public static func pack(_ values: UnsafeBufferPointer<UInt32>, bits: Int) -> [UInt8] {
        precondition((1...32).contains(bits) && values.count <= Int(UInt32.max))
        let total = encodedByteCount(count: values.count, bits: bits)
        var out = emptyPacked(count: values.count, bits: bits)
        assert(out.count == total)
        out.withUnsafeMutableBytes { o in packPayload(values, bits: bits, into: o.baseAddress! + headerByteCount) }
        return out
    }

    /// Writes exactly ⌈count·b/8⌉ payload bytes for `values` at `p` (values masked to b bits). Payloads of
    /// consecutive slices concatenate correctly when every slice but the last holds a multiple of 8 bits.
    static func packPayload(_ values: UnsafeBufferPointer<UInt32>, bits: Int, into p: UnsafeMutableRawPointer) {
        guard let source = values.baseAddress, values.count > 0 else { return }
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        // 64-bit accumulator, flushed 8 bytes at a time (a flush only happens once 64 bits of this slice
        // exist, so every store lies inside the slice's payload).
        var acc: UInt64 = 0
        var filled = 0
        var w = 0
        for i in 0..<values.count {
            let x = UInt64(source[i]) & mask
            acc |= x << UInt64(filled)
            let next = filled + bits
            if next >= 64 {
                p.storeBytes(of: acc.littleEndian, toByteOffset: w, as: UInt64.self)
                w += 8
                acc = next == 64 ? 0 : x >> UInt64(64 - filled)
                filled = next - 64
            } else {
                filled = next
            }
        }
        var r = 0
        while r < filled {
            p.storeBytes(of: UInt8(truncatingIfNeeded: acc), toByteOffset: w, as: UInt8.self)
            acc >>= 8
            w += 1
            r += 8
        }
    }

    /// A packed buffer with a valid header and a zeroed payload for `count` values, to be filled by slices.
    static func emptyPacked(count: Int, bits: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: encodedByteCount(count: count, bits: bits))
        out[0] = formatVersion
        out[1] = UInt8(bits)
        withUnsafeBytes(of: UInt32(count).littleEndian) { out.replaceSubrange(2..<6, with: $0) }
        return out
    }

    public static func pack(_ values: [UInt32], bits: Int) -> [UInt8] {
        values.withUnsafeBufferPointer { pack($0, bits: bits) }
    }

    /// Validates the header and length of `packed`; returns (bits, count).
    public static func validate(_ packed: [UInt8]) throws(SecureAggError.Packing) -> (bits: Int, count: Int) {
        guard packed.count >= headerByteCount else { throw .truncatedHeader }
        guard packed[0] == formatVersion else { throw .unsupportedVersion(packed[0]) }
        let bits = Int(packed[1])
        guard (1...32).contains(bits) else { throw .invalidBits(bits) }
        var m: UInt32 = 0
        for i in 0..<4 { m |= UInt32(packed[2 + i]) << UInt32(8 * i) }
        let count = Int(m)
        let expected = encodedByteCount(count: count, bits: bits)
        guard packed.count == expected else { throw .wrongLength(expected: expected, actual: packed.count) }
        let usedBits = (count * bits) % 8
        if usedBits != 0, let last = packed.last, last >> UInt8(usedBits) != 0 { throw .nonZeroPadding }
        return (bits, count)
    }

    /// Unpacks after full validation.
    public static func unpack(_ packed: [UInt8]) throws(SecureAggError.Packing) -> [UInt32] {
        let (_, count) = try validate(packed)
        var out = [UInt32](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { o in forEachValue(packed, add: false, into: o) }
        return out
    }

    /// Adds the packed values into `accumulator` (wrapping, mod 2^32) after validation: the server's
    /// streaming sum, with no intermediate vector.
    public static func accumulate(
        _ packed: [UInt8], into accumulator: UnsafeMutableBufferPointer<UInt32>
    ) throws(SecureAggError.Packing) {
        let (_, count) = try validate(packed)
        guard count == accumulator.count else { throw .wrongLength(expected: accumulator.count, actual: count) }
        forEachValue(packed, add: true, into: accumulator)
    }

    /// Decodes a validated buffer: store (add = false) or wrapping-add (add = true) into `out`.
    private static func forEachValue(_ packed: [UInt8], add: Bool, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard out.count > 0 else { return }
        let bits = Int(packed[1])
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        packed.withUnsafeBytes { pb in
            let p = pb.baseAddress! + headerByteCount
            let payload = pb.count - headerByteCount
            let o = out.baseAddress!
            // Value i starts at bit i·b: load 8 bytes at byte ⌊i·b/8⌋ and shift by (i·b mod 8) ≤ 7;
            // 7 + 32 bits fit in 64. Near the end, load the remaining bytes one by one.
            var bit = 0
            for i in 0..<out.count {
                let byte = bit >> 3
                var word: UInt64
                if byte + 8 <= payload {
                    word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                } else {
                    word = 0
                    for j in 0..<(payload - byte) {
                        word |= UInt64(p.load(fromByteOffset: byte + j, as: UInt8.self)) << UInt64(8 * j)
                    }
                }
                let v = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                if add { o[i] &+= v } else { o[i] = v }
                bit += bits
            }
        }
    }
}
