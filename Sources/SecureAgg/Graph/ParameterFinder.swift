#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses the SecAgg+ Harary-graph degree k and Shamir threshold t (Bell et al. 2020, "Secure Single-Server
/// Aggregation with (Poly)Logarithmic Overhead"), reproducing Google's production parameter finder
/// (federated-compute `fcp/secagg/server/graph_parameter_finder`).
///
/// Model: n clients on a Harary graph H(n, k) whose node order is a uniformly random permutation; at most ⌊γn⌋
/// clients are adversarial and at most ⌊δn⌋ drop out. The finder returns the smallest even k such that
///
/// - **security** (failure probability < 2^-`securityBits`, split evenly into two events of 2^-(bits+1)):
///   the honest survivors stay connected (a union bound over pairs of k/2-long runs of bad clients on the ring),
///   and every client has fewer than t adversarial neighbours except with probability 2^-(bits+1)/n
///   (for a semi-malicious server t additionally exceeds (k + that count)/2);
/// - **correctness** (failure probability < 2^-`correctnessBits`): every client keeps at least t surviving
///   neighbours except with probability 2^-bits/n,
///
/// where the neighbour counts are hypergeometric. t is the smallest admissible threshold, and at least 2.
public enum ParameterFinder {
    /// Largest supported cohort (the reference finder's limit).
    public static let maximumClients = 1_000_000

    /// Slack added to the rates before rounding the client counts, so that a rate like 0.33 · 100 rounds to 33
    /// and not 32 (rounding in the insecure direction).
    static let roundingSlack = 1e-14

    /// Finds (k, t) for `clients` participants.
    ///
    /// - Parameters:
    ///   - clients: cohort size n, 1…10^6.
    ///   - adversarialRate: fraction γ ∈ [0, 1) of clients that collude with the server.
    ///   - dropoutRate: fraction δ ∈ [0, 1) of clients expected to drop out during the round.
    ///   - adversary: the server's behaviour; `.none` requires γ = 0.
    ///   - securityBits: the protocol leaks an input with probability below 2^-securityBits (0 < bits ≤ 256).
    ///   - correctnessBits: the round fails to recover the sum with probability below 2^-correctnessBits.
    /// - Returns: degree k (neighbours, excluding the client itself; even, 2 ≤ k ≤ n − 2) and threshold t ≥ 2.
    /// - Throws: ``SecureAggError/ParameterSearch`` for invalid or infeasible inputs, including cohorts too small for any k.
    /// - Complexity: O(k · √k) per candidate degree; well under a second for 10^6 clients in release builds.
    public static func find(
        clients: Int, adversarialRate: Double, dropoutRate: Double,
        adversary: AdversaryClass, securityBits: Double = 40,
        correctnessBits: Double = 20
    ) throws(SecureAggError.ParameterSearch) -> GraphParameters {
        let model = try ThreatModel(
            clients: clients, adversarialRate: adversarialRate, dropoutRate: dropoutRate, adversary: adversary,
            securityBits: securityBits, correctnessBits: correctnessBits)
        // Only even degrees exist for H(n, k) with a ring of k/2 neighbours on each side; k = n − 1 (the complete
        // graph) and beyond are never proposed, exactly as in the reference.
        var degree = 2
        while degree < clients - 1 {
            if let threshold = model.threshold(forDegree: degree) {
                return GraphParameters(degree: degree, threshold: threshold)
            }
            degree += 2
        }
        throw .noParametersFound(clients: clients)
    }
}

/// Validated inputs of one search and the two bounds evaluated per candidate degree.
private struct ThreatModel {
    let clients: Int
    let adversarialRate: Double
    let dropoutRate: Double
    let adversary: AdversaryClass
    let securityBits: Double
    let correctnessBits: Double

    init(
        clients: Int, adversarialRate: Double, dropoutRate: Double, adversary: AdversaryClass,
        securityBits: Double, correctnessBits: Double
    ) throws(SecureAggError.ParameterSearch) {
        guard clients >= 1 else { throw .tooFewClients(clients) }
        guard clients <= ParameterFinder.maximumClients else { throw .tooManyClients(clients) }
        guard adversarialRate >= 0, adversarialRate < 1 else { throw .adversarialRateOutOfRange(adversarialRate) }
        guard dropoutRate >= 0, dropoutRate < 1 else { throw .dropoutRateOutOfRange(dropoutRate) }
        switch adversary {
        case .none:
            guard adversarialRate == 0 else { throw .adversarialRateWithoutAdversary(adversarialRate) }
            fallthrough
        case .curious:
            guard adversarialRate + dropoutRate <= 0.9 else {
                throw .curiousRatesInfeasible(adversarialRate: adversarialRate, dropoutRate: dropoutRate)
            }
        case .semiMalicious:
            guard adversarialRate + 2 * dropoutRate <= 0.9 else {
                throw .semiMaliciousRatesInfeasible(adversarialRate: adversarialRate, dropoutRate: dropoutRate)
            }
        }
        guard securityBits > 0, securityBits <= 256 else { throw .securityBitsOutOfRange(securityBits) }
        guard correctnessBits > 0, correctnessBits <= 256 else { throw .correctnessBitsOutOfRange(correctnessBits) }
        self.clients = clients
        self.adversarialRate = adversarialRate
        self.dropoutRate = dropoutRate
        self.adversary = adversary
        self.securityBits = securityBits
        self.correctnessBits = correctnessBits
    }

    /// Upper bound on the number of adversarial clients, ⌊γn⌋.
    var adversarialClients: Int {
        Int(((adversarialRate + ParameterFinder.roundingSlack) * Double(clients)).rounded(.down))
    }
    /// Upper bound on the number of dropouts, ⌊δn⌋.
    var droppedClients: Int {
        Int(((dropoutRate + ParameterFinder.roundingSlack) * Double(clients)).rounded(.down))
    }
    /// Lower bound on the number of survivors, ⌈(1 − δ)n⌉.
    var survivingClients: Int {
        Int(((1 - dropoutRate - ParameterFinder.roundingSlack) * Double(clients)).rounded(.up))
    }

    /// Security budget of each of the two bad events (disconnection, too many adversarial neighbours), in bits.
    var bitsPerSecurityEvent: Double { securityBits + 1 }

    /// Upper bound on ln P[removing the adversarial and dropped clients disconnects H(n, k)].
    ///
    /// Disconnecting H(n, k) needs two disjoint runs of k/2 consecutive removed clients on the ring. There are
    /// n(n − k − 1)/2 such pairs; with b = ⌊γn⌋ + ⌊δn⌋ removed clients placed uniformly, one pair's k positions
    /// are all removed with probability b! (n − k)! / (n! (b − k)!). The union bound multiplies the two.
    func logDisconnectionBound(degree k: Int) -> Double {
        let n = clients
        let logPairs = log(Double(n)) + log(Double(n - k - 1)) - log(2.0)
        let removed = adversarialClients + droppedClients
        if k > removed { return -.infinity }
        return logPairs + lgamma(Double(removed + 1)) + lgamma(Double(n - k + 1)) - lgamma(Double(n + 1))
            - lgamma(Double(removed - k + 1))
    }

    /// The smallest admissible threshold for degree `k`, or nil when `k` is too small.
    func threshold(forDegree k: Int) -> Int? {
        let securityPerEvent = bitsPerSecurityEvent
        guard logDisconnectionBound(degree: k) < -securityPerEvent * log(2.0) else { return nil }

        guard
            let adversarialNeighbours = HypergeometricDistribution(
                total: clients, marked: adversarialClients, sampled: k),
            let survivingNeighbours = HypergeometricDistribution(
                total: clients, marked: survivingClients, sampled: k)
        else { return nil }

        // t1: P[adversarial neighbours > t1] ≤ 2^-(bits+1) / n, so any t > t1 is secure.
        var secureAbove = adversarialNeighbours.quantile(pow(2.0, -securityPerEvent) / Double(clients), upperTail: true)
        // t2: P[surviving neighbours < t2] ≤ 2^-correctness / n, so any t ≤ t2 is correct.
        let failure = pow(2.0, -correctnessBits) / Double(clients)
        var correctUpTo = survivingNeighbours.quantile(failure)
        if survivingNeighbours.cumulative(correctUpTo) < failure { correctUpTo += 1 }

        if adversary == .semiMalicious {
            // A semi-malicious server can claim honest survivors dropped, so t must also exceed
            // (k + adversarial neighbours) / 2.
            secureAbove = ((secureAbove + Double(k) - 1.25) / 2).rounded(.up)
        }
        guard correctUpTo > secureAbove else { return nil }
        let threshold = max(secureAbove + 1, 2)
        // Both quantiles lie in [-2, k + 1]; refuse anything else rather than trap on conversion.
        guard threshold.isFinite, threshold <= Double(k + 1) else { return nil }
        return Int(threshold)
    }
}
