import DPNoise
import Dispatch
import Sodium

/// The Skellam variances timed by ``skellamResults(repetitions:)``: (name, μ = numerator / denominator).
/// "minilm" is the discrete-Gaussian variance the planner chose for a 10-client MiniLM round (σ ≈ 5327); 2^41 is
/// the end of the supported range.
let skellamCases: [(name: String, numerator: UInt64, denominator: UInt64)] = [
    ("1", 1, 1), ("100", 100, 1), ("1e4", 10_000, 1), ("1e6", 1_000_000, 1), ("2p20", 1 << 20, 1),
    ("minilm", 1_859_534_548_496, 65_536), ("1e10", 10_000_000_000, 1), ("2p41", 1 << 41, 1),
]

/// Raw ChaCha20 keystream (libsodium, one key, 16 KiB at a time into a reused buffer, nothing else done with
/// it) in 32-bit words per second: the floor every sampler and every mask is measured against.
@MainActor func keystreamWordsPerSecond(repetitions: Int, words: Int = 1 << 24) -> Double {
    let chunkBytes = 16_384
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
    defer { chunk.deallocate() }
    var rng = ChaChaRandom.seeded(9)
    let key = rng.secureBytes(count: 32)
    let nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
    let seconds = medianSeconds(repetitions) {
        var counter: UInt32 = 0
        for _ in 0..<(words * 4 / chunkBytes) {
            ChaCha20.keystream(key: key, nonce: nonce, initialCounter: counter, into: chunk)
            counter &+= UInt32(chunkBytes / ChaCha20.blockByteCount)
        }
        blackHole &+= Int64(chunk.load(as: UInt32.self))
    }
    return Double(words) / seconds
}

/// Skellam samples per second at each of ``skellamCases`` (a batch sized so one repetition takes about 0.2 s,
/// at most 2^20 samples; building the sampler is timed separately as `skellam_build_ms_<case>`), the raw
/// keystream rate of the same run, and their ratio `skellam_per_keystream_word_<case>` (samples per 32-bit
/// keystream word).
@MainActor func skellamResults(repetitions: Int) throws -> [String: Double] {
    var result: [String: Double] = [:]
    var rng = ChaChaRandom.seeded(11)
    for c in skellamCases {
        let sampler = try SkellamSampler(varianceNumerator: c.numerator, varianceDenominator: c.denominator)
        result["skellam_build_ms_var\(c.name)"] = try medianSeconds(repetitions) {
            blackHole &+= Int64(try SkellamSampler(varianceNumerator: c.numerator, varianceDenominator: c.denominator).varianceNumerator)
        } * 1000
        // Calibrate the batch: 256 samples, then enough for ~0.2 s.
        let probe = 256
        let probeRate = samplesPerSecond(count: probe, repetitions: 1) { sampler.fill($0, using: &rng) }
        let count = max(probe, min(1 << 20, Int(0.2 * probeRate)))
        result["skellam_samples_per_s_var\(c.name)"] = samplesPerSecond(count: count, repetitions: repetitions) {
            sampler.fill($0, using: &rng)
        }
    }
    let keystream = keystreamWordsPerSecond(repetitions: repetitions)
    result["keystream_words_per_s"] = keystream
    for c in skellamCases {
        if let rate = result["skellam_samples_per_s_var\(c.name)"] {
            result["skellam_per_keystream_word_var\(c.name)"] = rate / keystream
        }
    }
    return result
}
