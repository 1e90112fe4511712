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

    /// Bytes each survivor signs: "secagg.v1.consistency" ‖ 0 ‖ session id ‖ count ‖ ids (UInt32 LE).
    public static func signedBytes(sessionID: [UInt8], survivors: [UInt32]) -> [UInt8] {
        var bytes = Array("secagg.v1.consistency".utf8) + [0]
        bytes.append(contentsOf: sessionID)
        bytes.appendLE(UInt32(survivors.count))
        for id in survivors { bytes.appendLE(id) }
        return bytes
    }
}

/// Phase 3, client → server: the client's Ed25519 signature over the survivor list.
public struct ConsistencyCheck: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
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
