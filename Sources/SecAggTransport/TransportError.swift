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
    /// The client's own rules refuse the announced round (security floor, privacy policy); the text names the
    /// rule and the values. Nothing secret left the client.
    case refused(String)
    /// The channel the server signed in the handshake (Challenge) is not the channel this client's connection
    /// runs over: another TLS certificate than the server's own (a party in the middle holding a certificate the
    /// client's CA accepts), or TLS on one side and plaintext on the other. Nothing was sent after Hello.
    case channelMismatch(signed: ChannelBinding, observed: ChannelBinding)
    /// Fewer than two clients joined before the join deadline (`expected` were awaited).
    case tooFewClientsJoined(joined: Int, expected: Int)

    public var description: String {
        switch self {
        case .unsupportedProtocolVersion(let v): return "unsupported wire protocol version \(v)"
        case .unsupportedMessageVersion(let what, let v): return "unsupported \(what) version \(v)"
        case .malformed(let s): return "malformed message: \(s)"
        case .unexpectedMessage(let s): return "unexpected message: \(s)"
        case .limitExceeded(let s): return "limit exceeded: \(s)"
        case .permissionDenied(let s): return "permission denied: \(s)"
        case .deadlineExceeded(let s): return "deadline exceeded: \(s)"
        case .protocolFailure(let e): return "protocol failure: \(e.description)"
        case .remote(let s): return s
        case .configuration(let s): return s
        case .refused(let s): return "refused: \(s)"
        case .channelMismatch(let signed, let observed):
            return Self.channelMismatchText(signed: signed, observed: observed)
        case .tooFewClientsJoined(let joined, let expected):
            return "only \(joined) of \(expected) clients joined before --join-timeout; a round needs at least 2"
        }
    }

    private static func channelMismatchText(signed: ChannelBinding, observed: ChannelBinding) -> String {
        let what: String
        switch (signed, observed) {
        case (.plaintext, .tlsCertificate):
            what = "the server signed a session without TLS, but this client reached it over TLS (\(observed)): "
                + "something in the middle terminates TLS and talks plaintext to the server"
        case (.tlsCertificate, .plaintext):
            what = "the server signed a session over TLS (\(signed)), but this client connected without TLS: "
                + "something in the middle talks TLS to the server and plaintext to this client; use --tls-ca"
        default:
            what = "the server signed its TLS certificate (\(signed)), but this connection presented another one "
                + "(\(observed)): something in the middle holds a certificate that --tls-ca accepts (or serve "
                + "--tls-cert is not the certificate the server presents)"
        }
        return "channel binding mismatch: \(what); nothing was sent after Hello, and this client does not continue"
    }
}
