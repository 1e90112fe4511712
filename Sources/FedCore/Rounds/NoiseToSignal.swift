/// What the DP noise does to a round's average, in words a user can act on. The signal is bounded by the clip:
/// every update is clipped to L2 norm C, so their (weighted) average has norm ≤ C. The noise of the recovered
/// average has per-coordinate stddev σ_avg (``RoundCompletion/noiseStddev``) over d coordinates, so its
/// expected L2 norm is about σ_avg·√d. At a fixed noise multiplier σ_avg falls as 1/n with the survivors n,
/// so the cohort that brings the ratio down to r is about n · ratio / r.
public struct NoiseToSignal: Sendable, Equatable {
    /// Expected L2 norm of the noise in the recovered average (model units): σ_avg · √d.
    public let noiseNorm: Double
    /// ``noiseNorm`` divided by the clip C, the largest norm the average of clipped updates can have.
    public let ratio: Double
    /// Survivors the round had.
    public let survivors: Int

    /// The ratio above which the average is mostly noise.
    public static let dominanceThreshold = 1.0
    /// The ratio the advice aims for: noise at half the largest possible signal.
    public static let advisedRatio = 0.5

    public init(noiseStddev: Double, dimension: Int, clip: Double, survivors: Int) {
        noiseNorm = noiseStddev * Double(max(dimension, 0)).squareRoot()
        ratio = clip > 0 ? noiseNorm / clip : .infinity
        self.survivors = survivors
    }

    /// True when the expected noise norm exceeds the largest possible signal norm.
    public var noiseDominates: Bool { ratio > Self.dominanceThreshold }

    /// Survivors per round that would bring the ratio to `target` at the same noise multiplier (≥ 1).
    public func survivorsFor(ratio target: Double) -> Int {
        guard ratio.isFinite, target > 0 else { return Int.max }
        let needed = (Double(survivors) * ratio / target).rounded(.up)
        return needed >= Double(Int.max) ? Int.max : max(1, Int(needed))
    }

    /// The warning for a round whose average is mostly noise (nil when it is not).
    public func warning(round: Int) -> String? {
        guard noiseDominates else { return nil }
        let n = survivorsFor(ratio: Self.advisedRatio)
        return "round \(round): at this cohort size and epsilon the average is mostly noise (expected noise norm "
            + "\(Self.format(noiseNorm)) against at most \(Self.format(noiseNorm / ratio)) of signal, \(Self.format(ratio))×): "
            + "need about \(n) clients per round to bring the noise to half the clip, or fewer trainable parameters, "
            + "or a larger epsilon"
    }

    private static func format(_ x: Double) -> String {
        x >= 100 ? String(Int(x.rounded())) : String((x * 1000).rounded() / 1000)
    }
}

extension RoundCompletion {
    /// The noise of this round's average against the clip.
    public var noiseToSignal: NoiseToSignal {
        NoiseToSignal(
            noiseStddev: noiseStddev, dimension: plan.encoding.dimension, clip: plan.encoding.l2Clip,
            survivors: survivors.count)
    }
}
