/// Errors of FedCore (placeholder; extended by the FedCore implementation).
public enum FedCoreError: Error, Equatable, Sendable {
    case invalidInput(String)
}
