/// Client state R4: consistency signature sent; waits for the ``UnmaskingRequest``.
///
/// Refuses unless: the survivor list is the one it signed; ≥ Q = ⌊(n + c)/2⌋ + 1 distinct survivors signed it
/// validly (registry keys; any survivor counts, this client included: the quorum no second list can reach,
/// ``SecurityFloor``); the dropped list has no duplicates, no unknown id, not this client, nobody also a survivor; ≥ t
/// survivors; and every neighbour whose share it holds is in exactly one list. Then reveals, per neighbour,
/// exactly one share: the b-share of a survivor, the s_sk-share of a dropped client.
/// Next: ``ClientCompleted`` or aborted. Answers at most one request (invariant: never both shares).
struct ClientR4Unmasking: Sendable {
    let context: ClientContext
    let sessionID: [UInt8]
    let held: [UInt32: SharePlaintext]
    let survivors: [UInt32]

    func handle(_ request: UnmaskingRequest) throws(SecureAggError) -> (UnmaskingResponse, ClientCompleted) {
        let config = context.configuration
        try context.checkHeader(
            version: request.version, current: UnmaskingRequest.currentVersion,
            round: request.round, receiver: request.receiver)
        guard request.survivors == survivors else { throw .survivorListChanged }
        guard survivors.count >= context.shortestSurvivorList else {
            throw .tooFewClients(phase: .unmasking, available: survivors.count, required: context.shortestSurvivorList)
        }
        // The list passed the phase-3 checks; its members and signed bytes are the same for every client.
        let list = context.derivations.survivorList(configuration: config, sessionID: sessionID, survivors: survivors)
        let quorum = context.quorum
        let signers = context.quorumVerifier.validSigners(
            request.signatures, eligible: list.members, registry: config.registry, message: list.signedBytes, needed: quorum)
        guard signers.count >= quorum else { throw .tooFewSignatures(valid: signers.count, required: quorum) }
        let dropped = context.derivations.droppedList(configuration: config, survivors: list, dropped: request.dropped)
        if let error = dropped.error(for: context.id) { throw error }
        var revealed = [RevealedShare]()
        revealed.reserveCapacity(held.count)
        for owner in held.keys.sorted() {
            guard let pair = held[owner] else { continue }
            if list.members.contains(owner) {
                revealed.append(RevealedShare(owner: owner, kind: .selfSeed, share: pair.selfSeedShare))
            } else if dropped.contains(owner) {
                revealed.append(RevealedShare(owner: owner, kind: .maskingKey, share: pair.maskingKeyShare))
            } else {
                throw .neighbourUnaccounted(owner)
            }
        }
        let response = UnmaskingResponse(round: context.round, sender: context.id, shares: revealed)
        return (response, ClientCompleted(survivors: survivors))
    }
}
