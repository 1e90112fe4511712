import DPNoise
import SecureAgg

/// What the server announces at the start of a round (phase 0), before any key exists: everything a client
/// needs to check the round against its own rules and to encode its update. All of it is public.
///
/// Invariants (from ``RoundPlanner``): `encoding.bits == configuration.bits`, and
/// `configuration.vectorLength == encoding.paddedDimension + (weights?.limbCount ?? 0)`.
public struct RoundAnnouncement: Sendable {
    /// Round number, cohort, SecAgg+ degree k and threshold t, bits, vector length, registry and run id.
    public let configuration: RoundConfiguration
    /// Rounds the run plans (announced so a client can refuse a run its budget cannot fit).
    public let totalRounds: Int
    /// The model layout's hash (hex): a client refuses a round over another layout.
    public let layoutHash: String
    /// Clip, rotation, scale, bits, noise and round seed every client encodes with.
    public let encoding: EncodingParameters
    /// Fewest masked inputs the round accepts; the noise is calibrated for it and every client enforces it on
    /// the survivor list.
    public let minSurvivors: Int
    /// For weighted rounds: how the example count travels after the update (nil otherwise).
    public let weights: ExampleCountLimbs?
}
