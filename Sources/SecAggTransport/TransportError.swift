import SecureAgg

/// Errors of the gRPC transport. No case carries secret material.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An envelope's `protocol_version` is not ``WireProtocol/version``.
    case unsupportedProtocolVersion(UInt32)
    /// An inner message's format `version` is not the one this build reads (`what` names the message).
    case unsupportedMessageVersion(what: String, version: UInt32)
    /// A message failed validation (`what` says which check).
    case malformed(String)
    /// A message arrived that the current phase or session state does not accept.
    case unexpectedMessage(String)
    /// A message or vector exceeds a limit (`what` names it).
    case limitExceeded(String)
    /// The peer is not who it claims, or not allowed in (unknown id, revoked, bad signature).
    case permissionDenied(String)
    /// The peer did not answer before its deadline.
    case deadlineExceeded(String)
    /// The SecAgg protocol refused a message or failed.
    case protocolFailure(SecureAggError)
    /// The remote side ended the session or reported a failure (its message).
    case remote(String)
    /// Bad local configuration (address, TLS files, options).
    case configuration(String)
    /// Fewer than two clients joined before the join deadline (`expected` were awaited).
    case tooFewClientsJoined(joined: Int, expected: Int)

    public var description: String {
        switch self {
        case let .unsupportedProtocolVersion(v): return "unsupported wire protocol version \(v)"
        case let .unsupportedMessageVersion(what, v): return "unsupported \(what) version \(v)"
        case let .malformed(s): return "malformed message: \(s)"
        case let .unexpectedMessage(s): return "unexpected message: \(s)"
        case let .limitExceeded(s): return "limit exceeded: \(s)"
        case let .permissionDenied(s): return "permission denied: \(s)"
        case let .deadlineExceeded(s): return "deadline exceeded: \(s)"
        case let .protocolFailure(e): return "protocol failure: \(e)"
        case let .remote(s): return s
        case let .configuration(s): return s
        case let .tooFewClientsJoined(joined, expected):
            return "only \(joined) of \(expected) clients joined before --join-timeout; a round needs at least 2"
        }
    }
}
