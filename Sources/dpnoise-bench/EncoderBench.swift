import DPNoise
import Dispatch
import Sodium

/// Median seconds to encode a d-dimensional vector with discrete-Gaussian noise of σ = 10 integer units
/// (c = 1, s = 1000, b = 32, block 2^16, β = e^-0.5), using a ChaCha20 generator.
func encoderSeconds(dimension: Int, repetitions: Int) throws -> Double? {
    let parameters = EncodingParameters(
        dimension: dimension, l2Clip: 1, scale: 1000, bits: 32, roundSeed: [UInt8](repeating: 7, count: 32),
        noise: .discreteGaussian(varianceNumerator: 100, varianceDenominator: 1))
    let encoder = try DPEncoder(parameters: parameters)
    var rng = ChaChaRandom.seeded(5)
    let x = (0..<dimension).map { _ in Double(rng.next() >> 11) / 0x1p53 - 0.5 }
    var output = [UInt32](repeating: 0, count: encoder.paddedDimension)
    return try medianSeconds(repetitions) {
        try x.withUnsafeBufferPointer { input in
            try output.withUnsafeMutableBufferPointer { try encoder.encode(input, into: $0, using: &rng) }
        }
    }
}
