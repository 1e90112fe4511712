/// Client state R3: masked input sent; waits for the survivor list (``ConsistencyRequest``).
///
/// The list must be ascending, within the cohort, contain this client, hold ≥ max(t, quorum, announced
/// minimum survivors) ids (``SecurityFloor``), and every neighbour on it must be one whose share this client
/// holds (a survivor necessarily shared keys). Signs the list: the only list it signs this round.
/// Next: ``ClientR4Unmasking`` or aborted.
struct ClientR3ConsistencyCheck: Sendable {
    let context: ClientContext
    let sessionID: [UInt8]
    /// Decrypted shares by owner (the neighbours that completed ShareKeys).
    let held: [UInt32: SharePlaintext]

    func handle(_ request: ConsistencyRequest) throws(SecureAggError) -> (ConsistencyCheck, ClientR4Unmasking) {
        try context.checkHeader(
            version: request.version, current: ConsistencyRequest.currentVersion,
            round: request.round, receiver: request.receiver)
        let survivors = request.survivors
        let list = context.derivations.survivorList(
            configuration: context.configuration, sessionID: sessionID, survivors: survivors)
        if let error = list.formError { throw error }
        guard list.members.contains(context.id) else { throw .requestNamesSelf }
        guard survivors.count >= context.shortestSurvivorList else {
            throw .tooFewClients(
                phase: .consistencyCheck, available: survivors.count, required: context.shortestSurvivorList)
        }
        for v in context.neighbours where list.members.contains(v) {  // ascending, as the survivors
            guard held[v] != nil else { throw .unknownClient(v) }
        }
        let signature = context.identity.sign(list.signedBytes)
        let message = ConsistencyCheck(round: context.round, sender: context.id, signature: signature)
        return (message, ClientR4Unmasking(context: context, sessionID: sessionID, held: held, survivors: survivors))
    }
}
