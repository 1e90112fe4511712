import GRPCCore
import SecureAgg

extension SessionCoordinator {
    /// A protocol message from joined client `id`: accepted only in its phase, from a client that still owes it,
    /// naming itself as sender. Anything else drops the client from the run with a status saying why.
    func handleRoundMessage(_ id: UInt32, _ message: Secagg_V1_ClientMessage) {
        guard var c = collection, c.pending.contains(id), server != nil else {
            drop(id, RPCError(code: .failedPrecondition, message: "message outside its phase"))
            return
        }
        let maxClients = server?.configuration.cohort.count ?? 0
        do throws(TransportError) {
            let receipt: Receipt?
            switch (c.phase, message.body) {
            case (.advertiseKeys, .advertiseKeys(let m)?):
                let ad = try AdvertiseKeys(proto: m)
                try checkSender(ad.sender, id)
                receipt = try protocolStep { () throws(SecureAggError) in try server?.receiveAdvertisement(ad) }
            case (.shareKeys, .shareKeys(let m)?):
                let shares = try ShareKeys(proto: m, maxClients: maxClients)
                try checkSender(shares.sender, id)
                receipt = try protocolStep { () throws(SecureAggError) in try server?.receiveShareKeys(shares) }
            case (.maskedInput, .maskedInput(let chunk)?):
                try checkSender(chunk.sender, id)
                guard let configuration = server?.configuration else { return }
                var assembly =
                    c.assemblies[id]
                    ?? MaskedInputAssembly(
                        round: configuration.round, sender: id, vectorLength: configuration.vectorLength,
                        bits: configuration.bits)
                if let input = try assembly.add(chunk) {
                    c.assemblies[id] = nil
                    collection = c
                    receipt = try protocolStep { () throws(SecureAggError) in try server?.receiveMaskedInput(input) }
                } else {
                    c.assemblies[id] = assembly
                    collection = c
                    return
                }
            case (.consistencyCheck, .consistencyCheck(let m)?):
                let check = try ConsistencyCheck(proto: m)
                try checkSender(check.sender, id)
                receipt = try protocolStep { () throws(SecureAggError) in try server?.receiveConsistencyCheck(check) }
            case (.unmasking, .unmaskingResponse(let m)?):
                let response = try UnmaskingResponse(proto: m, maxClients: maxClients)
                try checkSender(response.sender, id)
                receipt = try protocolStep { () throws(SecureAggError) in
                    try server?.receiveUnmaskingResponse(response)
                }
            default:
                throw .unexpectedMessage("the server is collecting \(c.phase)")
            }
            if case .rejected(let error)? = receipt { throw .protocolFailure(error) }
            collection?.pending.remove(id)
            collection?.accepted.append(id)
            releaseBarrierIfSatisfied()
        } catch {
            drop(id, Self.status(for: error))
        }
    }

    private func checkSender(_ sender: UInt32, _ id: UInt32) throws(TransportError) {
        guard sender == id else {
            throw .permissionDenied("client \(id) sent a message naming sender \(sender)")
        }
    }

    private func protocolStep(_ body: () throws(SecureAggError) -> Receipt?) throws(TransportError) -> Receipt? {
        do { return try body() } catch { throw .protocolFailure(error) }
    }

    /// The gRPC status a transport error is reported with.
    static func status(for error: TransportError) -> RPCError {
        switch error {
        case .permissionDenied: return RPCError(code: .permissionDenied, message: error.description)
        case .limitExceeded: return RPCError(code: .resourceExhausted, message: error.description)
        case .deadlineExceeded: return RPCError(code: .deadlineExceeded, message: error.description)
        case .unsupportedProtocolVersion, .unsupportedMessageVersion, .unexpectedMessage:
            return RPCError(code: .failedPrecondition, message: error.description)
        case .malformed, .protocolFailure, .remote, .configuration, .tooFewClientsJoined, .refused:
            return RPCError(code: .invalidArgument, message: error.description)
        }
    }
}
