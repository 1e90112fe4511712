import Sodium

/// Largest magnitude any sampler here returns: 2^62. Draws beyond it are rejected and redrawn (for the scales
/// supported, ≤ 2^21, that changes the distribution by less than exp(−2^40) in total variation).
let maximumSampleMagnitude: UInt64 = 1 << 62

extension RandomWords {
    /// Discrete Laplace with scale `t / s` (CKS 2020 Algorithm 2): P(Y = y) ∝ exp(−|y|·s/t).
    /// Precondition: t > 0, s > 0.
    @inline(__always)
    mutating func discreteLaplace(scaleNumerator t: UInt64, scaleDenominator s: UInt64) -> Int64 {
        while true {
            let u = uniform(below: t)
            if !bernoulliExpMinusFraction(u, t) { continue }
            var v: UInt64 = 0
            while bernoulliExpMinusOne() { v &+= 1 }
            // x = u + t·v, refusing (and redrawing) anything beyond 2^62.
            let (tv, overflow) = t.multipliedReportingOverflow(by: v)
            if overflow || tv > maximumSampleMagnitude - u { continue }
            let x = u + tv
            let y = s == 1 ? x : x / s
            let negative = bit()
            if negative && y == 0 { continue }
            return negative ? -Int64(y) : Int64(y)
        }
    }
}

/// Exact discrete Laplace distribution on ℤ with rational scale t = numerator / denominator:
/// P(Y = y) = (e^{1/t} − 1)/(e^{1/t} + 1) · exp(−|y|/t) (Canonne, Kamath, Steinke 2020, Algorithm 2).
///
/// Integer arithmetic only. Supported: numerator in 1…2^62 (larger scales are refused), denominator ≥ 1.
/// Expected cost: about 8 uniform 64-bit draws.
public enum DiscreteLaplace {
    /// One sample with scale `scaleNumerator / scaleDenominator`.
    ///
    /// - Throws: ``DPNoiseError/Sampler/zeroDenominator``, ``DPNoiseError/Sampler/nonPositiveParameter`` (zero scale),
    ///   ``DPNoiseError/Sampler/parameterOutOfRange`` (numerator > 2^62).
    public static func sample<R: SecureRandom>(
        scaleNumerator: UInt64, scaleDenominator: UInt64, using rng: inout R
    ) throws(DPNoiseError.Sampler) -> Int64 {
        guard scaleDenominator > 0 else { throw .zeroDenominator }
        guard scaleNumerator > 0 else { throw .nonPositiveParameter }
        guard scaleNumerator <= maximumSampleMagnitude else { throw .parameterOutOfRange }
        return withRandomWords(&rng, capacity: 32) {
            $0.discreteLaplace(scaleNumerator: scaleNumerator, scaleDenominator: scaleDenominator)
        }
    }
}
