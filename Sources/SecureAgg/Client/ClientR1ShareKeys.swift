import Sodium

/// Client state R1: advertisement sent; waits for the server's ``KeyBroadcast``.
///
/// Checks every advertisement's form, that its own advertisement is present unaltered, ≥ max(t, minimum
/// survivors) clients advertised and that the announced session id equals its own recomputation; then draws
/// the graph from the session id (``HararyGraph``) and checks the signatures of its neighbours against the
/// registry (it uses no other client's keys; a server that shows different clients different advertisements
/// changes their session ids, so neighbours' shares no longer open) and that ≥ t neighbours advertised. Then
/// splits b_u and s_sk_u (threshold t, points = neighbour ids), encrypts one pair per neighbour, and
/// derives the per-neighbour share keys and pairwise mask seeds s_uv.
/// Next: ``ClientR2MaskedInput`` or aborted.
struct ClientR1ShareKeys: Sendable {
    let context: ClientContext
    let encryptionKey: X25519.SecretKey
    let maskingKey: X25519.SecretKey
    let selfSeed: MaskSeed
    let ownAdvertisement: AdvertiseKeys

    func handle(
        _ broadcast: KeyBroadcast, using rng: inout some SecureRandom
    ) throws(SecureAggError) -> (ShareKeys, ClientR2MaskedInput) {
        let config = context.configuration
        try context.checkHeader(
            version: broadcast.version, current: KeyBroadcast.currentVersion,
            round: broadcast.round, receiver: broadcast.receiver)
        let ads = broadcast.advertisements
        // Order, form, session id and graph are the same for every client (``RoundDerivations``).
        let derived = context.derivations.keyBroadcast(configuration: config, advertisements: ads)
        if let error = derived.formError { throw error }
        // Ascending distinct senders (checked): the own advertisement can only be at its id.
        guard let own = Self.index(of: context.id, in: ads), ads[own] == ownAdvertisement else { throw .ownAdvertisementMissing }
        // Fewer advertisers than the round's minimum survivors cannot end in a result (survivors advertised
        // first); refusing them also bounds the advertisement sets a server can try to shape the session id.
        let required = max(context.threshold, context.minimumSurvivors)
        guard ads.count >= required else {
            throw .tooFewClients(phase: .advertiseKeys, available: ads.count, required: required)
        }
        guard let graph = derived.graph, derived.sessionID == broadcast.sessionID else { throw .sessionIDMismatch }
        let sessionID = derived.sessionID
        // The graph is drawn from the session id, which nobody knew when the round was announced.
        let context = self.context.withNeighbours(graph: graph)
        var peers = [UInt32: AdvertiseKeys]()
        for v in context.neighbours {  // ascending, as the advertisements
            guard let i = Self.index(of: v, in: ads) else { continue }
            guard context.derivations.isValidSignature(of: ads[i], configuration: config) else {
                throw .invalidSignature(client: v)
            }
            peers[v] = ads[i]
        }
        guard peers.count >= context.threshold else {
            throw .tooFewClients(phase: .advertiseKeys, available: peers.count, required: context.threshold)
        }
        let points = peers.keys.sorted()
        let bShares: [ShamirShare]
        let sShares: [ShamirShare]
        do {
            bShares = try Shamir.split(secret: selfSeed.key, threshold: context.threshold, points: points, using: &rng)
            sShares = try Shamir.split(
                secret: maskingKey.secretBytes, threshold: context.threshold, points: points, using: &rng)
        } catch { throw .shamir(error) }
        var encrypted = [EncryptedShare]()
        encrypted.reserveCapacity(points.count)
        // Key agreement happens once, here: the share keys are reused to open incoming shares, and the
        // pairwise mask seeds (which need only the session id) are ready before the input exists.
        var agreed = [(id: UInt32, shareKey: SecureBytes, seed: MaskSeed)]()
        agreed.reserveCapacity(points.count)
        for (i, peer) in points.enumerated() {
            guard let peerAd = peers[peer] else { continue }
            let key = try KeyDerivation.shareEncryptionKey(
                sessionID: sessionID, me: context.id, secretKey: encryptionKey, peer: peer,
                peerKey: peerAd.encryptionKey)
            let seed = try KeyDerivation.pairwiseSeed(
                sessionID: sessionID, me: context.id, secretKey: maskingKey, peer: peer, peerKey: peerAd.maskingKey)
            agreed.append((peer, key, seed))
            let ad = KeyDerivation.shareAdditionalData(sessionID: sessionID, sender: context.id, receiver: peer)
            let plaintext = SharePlaintext(selfSeedShare: bShares[i], maskingKeyShare: sShares[i])
            encrypted.append(
                EncryptedShare(
                    sender: context.id, receiver: peer,
                    ciphertext: plaintext.sealed(key: key, additionalData: ad)))
        }
        let message = ShareKeys(round: context.round, sender: context.id, shares: encrypted)
        let next = ClientR2MaskedInput(
            context: context, selfMaskSeed: selfSeed.selfMaskSeed(sessionID: sessionID), sessionID: sessionID,
            neighbourKeys: NeighbourKeys(agreed))
        return (message, next)
    }

    /// Position of `id`'s advertisement in `ads` (ascending senders), by binary search.
    static func index(of id: UInt32, in ads: [AdvertiseKeys]) -> Int? { ads.ascendingIndex(of: id) { $0.sender } }
}
