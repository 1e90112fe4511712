import Sodium

/// Phase 0, client → server: the client's two fresh X25519 public keys, signed with its identity key.
///
/// Signed bytes (157, wire version 4): "secagg.v4.advertise-keys" ‖ 0 ‖ round-context digest
/// (``RoundConfiguration/contextDigest``, 32) ‖ sender (UInt32 LE) ‖ c_pk ‖ s_pk ‖ self-seed commitment. The digest
/// stands for the context, which lists all n cohort ids, so that a signature costs O(1), not O(n), to make and check.
public struct AdvertiseKeys: Sendable, Equatable {
    /// Message version 2: the signature covers the context's digest (version 1 signed the context itself).
    public static let currentVersion: UInt8 = 2
    /// Label of ``signedBytes(contextDigest:)``.
    public static let signatureLabel = "secagg.v4.advertise-keys"
    public var version: UInt8
    public var round: UInt64
    public var sender: UInt32
    /// c_pk: key agreement for encrypting shares.
    public var encryptionKey: X25519.PublicKey
    /// s_pk: key agreement for pairwise masks.
    public var maskingKey: X25519.PublicKey
    /// BLAKE2b-256 commitment to the self-mask seed b_u (lets the server check its reconstruction).
    public var selfSeedCommitment: [UInt8]
    /// Ed25519 signature over ``signedBytes(contextDigest:)`` by the sender's registered identity.
    public var signature: [UInt8]

    public init(
        version: UInt8 = currentVersion, round: UInt64, sender: UInt32, encryptionKey: X25519.PublicKey,
        maskingKey: X25519.PublicKey, selfSeedCommitment: [UInt8], signature: [UInt8]
    ) {
        self.version = version
        self.round = round
        self.sender = sender
        self.encryptionKey = encryptionKey
        self.maskingKey = maskingKey
        self.selfSeedCommitment = selfSeedCommitment
        self.signature = signature
    }

    /// The bytes the signature covers, given the round's ``RoundConfiguration/contextDigest``.
    public func signedBytes(contextDigest: [UInt8]) -> [UInt8] {
        var bytes = Array(Self.signatureLabel.utf8) + [0]
        bytes.append(contentsOf: contextDigest)
        bytes.appendLE(sender)
        bytes.append(contentsOf: encryptionKey.bytes)
        bytes.append(contentsOf: maskingKey.bytes)
        bytes.append(contentsOf: selfSeedCommitment)
        return bytes
    }

    /// Checks version, round, membership, field lengths and (unless `verifySignature` is false) the signature
    /// against the registry. Clients verify the signatures of their neighbours only: they never use another
    /// client's keys, and every advertisement still enters the session id they recompute.
    func validate(configuration: RoundConfiguration, verifySignature: Bool = true) throws(SecureAggError) {
        guard version == Self.currentVersion else { throw .unsupportedVersion(version) }
        guard round == configuration.round else { throw .wrongRound(expected: configuration.round, actual: round) }
        guard configuration.contains(sender), let identity = configuration.registry[sender] else {
            throw .unknownClient(sender)
        }
        guard selfSeedCommitment.count == 32 else { throw .malformedMessage("commitment length") }
        guard !verifySignature || identity.isValidSignature(signature, for: signedBytes(of: configuration)) else {
            throw .invalidSignature(client: sender)
        }
    }

    /// True when the signature verifies under the sender's registry key over ``signedBytes(contextDigest:)`` of
    /// `configuration` (false for a sender outside the registry). O(1): the context enters through its digest.
    public func hasValidSignature(configuration: RoundConfiguration) -> Bool {
        guard let identity = configuration.registry[sender] else { return false }
        return identity.isValidSignature(signature, for: signedBytes(of: configuration))
    }

    private func signedBytes(of configuration: RoundConfiguration) -> [UInt8] {
        signedBytes(contextDigest: configuration.contextDigest)
    }
}

/// Phase 0 → 1, server → client: every accepted advertisement (ascending sender) and the session id the
/// server computed. The client recomputes the session id and verifies its neighbours' signatures itself.
public struct KeyBroadcast: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var receiver: UInt32
    public var advertisements: [AdvertiseKeys]
    public var sessionID: [UInt8]

    public init(
        version: UInt8 = currentVersion, round: UInt64, receiver: UInt32, advertisements: [AdvertiseKeys],
        sessionID: [UInt8]
    ) {
        self.version = version
        self.round = round
        self.receiver = receiver
        self.advertisements = advertisements
        self.sessionID = sessionID
    }
}

/// Session id = BLAKE2b-256("secagg.v1.session" ‖ 0 ‖ round context ‖ for each advertisement by ascending
/// sender: sender ‖ c_pk ‖ s_pk ‖ commitment ‖ signature). Advertisements must already be sorted.
public enum SessionID {
    public static func compute(configuration: RoundConfiguration, advertisements: [AdvertiseKeys]) -> [UInt8] {
        let h = Blake2b.Hasher(outputByteCount: 32)
        h.update(Array("secagg.v1.session".utf8) + [0])
        h.update(configuration.contextBytes)
        for ad in advertisements {
            var bytes = [UInt8]()
            bytes.appendLE(ad.sender)
            bytes.append(contentsOf: ad.encryptionKey.bytes)
            bytes.append(contentsOf: ad.maskingKey.bytes)
            bytes.append(contentsOf: ad.selfSeedCommitment)
            bytes.append(contentsOf: ad.signature)
            h.update(bytes)
        }
        return h.finalize()
    }
}
