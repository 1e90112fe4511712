extension DPNoiseError {
    /// Errors of the exact noise samplers (``DiscreteGaussian``, ``DiscreteLaplace``, ``Poisson``, ``Skellam``,
    /// ``Bernoulli``, ``BernoulliExp``).
    public enum Sampler: Error, Equatable, Sendable {
        /// A rational parameter had a zero denominator.
        case zeroDenominator
        /// A parameter that must be strictly positive (a variance or a scale) was zero.
        case nonPositiveParameter
        /// A probability `numerator / denominator` exceeded 1.
        case probabilityAboveOne
        /// The parameter is valid but outside the range the exact 64/128-bit integer arithmetic supports
        /// (see each sampler's documentation for the exact condition).
        case parameterOutOfRange
    }
}
