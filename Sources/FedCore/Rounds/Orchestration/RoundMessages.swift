import SecureAgg

/// A message the server sends one client during a round: what a ``RoundOrchestrator`` asks its transport to
/// deliver. The transport encodes it for the wire (gRPC) or hands it to an in-process client; it never looks
/// inside.
public enum ServerRoundMessage: Sendable {
    /// Phase 0: the round's public parameters; the client checks them against its own rules and advertises keys.
    case roundStart(RoundAnnouncement, to: UInt32)
    /// Phase 1: every neighbour's signed advertisement.
    case keyBroadcast(KeyBroadcast)
    /// Phase 2: the encrypted shares addressed to the receiver.
    case shareBroadcast(ShareBroadcast)
    /// Phase 3: the list of phase-2 survivors to sign.
    case consistencyRequest(ConsistencyRequest)
    /// Phase 4: the signed survivor list and the dropped clients whose shares to reveal.
    case unmaskingRequest(UnmaskingRequest)

    /// The client this message is for.
    public var receiver: UInt32 {
        switch self {
        case .roundStart(_, let id): return id
        case .keyBroadcast(let m): return m.receiver
        case .shareBroadcast(let m): return m.receiver
        case .consistencyRequest(let m): return m.receiver
        case .unmaskingRequest(let m): return m.receiver
        }
    }
}

/// A client's answer in one phase, decoded and length-checked by the transport, checked for content by the
/// server state machine (``RoundOrchestrator/receive(_:from:)``).
public enum ClientRoundMessage: Sendable {
    case advertiseKeys(AdvertiseKeys)
    case shareKeys(ShareKeys)
    /// The whole masked vector (a transport that chunks it reassembles it first).
    case maskedInput(MaskedInput)
    case consistencyCheck(SecureAgg.ConsistencyCheck)
    case unmaskingResponse(UnmaskingResponse)

    /// The phase this message answers.
    public var phase: Phase {
        switch self {
        case .advertiseKeys: return .advertiseKeys
        case .shareKeys: return .shareKeys
        case .maskedInput: return .maskedInput
        case .consistencyCheck: return .consistencyCheck
        case .unmaskingResponse: return .unmasking
        }
    }

    /// The client the message says it is from (the orchestrator checks it against the authenticated sender).
    public var sender: UInt32 {
        switch self {
        case .advertiseKeys(let m): return m.sender
        case .shareKeys(let m): return m.sender
        case .maskedInput(let m): return m.sender
        case .consistencyCheck(let m): return m.sender
        case .unmaskingResponse(let m): return m.sender
        }
    }
}
