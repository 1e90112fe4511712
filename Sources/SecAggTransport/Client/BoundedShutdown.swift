import Foundation

/// Runs one client attempt (a gRPC client and its session) and returns the session's outcome no later than
/// `grace` after the session reported it, even if tearing down the call and the gRPC client takes longer.
///
/// Once the last round's result is in, nothing the client still waits for matters: gRPC's teardown of the call
/// and the graceful shutdown of its client wait for the connection's streams to close and for any connection
/// attempt in progress to end, and a loaded machine or a server that went away mid-shutdown can make that take
/// many seconds. After `grace` the attempt's task is cancelled and left to finish on its own (the process exits
/// soon after, or the caller moves on). Errors, and outcomes of sessions that end without reporting early, are
/// returned as the attempt returns them.
enum BoundedShutdown {
    private enum Event: Sendable {
        case outcome(AggregationClient.Outcome)
        case finished(Result<AggregationClient.Outcome, any Error>)
        case graceOver
    }

    /// - Parameters:
    ///   - grace: how long the teardown may take after the session reported its outcome.
    ///   - body: the attempt; it calls its argument once with the outcome as soon as the session has one.
    static func run(
        grace: Duration,
        _ body: @escaping @Sendable (_ report: @escaping @Sendable (AggregationClient.Outcome) -> Void) async throws
            -> AggregationClient.Outcome
    ) async throws -> AggregationClient.Outcome {
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let attempt = Task {
            do {
                sink.yield(.finished(.success(try await body { sink.yield(.outcome($0)) })))
            } catch {
                sink.yield(.finished(.failure(error)))
            }
        }
        return try await withTaskCancellationHandler {
            var reported: AggregationClient.Outcome?
            for await event in events {
                switch event {
                case .finished(let result):
                    return try result.get()
                case .outcome(let outcome):
                    reported = outcome
                    Task {
                        try? await Task.sleep(for: grace)
                        sink.yield(.graceOver)
                    }
                case .graceOver:
                    if let reported {
                        attempt.cancel()
                        return reported
                    }
                }
            }
            throw CancellationError()
        } onCancel: {
            attempt.cancel()
            sink.finish()
        }
    }
}
