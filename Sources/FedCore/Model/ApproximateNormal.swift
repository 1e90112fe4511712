import Sodium

/// Cheap, seeded, approximately standard-normal draws for synthetic client updates: each draw is the sum of
/// the four 16-bit halves-of-halves of one 64-bit ChaCha word (Irwin–Hall of 4 uniforms), centred and scaled
/// to mean 0 and variance exactly 1. Bounded by ±2√3 ≈ ±3.46 and bell-shaped, which is all synthetic updates
/// need; much cheaper than Box–Muller (one 64-bit word and no log, sqrt, sin or cos per draw).
///
/// **Not for privacy noise** (DP noise uses DPNoise's exact integer samplers) and not an exact Gaussian.
struct ApproximateNormal {
    private var random: ChaChaRandom
    /// Sum of four uniforms on {0, …, 65535}: mean 4·32767.5, variance 4·(65536² − 1)/12.
    private static let mean = 4 * 32_767.5
    private static let inverseStandardDeviation = 1 / (4 * (65_536.0 * 65_536.0 - 1) / 12).squareRoot()

    init(_ random: ChaChaRandom) { self.random = random }

    /// One draw (mean 0, variance 1).
    mutating func next() -> Double { Self.draw(random.next()) }

    /// The draw one 64-bit word gives.
    @inline(__always)
    private static func draw(_ w: UInt64) -> Double {
        let sum = (w & 0xFFFF) + ((w >> 16) & 0xFFFF) + ((w >> 32) & 0xFFFF) + (w >> 48)
        return (Double(sum) - mean) * inverseStandardDeviation
    }

    /// Skips `skip` draws, then writes `scale` × each of the next `target.count` draws into `target`: the same
    /// values as calling ``next()`` that many times, with the words taken from the generator in bulk.
    mutating func fill(skipping skip: Int, into target: UnsafeMutableBufferPointer<Double>, scale: Double) {
        let batch = 1024
        let words = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: batch)
        defer { words.deallocate() }
        var skipped = 0
        while skipped < skip {
            let n = min(batch, skip - skipped)
            random.fill(UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: words[0..<n])))
            skipped += n
        }
        var done = 0
        while done < target.count {
            let n = min(batch, target.count - done)
            random.fill(UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: words[0..<n])))
            for j in 0..<n { target[done + j] = scale * Self.draw(UInt64(littleEndian: words[j])) }
            done += n
        }
    }
}
