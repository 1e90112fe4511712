/// The SecAgg+ neighbourhood size and Shamir threshold for one round.
///
/// Invariants (for values produced by ``ParameterFinder``): `degree` is even, at least 2 and at most the number of
/// clients − 2; `threshold` is at least 2 and at most `degree + 1`.
public struct GraphParameters: Sendable, Equatable, Codable {
    /// Number of neighbours of each client in the Harary graph H(n, k), **excluding** the client itself
    /// (the client's secrets are shared among `degree + 1` parties counting its own share).
    public let degree: Int
    /// Shamir threshold t: the number of shares needed to reconstruct a client's secret.
    public let threshold: Int

    public init(degree: Int, threshold: Int) {
        self.degree = degree
        self.threshold = threshold
    }
}
