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

/// Median wall and CPU seconds (this single-threaded process) of `repetitions` runs of `body`. On a shared
/// machine the CPU time is the stable figure: wall time also counts the time other processes hold the core.
func medianWallAndCPUSeconds(_ repetitions: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        try body()
        cpu.append(processCPUSeconds() - cpuStart)
        wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (wall.sorted()[wall.count / 2], cpu.sorted()[cpu.count / 2])
}

/// Raw ChaCha20 keystream (libsodium, one key, 16 KiB at a time into a reused buffer, nothing else done with
/// it) in 32-bit words per wall and per CPU second: the floor every sampler and every mask is measured against.
func keystreamWordsPerSecond(repetitions: Int, words: Int = 1 << 24) -> (wall: Double, cpu: Double) {
    let chunkBytes = 16_384
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
    defer { chunk.deallocate() }
    var rng = ChaChaRandom.seeded(9)
    let key = rng.secureBytes(count: 32)
    let nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
    var sink: UInt32 = 0
    let seconds = medianWallAndCPUSeconds(repetitions) {
        var counter: UInt32 = 0
        for _ in 0..<(words * 4 / chunkBytes) {
            ChaCha20.keystream(key: key, nonce: nonce, initialCounter: counter, into: chunk)
            counter &+= UInt32(chunkBytes / ChaCha20.blockByteCount)
        }
        sink &+= chunk.load(as: UInt32.self)
    }
    precondition(sink != 1, "keeps the keystream live")  // (probability 2^-32)
    return (Double(words) / seconds.wall, Double(words) / seconds.cpu)
}

/// Per case of ``skellamCases``: samples per wall second and per CPU second (`skellam_samples_per_s_<case>`,
/// `skellam_samples_per_cpu_s_<case>`; batches of at most 2^20 samples sized for ~0.2 s, from a built sampler)
/// and the build time (`skellam_build_ms_<case>`). Then the raw keystream rate of the same run
/// (`keystream_words_per_s`, `keystream_words_per_cpu_s`) and the ratio `skellam_per_keystream_word_<case>`:
/// Skellam samples per 32-bit keystream word, from the CPU-time rates (the wall-time ratio is
/// `skellam_per_keystream_word_wall_<case>`).
func skellamResults(repetitions: Int) throws -> [String: Double] {
    var result: [String: Double] = [:]
    var rng = ChaChaRandom.seeded(11)
    var sink: Int64 = 0
    for c in skellamCases {
        let build = try medianWallAndCPUSeconds(repetitions) {
            sink &+= Int64(try SkellamSampler(varianceNumerator: c.numerator, varianceDenominator: c.denominator).varianceNumerator)
        }
        result["skellam_build_ms_var\(c.name)"] = build.wall * 1000
        let sampler = try SkellamSampler(varianceNumerator: c.numerator, varianceDenominator: c.denominator)
        let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: 1 << 20)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0)
        // Calibrate the batch: 256 samples, then enough for ~0.2 s.
        let probe = medianWallAndCPUSeconds(1) { sampler.fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<256]), using: &rng) }
        let count = max(256, min(1 << 20, Int(0.2 / max(probe.wall, 1e-9) * 256)))
        let batch = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
        let time = medianWallAndCPUSeconds(repetitions) {
            sampler.fill(batch, using: &rng)
            sink &+= batch[count - 1]
        }
        result["skellam_samples_per_s_var\(c.name)"] = Double(count) / time.wall
        result["skellam_samples_per_cpu_s_var\(c.name)"] = Double(count) / time.cpu
    }
    let keystream = keystreamWordsPerSecond(repetitions: repetitions)
    result["keystream_words_per_s"] = keystream.wall
    result["keystream_words_per_cpu_s"] = keystream.cpu
    for c in skellamCases {
        if let cpu = result["skellam_samples_per_cpu_s_var\(c.name)"], let wall = result["skellam_samples_per_s_var\(c.name)"] {
            result["skellam_per_keystream_word_var\(c.name)"] = cpu / keystream.cpu
            result["skellam_per_keystream_word_wall_var\(c.name)"] = wall / keystream.wall
        }
    }
    precondition(sink != Int64.min, "keeps the samples live")
    return result
}
