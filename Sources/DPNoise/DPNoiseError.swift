/// Errors of the DP layer (placeholder; extended by the DP implementation).
public enum DPNoiseError: Error, Equatable, Sendable {
    case invalidParameter(String)
}
