import DPNoise

/// The running Rényi-DP curve of a sequence of rounds: rounds compose by adding their RDP at every order
/// (orders: integers 2…128 and 256, as the distributed mechanisms are accounted), then convert to (ε, δ) the
/// way dp-accounting does.
public struct PrivacySpend: Sendable, Equatable {
    public static let orders = DistributedDPConfiguration.orders
    public private(set) var curve: [Double]
    public private(set) var rounds: Int = 0

    public init() { curve = [Double](repeating: 0, count: Self.orders.count) }

    /// Adds one round of `configuration` at sampling rate `q`.
    public mutating func add(_ configuration: DistributedDPConfiguration, samplingRate q: Double) throws(AccountingError) {
        let round = try configuration.rdpCurve(samplingRate: q)
        for i in curve.indices { curve[i] += round[i] }
        rounds += 1
    }

    /// ε at `delta` for everything added so far (0 when nothing was added).
    public func epsilon(delta: Double) throws(AccountingError) -> Double {
        guard rounds > 0 else { return 0 }
        return try RDPConversion.epsilon(orders: Self.orders, rdp: curve, delta: delta).epsilon
    }

    /// Rebuilds the accounting configuration a ledger record was charged with.
    public static func configuration(of record: RoundCharged) throws(AccountingError) -> DistributedDPConfiguration {
        guard let mechanism = DistributedMechanism(rawValue: record.mechanism) else {
            throw .invalidParameter(name: "mechanism", reason: "unknown mechanism \(record.mechanism) in ledger")
        }
        return try DistributedDPConfiguration(
            mechanism: mechanism, l2Clip: record.clip, dimension: record.dimension,
            minimumSurvivors: record.minSurvivors, colludingClients: record.colludingClients ?? 0,
            maximumSummands: record.clients, noiseMultiplier: record.noiseMultiplier, bits: record.bits,
            beta: record.beta ?? DistributedDPConfiguration.defaultBeta,
            modClipProbability: record.modClipProbability ?? DistributedDPConfiguration.defaultModClipProbability)
    }

    /// The spend of every round a ledger charged (failed rounds stay charged).
    public static func replaying(_ charged: [RoundCharged]) throws(AccountingError) -> PrivacySpend {
        var spend = PrivacySpend()
        for record in charged { try spend.add(configuration(of: record), samplingRate: record.samplingRate) }
        return spend
    }
}
