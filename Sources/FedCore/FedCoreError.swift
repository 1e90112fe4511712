import DPNoise
import SecureAgg

/// FedCore's one error type: why a federated run stopped, or why a file, key, registry, ledger or client policy
/// was refused. The reasons of each kind of file are nested enums (``FedCoreError/Ledger``,
/// ``FedCoreError/Layout``, ``FedCoreError/Safetensors``, ``FedCoreError/KeyFile``, ``FedCoreError/RegistryFile``,
/// ``FedCoreError/Policy``, ``FedCoreError/Update``); a function that can only fail for one reason throws that
/// nested enum, and ``FedCoreError`` wraps it where failures of several kinds meet.
///
/// ``exitCode`` follows the command-surface contract: 1 when a round or check failed, 2 for bad input.
/// ``description`` is the sentence a user reads; no case carries secret material.
public enum FedCoreError: Error, Sendable, CustomStringConvertible {
    /// Settings that cannot work (names the setting).
    case invalidSettings(String)
    /// An update could not be loaded or does not match the layout.
    case update(FedCoreError.Update)
    /// The model file could not be used.
    case model(String)
    /// Accounting refused the parameters (names the parameter).
    case accounting(DPNoiseError.Accounting)
    /// The ledger file is unreadable or malformed.
    case ledger(FedCoreError.Ledger)
    /// The encoder refused an update or its parameters.
    case encoding(DPNoiseError.Encoding)
    /// The round would exceed the budget: `spent` so far, `needed` after this round, `budget`.
    case budgetExhausted(round: Int, spent: Double, needed: Double, budget: Double)
    /// The run's planned rounds together would exceed the budget: found before round 1.
    case runExceedsBudget(rounds: Int, spent: Double, needed: Double, budget: Double)
    /// A round without noise (ε = ∞) was asked for while a privacy budget is set.
    case unprotectedRoundRefused(round: Int, budget: Double)
    /// Fewer masked inputs arrived than the round accepts.
    case tooFewSurvivors(round: Int, survivors: Int, required: Int)
    /// The round's cohort (a Poisson sample, or whoever is still connected) has fewer than `required` clients:
    /// the round fails before it is planned (nothing advertised, charged or released).
    case cohortTooSmall(round: Int, clients: Int, required: Int)
    /// A round of a sampled run whose sample cannot run the protocol safely (`reason` says why): nothing was
    /// released, the round was charged as part of the sampled mechanism and recorded as skipped.
    case roundSkipped(round: Int, clients: Int, reason: String)
    /// The secure-aggregation round failed (never a wrong sum).
    case roundFailed(round: Int, SecureAggError)
    /// Writing an output file failed.
    case output(String)
    /// A model vector or file does not fit the model's layout.
    case layout(Layout)
    /// A safetensors file was refused or could not be written.
    case safetensors(Safetensors)
    /// An identity key file or passphrase was refused.
    case keyFile(KeyFile)
    /// A registry of public keys was refused.
    case registry(RegistryFile)
    /// The client's policy is invalid, or it refuses the round.
    case policy(Policy)

    public var exitCode: Int32 {
        switch self {
        case .budgetExhausted, .runExceedsBudget, .unprotectedRoundRefused, .tooFewSurvivors, .cohortTooSmall, .roundSkipped,
             .roundFailed: return 1
        default: return 2
        }
    }

    public var description: String {
        switch self {
        case let .invalidSettings(s): return s
        case let .update(e): return e.description
        case let .model(s): return s
        case let .accounting(e): return e.description
        case let .ledger(e): return e.description
        case let .encoding(e): return "encoding: \(e.description)"
        case let .budgetExhausted(round, spent, needed, budget):
            return "privacy budget exhausted: round \(round) would bring epsilon to \(fmt(needed)) "
                + "but the budget is \(fmt(budget)) (\(fmt(spent)) spent, \(fmt(max(0, budget - spent))) left); "
                + "the round was not started"
        case let .runExceedsBudget(rounds, spent, needed, budget):
            return "privacy budget too small for the run: its \(rounds) round(s) would bring epsilon to \(fmt(needed)) "
                + "but the budget is \(fmt(budget)) (\(fmt(spent)) already spent); nothing was started: lower "
                + "--target-epsilon or --rounds, or raise --budget-epsilon"
        case let .unprotectedRoundRefused(round, budget):
            return "round \(round) would release an average without noise (epsilon = infinity) but the budget is "
                + "\(fmt(budget)) (--budget-epsilon or the ledger's budget); the round was not started: drop --no-dp "
                + "or the budget"
        case let .tooFewSurvivors(round, survivors, required):
            return "round \(round) failed: \(survivors) masked inputs arrived, at least \(required) required "
                + "(--min-survivors); nothing was released and no budget was charged"
        case let .cohortTooSmall(round, clients, required):
            return "round \(round) failed: its cohort has \(clients) client(s), at least \(required) required "
                + "(2, or --min-survivors); the round was not started and no budget was charged"
        case let .roundSkipped(round, clients, reason):
            return "round \(round) skipped: its sample of \(clients) client(s) \(reason); nothing was released and the "
                + "round was charged as part of the sampled mechanism (every round of a sampled run is)"
        case let .roundFailed(round, e): return "round \(round) failed: \(e)"
        case let .output(s): return s
        case let .layout(e): return e.description
        case let .safetensors(e): return e.description
        case let .keyFile(e): return e.description
        case let .registry(e): return e.description
        case let .policy(e): return e.description
        }
    }
}

private func fmt(_ x: Double) -> String {
    guard x.isFinite else { return "infinity" }
    let r = (x * 10_000).rounded() / 10_000
    return "\(r)"
}
