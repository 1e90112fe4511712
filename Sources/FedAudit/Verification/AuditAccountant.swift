import FedCore

/// Recomputes the ε of charged rounds from the parameters recorded in their `round_planned` records, so the
/// verifier can check every `round_charged` record against the accountant instead of trusting it.
public protocol AuditAccountant: Sendable {
    /// ε at `delta` after charging each of `rounds` once, in order (the composition over rounds).
    /// Throws when the parameters cannot be accounted (the verifier reports the message as a problem).
    func epsilon(composing rounds: [RoundPlanned], delta: Double) throws -> Double
}

/// An accountant from a function giving the cumulative ε after T rounds with identical parameters (the T-fold
/// composition). It cannot compose rounds whose privacy parameters differ and throws
/// ``AuditError/Accounting/differentParameters(round:)`` for them; an accountant that sums per-round RDP curves
/// (``RDPAuditAccountant``) has no such limit.
public struct IdenticalRoundsAccountant: AuditAccountant {
    private let epsilonForRounds: @Sendable (RoundPlanned, Int) throws -> Double

    /// - Parameter epsilonForRounds: (parameters of one round, T ≥ 1) → ε after T such rounds at the round's δ.
    public init(epsilonForRounds: @escaping @Sendable (RoundPlanned, Int) throws -> Double) {
        self.epsilonForRounds = epsilonForRounds
    }

    public func epsilon(composing rounds: [RoundPlanned], delta: Double) throws -> Double {
        guard let first = rounds.first else { return 0 }
        if let other = rounds.first(where: { !$0.hasSameAccountingParameters(as: first) }) {
            throw AuditError.Accounting.differentParameters(round: other.round)
        }
        return try epsilonForRounds(first, rounds.count)
    }
}

/// An accountant that adds per-round Rényi-DP curves (composition of rounds with any parameters) and converts the
/// sum to (ε, δ).
public struct RDPAuditAccountant: AuditAccountant {
    private let curve: @Sendable (RoundPlanned) throws -> [Double]
    private let toEpsilon: @Sendable ([Double], Double) throws -> Double

    /// - Parameters:
    ///   - curve: RDP of one round on a fixed list of orders (the same orders for every round).
    ///   - toEpsilon: (composed RDP on those orders, δ) → ε.
    public init(
        curve: @escaping @Sendable (RoundPlanned) throws -> [Double],
        toEpsilon: @escaping @Sendable ([Double], Double) throws -> Double
    ) {
        self.curve = curve
        self.toEpsilon = toEpsilon
    }

    public func epsilon(composing rounds: [RoundPlanned], delta: Double) throws -> Double {
        guard !rounds.isEmpty else { return 0 }
        var total: [Double] = []
        for round in rounds {
            let c = try curve(round)
            if total.isEmpty {
                total = c
            } else {
                guard c.count == total.count else { throw AuditError.Accounting.differentOrders }
                for i in total.indices { total[i] += c[i] }
            }
        }
        return try toEpsilon(total, delta)
    }
}
