/// Server state R3: collecting survivors' signatures over the survivor list; each is verified against the
/// registry. Next: ``ServerR4Unmasking`` (≥ max(t, ⌊n/2⌋ + 1) valid signatures: no client with an honest
/// policy unmasks with fewer, see ``SecurityFloor``) or aborted.
struct ServerR3ConsistencyCheck: Sendable {
    let context: ServerContext
    let advertisements: [UInt32: AdvertiseKeys]
    let sessionID: [UInt8]
    let sharedKeys: Set<UInt32>
    var accumulator: [UInt32]
    /// U3, ascending.
    let survivors: [UInt32]
    /// `survivors` as a set, and the bytes each survivor signs (computed once, not per signature).
    private let survivorSet: Set<UInt32>
    private let signedBytes: [UInt8]
    var signatures: [UInt32: [UInt8]] = [:]

    init(
        context: ServerContext, advertisements: [UInt32: AdvertiseKeys], sessionID: [UInt8],
        sharedKeys: Set<UInt32>, accumulator: [UInt32], survivors: [UInt32]
    ) {
        self.context = context
        self.advertisements = advertisements
        self.sessionID = sessionID
        self.sharedKeys = sharedKeys
        self.accumulator = accumulator
        self.survivors = survivors
        survivorSet = Set(survivors)
        signedBytes = ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: survivors)
    }

    mutating func receive(_ message: ConsistencyCheck) throws(SecureAggError) {
        try context.checkHeader(
            version: message.version, current: ConsistencyCheck.currentVersion, round: message.round)
        guard survivorSet.contains(message.sender), let key = context.configuration.registry[message.sender] else {
            throw .unknownClient(message.sender)
        }
        guard signatures[message.sender] == nil else { throw .duplicateClient(message.sender) }
        guard key.isValidSignature(message.signature, for: signedBytes) else {
            throw .invalidSignature(client: message.sender)
        }
        signatures[message.sender] = message.signature
    }

    func finish() throws(SecureAggError) -> ([UnmaskingRequest], ServerR4Unmasking) {
        let n = context.configuration.cohort.count
        let required = SecurityFloor.minimumSurvivors(cohort: n, threshold: context.threshold, colluders: 0)
        guard signatures.count >= required else { throw .tooFewSignatures(valid: signatures.count, required: required) }
        let dropped = sharedKeys.filter { !survivorSet.contains($0) }.sorted()
        let entries = signatures.keys.sorted().map { SurvivorSignature(signer: $0, signature: signatures[$0] ?? []) }
        let signers = signatures.keys.sorted()
        let requests = signers.map {
            UnmaskingRequest(
                round: context.round, receiver: $0, survivors: survivors, dropped: dropped,
                signatures: entries)
        }
        let next = ServerR4Unmasking(
            context: context, advertisements: advertisements, sessionID: sessionID, sharedKeys: sharedKeys,
            accumulator: accumulator, survivors: survivors, dropped: dropped, responders: Set(signers))
        return (requests, next)
    }
}
