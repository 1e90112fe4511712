import Sodium
import Testing

@testable import SecureAgg

@Suite struct BitPackingTests {
    @Test(arguments: [1, 3, 8, 13, 20, 31, 32])
    func packUnpackRoundTripsAtExactlyBBits(bits: Int) throws {
        let rng = ChaChaRandom.seeded(UInt64(bits))
        let mask: UInt32 = bits == 32 ? .max : (1 << UInt32(bits)) - 1
        for m in [1, 7, 64, 1001] {
            let values = (0..<m).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
            let packed = BitPacking.pack(values, bits: bits)
            #expect(packed.count == BitPacking.headerByteCount + (m * bits + 7) / 8)
            #expect(try BitPacking.unpack(packed) == values)
        }
    }

    @Test func wrongLengthVersionAndPaddingAreRefused() throws {
        let packed = BitPacking.pack([1, 2, 3], bits: 5)
        #expect(throws: SecureAggError.Packing.wrongLength(expected: packed.count, actual: packed.count - 1)) {
            try BitPacking.unpack(Array(packed.dropLast()))
        }
        #expect(throws: SecureAggError.Packing.wrongLength(expected: packed.count, actual: packed.count + 1)) {
            try BitPacking.unpack(packed + [0])
        }
        var badVersion = packed
        badVersion[0] = 9
        #expect(throws: SecureAggError.Packing.unsupportedVersion(9)) { try BitPacking.unpack(badVersion) }
        var badBits = packed
        badBits[1] = 33
        #expect(throws: SecureAggError.Packing.invalidBits(33)) { try BitPacking.unpack(badBits) }
        var padding = packed
        padding[padding.count - 1] |= 0x80  // 15 bits used of 16: the top bit is padding
        #expect(throws: SecureAggError.Packing.nonZeroPadding) { try BitPacking.unpack(padding) }
        #expect(throws: SecureAggError.Packing.truncatedHeader) { try BitPacking.unpack([1, 5]) }
    }

    @Test func accumulateAddsWithWraparound() throws {
        var acc: [UInt32] = [UInt32.max, 5]
        try acc.withUnsafeMutableBufferPointer {
            try BitPacking.accumulate(BitPacking.pack([2, 7], bits: 32), into: $0)
        }
        #expect(acc == [1, 12])
    }
}
