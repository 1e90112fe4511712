import Foundation

/// The smallest noise meeting an (ε, δ) budget, by bisection on the noise multiplier.
public struct CalibrationResult: Sendable, Equatable {
    /// z: the smallest noise multiplier found (within relative `NoiseCalibration.relativeTolerance`) whose ε is
    /// ≤ the target. Always on the safe side: ε(z) ≤ target.
    public let noiseMultiplier: Double
    /// The guarantee achieved at `noiseMultiplier`.
    public let guarantee: PrivacyGuarantee
    /// The derived distributed configuration at `noiseMultiplier` (nil for the continuous Gaussian).
    public let configuration: DistributedDPConfiguration?
    /// The accountant `guarantee` was computed with (PLD results carry order 0).
    public var accountant: Accountant = .rdp
    /// Distributed: the rounds of `configuration` as `guarantee` accounted them (their ``accountant``, why PLD
    /// was unavailable), to ask other (steps, δ) without deriving the Gaussian equivalent again; nil otherwise.
    public var accounting: DistributedDPConfiguration.RoundAccounting?
}

public enum NoiseCalibration {
    /// Bisection stops when the bracket is narrower than this fraction of its upper end.
    public static let relativeTolerance = 1e-7
    /// Search range of noise multipliers.
    public static let searchRange: ClosedRange<Double> = 1e-4...1e5

    /// Smallest z with ε(z) ≤ `targetEpsilon` for the Poisson-subsampled Gaussian (see `GaussianAccountant`).
    public static func gaussian(targetEpsilon: Double, delta: Double, samplingRate: Double = 1, steps: Int,
                                orders: [Double] = RDPOrders.dpAccountingDefault) throws(DPNoiseError.Accounting)
        -> CalibrationResult
    {
        try Check.positive(targetEpsilon, .targetEpsilon)
        try Check.samplingRate(samplingRate)
        try Check.steps(steps)
        try Check.delta(delta)
        try Check.orders(orders)
        let z = try smallestNoise(target: targetEpsilon) { z throws(DPNoiseError.Accounting) in
            try GaussianAccountant.epsilon(noiseMultiplier: z, samplingRate: samplingRate, steps: steps,
                                           delta: delta, orders: orders).epsilon
        }
        let guarantee = try GaussianAccountant.epsilon(noiseMultiplier: z, samplingRate: samplingRate, steps: steps,
                                                       delta: delta, orders: orders)
        return CalibrationResult(noiseMultiplier: z, guarantee: guarantee, configuration: nil)
    }

    /// Smallest z with ε(z) ≤ `targetEpsilon` for a distributed mechanism; every other configuration input is
    /// held fixed (the scale is re-derived for each z). With `bits` nil, b is chosen as the smallest adequate
    /// width (`DistributedDPConfiguration.smallestAdequate`) at the calibrated z. With `accountant` PLD, ε is
    /// the PLD of the rounds' Gaussian equivalents where they exist and RDP where not (the result says which).
    public static func distributed(targetEpsilon: Double, delta: Double, samplingRate: Double = 1, steps: Int,
                                   mechanism: DistributedMechanism, l2Clip: Double, dimension: Int,
                                   minimumSurvivors: Int, colludingClients: Int = 0, maximumSummands: Int? = nil,
                                   bits: Int?, beta: Double = DistributedDPConfiguration.defaultBeta,
                                   modClipProbability: Double = DistributedDPConfiguration.defaultModClipProbability,
                                   accountant: Accountant = .rdp,
                                   discretization: Double = PLDAccountant.defaultDiscretization)
        throws(DPNoiseError.Accounting) -> CalibrationResult
    {
        try Check.positive(targetEpsilon, .targetEpsilon)
        try Check.samplingRate(samplingRate)
        try Check.steps(steps)
        try Check.delta(delta)
        func make(_ z: Double, _ b: Int) throws(DPNoiseError.Accounting) -> DistributedDPConfiguration {
            try DistributedDPConfiguration(
                mechanism: mechanism, l2Clip: l2Clip, dimension: dimension, minimumSurvivors: minimumSurvivors,
                colludingClients: colludingClients, maximumSummands: maximumSummands, noiseMultiplier: z,
                bits: b, beta: beta, modClipProbability: modClipProbability)
        }
        func calibrate(bits b: Int) throws(DPNoiseError.Accounting) -> CalibrationResult {
            _ = try make(1, b)  // surface parameter errors before searching
            let z = try smallestNoise(target: targetEpsilon) { z throws(DPNoiseError.Accounting) in
                let c = try make(z, b)
                // Below the theorem's minimum σ no ε is claimed: such a z never meets the target.
                guard c.mechanism != .ddgauss || Self.meetsPrecondition(c) else { return .infinity }
                return try c.epsilon(samplingRate: samplingRate, steps: steps, delta: delta, accountant: accountant,
                                     discretization: discretization).epsilon
            }
            let configuration = try make(z, b)
            let accounting = configuration.accounting(samplingRate: samplingRate, accountant: accountant,
                                                      discretization: discretization)
            let g = try accounting.epsilon(steps: steps, delta: delta)
            let guarantee = PrivacyGuarantee(epsilon: g.epsilon, delta: delta, order: g.order ?? 0)
            return CalibrationResult(noiseMultiplier: z, guarantee: guarantee, configuration: configuration,
                                     accountant: g.accountant, accounting: accounting)
        }
        if let bits { return try calibrate(bits: bits) }
        // Start from the width adequate for the continuous-Gaussian z, then widen until adequate at the result.
        let continuous = try gaussian(targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate,
                                      steps: steps, orders: DistributedDPConfiguration.orders)
        var b = try DistributedDPConfiguration.smallestAdequate(
            mechanism: mechanism, l2Clip: l2Clip, dimension: dimension, minimumSurvivors: minimumSurvivors,
            colludingClients: colludingClients, maximumSummands: maximumSummands,
            noiseMultiplier: continuous.noiseMultiplier, beta: beta, modClipProbability: modClipProbability).bits
        while true {
            let result = try calibrate(bits: b)
            if result.configuration?.isAdequate() ?? true || b == 32 { return result }
            b += 1
        }
    }

    static func meetsPrecondition(_ c: DistributedDPConfiguration) -> Bool {
        DistributedDPConfiguration.meetsDiscreteGaussianPrecondition(c.localScaledVariance)
    }

    /// Bisection for the smallest z in `searchRange` with epsilon(z) ≤ target, assuming ε decreases in z.
    static func smallestNoise(target: Double,
                              epsilon: (Double) throws(DPNoiseError.Accounting) -> Double) throws(DPNoiseError.Accounting) -> Double {
        var high = 1.0
        while try epsilon(high) > target {
            high *= 2
            guard high <= searchRange.upperBound else {
                throw .calibrationFailed(reason: "no noise multiplier up to \(searchRange.upperBound) meets ε ≤ \(target)")
            }
        }
        var low = high / 2
        while try epsilon(low) <= target {
            high = low
            low /= 2
            guard low >= searchRange.lowerBound else { return high }
        }
        // Invariant: ε(low) > target ≥ ε(high).
        while (high - low) > relativeTolerance * high {
            let middle = (low + high) / 2
            if try epsilon(middle) <= target { high = middle } else { low = middle }
        }
        return high
    }
}
