/// A signer's consistency-check signature, forwarded by the server.
public struct SurvivorSignature: Sendable, Equatable {
    public var signer: UInt32
    public var signature: [UInt8]

    public init(signer: UInt32, signature: [UInt8]) {
        self.signer = signer
        self.signature = signature
    }
}

/// Phase 3 → 4, server → client: who survived (sent a masked input), who dropped (shared keys but sent no
/// masked input), and the consistency signatures proving the survivor list.
public struct UnmaskingRequest: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var receiver: UInt32
    public var survivors: [UInt32]
    public var dropped: [UInt32]
    public var signatures: [SurvivorSignature]

    public init(
        version: UInt8 = currentVersion, round: UInt64, receiver: UInt32, survivors: [UInt32],
        dropped: [UInt32], signatures: [SurvivorSignature]
    ) {
        self.version = version
        self.round = round
        self.receiver = receiver
        self.survivors = survivors
        self.dropped = dropped
        self.signatures = signatures
    }
}

/// Which secret a revealed share belongs to.
public enum ShareKind: UInt8, Sendable, Hashable {
    /// A share of the self-mask seed b_owner (revealed when the owner survived).
    case selfSeed = 1
    /// A share of the masking secret key s_sk_owner (revealed when the owner dropped).
    case maskingKey = 2
}

/// One share revealed for `owner`.
public struct RevealedShare: Sendable, Equatable {
    public var owner: UInt32
    public var kind: ShareKind
    public var share: ShamirShare

    public init(owner: UInt32, kind: ShareKind, share: ShamirShare) {
        self.owner = owner
        self.kind = kind
        self.share = share
    }
}

/// Phase 4, client → server: for each neighbour whose share the client holds, exactly one share.
public struct UnmaskingResponse: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var sender: UInt32
    public var shares: [RevealedShare]

    public init(version: UInt8 = currentVersion, round: UInt64, sender: UInt32, shares: [RevealedShare]) {
        self.version = version
        self.round = round
        self.sender = sender
        self.shares = shares
    }
}
