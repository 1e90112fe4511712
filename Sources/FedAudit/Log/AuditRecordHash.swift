import Sodium

/// The hash chain of the audit log (format version 1).
///
/// `hash = BLAKE2b-256(encoding)`, where the encoding is, in order:
/// the 15 ASCII bytes `secagg-audit-v1` and a 0 byte; `seq` as UInt64 big-endian; the kind's UTF-8 bytes
/// prefixed by their length (UInt32 big-endian); a presence byte for the round (0 absent, 1 present) followed,
/// when present, by the round as Int64 big-endian; the payload's UTF-8 bytes prefixed by their length (UInt64
/// big-endian); the 32 raw bytes of the previous record's hash (all zero for seq 1).
/// The signature is Ed25519 over the 32 hash bytes. Hashes and signatures are stored as lower-case hex.
enum AuditRecordHash {
    static let domain: [UInt8] = Array("secagg-audit-v1".utf8) + [0]
    /// prev_hash of the first record.
    static let genesis = String(repeating: "0", count: 64)

    /// The hash of one record, or nil when `prevHash` is not 32 bytes of hex.
    static func hash(seq: Int64, kind: String, round: Int64?, payload: String, prevHash: String) -> [UInt8]? {
        guard let prev = Hex.decode(prevHash), prev.count == 32 else { return nil }
        var bytes = domain
        append(UInt64(bitPattern: seq), to: &bytes)
        let kindBytes = Array(kind.utf8)
        append(UInt32(truncatingIfNeeded: kindBytes.count), to: &bytes)
        bytes += kindBytes
        if let round {
            bytes.append(1)
            append(UInt64(bitPattern: round), to: &bytes)
        } else {
            bytes.append(0)
        }
        let payloadBytes = Array(payload.utf8)
        append(UInt64(payloadBytes.count), to: &bytes)
        bytes += payloadBytes
        bytes += prev
        return Blake2b.hash(bytes, outputByteCount: 32)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
