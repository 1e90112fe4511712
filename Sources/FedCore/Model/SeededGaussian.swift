import Foundation
import Sodium

/// Floating-point standard normal draws (Box–Muller) for building synthetic weights and updates.
///
/// **Not for privacy noise** (DP noise uses DPNoise's exact integer samplers); deterministic when fed a
/// ``ChaChaRandom/seeded(_:)`` generator — tests and simulations only.
struct SeededGaussian {
    private var random: ChaChaRandom
    private var spare: Double?

    init(_ random: ChaChaRandom) { self.random = random }

    /// Uniform in (0, 1): 53 random bits, never 0.
    mutating func uniform() -> Double { (Double(random.next() >> 11) + 0.5) * 0x1p-53 }

    /// Standard normal draw.
    mutating func next() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        let r = (-2 * Foundation.log(uniform())).squareRoot()
        let theta = 2 * Double.pi * uniform()
        spare = r * Foundation.sin(theta)
        return r * Foundation.cos(theta)
    }
}
