import Sodium

/// Exact Bernoulli(p) for a rational probability p = numerator / denominator (integer arithmetic only).
public enum Bernoulli {
    /// True with probability exactly `numerator / denominator`.
    ///
    /// - Throws: ``DPNoiseError/Sampler/zeroDenominator``; ``DPNoiseError/Sampler/probabilityAboveOne`` if numerator > denominator.
    public static func sample<R: SecureRandom>(
        numerator: UInt64, denominator: UInt64, using rng: inout R
    ) throws(DPNoiseError.Sampler) -> Bool {
        guard denominator > 0 else { throw .zeroDenominator }
        guard numerator <= denominator else { throw .probabilityAboveOne }
        return withRandomWords(&rng, capacity: 8) { $0.bernoulli(numerator, denominator) }
    }
}

/// Exact Bernoulli(exp(−γ)) for a rational γ = numerator / denominator ≥ 0
/// (Canonne, Kamath, Steinke 2020, Algorithm 1; integer arithmetic only).
///
/// Expected cost: at most e ≈ 2.72 uniform draws for the fractional part, plus about 1.6 draws for the integer
/// part (the loop over ⌊γ⌋ stops at its first failure).
public enum BernoulliExp {
    /// True with probability exactly exp(−`numerator / denominator`).
    ///
    /// - Throws: ``DPNoiseError/Sampler/zeroDenominator``.
    public static func sample<R: SecureRandom>(
        numerator: UInt64, denominator: UInt64, using rng: inout R
    ) throws(DPNoiseError.Sampler) -> Bool {
        guard denominator > 0 else { throw .zeroDenominator }
        return withRandomWords(&rng, capacity: 8) { $0.bernoulliExpMinus(UInt128(numerator), UInt128(denominator)) }
    }
}
