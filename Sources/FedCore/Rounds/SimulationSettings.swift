import DPNoise
import SecureAgg

/// How a run chooses its noise.
public enum NoiseSetting: Sendable, Equatable {
    /// No noise: the recovered average equals the plain average within the quantization bound.
    case none
    /// A fixed noise multiplier z (central stddev = z · clip).
    case noiseMultiplier(Double)
    /// Calibrate z so that all rounds of this run together spend this ε (at the run's δ).
    case targetEpsilon(Double)
}

/// Everything a federated run needs besides its model and its updates. Units: `clip` is the L2 norm of the
/// whole flattened update in model units; rates are fractions in [0, 1).
public struct SimulationSettings: Sendable {
    /// Rounds to run (≥ 1).
    public var rounds: Int = 3
    /// Cohort size per round; nil = every client of the update source. With fewer clients than the source
    /// holds, each round takes a seeded random subset (accounted as q = 1: no amplification is claimed).
    public var cohortSize: Int?
    /// Fraction of the cohort that drops after ShareKeys: exactly ⌊F·n⌋ clients, chosen with the seed.
    public var dropoutFraction: Double = 0.1
    /// Fewest masked inputs a round accepts (noise is calibrated for it). nil: max(t, n − ⌈F·n⌉).
    public var minSurvivors: Int?
    public var noise: NoiseSetting = .targetEpsilon(8)
    public var mechanism: DistributedMechanism = .ddgauss
    /// The accountant that turns the rounds' noise into ε (calibration, budget, ledger, audit): PLD by default,
    /// RDP where PLD has no Gaussian equivalent for the noise.
    public var accountant: Accountant = .pld
    /// δ of the (ε, δ) guarantee.
    public var delta: Double = 1e-5
    /// Total ε allowed across the ledger; a round that would exceed it is refused before it starts.
    public var budgetEpsilon: Double?
    /// Poisson client-sampling rate q; nil = fixed cohort (q = 1).
    public var samplingRate: Double?
    /// L2 clip c (model units).
    public var clip: Double = 1
    /// Bits b of the modular sum; nil = chosen (DP: smallest adequate; no DP: 32).
    public var bits: Int?
    /// The security floor's colluders: clients assumed to collude with the server inside any one neighbourhood
    /// (t > (k + c)/2, the consistency quorum, t > c; ``SecurityFloor``). A worst-case per-neighbourhood count,
    /// not a rate: it is not scaled with the cohort. Also the least ``noiseColluders`` can be.
    public var colludingClients: Int = 0
    /// The noise calibration's colluders c_dp: clients whose noise shares the server is assumed to know, so the
    /// noise counts M − c_dp honest shares (recorded in the ledger and the audit log as `colluding_clients`).
    /// nil: max(⌈γ·n⌉, ``colludingClients``), γ = ``adversarialRate`` and n the planned cohort — the adversarial
    /// clients the SecAgg+ parameter finder assumes. An explicit value below ⌈γ·n⌉ is refused (lower γ too).
    public var noiseColluders: Int?
    /// SecAgg+ parameter-finder inputs (γ also sets the default ``noiseColluders``).
    public var adversarialRate: Double = 0.05
    public var adversary: AdversaryClass = .curious
    /// global += serverLearningRate · average.
    public var serverLearningRate: Double = 1
    /// Weight each update by its example count, clipped to [1, maxWeight] and divided by maxWeight; the count
    /// travels masked after the update (``ExampleCountLimbs``), so the server learns only the survivors' total.
    public var weighted = false
    /// W ≥ 1: the largest example count a weighted round honours.
    public var maxWeight: Int = 1000
    /// Seed for a reproducible run: every random choice and key then comes from it. **Not secure.**
    public var seed: UInt64?
    /// Rotation block size of the encoder (a power of two).
    public var blockSize: Int = 1 << 16

    public init() {}
}
