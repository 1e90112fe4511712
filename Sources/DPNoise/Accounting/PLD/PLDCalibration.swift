import Foundation

/// The smallest noise meeting an (ε, δ) budget under the PLD accountant.
public struct PLDCalibrationResult: Sendable, Equatable {
    /// z: the smallest noise multiplier found (within the relative tolerance) with ε(z) ≤ target. Always on the
    /// safe side: `guarantee.epsilon` ≤ target.
    public let noiseMultiplier: Double
    /// The PLD guarantee at `noiseMultiplier`.
    public let guarantee: PLDGuarantee
}

extension NoiseCalibration {
    /// Default relative width of the final bisection bracket for PLD calibration (each step costs one PLD).
    public static let pldRelativeTolerance = 1e-5

    /// Smallest z with PLD ε(z) ≤ `targetEpsilon` for T rounds of the (Poisson-subsampled) Gaussian, by
    /// bisection on z started from the RDP calibration (PLD needs no more noise than RDP up to discretisation).
    /// Matches `dp_accounting.calibrate_dp_mechanism` with a `PLDAccountant`.
    public static func gaussianPLD(targetEpsilon: Double, delta: Double, samplingRate: Double = 1, steps: Int,
                                   discretization: Double = PLDAccountant.defaultDiscretization,
                                   relativeTolerance: Double = pldRelativeTolerance) throws(DPNoiseError.Accounting)
        -> PLDCalibrationResult
    {
        try Check.positive(targetEpsilon, .targetEpsilon)
        try Check.positive(relativeTolerance, .relativeTolerance)
        func epsilon(_ z: Double) throws(DPNoiseError.Accounting) -> Double {
            try PLDAccountant.epsilon(noiseMultiplier: z, samplingRate: samplingRate, steps: steps, delta: delta,
                                      discretization: discretization).epsilon
        }
        let start = try gaussian(targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate,
                                 steps: steps).noiseMultiplier
        var high = start
        while try epsilon(high) > targetEpsilon {
            high *= 1.25
            guard high <= searchRange.upperBound else {
                throw .calibrationFailed(reason: "no noise multiplier up to \(searchRange.upperBound) meets ε ≤ \(targetEpsilon)")
            }
        }
        var low = high * 0.8
        while try epsilon(low) <= targetEpsilon {
            high = low
            low *= 0.8
            guard low >= searchRange.lowerBound else { break }
        }
        // Invariant: ε(low) > target ≥ ε(high).
        while high - low > relativeTolerance * high {
            let middle = (low + high) / 2
            if try epsilon(middle) <= targetEpsilon { high = middle } else { low = middle }
        }
        let guarantee = try PLDAccountant.epsilon(noiseMultiplier: high, samplingRate: samplingRate, steps: steps,
                                                  delta: delta, discretization: discretization)
        return PLDCalibrationResult(noiseMultiplier: high, guarantee: guarantee)
    }
}
