/// How many clients per round let a fixed noise-per-client budget meet an (ε, δ) target — the calibration of
/// the TensorFlow Federated DP tutorial: scaling the cohort by x scales the noise multiplier by x (the noise
/// stddev per client stays fixed) and the sampling rate by x.
public struct ClientsPerRoundResult: Sendable, Equatable {
    /// The smallest cohort found meeting the target (to within one client).
    public let clientsPerRound: Int
    /// z = base z × clientsPerRound / base clients.
    public let noiseMultiplier: Double
    /// The guarantee at that cohort.
    public let guarantee: PrivacyGuarantee
}

extension NoiseCalibration {
    /// Doubles the cohort from `baseClientsPerRound` until ε ≤ target, then bisects on integers
    /// (q = clients/totalClients, z = baseNoiseMultiplier·clients/baseClientsPerRound, Poisson-sampled Gaussian).
    public static func clientsPerRound(totalClients: Int, baseNoiseMultiplier: Double, baseClientsPerRound: Int,
                                       targetEpsilon: Double, delta: Double, steps: Int,
                                       orders: [Double] = RDPOrders.dpAccountingDefault) throws(DPNoiseError.Accounting)
        -> ClientsPerRoundResult
    {
        try Check.atLeast(totalClients, 1, .totalClients)
        try Check.positive(baseNoiseMultiplier, .baseNoiseMultiplier)
        try Check.atLeast(baseClientsPerRound, 1, .baseClientsPerRound)
        try Check.positive(targetEpsilon, .targetEpsilon)
        func evaluate(_ clients: Int) throws(DPNoiseError.Accounting) -> ClientsPerRoundResult {
            guard clients <= totalClients else {
                throw .calibrationFailed(reason: "needs more than totalClients (\(totalClients)) clients per round")
            }
            let z = baseNoiseMultiplier * Double(clients) / Double(baseClientsPerRound)
            let guarantee = try GaussianAccountant.epsilon(
                noiseMultiplier: z, samplingRate: Double(clients) / Double(totalClients), steps: steps,
                delta: delta, orders: orders)
            return ClientsPerRoundResult(clientsPerRound: clients, noiseMultiplier: z, guarantee: guarantee)
        }
        var high = try evaluate(baseClientsPerRound)
        if high.guarantee.epsilon < targetEpsilon { return high }
        var low = high
        while true {
            low = high
            high = try evaluate(2 * low.clientsPerRound)
            if high.guarantee.epsilon < targetEpsilon { break }
        }
        while high.clientsPerRound - low.clientsPerRound > 1 {
            let middle = try evaluate((low.clientsPerRound + high.clientsPerRound) / 2)
            if middle.guarantee.epsilon > targetEpsilon { low = middle } else { high = middle }
        }
        return high
    }
}
