@testable import DPNoise
import Foundation
import Sodium
import Testing

/// The conditional-rounding norm check is exact (issue 14.5): integer squared norm against ⌊Δ²⌋, Δ the
/// accountant's rounded-norm bound.
@Suite struct RoundedNormCheckTests {
    /// ⌊x²⌋ from the binary value of x, checked against exact integer squares of x·2^k (an integer) for values
    /// where the Double product x·x is rounded.
    @Test func floorOfSquareIsExact() {
        #expect(RoundedNormCheck.floorOfSquare(3) == 9)
        #expect(RoundedNormCheck.floorOfSquare(Double(3).nextDown) == 8)
        #expect(RoundedNormCheck.floorOfSquare(0.999) == 0)
        #expect(RoundedNormCheck.floorOfSquare(2.0.squareRoot()) == 2)  // the Double √2 is above √2 by < 1e-16
        // (2^40 + 2^-12)² = 2^80 + 2^29 + 2^-24.
        #expect(RoundedNormCheck.floorOfSquare(0x1p40 + 0x1p-12) == (UInt128(1) << 80) + (UInt128(1) << 29))
        // (2^52 + 1)² = 2^104 + 2^53 + 1, which the Double product rounds to 2^104 + 2^53.
        let y = 0x1p52 + 1
        let exact = (UInt128(1) << 104) + (UInt128(1) << 53) + 1
        #expect(RoundedNormCheck.floorOfSquare(y) == exact)
        #expect(UInt128(exactly: y * y) != exact, "the floating-point square is not exact here")
    }

    /// Vectors right at the bound: Δ = 2^40 (Δ² = 2^80). A rounded vector of squared norm 2^80 passes, 2^80 + 1
    /// does not — although its squared norm summed in Double (the former check) is 2^80 and would have passed.
    @Test func vectorsRightAtTheBound() {
        let check = RoundedNormCheck(squaredBound: RoundedNormCheck.floorOfSquare(0x1p40))
        let cases: [(values: [Double], accepted: Bool)] = [([0x1p40, 0], true), ([0x1p40, 1], false), ([0x1p40 - 1, 0], true)]
        for (values, accepted) in cases {
            var input = values
            var out = [UInt32](repeating: 0, count: values.count)
            var source = ChaChaRandom.seeded(1)
            let squared = withRandomWords(&source, capacity: 16) { (words: inout RandomWords) -> UInt128 in
                input.withUnsafeMutableBufferPointer { v in
                    out.withUnsafeMutableBufferPointer { o in DPEncoder.randomizedRound(v, into: o, &words) }
                }
            }
            // Integer inputs round to themselves: the squared norm is exact.
            let exact = values.reduce(UInt128(0)) { $0 + UInt128($1) * UInt128($1) }
            #expect(squared == exact)
            #expect(check.accepts(squaredNorm: squared) == accepted, "\(values)")
            let doubleSum = values.reduce(0.0) { $0 + $1 * $1 }
            #expect(doubleSum <= 0x1p80, "the Double sum cannot tell 2^80 + 1 from 2^80")
        }
    }

    /// The encoder's bound is ⌊Δ²⌋ for the Δ the accountant uses (in integer units), never above it.
    @Test func boundIsTheAccountantsSensitivity() throws {
        for (clip, z, dimension, bits) in [(1.0, 1.0, 1 << 10, 16), (0.1, 0.7, 1 << 16, 20), (3.0, 2.0, 300, 12)] {
            let c = try DistributedDPConfiguration(
                mechanism: .ddgauss, l2Clip: clip, dimension: EncodingParameters(
                    dimension: dimension, l2Clip: clip, scale: 1, bits: bits, roundSeed: [UInt8](repeating: 0, count: 32),
                    noise: .none).paddedDimension,
                minimumSurvivors: 10, noiseMultiplier: z, bits: bits)
            let p = EncodingParameters(
                dimension: dimension, l2Clip: clip, scale: c.scale, bits: c.bits, beta: c.beta,
                roundSeed: [UInt8](repeating: 0, count: 32), noise: .none)
            let check = RoundedNormCheck(parameters: p)
            let delta = c.ddgaussParameters.l2Sensitivity
            // ⌊Δ²⌋ ≤ Δ² < ⌊Δ²⌋ + 1, with Δ² evaluated exactly as a rational through the floor of (Δ·2^k)².
            #expect(check.squaredBound <= RoundedNormCheck.floorOfSquare(delta))
            #expect(Double(check.squaredBound) <= delta * delta * (1 + 1e-15))
            #expect(Double(check.squaredBound + 1) > delta * delta * (1 - 1e-12))
        }
    }
}
