import FedCore

/// What one round of an audit log did, gathered from its records (for reports). Counts are numbers of clients.
public struct AuditRoundSummary: Sendable, Equatable, Codable {
    public var round: Int
    /// Cohort ids from `round_planned`.
    public var participants: [Int]
    public var degree: Int
    public var threshold: Int
    public var bits: Int
    public var clip: Double
    public var mechanism: String
    public var noiseMultiplier: Double
    public var minSurvivors: Int
    /// K: clients assumed to collude with the server.
    public var colludingClients: Int
    /// Poisson sampling rate q (1 for a fixed cohort).
    public var samplingRate: Double
    /// Padded dimension the encoder rotates.
    public var dimension: Int
    /// Clients whose keys were accepted (nil when not recorded).
    public var keysAdvertised: Int?
    /// Survivors after each recorded phase, in protocol order (`share_keys`, …, `unmasking`).
    public var survivorsByPhase: [PhaseCount]
    /// Clients lost in each recorded phase (relative to the previous recorded count, starting from the cohort).
    public var dropoutsByPhase: [PhaseCount]
    /// Survivors of the completed round (nil when it did not complete).
    public var survivors: Int?
    public var epsilonRound: Double?
    public var epsilonCumulative: Double?
    /// `completed`, `failed` or `open`.
    public var outcome: String
    public var failureReason: String?
    public var outputHash: String?

    public struct PhaseCount: Sendable, Equatable, Codable {
        public var phase: String
        public var count: Int
    }

    enum CodingKeys: String, CodingKey {
        case round, participants, degree, threshold, bits, clip, mechanism, survivors, outcome
        case noiseMultiplier = "noise_multiplier"
        case minSurvivors = "min_survivors"
        case colludingClients = "colluding_clients"
        case samplingRate = "sampling_rate"
        case dimension
        case keysAdvertised = "keys_advertised"
        case survivorsByPhase = "survivors_by_phase"
        case dropoutsByPhase = "dropouts_by_phase"
        case epsilonRound = "epsilon_round"
        case epsilonCumulative = "epsilon_cumulative"
        case failureReason = "failure_reason"
        case outputHash = "output_hash"
    }

    /// Summaries of every planned round, in order. Records that do not decode are skipped.
    public static func summaries(of records: [AuditRecord]) -> [AuditRoundSummary] {
        var result: [AuditRoundSummary] = []
        var index: [Int: Int] = [:]
        var phases: [Int: [AuditPhase: Int]] = [:]
        for record in records {
            guard let event = record.event else { continue }
            if case .roundPlanned(let p) = event {
                index[p.round] = result.count
                result.append(
                    AuditRoundSummary(
                        round: p.round, participants: p.cohortIds, degree: p.degree, threshold: p.threshold,
                        bits: p.bits,
                        clip: p.clip, mechanism: p.mechanism.rawValue, noiseMultiplier: p.noiseMultiplier,
                        minSurvivors: p.minSurvivors, colludingClients: p.colludingClients,
                        samplingRate: p.samplingRate, dimension: p.dimension, keysAdvertised: nil, survivorsByPhase: [], dropoutsByPhase: [],
                        survivors: nil, epsilonRound: nil, epsilonCumulative: nil, outcome: "open", failureReason: nil,
                        outputHash: nil))
                continue
            }
            guard let round = event.round, let i = index[round] else { continue }
            switch event {
            case .keysAdvertised(let k): result[i].keysAdvertised = k.clientIds.count
            case .survivors(let s): phases[round, default: [:]][s.phase] = s.clientIds.count
            case .roundCharged(let c):
                result[i].epsilonRound = c.epsilonRound
                result[i].epsilonCumulative = c.epsilonCumulative
            case .roundCompleted(let c):
                result[i].outcome = "completed"
                result[i].survivors = c.survivors
                result[i].outputHash = c.outputHash
            case .roundFailed(let f):
                result[i].outcome = "failed"
                result[i].failureReason = f.reason
            default: break
            }
        }
        for i in result.indices {
            let counts = phases[result[i].round] ?? [:]
            var previous = result[i].keysAdvertised ?? result[i].participants.count
            if let advertised = result[i].keysAdvertised {
                result[i].dropoutsByPhase.append(
                    .init(phase: "advertise_keys", count: result[i].participants.count - advertised))
            }
            for phase in AuditPhase.allCases {
                guard let count = counts[phase] else { continue }
                result[i].survivorsByPhase.append(.init(phase: phase.rawValue, count: count))
                result[i].dropoutsByPhase.append(.init(phase: phase.rawValue, count: previous - count))
                previous = count
            }
        }
        return result
    }
}
