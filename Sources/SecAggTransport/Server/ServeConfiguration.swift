import FedCore

/// Limits and deadlines of `serve`.
public struct ServeConfiguration: Sendable {
    /// Clients to wait for before the first round (the cohort; also the most that may join).
    public var expectedClients: Int
    /// Each phase closes when every expected client answered or this much time passed; clients that did not
    /// answer are dropouts.
    public var phaseTimeout: Duration
    /// How long to wait for `expectedClients` to join; the rounds start with whoever joined (≥ 2) after it.
    public var joinTimeout: Duration
    /// Largest gRPC message accepted (bytes).
    public var maxMessageBytes: Int = WireProtocol.maxMessageBytes
    /// Most unauthenticated sessions (opened, Hello/Authenticate not yet verified) at once. Authenticated
    /// clients never count against it: their slots (one per registry id, at most `expectedClients`) cannot be
    /// taken by strangers.
    public var maxPendingConnections: Int = 64
    /// Most unauthenticated sessions from one peer address (host part, port ignored) at once.
    public var maxPendingPerPeer: Int = 16
    /// An unauthenticated session is closed when its handshake did not finish within this (independent of
    /// `phaseTimeout`).
    public var handshakeTimeout: Duration = .seconds(10)
    /// When a pending limit is reached, a new session evicts the oldest pending one under that limit if it is
    /// at least this old (an honest handshake takes one round trip); otherwise the new one is refused.
    public var pendingEvictionAge: Duration = .seconds(1)
    /// After the last round, connections get this long to close gracefully before the server stops outright.
    public var shutdownGrace: Duration = .seconds(5)

    public init(expectedClients: Int, phaseTimeout: Duration, joinTimeout: Duration) {
        self.expectedClients = expectedClients
        self.phaseTimeout = phaseTimeout
        self.joinTimeout = joinTimeout
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
    /// Expected stddev of the DP noise per coordinate of the average (model units; 0 without DP).
    public var noiseStddev: Double = 0
    /// Expected L2 norm of the DP noise in the average (model units): noise_stddev · √d.
    public var noiseNorm: Double = 0
    /// ``noiseNorm`` / clip: above 1 the average is mostly noise.
    public var noiseToSignal: Double = 0
    /// Weighted rounds: Σ of the survivors' example counts, each clamped to [1, --max-weight] (the divisor is
    /// this over --max-weight); absent from JSON for unweighted rounds.
    public var examplesTotal: Int?

    enum CodingKeys: String, CodingKey {
        case round, clients, survivors, degree, threshold, bits, scale, epsilon
        case noiseStddev = "noise_stddev"
        case noiseNorm = "noise_norm"
        case noiseToSignal = "noise_to_signal"
        case examplesTotal = "examples_total"
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
    /// `pld` or `rdp`: the accountant the run's ε was computed with (nil when no round was planned).
    public var accountant: String?
}

extension ServedRound {
    /// The report of a round the orchestrator completed.
    init(_ c: RoundCompletion) {
        self.init(
            round: c.plan.round, clients: c.plan.cohort.count, survivors: c.survivors.count, survivorIDs: c.survivors,
            droppedIDs: c.dropped, degree: c.plan.graph.degree, threshold: c.plan.graph.threshold,
            minSurvivors: c.plan.minSurvivors, bits: c.plan.encoding.bits, scale: c.plan.encoding.scale,
            noiseMultiplier: c.noiseMultiplier, epsilonRound: c.epsilonRound, epsilon: c.epsilon,
            errorBound: c.errorBound, outputHash: c.outputHash, noiseStddev: c.noiseStddev,
            noiseNorm: c.noiseToSignal.noiseNorm, noiseToSignal: c.noiseToSignal.ratio,
            examplesTotal: c.examplesTotal)
    }
}
