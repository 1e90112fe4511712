import GRPCCore

/// The gRPC service: one `Session` stream per client. A reader task hands every incoming message to the
/// coordinator; this task writes whatever the coordinator puts in the session's outbox, and ends the RPC when
/// the coordinator closes the session (normally, or with the status it chose).
struct AggregationService: Secagg_V1_Aggregation.SimpleServiceProtocol {
    let coordinator: SessionCoordinator

    func session(
        request: RPCAsyncSequence<Secagg_V1_ClientMessage, any Error>,
        response: RPCWriter<Secagg_V1_ServerMessage>,
        context: ServerContext
    ) async throws {
        let (outbox, continuation) = AsyncStream.makeStream(of: SessionCoordinator.Outgoing.self)
        let token = try await coordinator.open(continuation, peer: context.remotePeer)
        let coordinator = self.coordinator
        let reader = Task {
            do {
                for try await message in request { await coordinator.receive(token, message) }
            } catch let error as RPCError where Self.isOversizedMessage(error) {
                await coordinator.oversizedMessage(token)
            } catch {
                // A broken or cancelled stream is a disconnect like any other.
            }
            await coordinator.disconnected(token)
        }
        defer { reader.cancel() }
        for await item in outbox {
            switch item {
            case .message(let message): try await response.write(message)
            case .close(let error?): throw error
            case .close(nil): return
            }
        }
    }

    /// The NIO transport reports a message over `maxRequestPayloadSize` (checked from its length prefix, before
    /// it is read) as `INTERNAL` "Failed to decode message" (or, from its deframer, `RESOURCE_EXHAUSTED`
    /// "…maximum payload size…"). Without compression (not enabled here) nothing else produces these.
    static func isOversizedMessage(_ error: RPCError) -> Bool {
        (error.code == .internalError && error.message.hasPrefix("Failed to decode message"))
            || (error.code == .resourceExhausted && error.message.contains("maximum payload size"))
    }
}
