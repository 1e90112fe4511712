/// Server state R0: collecting signed advertisements. Each is checked against the registry.
/// Next: ``ServerR1ShareKeys`` (≥ t advertisements) or aborted.
struct ServerR0AdvertiseKeys: Sendable {
    let context: ServerContext
    var advertisements: [UInt32: AdvertiseKeys] = [:]

    mutating func receive(_ ad: AdvertiseKeys) throws(SecureAggError) {
        try ad.validate(configuration: context.configuration)
        guard advertisements[ad.sender] == nil else { throw .duplicateClient(ad.sender) }
        advertisements[ad.sender] = ad
    }

    func finish() throws(SecureAggError) -> ([KeyBroadcast], ServerR1ShareKeys) {
        guard advertisements.count >= context.threshold else {
            throw .tooFewClients(phase: .advertiseKeys, available: advertisements.count, required: context.threshold)
        }
        let ads = advertisements.keys.sorted().compactMap { advertisements[$0] }
        let sessionID = SessionID.compute(configuration: context.configuration, advertisements: ads)
        let broadcasts = ads.map {
            KeyBroadcast(round: context.round, receiver: $0.sender, advertisements: ads, sessionID: sessionID)
        }
        return (broadcasts, ServerR1ShareKeys(context: context, advertisements: advertisements, sessionID: sessionID))
    }
}
