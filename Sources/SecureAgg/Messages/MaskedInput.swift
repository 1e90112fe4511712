/// Phase 2, client → server: the masked vector y_u, packed at b bits per coordinate (``BitPacking``).
public struct MaskedInput: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var sender: UInt32
    public var packed: [UInt8]

    public init(version: UInt8 = currentVersion, round: UInt64, sender: UInt32, packed: [UInt8]) {
        self.version = version
        self.round = round
        self.sender = sender
        self.packed = packed
    }
}
