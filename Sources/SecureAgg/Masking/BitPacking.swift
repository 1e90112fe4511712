/// Errors of ``BitPacking/unpack(_:)``.
public enum BitPackingError: Error, Equatable, Sendable {
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
        var out = [UInt8](repeating: 0, count: total)
        out[0] = formatVersion
        out[1] = UInt8(bits)
        let m = UInt32(values.count).littleEndian
        withUnsafeBytes(of: m) { out.replaceSubrange(2..<6, with: $0) }
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        out.withUnsafeMutableBufferPointer { o in
            let p = o.baseAddress! + headerByteCount
            var acc: UInt64 = 0
            var filled = 0
            var w = 0
            for v in values {
                acc |= (UInt64(v) & mask) << UInt64(filled)
                filled += bits
                while filled >= 8 {
                    p[w] = UInt8(truncatingIfNeeded: acc)
                    w += 1
                    acc >>= 8
                    filled -= 8
                }
            }
            if filled > 0 { p[w] = UInt8(truncatingIfNeeded: acc) }
        }
        return out
    }

    public static func pack(_ values: [UInt32], bits: Int) -> [UInt8] {
        values.withUnsafeBufferPointer { pack($0, bits: bits) }
    }

    /// Validates the header and length of `packed`; returns (bits, count).
    public static func validate(_ packed: [UInt8]) throws(BitPackingError) -> (bits: Int, count: Int) {
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
    public static func unpack(_ packed: [UInt8]) throws(BitPackingError) -> [UInt32] {
        let (_, count) = try validate(packed)
        var out = [UInt32](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { o in forEachValue(packed, add: false, into: o) }
        return out
    }

    /// Adds the packed values into `accumulator` (wrapping, mod 2^32) after validation: the server's
    /// streaming sum, with no intermediate vector.
    public static func accumulate(
        _ packed: [UInt8], into accumulator: UnsafeMutableBufferPointer<UInt32>
    ) throws(BitPackingError) {
        let (_, count) = try validate(packed)
        guard count == accumulator.count else { throw .wrongLength(expected: accumulator.count, actual: count) }
        forEachValue(packed, add: true, into: accumulator)
    }

    /// Decodes a validated buffer: store (add = false) or wrapping-add (add = true) into `out`.
    private static func forEachValue(_ packed: [UInt8], add: Bool, into out: UnsafeMutableBufferPointer<UInt32>) {
        guard out.count > 0 else { return }
        let bits = Int(packed[1])
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        packed.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress! + headerByteCount
            let payload = pb.count - headerByteCount
            var acc: UInt64 = 0
            var have = 0
            var r = 0
            let o = out.baseAddress!
            for i in 0..<out.count {
                while have < bits {
                    acc |= UInt64(r < payload ? p[r] : 0) << UInt64(have)
                    r += 1
                    have += 8
                }
                let v = UInt32(truncatingIfNeeded: acc & mask)
                acc >>= UInt64(bits)
                have -= bits
                if add { o[i] &+= v } else { o[i] = v }
            }
        }
    }
}
