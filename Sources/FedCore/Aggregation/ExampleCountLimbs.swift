/// How a weighted round carries each client's example count inside the masked vector, so the server learns
/// only the survivors' total (the divisor of weighted FedAvg) and never a single client's count.
///
/// A client's count is clamped to c ∈ [1, W] (W = ``maxWeight``), its update is weighted by c / W, and c is
/// written in base 2^h as ``limbCount`` extra coordinates after the encoded update (least significant first).
/// h is the largest width with n · (2^h − 1) < 2^b, so the sum of n clients' limbs never wraps mod 2^b and
/// the total Σc is recovered exactly from the summed limbs.
///
/// The total is not noised: weighted rounds reveal the survivors' summed (clamped) example count to the
/// server, outside the DP guarantee (which covers the update vectors). See Docs/privacy.md.
public struct ExampleCountLimbs: Sendable, Equatable {
    /// W: counts are clamped to [1, W]; weights are c / W ∈ (0, 1].
    public let maxWeight: Int
    /// Bits per limb h (≥ 1).
    public let limbBits: Int
    /// Number of limbs: ⌈log2(W + 1) / h⌉.
    public let limbCount: Int

    /// - Parameters:
    ///   - clients: n, the most inputs the sum can hold (the cohort size).
    ///   - bits: b, the modulus exponent of the round.
    ///   - maxWeight: W ≥ 1.
    /// - Throws: ``FedCoreError/invalidSettings(_:)`` when W < 1 or n ≥ 2^b (no limb width fits).
    public init(clients n: Int, bits b: Int, maxWeight: Int) throws(FedCoreError) {
        guard maxWeight >= 1, maxWeight <= 1 << 30 else {
            throw .invalidSettings("the maximum weight must be in 1…2^30 (got \(maxWeight))")
        }
        guard n >= 1, (1...32).contains(b) else { throw .invalidSettings("weighted round: bad cohort or bits") }
        // Largest h with n·(2^h − 1) ≤ 2^b − 1.
        var h = 0
        while h < 31, UInt64(n) * ((UInt64(1) << UInt64(h + 1)) - 1) <= (UInt64(1) << UInt64(b)) - 1 { h += 1 }
        guard h >= 1 else {
            throw .invalidSettings("weighted round: \(n) clients do not fit \(b)-bit sums; use more --bits or fewer clients")
        }
        var countBits = 0
        while (1 << countBits) <= maxWeight { countBits += 1 }
        self.maxWeight = maxWeight
        self.limbBits = h
        self.limbCount = (countBits + h - 1) / h
    }

    /// What a client sends for `exampleCount` in a round with `weights`: its FedAvg weight c/W and the count
    /// limbs to append after its encoded update — (1, no limbs) in an unweighted round (`weights` nil).
    public static func clientInput(
        exampleCount: Int, weights: ExampleCountLimbs?
    ) -> (weight: Double, limbs: [UInt32]) {
        guard let weights else { return (1, []) }
        let c = weights.clampedCount(exampleCount)
        return (weights.weight(clampedCount: c), weights.limbs(clampedCount: c))
    }

    /// c = min(max(exampleCount, 1), W).
    public func clampedCount(_ exampleCount: Int) -> Int { min(max(exampleCount, 1), maxWeight) }

    /// The FedAvg weight c / W ∈ (0, 1] of a clamped count.
    public func weight(clampedCount c: Int) -> Double { Double(c) / Double(maxWeight) }

    /// The limbs of a clamped count c ∈ [1, W], least significant first (each < 2^h).
    public func limbs(clampedCount c: Int) -> [UInt32] {
        let mask = (1 << limbBits) - 1
        return (0..<limbCount).map { UInt32((c >> ($0 * limbBits)) & mask) }
    }

    /// Σc from the summed limbs (mod 2^b, as the server recovers them).
    ///
    /// - Throws: ``FedCoreError/invalidSettings(_:)`` if the count of limbs is wrong or a summed limb
    ///   exceeds what `clients` inputs can produce (a corrupted sum).
    public func total(summedLimbs: some Collection<UInt32>, clients n: Int) throws(FedCoreError) -> Int {
        guard summedLimbs.count == limbCount else {
            throw .invalidSettings("weighted round: \(summedLimbs.count) count limbs, expected \(limbCount)")
        }
        var total = 0
        for (j, limb) in summedLimbs.enumerated() {
            guard Int(limb) <= n * ((1 << limbBits) - 1) else {
                throw .invalidSettings("weighted round: the summed example count is out of range")
            }
            total += Int(limb) << (j * limbBits)
        }
        guard total >= n, total <= n * maxWeight else {
            throw .invalidSettings("weighted round: the summed example count \(total) is impossible for \(n) clients")
        }
        return total
    }
}
