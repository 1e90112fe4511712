import Sodium

/// Phase 2 → 3, server → client: the list of clients whose masked inputs were accepted (ascending).
public struct ConsistencyRequest: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var receiver: UInt32
    public var survivors: [UInt32]

    public init(version: UInt8 = currentVersion, round: UInt64, receiver: UInt32, survivors: [UInt32]) {
        self.version = version
        self.round = round
        self.receiver = receiver
        self.survivors = survivors
    }

    /// Label of ``signedBytes(sessionID:survivors:)``.
    public static let signatureLabel = "secagg.v4.consistency"
    /// Label of ``survivorListDigest(sessionID:survivors:)``.
    public static let listDigestLabel = "secagg.v4.survivor-list"

    /// Bytes each survivor signs (90, wire version 4): "secagg.v4.consistency" ‖ 0 ‖ session id ‖ count (UInt32
    /// LE) ‖ ``survivorListDigest(sessionID:survivors:)``. The digest stands for the list, so a signature costs
    /// O(1) to make and check; the list is hashed once, O(n).
    public static func signedBytes(sessionID: [UInt8], survivors: [UInt32]) -> [UInt8] {
        var bytes = Array(signatureLabel.utf8) + [0]
        bytes.append(contentsOf: sessionID)
        bytes.appendLE(UInt32(survivors.count))
        bytes.append(contentsOf: survivorListDigest(sessionID: sessionID, survivors: survivors))
        return bytes
    }

    /// BLAKE2b-256("secagg.v4.survivor-list" ‖ 0 ‖ session id ‖ count (UInt32 LE) ‖ ids (UInt32 LE each, in
    /// the list's order)).
    public static func survivorListDigest(sessionID: [UInt8], survivors: [UInt32]) -> [UInt8] {
        var bytes = Array(listDigestLabel.utf8) + [0]
        bytes.reserveCapacity(bytes.count + sessionID.count + 4 + 4 * survivors.count)
        bytes.append(contentsOf: sessionID)
        bytes.appendLE(UInt32(survivors.count))
        for id in survivors { bytes.appendLE(id) }
        return Blake2b.hash(bytes, outputByteCount: 32)
    }
}

/// Phase 3, client → server: the client's Ed25519 signature over the survivor list
/// (``ConsistencyRequest/signedBytes(sessionID:survivors:)``).
public struct ConsistencyCheck: Sendable, Equatable {
    /// Message version 2: the signature covers the list's digest (version 1 signed the list itself).
    public static let currentVersion: UInt8 = 2
    public var version: UInt8
    public var round: UInt64
    public var sender: UInt32
    public var signature: [UInt8]

    public init(version: UInt8 = currentVersion, round: UInt64, sender: UInt32, signature: [UInt8]) {
        self.version = version
        self.round = round
        self.sender = sender
        self.signature = signature
    }
}
