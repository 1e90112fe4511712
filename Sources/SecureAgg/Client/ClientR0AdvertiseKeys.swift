import Sodium

/// Client state R0: fresh key pairs (c, s) and self seed b_u made; nothing sent yet.
/// Next: ``ClientR1ShareKeys`` (after ``advertise()``).
struct ClientR0AdvertiseKeys: Sendable {
    let context: ClientContext
    let encryptionKey: X25519.SecretKey
    let maskingKey: X25519.SecretKey
    let selfSeed: MaskSeed

    init(context: ClientContext, using rng: inout some SecureRandom) {
        self.context = context
        encryptionKey = X25519.SecretKey.generate(using: &rng)
        maskingKey = X25519.SecretKey.generate(using: &rng)
        selfSeed = MaskSeed.random(using: &rng)
    }

    /// Signs round context ‖ id ‖ c_pk ‖ s_pk ‖ commitment(b_u) with the identity key.
    func advertise() -> (AdvertiseKeys, ClientR1ShareKeys) {
        var ad = AdvertiseKeys(
            round: context.round, sender: context.id, encryptionKey: encryptionKey.publicKey,
            maskingKey: maskingKey.publicKey, selfSeedCommitment: selfSeed.commitment, signature: [])
        ad.signature = context.identity.sign(ad.signedBytes(contextDigest: context.configuration.contextDigest))
        let next = ClientR1ShareKeys(
            context: context, encryptionKey: encryptionKey, maskingKey: maskingKey, selfSeed: selfSeed,
            ownAdvertisement: ad)
        return (ad, next)
    }
}
