import Sodium

/// Client state R2: shares sent; waits for the ``ShareBroadcast`` and the input vector.
///
/// Every received share must be addressed to this client, come from a distinct neighbour that advertised,
/// and authenticate under AD = session id ‖ sender ‖ receiver; at least t must arrive. The client masks with
/// exactly those senders: y = x + PRG(b_u) + Σ_{v<u}… (lower id adds PRG(s_uv), higher id subtracts), mod 2^b.
/// Next: ``ClientR3ConsistencyCheck`` or aborted.
struct ClientR2MaskedInput: Sendable {
    let context: ClientContext
    /// PRG key of the self mask, derived from b_u and the session id.
    let selfMaskSeed: MaskSeed
    let sessionID: [UInt8]
    /// Share-encryption keys and pairwise mask seeds s_uv of the neighbours that advertised.
    let neighbourKeys: NeighbourKeys

    /// Decrypts and checks the shares addressed to this client.
    func openShares(_ broadcast: ShareBroadcast) throws(SecureAggError) -> [UInt32: SharePlaintext] {
        try context.checkHeader(
            version: broadcast.version, current: ShareBroadcast.currentVersion,
            round: broadcast.round, receiver: broadcast.receiver)
        var held = [UInt32: SharePlaintext]()
        for share in broadcast.shares {
            guard share.receiver == context.id else { throw .wrongReceiver(share.receiver) }
            guard context.neighbourSet.contains(share.sender) else { throw .notNeighbour(share.sender) }
            guard let key = neighbourKeys.shareKey(for: share.sender) else { throw .unknownClient(share.sender) }
            guard held[share.sender] == nil else { throw .duplicateClient(share.sender) }
            let ad = KeyDerivation.shareAdditionalData(sessionID: sessionID, sender: share.sender, receiver: context.id)
            let plaintext: SecureBytes
            do { plaintext = try XChaCha20Poly1305.open(share.ciphertext, key: key, additionalData: ad) } catch {
                throw .shareDecryptionFailed(sender: share.sender)
            }
            held[share.sender] = try SharePlaintext(plaintext: plaintext, receiver: context.id)
        }
        guard held.count >= context.threshold else {
            throw .tooFewClients(phase: .shareKeys, available: held.count, required: context.threshold)
        }
        return held
    }

    /// The mask terms: +PRG(b_u), and for each sender v, +PRG(s_uv) if u < v else −PRG(s_uv).
    func maskTerms(senders: some Sequence<UInt32>) throws(SecureAggError) -> [MaskTerm] {
        var terms = [MaskTerm(seed: selfMaskSeed, purpose: .selfMask, negate: false)]
        for v in senders {
            guard let seed = neighbourKeys.pairwiseSeed(for: v) else { throw .unknownClient(v) }
            terms.append(MaskTerm(seed: seed, purpose: .pairwiseMask, negate: context.id > v))
        }
        return terms
    }

    /// Opens the shares and returns a writer that masks with exactly their senders (protocol failures here
    /// abort the client). The caller writes the input into it, then calls ``finish(_:held:)``.
    func prepare(_ broadcast: ShareBroadcast) throws(SecureAggError) -> (MaskedInputWriter, [UInt32: SharePlaintext]) {
        let held = try openShares(broadcast)
        let terms = try maskTerms(senders: held.keys.sorted())
        let config = context.configuration
        // Packing keeps the low b bits: that is the reduction mod 2^b.
        return (MaskedInputWriter(count: config.vectorLength, bits: config.bits, terms: terms), held)
    }

    /// The masked-input message once `writer` holds the whole vector (a local error, not an abort, if not).
    func finish(
        _ writer: MaskedInputWriter, held: [UInt32: SharePlaintext]
    ) throws(SecureAggError) -> (MaskedInput, ClientR3ConsistencyCheck) {
        let message = MaskedInput(round: context.round, sender: context.id, packed: try writer.finish())
        let next = ClientR3ConsistencyCheck(context: context, sessionID: sessionID, held: held)
        return (message, next)
    }
}
