import DPNoise

/// Median seconds to encode a d-dimensional vector with discrete-Gaussian noise (σ = 10 integer units).
func encoderSeconds(dimension: Int, repetitions: Int) throws -> Double? {
    nil
}
