import Sodium

/// Server state R0: collecting signed advertisements. Each is checked against the registry, and both X25519
/// keys must not be low-order points (which would make every neighbour's key agreement fail).
/// Next: ``ServerR1ShareKeys`` (≥ t advertisements) or aborted.
struct ServerR0AdvertiseKeys: Sendable {
    let configuration: RoundConfiguration
    var advertisements: [UInt32: AdvertiseKeys] = [:]

    /// A fixed probe scalar: X25519 clamps every scalar to a multiple of 8, so a low-order point gives the
    /// all-zero output for any scalar, this one included.
    private static let probe: X25519.SecretKey? = try? X25519.SecretKey(
        secretBytes: SecureBytes(copying: [UInt8](repeating: 0x5A, count: 32)))

    mutating func receive(_ ad: AdvertiseKeys) throws(SecureAggError) {
        try ad.validate(configuration: configuration)
        guard advertisements[ad.sender] == nil else { throw .duplicateClient(ad.sender) }
        if let probe = Self.probe {
            for key in [ad.encryptionKey, ad.maskingKey] {
                guard (try? X25519.sharedSecret(secretKey: probe, peer: key)) != nil else {
                    throw .weakPeerKey(ad.sender)
                }
            }
        }
        advertisements[ad.sender] = ad
    }

    func finish() throws(SecureAggError) -> ([KeyBroadcast], ServerR1ShareKeys) {
        guard advertisements.count >= configuration.threshold else {
            throw .tooFewClients(
                phase: .advertiseKeys, available: advertisements.count, required: configuration.threshold)
        }
        let ads = advertisements.keys.sorted().compactMap { advertisements[$0] }
        let sessionID = SessionID.compute(configuration: configuration, advertisements: ads)
        let broadcasts = ads.map {
            KeyBroadcast(round: configuration.round, receiver: $0.sender, advertisements: ads, sessionID: sessionID)
        }
        // The graph exists from here on: it is drawn from the session id (``HararyGraph``).
        let context = ServerContext(
            configuration: configuration, graph: HararyGraph(configuration: configuration, sessionID: sessionID))
        return (broadcasts, ServerR1ShareKeys(context: context, advertisements: advertisements, sessionID: sessionID))
    }
}
