import SecureAgg
import Sodium

/// Field checks shared by the proto ↔ SecureAgg conversions (lengths, versions, counts).
enum ProtoFields {
    /// The SecureAgg message version carried in a proto `version` field, refused unless it is `current`.
    static func version(_ value: UInt32, current: UInt8, what: String) throws(TransportError) -> UInt8 {
        guard value == UInt32(current) else { throw .unsupportedMessageVersion(what: what, version: value) }
        return current
    }

    static func bytes(_ data: [UInt8], count: Int, what: String) throws(TransportError) -> [UInt8] {
        guard data.count == count else { throw .malformed("\(what) has \(data.count) bytes, expected \(count)") }
        return data
    }

    static func x25519(_ data: [UInt8], what: String) throws(TransportError) -> X25519.PublicKey {
        do { return try X25519.PublicKey(bytes: data) } catch { throw .malformed("\(what) is not a 32-byte key") }
    }

    static func count(_ n: Int, atMost limit: Int, what: String) throws(TransportError) {
        guard n <= limit else { throw .limitExceeded("\(n) \(what), at most \(limit)") }
    }

    /// Ids must be ≥ 1 and strictly increasing.
    static func sortedIDs(_ ids: [UInt32], atMost limit: Int, what: String) throws(TransportError) -> [UInt32] {
        try count(ids.count, atMost: limit, what: what)
        for i in ids.indices {
            guard ids[i] >= 1 else { throw .malformed("\(what) contains id 0") }
            if i > 0, ids[i] <= ids[i - 1] { throw .malformed("\(what) is not strictly increasing") }
        }
        return ids
    }
}
