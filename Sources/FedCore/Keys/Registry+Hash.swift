import Sodium

extension Registry {
    /// Domain separator at the start of the canonical encoding.
    static let hashDomain = "secagg-registry-hash"

    /// The canonical byte encoding that ``registryHash`` hashes:
    /// `"secagg-registry-hash" ‖ 0x00 ‖ version(u32 BE) ‖ server id(u32 BE, 0) ‖ server key(32)
    ///  ‖ client count(u32 BE) ‖ for each client in increasing id order:
    ///  id(u32 BE) ‖ key(32) ‖ revoked(u8 0/1)`.
    /// Independent of JSON whitespace, key order, hex case and the order of `clients` in the file.
    public var canonicalEncoding: [UInt8] {
        var out = Array(Self.hashDomain.utf8)
        out.append(0)
        out.reserveCapacity(out.count + 44 + clients.count * 37)
        appendBigEndian(UInt32(version), to: &out)
        appendBigEndian(Self.serverId, to: &out)
        out += serverPublicKey.bytes
        appendBigEndian(UInt32(clients.count), to: &out)
        for client in clients {
            appendBigEndian(client.id, to: &out)
            out += client.signPublicKey.bytes
            out.append(client.revoked ? 1 : 0)
        }
        return out
    }

    /// BLAKE2b-256 of ``canonicalEncoding`` (32 bytes). Protocol rounds bind to it, so any change of a key, an
    /// id, a revocation or the version changes every round's transcript.
    public var registryHashBytes: [UInt8] { Blake2b.hash(canonicalEncoding, outputByteCount: 32) }

    /// ``registryHashBytes`` as 64 lower-case hex digits.
    public var registryHash: String { Hex.encode(registryHashBytes) }
}
