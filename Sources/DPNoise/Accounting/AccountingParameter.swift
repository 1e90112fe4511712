/// The quantity an ``DPNoiseError/Accounting/invalidParameter(_:reason:)`` is about. Each case is named as the API
/// parameter it checks; ``description`` names the quantity in words, so the error text stands alone and a command
/// line can map each case to its flag with an exhaustive `switch`.
public enum AccountingParameter: Sendable, Equatable, Hashable, CaseIterable, CustomStringConvertible {
    case noiseMultiplier
    case baseNoiseMultiplier
    case samplingRate
    case steps
    case times
    case count
    case delta
    case epsilon
    case targetEpsilon
    case relativeTolerance
    case l2Clip
    case dimension
    case clients
    case totalClients
    case baseClientsPerRound
    case minimumSurvivors
    case colludingClients
    case maximumSummands
    case bits
    case beta
    case modClipProbability
    case scale
    case sensitivity
    case laplaceParameter
    case variance
    case denominator
    case noise
    case encoding
    case mechanism
    case orders
    case rdp
    case discretization
    case tailBound
    case ledger
    case skipSlack

    public var description: String {
        switch self {
        case .noiseMultiplier: "noise multiplier"
        case .baseNoiseMultiplier: "base noise multiplier"
        case .samplingRate: "sampling rate"
        case .steps: "number of rounds"
        case .times: "number of compositions"
        case .count: "repetition count"
        case .delta: "δ"
        case .epsilon: "ε"
        case .targetEpsilon: "target ε"
        case .relativeTolerance: "relative tolerance"
        case .l2Clip: "L2 clip"
        case .dimension: "dimension"
        case .clients: "number of clients"
        case .totalClients: "total number of clients"
        case .baseClientsPerRound: "base number of clients per round"
        case .minimumSurvivors: "minimum number of survivors"
        case .colludingClients: "number of colluding clients"
        case .maximumSummands: "maximum number of summands"
        case .bits: "bits per coordinate"
        case .beta: "conditional-rounding β"
        case .modClipProbability: "modular clipping probability"
        case .scale: "scale"
        case .sensitivity: "sensitivity"
        case .laplaceParameter: "discrete Laplace parameter"
        case .variance: "noise variance"
        case .denominator: "variance denominator"
        case .noise: "noise"
        case .encoding: "encoding"
        case .mechanism: "mechanism"
        case .orders: "list of RDP orders"
        case .rdp: "list of RDP values"
        case .discretization: "PLD discretization step"
        case .tailBound: "PLD tail bound"
        case .ledger: "privacy ledger"
        case .skipSlack: "skip slack η of a sampled run"
        }
    }
}
