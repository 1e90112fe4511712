import Foundation

extension DistributedDPConfiguration {
    /// Relative slack allowed on the k-σ headroom for rounding the variance up (the heuristic scale fills the
    /// modulus exactly; rounding the variance to 2^-16 may exceed it by a hair).
    static let headroomSlack = 1e-4

    /// Refuses when k standard deviations of the sum do not fit in b signed bits.
    func checkHeadroom() throws(DPNoiseError.Accounting) {
        guard headroomStddevs * (1 + Self.headroomSlack) >= kStddevs else {
            throw .insufficientBits(bits: bits, requiredBits: Self.requiredBits(stddev: sumStddev, k: kStddevs))
        }
    }

    /// Smallest b ≤ 32 with 2^{b−1} ≥ k·stddev, or 0 when none.
    static func requiredBits(stddev: Double, k: Double) -> Int {
        (1...32).first { Foundation.pow(2.0, Double($0 - 1)) >= k * stddev } ?? 0
    }

    /// Worst-case bits for a round WITHOUT noise: n inputs of L2 norm ≤ c at scale s in dimension d (after
    /// rotation each coordinate is ≤ c·s; randomized rounding moves the vector by at most √d/2 in L2, hence each
    /// coordinate by at most that), so |Σ| ≤ n·(c·s + √d/2) per coordinate. Returns the smallest b such that this
    /// fits in b bits signed, i.e. n·(c·s + √d/2) ≤ 2^{b−1} − 1 (may exceed 32: the caller must refuse then).
    public static func worstCaseBits(noDPClients n: Int, l2Clip c: Double, scale s: Double,
                                     dimension d: Int) throws(DPNoiseError.Accounting) -> Int {
        try Check.atLeast(n, 1, .clients)
        try Check.positive(c, .l2Clip)
        try Check.positive(s, .scale)
        try Check.atLeast(d, 1, .dimension)
        let bound = Double(n) * (c * s + Double(d).squareRoot() / 2)
        var bits = 1
        while Foundation.pow(2.0, Double(bits - 1)) - 1 < bound { bits += 1 }
        return bits
    }

    /// The largest scale s such that the no-noise worst case n·(c·s + √d/2) fits in b signed bits
    /// (see `worstCaseBits(noDPClients:…)`). Throws `.insufficientBits` when even the rounding error alone
    /// does not fit.
    public static func noDPScale(bits: Int, clients n: Int, l2Clip c: Double,
                                 dimension d: Int) throws(DPNoiseError.Accounting) -> Double {
        guard (1...32).contains(bits) else {
            throw .invalidParameter(.bits, reason: "must be in 1…32, got \(bits)")
        }
        try Check.atLeast(n, 1, .clients)
        try Check.positive(c, .l2Clip)
        try Check.atLeast(d, 1, .dimension)
        let perClient = (Foundation.pow(2.0, Double(bits - 1)) - 1) / Double(n) - Double(d).squareRoot() / 2
        guard perClient > 0 else { throw .insufficientBits(bits: bits, requiredBits: 0) }
        return perClient / c
    }

    /// Whether the quantization costs at most a fraction `tolerance` of the privacy the continuous mechanism
    /// would give: the rounding inflation of Δ2 is ≤ tolerance·c, and (ddgauss) the τ√d term of Thm. 1 is
    /// ≤ tolerance × the L2 scale Δ2/(√n·s).
    public func isAdequate(tolerance: Double = 0.01) -> Bool {
        guard inflatedL2 <= (1 + tolerance) * l2Clip else { return false }
        guard mechanism == .ddgauss else { return true }
        let parameters = ddgaussParameters
        let l2Scale = parameters.l2Sensitivity
            / (Double(parameters.clients).squareRoot() * parameters.localStddev)
        return parameters.tau * Double(dimension).squareRoot() <= tolerance * l2Scale
    }

    /// The smallest b in 1…32 for which the configuration exists (headroom) and `isAdequate(tolerance:)`;
    /// the returned configuration has that b. Throws `.insufficientBits(bits: 32, requiredBits: 0)` when none is.
    public static func smallestAdequate(mechanism: DistributedMechanism, l2Clip: Double, dimension: Int,
                                        minimumSurvivors: Int, colludingClients: Int = 0,
                                        maximumSummands: Int? = nil, noiseMultiplier: Double,
                                        beta: Double = defaultBeta,
                                        modClipProbability: Double = defaultModClipProbability,
                                        tolerance: Double = 0.01) throws(DPNoiseError.Accounting) -> DistributedDPConfiguration {
        for bits in 1...32 {
            do {
                let configuration = try DistributedDPConfiguration(
                    mechanism: mechanism, l2Clip: l2Clip, dimension: dimension, minimumSurvivors: minimumSurvivors,
                    colludingClients: colludingClients, maximumSummands: maximumSummands,
                    noiseMultiplier: noiseMultiplier, bits: bits, beta: beta, modClipProbability: modClipProbability)
                if configuration.isAdequate(tolerance: tolerance) { return configuration }
            } catch .insufficientBits {
                continue
            }
        }
        throw .insufficientBits(bits: 32, requiredBits: 0)
    }
}
