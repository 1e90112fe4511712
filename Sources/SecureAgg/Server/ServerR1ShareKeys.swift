import Sodium

/// Server state R1: collecting encrypted shares. A client's ``ShareKeys`` must hold exactly one well-formed
/// ciphertext for each of its neighbours that advertised. Next: ``ServerR2MaskedInput`` or aborted.
struct ServerR1ShareKeys: Sendable {
    let context: ServerContext
    /// U1: accepted advertisements.
    let advertisements: [UInt32: AdvertiseKeys]
    let sessionID: [UInt8]
    var shares: [UInt32: [EncryptedShare]] = [:]

    static var ciphertextByteCount: Int { 1 + 2 * SharePlaintext.shareByteCount + XChaCha20Poly1305.overheadByteCount }

    mutating func receive(_ message: ShareKeys) throws(SecureAggError) {
        try context.checkHeader(version: message.version, current: ShareKeys.currentVersion, round: message.round)
        let sender = message.sender
        guard advertisements[sender] != nil else { throw .unknownClient(sender) }
        guard shares[sender] == nil else { throw .duplicateClient(sender) }
        let expected = Set(context.graph.neighbours(of: sender).filter { advertisements[$0] != nil })
        var seen = Set<UInt32>()
        for share in message.shares {
            guard share.sender == sender else { throw .malformedMessage("share sender differs from message sender") }
            guard expected.contains(share.receiver) else { throw .notNeighbour(share.receiver) }
            guard seen.insert(share.receiver).inserted else { throw .duplicateClient(share.receiver) }
            guard share.ciphertext.count == Self.ciphertextByteCount else {
                throw .malformedMessage("ciphertext length")
            }
        }
        guard seen.count == expected.count else { throw .malformedMessage("a neighbour's share is missing") }
        shares[sender] = message.shares
    }

    func finish() throws(SecureAggError) -> ([ShareBroadcast], ServerR2MaskedInput) {
        guard shares.count >= context.threshold else {
            throw .tooFewClients(phase: .shareKeys, available: shares.count, required: context.threshold)
        }
        var inbox = [UInt32: [EncryptedShare]]()
        for sender in shares.keys.sorted() {
            for share in shares[sender] ?? [] where shares[share.receiver] != nil {
                inbox[share.receiver, default: []].append(share)
            }
        }
        let u2 = shares.keys.sorted()
        let broadcasts = u2.map {
            ShareBroadcast(round: context.round, receiver: $0, shares: inbox[$0] ?? [])
        }
        let next = ServerR2MaskedInput(
            context: context, advertisements: advertisements, sessionID: sessionID, sharedKeys: Set(u2))
        return (broadcasts, next)
    }
}
