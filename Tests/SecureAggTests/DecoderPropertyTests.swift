import Foundation
import Sodium
import SecAggTestSupport
import Testing
@testable import SecureAgg

/// Property tests of SecureAgg's decoders of untrusted bytes (the same decoders Scripts/fuzz.sh fuzzes):
/// packed masked inputs (``BitPacking``), Shamir share encodings and decrypted share plaintexts. Thousands
/// of seeded random byte strings and mutations of valid encodings; each decoder returns a value or throws its
/// typed error (a trap would crash the test process), what it accepts is canonical (re-encodes to the same
/// bytes), and valid encodings round-trip.
@Suite struct SecureAggDecoderPropertyTests {
    /// The error's case name (payload-free cases of ``SecureAggError/Sharing`` print their description, so name them here).
    static func caseName(_ error: some Error) -> String {
        switch error as? SecureAggError.Sharing {
        case .zeroX: "zeroX"
        case .inconsistentChunkCounts: "inconsistentChunkCounts"
        case .reconstructionOutOfRange: "reconstructionOutOfRange"
        default:
            switch error as? SecureAggError.Packing {
            case .truncatedHeader: "truncatedHeader"
            case .nonZeroPadding: "nonZeroPadding"
            default: Mirror(reflecting: error).children.first?.label ?? String(describing: error)
            }
        }
    }

    // MARK: BitPacking

    static func validPacked(_ m: inout ByteMutator) -> (packed: [UInt8], values: [UInt32], bits: Int) {
        let bits = m.int(in: 1...32)
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        let values = (0..<m.int(in: 0...40)).map { _ in
            UInt32(truncatingIfNeeded: UInt64(m.int(in: 0...Int(UInt32.max))) & mask)
        }
        return (BitPacking.pack(values, bits: bits), values, bits)
    }

    @Test func bitPackingValidEncodingsRoundTripAndSingleBitFlipsChangeOneValue() throws {
        var m = ByteMutator(seed: 0xB17)
        for _ in 0..<2000 {
            let (packed, values, bits) = Self.validPacked(&m)
            #expect(try BitPacking.unpack(packed) == values)
            var sum = [UInt32](repeating: 7, count: values.count)
            try sum.withUnsafeMutableBufferPointer { try BitPacking.accumulate(packed, into: $0) }
            #expect(sum == values.map { $0 &+ 7 })
            // Flipping a used payload bit is still a valid encoding: exactly that value's bit changes.
            let usedBits = values.count * bits
            guard usedBits > 0 else { continue }
            let bit = m.int(in: 0...(usedBits - 1))
            var flipped = packed
            flipped[BitPacking.headerByteCount + bit / 8] ^= 1 << UInt8(bit % 8)
            var expected = values
            expected[bit / bits] ^= 1 << UInt32(bit % bits)
            #expect(try BitPacking.unpack(flipped) == expected)
        }
    }

    @Test func bitPackingRefusesEveryTruncationWithTheExactError() throws {
        var m = ByteMutator(seed: 0xB18)
        for _ in 0..<2000 {
            let (packed, _, _) = Self.validPacked(&m)
            let cut = m.truncate(packed)
            let expected: SecureAggError.Packing =
                cut.count < BitPacking.headerByteCount
                ? .truncatedHeader : .wrongLength(expected: packed.count, actual: cut.count)
            #expect(throws: expected) { try BitPacking.unpack(cut) }
        }
    }

    @Test func bitPackingDecoderRefusesOrAcceptsCanonicallyOnHostileBytes() throws {
        var m = ByteMutator(seed: 0xB19)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        for i in 0..<6000 {
            let bytes = i % 3 == 0 ? m.randomBytes(maxCount: 24) : m.mutate(Self.validPacked(&m).packed)
            do {
                let values = try BitPacking.unpack(bytes)
                accepted += 1
                if BitPacking.pack(values, bits: Int(bytes[1])) != bytes { violations.append("non-canonical \(bytes)") }
                var sum = [UInt32](repeating: 0, count: values.count)
                try sum.withUnsafeMutableBufferPointer { try BitPacking.accumulate(bytes, into: $0) }
                if sum != values { violations.append("accumulate disagrees with unpack") }
            } catch {
                errors.insert(Self.caseName(error))
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors == ["truncatedHeader", "unsupportedVersion", "invalidBits", "wrongLength", "nonZeroPadding"])
    }

    // MARK: Shamir shares

    static func validShares(_ m: inout ByteMutator) throws -> [ShamirShare] {
        var rng = ChaChaRandom.seeded(UInt64(m.int(in: 0...Int.max)))
        let secret = rng.secureBytes(count: m.int(in: 1...64))
        return try Shamir.split(secret: secret, threshold: 2, shareCount: 3, using: &rng)
    }

    static func bytes(_ share: ShamirShare) -> [UInt8] { share.serialized().withUnsafeBytes { Array($0) } }

    static func parseShare(_ bytes: [UInt8]) throws(SecureAggError.Sharing) -> ShamirShare {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(SecureAggError.Sharing) -> ShamirShare in try ShamirShare(serialized: raw) }
        }
        return try result.get()
    }

    @Test func shamirShareEncodingsRoundTripAndTruncationsAreRefused() throws {
        var m = ByteMutator(seed: 0x5A1)
        for _ in 0..<500 {
            for share in try Self.validShares(&m) {
                let encoded = Self.bytes(share)
                #expect(try Self.parseShare(encoded) == share)
                let cut = m.truncate(encoded)
                let reason = cut.count < 6 ? "shorter than header" : "length does not match chunk count"
                #expect(throws: SecureAggError.Sharing.malformedEncoding(reason)) { try Self.parseShare(cut) }
            }
        }
    }

    @Test func shamirShareDecoderRefusesOrAcceptsCanonicallyOnHostileBytes() throws {
        var m = ByteMutator(seed: 0x5A2)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        for i in 0..<6000 {
            var bytes = i % 3 == 0 ? m.randomBytes(maxCount: 30) : m.mutate(Self.bytes(try Self.validShares(&m)[0]))
            if i % 20 == 1 {  // a valid share moved to the secret's own point x = 0
                bytes = Self.bytes(try Self.validShares(&m)[0])
                bytes.replaceSubrange(1..<5, with: [0, 0, 0, 0])
            }
            do {
                let share = try Self.parseShare(bytes)
                accepted += 1
                if Self.bytes(share) != bytes { violations.append("non-canonical share encoding") }
                if share.x == 0 || (0..<share.chunkCount).contains(where: { share.value(at: $0) >= PrimeField.p }) {
                    violations.append("accepted share breaks its invariants")
                }
            } catch {
                errors.insert(Self.caseName(error))
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors == ["malformedEncoding", "unsupportedVersion", "zeroX"])
    }

    // MARK: Decrypted share plaintexts

    @Test func sharePlaintextParserRefusesOrAcceptsSoundlyOnMutations() throws {
        var m = ByteMutator(seed: 0x5A3)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        let receiver: UInt32 = 2
        for i in 0..<3000 {
            var rng = ChaChaRandom.seeded(UInt64(i))
            let b = try Shamir.split(secret: rng.secureBytes(count: 32), threshold: 2, shareCount: 3, using: &rng)
            let s = try Shamir.split(secret: rng.secureBytes(count: 32), threshold: 2, shareCount: 3, using: &rng)
            let valid = [SharePlaintext.version] + Self.bytes(b[1]) + Self.bytes(s[1])
            if i == 0 {
                let parsed = try SharePlaintext(plaintext: SecureBytes(copying: valid), receiver: receiver)
                #expect(parsed.selfSeedShare == b[1] && parsed.maskingKeyShare == s[1])
            }
            let bytes = m.mutate(valid)
            do {
                let parsed = try SharePlaintext(plaintext: SecureBytes(copying: bytes), receiver: receiver)
                accepted += 1
                let again = [SharePlaintext.version] + Self.bytes(parsed.selfSeedShare) + Self.bytes(parsed.maskingKeyShare)
                if again != bytes { violations.append("non-canonical plaintext") }
                if parsed.selfSeedShare.x != receiver || parsed.maskingKeyShare.x != receiver {
                    violations.append("accepted a share for another receiver")
                }
            } catch {
                errors.insert(Self.caseName(error))
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors.count >= 2, "mutations reached only \(errors.sorted())")
    }

    // MARK: Fuzz seed corpus

    @Test func everyCheckedInFuzzSeedIsAValidEncoding() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")
        var count = 0
        for target in ["FuzzBitPacking", "FuzzShamirShare"] {
            let dir = corpus.appendingPathComponent(target)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
                count += 1
                if target == "FuzzBitPacking" {
                    #expect(throws: Never.self, "\(name)") { try BitPacking.unpack(bytes) }
                } else {
                    #expect(throws: Never.self, "\(name)") { try Self.parseShare(bytes) }
                }
            }
        }
        #expect(count >= 4)
    }
}
