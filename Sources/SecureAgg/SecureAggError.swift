/// Errors of the SecureAgg protocol layer (placeholder; extended by the protocol implementation).
public enum SecureAggError: Error, Equatable, Sendable {
    case invalidParameter(String)
}
