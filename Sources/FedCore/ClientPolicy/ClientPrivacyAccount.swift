import DPNoise
import Foundation

/// A client's running privacy account: its policy, the rounds it has taken (from its ledger and this run),
/// and the decision on each announced round. Pure: the caller writes the returned record to the ledger
/// before any key for the round leaves the client.
public struct ClientPrivacyAccount: Sendable {
    public let policy: ClientPolicy
    private var rounds: [AnnouncedRoundPrivacy]
    private var tookRoundWithoutNoise: Bool

    /// - Parameter history: the client ledger's records (earlier runs); empty without a ledger.
    /// - Throws: ``FedCoreError/Policy`` for an invalid policy or a record that cannot be re-accounted.
    public init(policy: ClientPolicy, history: [ClientLedgerRecord] = []) throws(FedCoreError.Policy) {
        try policy.validate()
        self.policy = policy
        var rounds = [AnnouncedRoundPrivacy]()
        var noNoise = false
        for record in history {
            if let p = try record.privacy() { rounds.append(p) } else { noNoise = true }
        }
        self.rounds = rounds
        tookRoundWithoutNoise = noNoise
    }

    /// ε this client has spent so far at its policy's δ (∞ after a round without noise; 0 before any round).
    public func epsilonSpent() throws(FedCoreError.Policy) -> Double {
        if tookRoundWithoutNoise { return .infinity }
        if rounds.isEmpty { return 0 }
        do { return try AnnouncedRoundPrivacy.epsilon(
            composing: rounds, delta: policy.delta, accountant: policy.accountant).epsilon } catch {
            throw .unaccountable(round: 0, reason: "\(error)")
        }
    }

    /// Decides whether to take `round` with the announced `encoding` and `minSurvivors`; on success records it
    /// in the account and returns the ledger record to persist (before any key is advertised).
    ///
    /// - Throws: the ``FedCoreError/Policy`` naming the violated rule and the values; the account is unchanged.
    public mutating func admit(
        round: UInt64, encoding: EncodingParameters, minSurvivors: Int, now: Date = Date()
    ) throws(FedCoreError.Policy) -> ClientLedgerRecord {
        let c = policy.colluders
        let delta = policy.delta
        let record = { (after: Double?, accountant: Accountant?) in
            ClientLedgerRecord(
                round: round, time: now.timeIntervalSince1970, encoding: encoding, minSurvivors: minSurvivors,
                colluders: c, delta: delta, epsilonAfter: after, accountant: accountant?.rawValue)
        }
        guard minSurvivors >= policy.minSurvivors else {
            throw .tooFewSurvivors(round: round, announced: minSurvivors, required: policy.minSurvivors)
        }
        guard encoding.noise != .none else {
            guard policy.allowNoDP else { throw .noNoise(round: round) }
            tookRoundWithoutNoise = true
            return record(nil, nil)
        }
        guard minSurvivors >= c + 2 else {
            throw .tooFewSurvivors(round: round, announced: minSurvivors, required: c + 2)
        }
        let privacy: AnnouncedRoundPrivacy
        do { privacy = try AnnouncedRoundPrivacy(encoding: encoding, minimumSurvivors: minSurvivors, colluders: c) }
        catch { throw .unaccountable(round: round, reason: "\(error)") }
        guard privacy.noiseMultiplier >= policy.minNoiseMultiplier else {
            throw .noiseTooLow(round: round, noiseMultiplier: privacy.noiseMultiplier, required: policy.minNoiseMultiplier)
        }
        let after: Double
        var used: Accountant? = nil
        if tookRoundWithoutNoise {
            after = .infinity
        } else {
            do {
                let g = try AnnouncedRoundPrivacy.epsilon(
                    composing: rounds + [privacy], delta: policy.delta, accountant: policy.accountant)
                after = g.epsilon
                used = g.accountant
            } catch { throw .unaccountable(round: round, reason: "\(error)") }
        }
        guard after <= policy.maxEpsilon else {
            throw .epsilonExceeded(round: round, epsilonAfter: after, maximum: policy.maxEpsilon, delta: policy.delta)
        }
        rounds.append(privacy)
        return record(after, used)
    }
}
