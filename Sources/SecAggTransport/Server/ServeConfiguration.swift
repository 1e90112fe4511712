import FedCore

/// Limits and deadlines of `serve`.
public struct ServeConfiguration: Sendable {
    /// Clients to wait for before the first round (the cohort; also the most that may join).
    public var expectedClients: Int
    /// Each phase closes when every expected client answered or this much time passed; clients that did not
    /// answer are dropouts. Also bounds the authentication handshake of a new connection.
    public var phaseTimeout: Duration
    /// How long to wait for `expectedClients` to join; the rounds start with whoever joined (≥ 2) after it.
    public var joinTimeout: Duration
    /// Largest gRPC message accepted (bytes).
    public var maxMessageBytes: Int = WireProtocol.maxMessageBytes
    /// Most connections allowed at once (authenticated or not); further ones are refused.
    public var maxConnections: Int

    public init(expectedClients: Int, phaseTimeout: Duration, joinTimeout: Duration) {
        self.expectedClients = expectedClients
        self.phaseTimeout = phaseTimeout
        self.joinTimeout = joinTimeout
        self.maxConnections = 2 * expectedClients + 16
    }
}

/// One served round, as `serve --json` prints it (`rounds[]`; field names follow Docs/cli.md).
public struct ServedRound: Sendable, Codable, Equatable {
    public var round: Int
    public var clients: Int
    public var survivors: Int
    public var survivorIDs: [UInt32]
    public var droppedIDs: [UInt32]
    public var degree: Int
    public var threshold: Int
    public var minSurvivors: Int
    public var bits: Int
    public var scale: Double
    public var noiseMultiplier: Double?
    public var epsilonRound: Double
    /// Cumulative ε after this round.
    public var epsilon: Double
    /// Proven bound on |recovered − true average| per coordinate without noise (model units).
    public var errorBound: Double
    public var outputHash: String

    enum CodingKeys: String, CodingKey {
        case round, clients, survivors, degree, threshold, bits, scale, epsilon
        case survivorIDs = "survivor_ids"
        case droppedIDs = "dropped_ids"
        case minSurvivors = "min_survivors"
        case noiseMultiplier = "noise_multiplier"
        case epsilonRound = "epsilon_round"
        case errorBound = "error_bound"
        case outputHash = "output_hash"
    }
}

/// What a whole `serve` run produced.
public struct ServeOutcome: Sendable {
    public var rounds: [ServedRound]
    /// The last round's averaged update (model units, layout order), in the model's precision.
    public var lastAverage: FlatParameters?
    /// The global model after every round (`global += lr · average`), in its storage precision.
    public var model: FlatParameters
}
