import Sodium

/// One Shamir share of a secret: the evaluation point `x` and one field element per secret chunk.
///
/// The y values are secret material: they live in ``SecureBytes`` (wiped on release) and never appear in
/// `description`. Encoding (format version 1, all integers little-endian):
/// `version (1 byte) ‖ x (UInt32) ‖ chunk count (UInt8) ‖ chunk count × UInt64 (each < 2^61 − 1)`.
public struct ShamirShare: Sendable, Equatable, CustomStringConvertible {
    public static let formatVersion: UInt8 = 1
    static let headerByteCount = 6

    /// The evaluation point (a client id in the protocol); never 0.
    public let x: UInt32
    /// `chunkCount` little-endian UInt64 field elements.
    let values: SecureBytes

    /// Number of field elements the share holds.
    public var chunkCount: Int { values.count / 8 }

    init(x: UInt32, values: SecureBytes) {
        self.x = x
        self.values = values
    }

    /// Byte length of an encoded share with `chunkCount` chunks.
    public static func encodedByteCount(chunkCount: Int) -> Int { headerByteCount + 8 * chunkCount }

    @inline(__always)
    func value(at chunk: Int) -> UInt64 {
        values.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: chunk * 8, as: UInt64.self)) }
    }

    /// The version-1 encoding, as a wiped buffer.
    public func serialized() -> SecureBytes {
        SecureBytes(count: Self.encodedByteCount(chunkCount: chunkCount)) { out in
            out[0] = Self.formatVersion
            out.storeBytes(of: x.littleEndian, toByteOffset: 1, as: UInt32.self)
            out[5] = UInt8(chunkCount)
            values.withUnsafeBytes { v in
                UnsafeMutableRawBufferPointer(rebasing: out[Self.headerByteCount...]).copyMemory(from: v)
            }
        }
    }

    /// Parses a version-1 encoding, checking version, length, x ≠ 0 and every element < p.
    public init(serialized bytes: UnsafeRawBufferPointer) throws(SecureAggError.Sharing) {
        guard bytes.count >= Self.headerByteCount else { throw .malformedEncoding("shorter than header") }
        guard bytes[0] == Self.formatVersion else { throw .unsupportedVersion(bytes[0]) }
        let x = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
        let count = Int(bytes[5])
        guard count >= 1 else { throw .malformedEncoding("no chunks") }
        guard bytes.count == Self.encodedByteCount(chunkCount: count) else {
            throw .malformedEncoding("length does not match chunk count")
        }
        guard x != 0 else { throw .zeroX }
        for i in 0..<count {
            let v = UInt64(
                littleEndian: bytes.loadUnaligned(fromByteOffset: Self.headerByteCount + 8 * i, as: UInt64.self))
            guard v < PrimeField.p else { throw .malformedEncoding("element not reduced") }
        }
        self.x = x
        self.values = SecureBytes(count: 8 * count) { out in
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[Self.headerByteCount...]))
        }
    }

    public init(serialized bytes: SecureBytes) throws(SecureAggError.Sharing) {
        self = try bytes.withUnsafeBytes { (b) throws(SecureAggError.Sharing) -> ShamirShare in try ShamirShare(serialized: b) }
    }

    public var description: String { "ShamirShare(x: \(x), \(chunkCount) chunks, redacted)" }
}
