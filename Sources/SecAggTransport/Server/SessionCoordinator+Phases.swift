import GRPCCore
import FedCore
import SecureAgg

extension SessionCoordinator {
    /// A protocol message from joined client `id`: accepted only in its phase, from a client that still owes it,
    /// naming itself as sender. Anything else drops the client from the run with a status saying why.
    func handleRoundMessage(_ id: UInt32, _ message: Secagg_V1_ClientMessage) {
        guard var c = collection, c.pending.contains(id), let plan = orchestrator?.currentRound else {
            drop(id, RPCError(code: .failedPrecondition, message: "message outside its phase"))
            return
        }
        let maxClients = plan.cohort.count
        do throws(TransportError) {
            let decoded: ClientRoundMessage
            switch (c.phase, message.body) {
            case (.advertiseKeys, .advertiseKeys(let m)?): decoded = .advertiseKeys(try AdvertiseKeys(proto: m))
            case (.shareKeys, .shareKeys(let m)?): decoded = .shareKeys(try ShareKeys(proto: m, maxClients: maxClients))
            case (.maskedInput, .maskedInput(let chunk)?):
                try checkSender(chunk.sender, id)
                var assembly =
                    c.assemblies[id]
                    ?? MaskedInputAssembly(
                        round: UInt64(plan.round), sender: id, vectorLength: plan.vectorLength, bits: plan.encoding.bits)
                guard let input = try assembly.add(chunk) else {
                    c.assemblies[id] = assembly
                    collection = c
                    return
                }
                c.assemblies[id] = nil
                collection = c
                decoded = .maskedInput(input)
            case (.consistencyCheck, .consistencyCheck(let m)?): decoded = .consistencyCheck(try ConsistencyCheck(proto: m))
            case (.unmasking, .unmaskingResponse(let m)?):
                decoded = .unmaskingResponse(try UnmaskingResponse(proto: m, maxClients: maxClients))
            default:
                throw .unexpectedMessage("the server is collecting \(c.phase)")
            }
            try checkSender(decoded.sender, id)
            if case .rejected(let error)? = orchestrator?.receive(decoded, from: id) { throw .protocolFailure(error) }
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

    /// The gRPC status a transport error is reported with.
    static func status(for error: TransportError) -> RPCError {
        switch error {
        case .permissionDenied, .channelMismatch: return RPCError(code: .permissionDenied, message: error.description)
        case .limitExceeded: return RPCError(code: .resourceExhausted, message: error.description)
        case .deadlineExceeded: return RPCError(code: .deadlineExceeded, message: error.description)
        case .unsupportedProtocolVersion, .unsupportedMessageVersion, .unexpectedMessage:
            return RPCError(code: .failedPrecondition, message: error.description)
        case .malformed, .protocolFailure, .remote, .configuration, .tooFewClientsJoined, .refused:
            return RPCError(code: .invalidArgument, message: error.description)
        }
    }
}
