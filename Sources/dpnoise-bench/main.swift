// dpnoise-bench: release-build benchmarks of the exact DP samplers and the DP encoder.
//
//   swift build -c release --product dpnoise-bench && .build/release/dpnoise-bench [--json] [--repetitions N]
//   … dpnoise-bench --pld [--json]   (only the PLD accountant timings; see Benchmarks/pld-vs-dp-accounting.sh)
//   … dpnoise-bench --skellam [--json]   (only the Skellam rates against the raw ChaCha20 keystream; SkellamBench.swift)
//
// Timings are the median of N repetitions (default 5). The masking baseline stands in for SecureAgg's masking
// (not written yet): 31 ChaCha20 keystreams of d UInt32 words (1 self mask + k = 30 pairwise masks), each
// generated 16 KiB at a time into a reusable chunk and added with &+ into a d-word accumulator.
import DPNoise
import Dispatch
import Foundation
import Sodium

struct Options {
    var json = false
    var repetitions = 5
    var dimension = 1 << 20
    var pldOnly = false
    var skellamOnly = false

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--json": options.json = true
            case "--pld": options.pldOnly = true
            case "--skellam": options.skellamOnly = true
            case "--repetitions":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else { return nil }
                options.repetitions = value
            case "--dimension":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else { return nil }
                options.dimension = value
            default: return nil
            }
        }
        return options
    }
}

/// Median wall time in seconds of `repetitions` runs of `body`.
func medianSeconds(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

var blackHole: Int64 = 0

@MainActor func samplesPerSecond(count: Int, repetitions: Int, fill: (UnsafeMutableBufferPointer<Int64>) -> Void) -> Double {
    let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 0)
    let seconds = medianSeconds(repetitions) {
        fill(buffer)
        blackHole &+= buffer[count - 1]
    }
    return Double(count) / seconds
}

@MainActor func maskBaselineSeconds(dimension: Int, neighbours: Int, repetitions: Int) -> Double {
    let accumulator = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: dimension)
    defer { accumulator.deallocate() }
    let chunkWords = 4096
    let chunk = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: chunkWords)
    defer { chunk.deallocate() }
    chunk.initialize(repeating: 0)
    var rng = ChaChaRandom.seeded(7)
    let keys = (0...neighbours).map { _ in rng.secureBytes(count: 32) }
    let nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
    return medianSeconds(repetitions) {
        accumulator.initialize(repeating: 0)
        for key in keys {
            var offset = 0
            var counter: UInt32 = 0
            while offset < dimension {
                let n = min(chunkWords, dimension - offset)
                let raw = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: chunk[0..<n]))
                ChaCha20.keystream(key: key, nonce: nonce, initialCounter: counter, into: raw)
                counter &+= UInt32(n * 4 / ChaCha20.blockByteCount)
                for i in 0..<n { accumulator[offset + i] &+= chunk[i] }
                offset += n
            }
        }
        blackHole &+= Int64(accumulator[dimension - 1])
    }
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: dpnoise-bench [--json] [--pld | --skellam] [--repetitions N] [--dimension D]\n".utf8))
    exit(2)
}

var rng = ChaChaRandom.seeded(1)
let sampleCount = 1 << 20
func report(_ result: [String: Double], json: Bool) throws {
    if json {
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        for key in result.keys.sorted() { print(String(format: "%-34@ %.4g", key as NSString, result[key] ?? 0)) }
    }
}

if options.pldOnly {
    do {
        try report(try pldResults(repetitions: options.repetitions), json: options.json)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("dpnoise-bench: \(error)\n".utf8))
        exit(1)
    }
}

if options.skellamOnly {
    do {
        try report(try skellamResults(repetitions: options.repetitions), json: options.json)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("dpnoise-bench: \(error)\n".utf8))
        exit(1)
    }
}

do {
    let dg1 = try DiscreteGaussianSampler(varianceNumerator: 1, varianceDenominator: 1)
    let dg10 = try DiscreteGaussianSampler(varianceNumerator: 100, varianceDenominator: 1)
    let dg100k = try DiscreteGaussianSampler(varianceNumerator: 10_000_000_000, varianceDenominator: 1)
    let dg1000 = try DiscreteGaussianSampler(varianceNumerator: 1_000_000, varianceDenominator: 1)
    // The local variance the planner chose for the 10-client DP round on all-MiniLM-L6-v2 (σ ≈ 5,327 in
    // integer units, denominator 2^16): the exponent denominator exceeds 2^64, the 128-bit path.
    let dgRound = try DiscreteGaussianSampler(varianceNumerator: 1_859_534_548_496, varianceDenominator: 65_536)
    let sk10 = try SkellamSampler(varianceNumerator: 100, varianceDenominator: 1)
    let sk1000 = try SkellamSampler(varianceNumerator: 1_000_000, varianceDenominator: 1)
    let r = options.repetitions
    let dgRate1 = samplesPerSecond(count: sampleCount, repetitions: r) { dg1.fill($0, using: &rng) }
    let dgRate100k = samplesPerSecond(count: sampleCount, repetitions: r) { dg100k.fill($0, using: &rng) }
    let dgRate10 = samplesPerSecond(count: sampleCount, repetitions: r) { dg10.fill($0, using: &rng) }
    let dgRate1000 = samplesPerSecond(count: sampleCount, repetitions: r) { dg1000.fill($0, using: &rng) }
    let dgRateRound = samplesPerSecond(count: sampleCount, repetitions: r) { dgRound.fill($0, using: &rng) }
    let skRate10 = samplesPerSecond(count: sampleCount, repetitions: r) { sk10.fill($0, using: &rng) }
    let skRate1000 = samplesPerSecond(count: sampleCount / 16, repetitions: r) { sk1000.fill($0, using: &rng) }
    let maskSeconds = maskBaselineSeconds(dimension: options.dimension, neighbours: 30, repetitions: r)
    // Masking words per second in this run: 31 keystreams of d words each.
    let maskWordsPerSecond = Double(31 * options.dimension) / maskSeconds
    var result: [String: Double] = [
        "dg_samples_per_s_sigma1": dgRate1,
        "dg_samples_per_s_sigma100000": dgRate100k,
        "dg_samples_per_s_sigma10": dgRate10,
        "dg_samples_per_s_sigma1000": dgRate1000,
        "dg_samples_per_s_minilm_round": dgRateRound,
        "skellam_samples_per_s_sigma10": skRate10,
        "skellam_samples_per_s_sigma1000": skRate1000,
        "mask_k30_ms": maskSeconds * 1000,
        "mask_words_per_s": maskWordsPerSecond,
    ]
    // Samples per masking word (the ratio): sampler rate / masking word rate, same run.
    for key in result.keys.filter({ $0.contains("samples_per_s") }) {
        result[key.replacingOccurrences(of: "samples_per_s", with: "per_mask_word")] = result[key]! / maskWordsPerSecond
    }
    if let encodeSeconds = try encoderSeconds(dimension: options.dimension, repetitions: r) {
        result["encode_ms"] = encodeSeconds * 1000
        result["encode_to_mask_ratio"] = encodeSeconds / maskSeconds
    }
    result.merge(try pldResults(repetitions: r)) { a, _ in a }
    result.merge(try skellamResults(repetitions: r)) { a, _ in a }
    try report(result, json: options.json)
    if !options.json {
        print("(mask baseline = 31 ChaCha20 keystreams of d UInt32 words added with &+; SecureAgg masking stand-in)")
    }
} catch {
    FileHandle.standardError.write(Data("dpnoise-bench: \(error)\n".utf8))
    exit(1)
}
