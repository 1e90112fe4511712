import Sodium

/// One encrypted pair of shares (of b_sender and of s_sk_sender) from `sender` to `receiver`.
///
/// `ciphertext` = XChaCha20-Poly1305 sealed box (nonce ‖ ciphertext ‖ tag) under the pair's share-encryption
/// key, additional data = session id ‖ sender ‖ receiver. Plaintext: version 1 ‖ b-share ‖ s_sk-share
/// (each a ``ShamirShare`` encoding, x = receiver).
public struct EncryptedShare: Sendable, Equatable {
    public var sender: UInt32
    public var receiver: UInt32
    public var ciphertext: [UInt8]

    public init(sender: UInt32, receiver: UInt32, ciphertext: [UInt8]) {
        self.sender = sender
        self.receiver = receiver
        self.ciphertext = ciphertext
    }
}

/// Phase 1, client → server: one ``EncryptedShare`` for each neighbour that advertised keys.
public struct ShareKeys: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var sender: UInt32
    public var shares: [EncryptedShare]

    public init(version: UInt8 = currentVersion, round: UInt64, sender: UInt32, shares: [EncryptedShare]) {
        self.version = version
        self.round = round
        self.sender = sender
        self.shares = shares
    }
}

/// Phase 1 → 2, server → client: the shares addressed to `receiver` from every neighbour that completed
/// ShareKeys. The receiver masks with exactly these senders.
public struct ShareBroadcast: Sendable, Equatable {
    public static let currentVersion: UInt8 = 1
    public var version: UInt8
    public var round: UInt64
    public var receiver: UInt32
    public var shares: [EncryptedShare]

    public init(version: UInt8 = currentVersion, round: UInt64, receiver: UInt32, shares: [EncryptedShare]) {
        self.version = version
        self.round = round
        self.receiver = receiver
        self.shares = shares
    }
}

/// The decrypted content of an ``EncryptedShare``.
struct SharePlaintext {
    static let version: UInt8 = 1
    let selfSeedShare: ShamirShare
    let maskingKeyShare: ShamirShare

    static var shareByteCount: Int { ShamirShare.encodedByteCount(chunkCount: Shamir.chunkCount(secretByteCount: 32)) }

    func sealed(key: SecureBytes, additionalData: [UInt8]) -> [UInt8] {
        let b = selfSeedShare.serialized()
        let s = maskingKeyShare.serialized()
        let plain = SecureBytes(count: 1 + b.count + s.count) { out in
            out[0] = Self.version
            b.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[1..<(1 + $0.count)]).copyMemory(from: $0) }
            s.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[(1 + b.count)...]).copyMemory(from: $0) }
        }
        return XChaCha20Poly1305.seal(plain, key: key, additionalData: additionalData)
    }

    /// Parses a decrypted plaintext; both shares must be at x = `receiver`.
    init(plaintext: SecureBytes, receiver: UInt32) throws(SecureAggError) {
        let n = Self.shareByteCount
        guard plaintext.count == 1 + 2 * n else { throw .malformedMessage("share plaintext length") }
        let parsed = plaintext.withUnsafeBytes { p in Self.parse(p, shareByteCount: n) }
        switch parsed {
        case .failure(let error): throw .shamir(error)
        case .success((let b, let s)):
            guard b.x == receiver, s.x == receiver else { throw .malformedMessage("share point is not the receiver") }
            selfSeedShare = b
            maskingKeyShare = s
        }
    }

    private static func parse(
        _ p: UnsafeRawBufferPointer, shareByteCount n: Int
    ) -> Result<(ShamirShare, ShamirShare), SecureAggError.Sharing> {
        guard p[0] == version else { return .failure(.unsupportedVersion(p[0])) }
        do throws(SecureAggError.Sharing) {
            let b = try ShamirShare(serialized: UnsafeRawBufferPointer(rebasing: p[1..<(1 + n)]))
            let s = try ShamirShare(serialized: UnsafeRawBufferPointer(rebasing: p[(1 + n)...]))
            return .success((b, s))
        } catch { return .failure(error) }
    }

    init(selfSeedShare: ShamirShare, maskingKeyShare: ShamirShare) {
        self.selfSeedShare = selfSeedShare
        self.maskingKeyShare = maskingKeyShare
    }
}
