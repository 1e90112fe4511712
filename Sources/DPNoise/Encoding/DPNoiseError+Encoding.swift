extension DPNoiseError {
    /// Errors of the distributed-DP encoder and decoder (``DPEncoder``, ``DPDecoder``, ``EncodingParameters``).
    public enum Encoding: Error, Equatable, Sendable {
        /// A parameter is invalid; the string names it and the rule (no secret data).
        case invalidParameter(String)
        /// The input vector's length differs from the configured dimension.
        case dimensionMismatch(expected: Int, actual: Int)
        /// The input contains NaN or ±infinity (index of the first one).
        case nonFiniteInput(index: Int)
        /// A sum to decode has a coordinate ≥ 2^bits (index of the first one).
        case valueOutOfRange(index: Int)
        /// Conditional randomized rounding did not meet the norm bound within the allowed number of attempts.
        case roundingAttemptsExhausted(attempts: Int)
        /// The local-noise sampler refused its parameters.
        case noise(DPNoiseError.Sampler)
    }
}
