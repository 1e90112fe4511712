/// The server's side of a SecAgg / SecAgg+ round: a pure state machine (messages in → messages out, no I/O).
///
/// For each phase: call `receive…` once per arriving client message (each returns a ``Receipt``; a rejected
/// message drops its sender), then `finish…` to close the phase and get the messages to send to each client.
/// A call in the wrong state throws ``SecureAggError/wrongState(expected:actual:)``. A `finish…` that cannot
/// continue (fewer than t clients, signatures or shares) throws and aborts the round.
///
/// Memory: masked vectors are added to one m-word accumulator as they arrive (``receiveMaskedInput(_:)``),
/// so the server never holds more than one vector beyond the accumulator.
public struct SecAggServer: Sendable {
    enum State: Sendable {
        case r0AdvertiseKeys(ServerR0AdvertiseKeys)
        case r1ShareKeys(ServerR1ShareKeys)
        case r2MaskedInput(ServerR2MaskedInput)
        case r3ConsistencyCheck(ServerR3ConsistencyCheck)
        case r4Unmasking(ServerR4Unmasking)
        case completed(ServerCompleted)
        case aborted(ServerAborted)
        /// Transient, while a state's payload is mutated in place (keeps the accumulator uniquely referenced).
        case transitioning

        var name: String {
            switch self {
            case .r0AdvertiseKeys: return "R0AdvertiseKeys"
            case .r1ShareKeys: return "R1ShareKeys"
            case .r2MaskedInput: return "R2MaskedInput"
            case .r3ConsistencyCheck: return "R3ConsistencyCheck"
            case .r4Unmasking: return "R4Unmasking"
            case .completed: return "Completed"
            case .aborted: return "Aborted"
            case .transitioning: return "Transitioning"
            }
        }
    }

    private var state: State
    public let configuration: RoundConfiguration

    /// How many parallel lanes the unmasking (``finishUnmasking()``) cuts its work into: 1 runs it in the calling
    /// thread; more run it through `DispatchQueue.concurrentPerform` (at most one thread per active core). The
    /// sum is the same for any value.
    public let unmaskingLanes: Int

    /// A server for one round. `unmaskingLanes`: see ``unmaskingLanes`` (default: the processors online).
    public init(configuration: RoundConfiguration, unmaskingLanes: Int? = nil) {
        self.configuration = configuration
        self.unmaskingLanes = max(1, unmaskingLanes ?? ParallelLanes.activeCores)
        state = .r0AdvertiseKeys(ServerR0AdvertiseKeys(configuration: configuration))
    }

    /// Name of the current state.
    public var stateName: String { state.name }
    /// The failure that aborted the round, if any.
    public var abortReason: SecureAggError? { if case .aborted(let a) = state { return a.reason } else { return nil } }

    private func wrongState(_ expected: String) -> SecureAggError {
        .wrongState(expected: expected, actual: state.name)
    }

    private static func receipt(_ body: () throws(SecureAggError) -> Void) -> Receipt {
        do {
            try body()
            return .accepted
        } catch { return .rejected(error) }
    }

    // MARK: Phase 0

    /// Checks the advertisement's signature against the registry and records it.
    @discardableResult
    public mutating func receiveAdvertisement(_ message: AdvertiseKeys) throws(SecureAggError) -> Receipt {
        guard case .r0AdvertiseKeys(var s) = state else { throw wrongState("R0AdvertiseKeys") }
        state = .transitioning
        defer { state = .r0AdvertiseKeys(s) }
        return Self.receipt { () throws(SecureAggError) in try s.receive(message) }
    }

    /// Closes phase 0: one ``KeyBroadcast`` per advertising client.
    public mutating func finishAdvertising() throws(SecureAggError) -> [KeyBroadcast] {
        guard case .r0AdvertiseKeys(let s) = state else { throw wrongState("R0AdvertiseKeys") }
        do {
            let (out, next) = try s.finish()
            state = .r1ShareKeys(next)
            return out
        } catch { throw abort(error) }
    }

    // MARK: Phase 1

    @discardableResult
    public mutating func receiveShareKeys(_ message: ShareKeys) throws(SecureAggError) -> Receipt {
        guard case .r1ShareKeys(var s) = state else { throw wrongState("R1ShareKeys") }
        state = .transitioning
        defer { state = .r1ShareKeys(s) }
        return Self.receipt { () throws(SecureAggError) in try s.receive(message) }
    }

    /// Closes phase 1: one ``ShareBroadcast`` per client that shared keys.
    public mutating func finishShareKeys() throws(SecureAggError) -> [ShareBroadcast] {
        guard case .r1ShareKeys(let s) = state else { throw wrongState("R1ShareKeys") }
        do {
            let (out, next) = try s.finish()
            state = .r2MaskedInput(next)
            return out
        } catch { throw abort(error) }
    }

    // MARK: Phase 2

    /// Validates the masked vector and adds it to the running sum at once (the message can be discarded).
    @discardableResult
    public mutating func receiveMaskedInput(_ message: MaskedInput) throws(SecureAggError) -> Receipt {
        guard case .r2MaskedInput(var s) = state else { throw wrongState("R2MaskedInput") }
        state = .transitioning
        defer { state = .r2MaskedInput(s) }
        return Self.receipt { () throws(SecureAggError) in try s.receive(message) }
    }

    /// Closes phase 2: one ``ConsistencyRequest`` per survivor.
    public mutating func finishMaskedInput() throws(SecureAggError) -> [ConsistencyRequest] {
        guard case .r2MaskedInput(let s) = state else { throw wrongState("R2MaskedInput") }
        state = .transitioning
        do {
            let (out, next) = try s.finish()
            state = .r3ConsistencyCheck(next)
            return out
        } catch { throw abort(error) }
    }

    // MARK: Phase 3

    @discardableResult
    public mutating func receiveConsistencyCheck(_ message: ConsistencyCheck) throws(SecureAggError) -> Receipt {
        guard case .r3ConsistencyCheck(var s) = state else { throw wrongState("R3ConsistencyCheck") }
        state = .transitioning
        defer { state = .r3ConsistencyCheck(s) }
        return Self.receipt { () throws(SecureAggError) in try s.receive(message) }
    }

    /// Closes phase 3: one ``UnmaskingRequest`` per client that signed.
    public mutating func finishConsistencyCheck() throws(SecureAggError) -> [UnmaskingRequest] {
        guard case .r3ConsistencyCheck(let s) = state else { throw wrongState("R3ConsistencyCheck") }
        state = .transitioning
        do {
            let (out, next) = try s.finish()
            state = .r4Unmasking(next)
            return out
        } catch { throw abort(error) }
    }

    // MARK: Phase 4

    @discardableResult
    public mutating func receiveUnmaskingResponse(_ message: UnmaskingResponse) throws(SecureAggError) -> Receipt {
        guard case .r4Unmasking(var s) = state else { throw wrongState("R4Unmasking") }
        state = .transitioning
        defer { state = .r4Unmasking(s) }
        return Self.receipt { () throws(SecureAggError) in try s.receive(message) }
    }

    /// Reconstructs the needed secrets and returns Σ x_u mod 2^b over the survivors.
    public mutating func finishUnmasking() throws(SecureAggError) -> AggregationResult {
        try finishUnmasking(lanes: unmaskingLanes)
    }

    /// ``finishUnmasking()`` on `lanes` threads (tests compare lane counts).
    mutating func finishUnmasking(lanes: Int) throws(SecureAggError) -> AggregationResult {
        guard case .r4Unmasking(var s) = state else { throw wrongState("R4Unmasking") }
        state = .transitioning
        do {
            let result = try s.finish(lanes: max(1, lanes))
            state = .completed(ServerCompleted(result: result))
            return result
        } catch { throw abort(error) }
    }

    private mutating func abort(_ error: SecureAggError) -> SecureAggError {
        state = .aborted(ServerAborted(reason: error))
        return error
    }
}
