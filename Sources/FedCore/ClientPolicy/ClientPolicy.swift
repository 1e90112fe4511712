import DPNoise
import Foundation

/// What a client demands of a round before any secret leaves it. The server announces every parameter; the
/// client checks them against this policy and computes the round's ε itself (``AnnouncedRoundPrivacy``).
///
/// Defaults protect a user who sets nothing: no round without noise, at most ε = 10 (δ = 1e-5) over a run
/// (over every run recorded in a client ledger), at least 2 honest noise shares, c = 0 colluders assumed.
/// JSON form (``load(from:)``): `format_version` (1), `colluders`, `max_epsilon`, `delta`,
/// `min_noise_multiplier`, `min_survivors`, `allow_no_dp`, `accountant` (`pld` or `rdp`); absent keys keep their
/// defaults.
public struct ClientPolicy: Sendable, Equatable, Codable {
    /// Format version of the JSON form; readers refuse others.
    public static let formatVersion = 1
    public static let defaultMaxEpsilon = 10.0
    public static let defaultDelta = 1e-5

    /// c: colluding clients assumed (≥ 0): raises the security floor and the quorum, and their noise is not
    /// counted.
    public var colluders: Int = 0
    /// Largest ε (at ``delta``) this client spends over the run plus its ledger's earlier rounds (> 0).
    public var maxEpsilon: Double = ClientPolicy.defaultMaxEpsilon
    /// δ at which ε is computed, in (0, 1).
    public var delta: Double = ClientPolicy.defaultDelta
    /// Smallest central noise multiplier z (stddev ÷ clip, counting M − c honest shares) accepted; ≥ 0.
    public var minNoiseMultiplier: Double = 0
    /// Smallest announced min_survivors accepted (≥ 1); the round must also leave ≥ 2 honest noise shares
    /// (M − c ≥ 2) unless no-DP rounds are allowed.
    public var minSurvivors: Int = 2
    /// Take rounds without noise (each is recorded as ε = ∞).
    public var allowNoDP: Bool = false
    /// The accountant ε is computed with: PLD (the default; RDP for noise without a Gaussian equivalent) or RDP.
    public var accountant: Accountant = .pld

    public init() {}

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case colluders
        case maxEpsilon = "max_epsilon"
        case delta
        case minNoiseMultiplier = "min_noise_multiplier"
        case minSurvivors = "min_survivors"
        case allowNoDP = "allow_no_dp"
        case accountant
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .formatVersion)
        guard version == Self.formatVersion else {
            throw FedCoreError.Policy.invalid("format_version \(version) is not supported (this build reads 1)")
        }
        colluders = try c.decodeIfPresent(Int.self, forKey: .colluders) ?? 0
        maxEpsilon = try c.decodeIfPresent(Double.self, forKey: .maxEpsilon) ?? Self.defaultMaxEpsilon
        delta = try c.decodeIfPresent(Double.self, forKey: .delta) ?? Self.defaultDelta
        minNoiseMultiplier = try c.decodeIfPresent(Double.self, forKey: .minNoiseMultiplier) ?? 0
        minSurvivors = try c.decodeIfPresent(Int.self, forKey: .minSurvivors) ?? 2
        allowNoDP = try c.decodeIfPresent(Bool.self, forKey: .allowNoDP) ?? false
        if let name = try c.decodeIfPresent(String.self, forKey: .accountant) {
            guard let a = Accountant(rawValue: name) else {
                throw FedCoreError.Policy.invalid("accountant \(name) is not pld or rdp")
            }
            accountant = a
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .formatVersion)
        try c.encode(colluders, forKey: .colluders)
        try c.encode(maxEpsilon, forKey: .maxEpsilon)
        try c.encode(delta, forKey: .delta)
        try c.encode(minNoiseMultiplier, forKey: .minNoiseMultiplier)
        try c.encode(minSurvivors, forKey: .minSurvivors)
        try c.encode(allowNoDP, forKey: .allowNoDP)
        try c.encode(accountant.rawValue, forKey: .accountant)
    }

    /// Checks every field's range.
    /// - Throws: ``FedCoreError/Policy/invalid(_:)`` naming the field.
    public func validate() throws(FedCoreError.Policy) {
        guard colluders >= 0 else { throw .invalid("colluders must be ≥ 0, got \(colluders)") }
        guard maxEpsilon > 0, !maxEpsilon.isNaN else { throw .invalid("max_epsilon must be > 0, got \(maxEpsilon)") }
        guard delta > 0, delta < 1 else { throw .invalid("delta must be in (0, 1), got \(delta)") }
        guard minNoiseMultiplier >= 0, minNoiseMultiplier.isFinite else {
            throw .invalid("min_noise_multiplier must be ≥ 0, got \(minNoiseMultiplier)")
        }
        guard minSurvivors >= 1 else { throw .invalid("min_survivors must be ≥ 1, got \(minSurvivors)") }
    }

    /// Reads a policy JSON file.
    /// - Throws: ``FedCoreError/Policy/invalid(_:)`` for an unreadable file, bad JSON, an unknown version or a
    ///   field out of range.
    public static func load(from path: String) throws(FedCoreError.Policy) -> ClientPolicy {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .invalid("\(path): cannot be read")
        }
        let policy: ClientPolicy
        do { policy = try JSONDecoder().decode(ClientPolicy.self, from: data) } catch let e as FedCoreError.Policy {
            throw .invalid("\(path): \(e.description)")
        } catch {
            throw .invalid("\(path): not a policy JSON object (format_version, colluders, max_epsilon, …)")
        }
        do { try policy.validate() } catch { throw .invalid("\(path): \(error.description)") }
        return policy
    }
}
