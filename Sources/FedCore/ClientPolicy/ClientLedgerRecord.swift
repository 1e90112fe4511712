import DPNoise

/// One round a client took, as its client ledger records it: everything needed to recompute the round's
/// RDP curve (the announced encoding, min survivors, the colluders the client assumed), and the ε the
/// client had spent after it. `epsilon_after` is null after a round without noise (ε = ∞).
public struct ClientLedgerRecord: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var formatVersion: Int = ClientLedgerRecord.formatVersion
    /// The round number the server announced.
    public var round: UInt64
    /// Seconds since 1970 when the client accepted the round.
    public var time: Double
    /// The announced encoding (noise, scale, clip, β, dimension, bits).
    public var encoding: EncodingParameters
    /// The announced minimum survivors.
    public var minSurvivors: Int
    /// Colluders the client assumed.
    public var colluders: Int
    /// δ of ``epsilonAfter``.
    public var delta: Double
    /// ε spent by this client over every recorded round, this one included; nil = ∞ (a no-DP round).
    public var epsilonAfter: Double?
    /// The accountant ``epsilonAfter`` was computed with, `pld` or `rdp` (absent in records written before PLD).
    public var accountant: String?

    public init(
        round: UInt64, time: Double, encoding: EncodingParameters, minSurvivors: Int, colluders: Int, delta: Double,
        epsilonAfter: Double?, accountant: String? = nil
    ) {
        self.accountant = accountant
        self.round = round
        self.time = time
        self.encoding = encoding
        self.minSurvivors = minSurvivors
        self.colluders = colluders
        self.delta = delta
        self.epsilonAfter = epsilonAfter
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case round, time, encoding, colluders, delta
        case minSurvivors = "min_survivors"
        case epsilonAfter = "epsilon_after"
        case accountant
    }

    /// The round's privacy recomputed from its parameters; nil for a round without noise.
    func privacy() throws(FedCoreError.Policy) -> AnnouncedRoundPrivacy? {
        guard encoding.noise != .none else { return nil }
        do {
            return try AnnouncedRoundPrivacy(encoding: encoding, minimumSurvivors: minSurvivors, colluders: colluders)
        } catch {
            throw .ledger("round \(round) cannot be re-accounted: \(error)")
        }
    }
}
