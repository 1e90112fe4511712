import Sodium

/// A 256-bit PRG seed for one mask stream. Only ``KeyDerivation`` (pairwise seeds) and ``random(using:)``
/// (self seeds) create one; a raw X25519 output is never a seed.
public struct MaskSeed: Sendable, Equatable {
    let key: SecureBytes

    init(key: SecureBytes) {
        precondition(key.count == 32)
        self.key = key
    }

    /// A fresh self-mask seed b_u (32 bytes from `rng`).
    public static func random(using rng: inout some SecureRandom) -> MaskSeed {
        MaskSeed(key: rng.secureBytes(count: 32))
    }

    /// Wraps 32 reconstructed bytes. Throws for any other length.
    init(reconstructed bytes: SecureBytes) throws(SecureAggError) {
        guard bytes.count == 32 else { throw .malformedMessage("self seed length") }
        self.key = bytes
    }

    /// The key that actually expands the self mask: BLAKE2b-256 keyed by b_u over
    /// "secagg.v1.self-mask" ‖ 0 ‖ session id. Binding it to the session means that even a repeated b_u (a
    /// broken or replayed generator) never repeats a self-mask stream in another round.
    func selfMaskSeed(sessionID: [UInt8]) -> MaskSeed {
        MaskSeed(key: Blake2b.keyedHash(key: key, message: Array("secagg.v1.self-mask".utf8) + [0] + sessionID))
    }

    /// Commitment published in the advertisement: BLAKE2b-256("secagg.v1.self-seed-commitment" ‖ 0 ‖ seed).
    /// Lets the server check a reconstructed b_u (the seed is 256 uniform bits, so the hash hides it).
    var commitment: [UInt8] {
        key.withUnsafeBytes { k in
            let h = Blake2b.Hasher(outputByteCount: 32)
            h.update(Array("secagg.v1.self-seed-commitment".utf8) + [0])
            h.update(k)
            return h.finalize()
        }
    }
}

/// Key-derivation labels and the derivations that use them.
public enum KeyDerivation {
    /// Label of the pairwise mask seed s_uv.
    public static let pairwiseMaskLabel = "secagg.v1.pairwise-mask"
    /// Label of the symmetric key that encrypts shares between two clients.
    public static let shareEncryptionLabel = "secagg.v1.share-encryption"

    /// context = sessionID ‖ lower id ‖ higher id ‖ pk_lower ‖ pk_higher (ids as UInt32 LE).
    static func pairContext(
        sessionID: [UInt8], _ a: UInt32, _ pkA: X25519.PublicKey, _ b: UInt32, _ pkB: X25519.PublicKey
    ) -> [UInt8] {
        let (lo, pkLo, hi, pkHi) = a < b ? (a, pkA, b, pkB) : (b, pkB, a, pkA)
        var context = sessionID
        context.appendLE(lo)
        context.appendLE(hi)
        context.append(contentsOf: pkLo.bytes)
        context.append(contentsOf: pkHi.bytes)
        return context
    }

    /// s_uv from my masking secret key and the peer's masking public key. Symmetric in (u, v).
    /// Throws ``SecureAggError/weakPeerKey(_:)`` when X25519 gives the all-zero secret.
    static func pairwiseSeed(
        sessionID: [UInt8], me: UInt32, secretKey: X25519.SecretKey, peer: UInt32, peerKey: X25519.PublicKey
    ) throws(SecureAggError) -> MaskSeed {
        let raw: X25519.RawSharedSecret
        do { raw = try X25519.sharedSecret(secretKey: secretKey, peer: peerKey) } catch { throw .weakPeerKey(peer) }
        let context = pairContext(sessionID: sessionID, me, secretKey.publicKey, peer, peerKey)
        return MaskSeed(key: raw.deriveKey(label: pairwiseMaskLabel, context: context))
    }

    /// The XChaCha20-Poly1305 key for shares exchanged between me and `peer` (from the (c) key pairs).
    static func shareEncryptionKey(
        sessionID: [UInt8], me: UInt32, secretKey: X25519.SecretKey, peer: UInt32, peerKey: X25519.PublicKey
    ) throws(SecureAggError) -> SecureBytes {
        let raw: X25519.RawSharedSecret
        do { raw = try X25519.sharedSecret(secretKey: secretKey, peer: peerKey) } catch { throw .weakPeerKey(peer) }
        let context = pairContext(sessionID: sessionID, me, secretKey.publicKey, peer, peerKey)
        return raw.deriveKey(label: shareEncryptionLabel, context: context)
    }

    /// Additional data of an encrypted share: sessionID ‖ sender ‖ receiver.
    static func shareAdditionalData(sessionID: [UInt8], sender: UInt32, receiver: UInt32) -> [UInt8] {
        var ad = sessionID
        ad.appendLE(sender)
        ad.appendLE(receiver)
        return ad
    }
}
