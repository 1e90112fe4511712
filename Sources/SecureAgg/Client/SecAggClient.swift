import Sodium

/// One client's side of a SecAgg / SecAgg+ round: a pure state machine (messages in → messages out, no I/O).
///
/// Order of calls: ``advertiseKeys()`` → ``shareKeys(_:using:)`` → ``maskedInput(_:shares:)`` (or its
/// streaming form ``maskedInput(shares:input:)``) → ``consistencyCheck(_:)`` → ``unmask(_:)``. A call in the wrong state throws
/// ``SecureAggError/wrongState(expected:actual:)`` and changes nothing. Bad content from the server or a peer
/// throws the matching error and moves the client to the aborted state for good. A client that stops calling
/// has simply dropped out.
///
/// Memory: the client keeps keys, seeds and O(k) shares; the masked vector is returned (packed at b bits) and
/// not retained, so many clients can be driven one after another with one vector alive at a time.
public struct SecAggClient: Sendable {
    enum State: Sendable {
        case r0AdvertiseKeys(ClientR0AdvertiseKeys)
        case r1ShareKeys(ClientR1ShareKeys)
        case r2MaskedInput(ClientR2MaskedInput)
        case r3ConsistencyCheck(ClientR3ConsistencyCheck)
        case r4Unmasking(ClientR4Unmasking)
        case completed(ClientCompleted)
        case aborted(ClientAborted)

        var name: String {
            switch self {
            case .r0AdvertiseKeys: return "R0AdvertiseKeys"
            case .r1ShareKeys: return "R1ShareKeys"
            case .r2MaskedInput: return "R2MaskedInput"
            case .r3ConsistencyCheck: return "R3ConsistencyCheck"
            case .r4Unmasking: return "R4Unmasking"
            case .completed: return "Completed"
            case .aborted: return "Aborted"
            }
        }
    }

    private(set) var state: State
    /// This client's id (≥ 1, in the cohort).
    public let id: UInt32
    /// The client's recomputed neighbour list (sorted): empty until ``shareKeys(_:using:)`` accepted the key
    /// broadcast, since the graph is drawn from the round's session id (``HararyGraph``).
    public private(set) var neighbours: [UInt32] = []

    /// Creates the client and its fresh per-round keys (X25519 (c) and (s) pairs, self seed b_u) from `rng`,
    /// after checking the round against the client's own security floor (``SecurityFloor``): nothing secret
    /// exists before the check passes.
    ///
    /// - Parameters:
    ///   - colluders: colluding clients this client assumes (≥ 0); the threshold must be at least
    ///     ⌊(k + c)/2⌋ + 1 and above c, and unmasking needs ⌊(n + c)/2⌋ + 1 signatures on one survivor list.
    ///   - minimumSurvivors: the round's announced minimum survivors (the noise was sized for it); the client
    ///     signs no survivor list shorter than it. Nil: the threshold.
    ///   - quorumVerifier: counts the valid signatures on the survivor list; ``DirectQuorumVerifier`` (every
    ///     signature verified) unless the caller is an in-process simulation sharing one (``QuorumVerifier``).
    ///   - derivations: values every client derives alike from public data; ``RecomputedDerivations`` unless the
    ///     caller is an in-process simulation sharing one (``RoundDerivations``).
    /// - Throws: ``SecureAggError/belowSecurityFloor(threshold:required:degree:colluders:)``;
    ///   ``SecureAggError/unknownClient(_:)`` if `id` is not in the cohort;
    ///   ``SecureAggError/invalidParameter(_:)`` if `identity` is not the registry's key for `id` or
    ///   `minimumSurvivors` exceeds the cohort.
    public init(
        configuration: RoundConfiguration, id: UInt32, identity: Ed25519.SecretKey, colluders: Int = 0,
        minimumSurvivors: Int? = nil, quorumVerifier: any QuorumVerifier = DirectQuorumVerifier(),
        derivations: any RoundDerivations = RecomputedDerivations(), using rng: inout some SecureRandom
    ) throws(SecureAggError) {
        guard configuration.contains(id), let registered = configuration.registry[id] else { throw .unknownClient(id) }
        guard registered == identity.publicKey else { throw .invalidParameter("identity key does not match registry") }
        try SecurityFloor.check(configuration, colluders: colluders)
        let minimumSurvivors = minimumSurvivors ?? configuration.threshold
        guard minimumSurvivors >= 1, minimumSurvivors <= configuration.cohort.count else {
            throw .invalidParameter("minimum survivors must be 1…n")
        }
        self.id = id
        let context = ClientContext(
            configuration: configuration, id: id, identity: identity, colluders: colluders,
            minimumSurvivors: minimumSurvivors, quorumVerifier: quorumVerifier, derivations: derivations)
        state = .r0AdvertiseKeys(ClientR0AdvertiseKeys(context: context, using: &rng))
    }

    /// Name of the current state (for logs and tests).
    public var stateName: String { state.name }
    /// True once the unmasking response has been produced.
    public var isCompleted: Bool { if case .completed = state { return true } else { return false } }
    /// The reason the client aborted, if it did.
    public var abortReason: SecureAggError? { if case .aborted(let a) = state { return a.reason } else { return nil } }

    private func wrongState(_ expected: String) -> SecureAggError {
        if case .aborted(let a) = state { return .aborted(reason: "\(a.reason)") }
        return .wrongState(expected: expected, actual: state.name)
    }

    private mutating func abort(_ error: SecureAggError) -> SecureAggError {
        state = .aborted(ClientAborted(reason: error))
        return error
    }

    /// Phase 0: the signed advertisement of (c_pk, s_pk, commitment to b_u).
    public mutating func advertiseKeys() throws(SecureAggError) -> AdvertiseKeys {
        guard case .r0AdvertiseKeys(let s) = state else { throw wrongState("R0AdvertiseKeys") }
        let (message, next) = s.advertise()
        state = .r1ShareKeys(next)
        return message
    }

    /// Phase 1: checks the key broadcast (signatures, own advertisement, session id, counts) and returns one
    /// encrypted share pair per neighbour that advertised.
    public mutating func shareKeys(
        _ broadcast: KeyBroadcast, using rng: inout some SecureRandom
    ) throws(SecureAggError) -> ShareKeys {
        guard case .r1ShareKeys(let s) = state else { throw wrongState("R1ShareKeys") }
        do {
            let (message, next) = try s.handle(broadcast, using: &rng)
            state = .r2MaskedInput(next)
            neighbours = next.context.neighbours
            return message
        } catch { throw abort(error) }
    }

    /// Phase 2: opens the shares addressed to this client and returns the masked, packed `input`.
    ///
    /// - Parameter input: m values, each < 2^b. A wrong length or value throws without changing the state.
    public mutating func maskedInput(_ input: [UInt32], shares: ShareBroadcast) throws(SecureAggError) -> MaskedInput {
        try maskedInput(shares: shares) { (writer) throws(SecureAggError) in
            try input.withUnsafeBufferPointer { (values) throws(SecureAggError) in try writer.write(values, at: 0) }
        }
    }

    /// Phase 2, streaming: opens the shares, then lets `input` write the m values (each < 2^b) slice by slice
    /// into a ``MaskedInputWriter`` that masks and packs them as they come, so the unmasked vector never has
    /// to exist in full. Returns the masked, packed vector.
    ///
    /// Bad shares abort the client. An error thrown by `input` or by the writer (order, length, a value
    /// ≥ 2^b) is a local error: it is rethrown and the state is unchanged.
    public mutating func maskedInput(
        shares: ShareBroadcast, input: (MaskedInputWriter) throws(SecureAggError) -> Void
    ) throws(SecureAggError) -> MaskedInput {
        guard case .r2MaskedInput(let s) = state else { throw wrongState("R2MaskedInput") }
        let writer: MaskedInputWriter
        let held: [UInt32: SharePlaintext]
        do { (writer, held) = try s.prepare(shares) } catch { throw abort(error) }
        try input(writer)
        let (message, next) = try s.finish(writer, held: held)
        state = .r3ConsistencyCheck(next)
        return message
    }

    /// As ``maskedInput(shares:input:)`` with `input` throwing its own error type: an input error comes back as
    /// ``MaskedInputFailure/input(_:)`` with the state unchanged; bad shares (the client aborts) or an
    /// incomplete or out-of-range input as ``MaskedInputFailure/masking(_:)``.
    public mutating func maskedInput<InputError: Error>(
        shares: ShareBroadcast, streaming input: (MaskedInputWriter) throws(InputError) -> Void
    ) throws(MaskedInputFailure<InputError>) -> MaskedInput {
        guard case .r2MaskedInput(let s) = state else { throw .masking(wrongState("R2MaskedInput")) }
        let writer: MaskedInputWriter
        let held: [UInt32: SharePlaintext]
        do { (writer, held) = try s.prepare(shares) } catch { throw .masking(abort(error)) }
        do { try input(writer) } catch { throw .input(error) }
        do {
            let (message, next) = try s.finish(writer, held: held)
            state = .r3ConsistencyCheck(next)
            return message
        } catch { throw .masking(error) }
    }

    /// Phase 3: checks and signs the survivor list.
    public mutating func consistencyCheck(_ request: ConsistencyRequest) throws(SecureAggError) -> ConsistencyCheck {
        guard case .r3ConsistencyCheck(let s) = state else { throw wrongState("R3ConsistencyCheck") }
        do {
            let (message, next) = try s.handle(request)
            state = .r4Unmasking(next)
            return message
        } catch { throw abort(error) }
    }

    /// Phase 4: checks the request (signatures, lists) and reveals exactly one share per neighbour.
    public mutating func unmask(_ request: UnmaskingRequest) throws(SecureAggError) -> UnmaskingResponse {
        guard case .r4Unmasking(let s) = state else { throw wrongState("R4Unmasking") }
        do {
            let (message, next) = try s.handle(request)
            state = .completed(next)
            return message
        } catch { throw abort(error) }
    }
}

/// Why ``SecAggClient/maskedInput(shares:streaming:)`` produced no masked vector.
public enum MaskedInputFailure<InputError: Error>: Error {
    /// The protocol or the masking writer refused (bad shares, a value ≥ 2^b, a short input).
    case masking(SecureAggError)
    /// The caller's input closure failed; the client's state is unchanged.
    case input(InputError)
}
