// secagg-bench: release-build benchmarks of the SecAgg / SecAgg+ protocol.
//
//   swift run -c release secagg-bench [--quick] [--json]
//   swift run -c release secagg-bench --clients 100 --length 1000000 --dropout 0.1 --degree 14 --threshold 8 --bits 20
//
// Ratios compare wall time against raw ChaCha20 keystream generation of the same number of words measured in
// the same run (best of several repetitions), so they are stable across machines.
import ArgumentParser
import Foundation
import SecureAgg
import Sodium

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct SecAggBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secagg-bench",
        abstract: "Benchmarks mask expansion, unmasking, Shamir and wire size of SecAgg/SecAgg+.",
        discussion: """
            Without --clients: the standard suite (n = 100, m = 1,000,000, b = 20; --quick: m = 100,000).
            With --clients: one full round of that configuration, reporting CPU time, peak RSS and correctness.
            """)

    @Flag(help: "Smaller vectors (finishes in well under a minute).") var quick = false
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Option(help: "Run one configuration with this many clients.") var clients: Int?
    @Option(help: "Vector length m.") var length: Int?
    @Option(help: "Fraction of clients dropping after ShareKeys (0…1).") var dropout: Double = 0
    @Option(help: "Harary degree k (default 14 for n = 100, else min(n − 1, 14)).") var degree: Int?
    @Option(help: "Shamir threshold t (default 8 for k = 14, else k/2 + 1).") var threshold: Int?
    @Option(help: "Bits per coordinate b (1…32).") var bits: Int = 20
    @Option(help: "Seed for the (deterministic, benchmark-only) generator.") var seed: UInt64 = 1
    @Option(help: "Only time raw ChaCha20 keystream of this many 32-bit words (thread CPU seconds, best of 3; a run's floor).")
    var keystreamWords: Int?
    @Flag(help: "Only time libsodium's Ed25519 sign and verify, X25519 agreement and key pair, and the ChaCha20 rate (thread CPU, best of 3): the per-operation costs of a crypto floor.")
    var operationCosts = false

    func validate() throws {
        guard (1...32).contains(bits) else { throw ValidationError("--bits must be 1…32") }
        guard (0...1).contains(dropout) else { throw ValidationError("--dropout must be in 0…1") }
        if let c = clients, c < 2 { throw ValidationError("--clients must be ≥ 2") }
        if let m = length, m < 1 || m > RoundConfiguration.maxVectorLength {
            throw ValidationError("--length out of range")
        }
    }

    func run() throws {
        if operationCosts {
            let report = try OperationCosts.measure().report
            try emit(report) {
                "Ed25519 sign \(fmt(report.ed25519_sign_us, 1)) µs, verify \(fmt(report.ed25519_verify_us, 1)) µs; X25519 "
                    + "agreement \(fmt(report.x25519_agree_us, 1)) µs, key pair \(fmt(report.x25519_keypair_us, 1)) µs; "
                    + "ChaCha20 \(fmt(report.chacha20_bytes_per_s / 1e9, 2)) GB/s (thread CPU, best of 3)"
            }
            return
        }
        if let words = keystreamWords {
            guard words >= 1 else { throw ValidationError("--keystream-words must be at least 1") }
            // CPU time, not wall: on a shared machine the floor is compared with a run's CPU seconds.
            let seconds = (0..<3).map { _ in rawKeystreamCPUSeconds(words: words) }.min() ?? 0
            let report = KeystreamReport(keystream_words: words, keystream_s: seconds, gb_per_s: Double(words) * 4 / seconds / 1e9)
            try emit(report) {
                "raw ChaCha20 keystream: \(words) words in \(fmt(seconds)) CPU-s (\(fmt(report.gb_per_s, 2)) GB/s, best of 3)"
            }
            return
        }
        let n = clients ?? 100
        let k = degree ?? min(n - 1, 14)
        let t = threshold ?? (k == 14 ? 8 : k / 2 + 1)
        guard k >= 1, k <= n - 1 else { throw ValidationError("--degree must be 1…n−1") }
        guard t >= 1, t <= k else { throw ValidationError("--threshold must be 1…degree") }
        if clients != nil {
            let m = length ?? 100_000
            // The ratio measurements run outside the CPU accounting of the round itself.
            let stats = try BenchRound.run(
                n: n, k: k, t: t, bits: bits, m: m, dropout: dropout, seed: seed, measure: true)
            let floor = try CryptoFloor.measure(
                n: n, k: k, survivors: stats.survivors, droppedPairs: stats.droppedPairs, m: m)
            let roundCPU = stats.clientCPU + stats.serverCPU
            let report = SingleReport(
                clients: n, length: m, degree: k, threshold: t, bits: bits, dropout: dropout,
                round_cpu_s: roundCPU, client_cpu_s: stats.clientCPU / Double(n),
                clients_total_cpu_s: stats.clientCPU, server_cpu_s: stats.serverCPU, peak_rss_mb: peakRSSMegabytes(),
                correct: stats.correct, wire_bytes_per_coordinate: stats.wireBytesPerCoordinate,
                survivors: stats.survivors, client_mask_ratio: stats.clientMaskRatio,
                server_unmask_ratio: stats.serverUnmaskRatio, floor: floor,
                round_over_keystream_floor: roundCPU / floor.keystream_floor_s,
                round_over_crypto_floor: roundCPU / floor.crypto_floor_s)
            try emit(report) {
                let r = report
                return [
                    "one round: n=\(n) k=\(k) t=\(t) b=\(bits) m=\(m) dropout=\(dropout)",
                    "  round CPU \(fmt(r.round_cpu_s)) s (all clients \(fmt(r.clients_total_cpu_s)) s, "
                        + "per client \(fmt(r.client_cpu_s)) s, server \(fmt(r.server_cpu_s)) s)",
                    "  client masking \(fmt(r.client_mask_ratio))× raw ChaCha20, server unmasking "
                        + "\(fmt(r.server_unmask_ratio))× raw ChaCha20 (targets ≤ 1.3)",
                    "  peak RSS \(fmt(r.peak_rss_mb)) MB, survivors \(stats.survivors), correct: \(stats.correct)",
                    "  wire \(fmt(stats.wireBytesPerCoordinate)) bytes/coordinate (b/8 = \(fmt(Double(bits) / 8)))",
                    "  floors measured now: keystream \(fmt(floor.keystream_floor_s)) CPU-s (\(floor.keystream_words) words at "
                        + "\(fmt(floor.operations.chacha20_bytes_per_s / 1e9, 2)) GB/s); with the required cryptography "
                        + "\(fmt(floor.crypto_floor_s)) CPU-s (\(floor.signatures) Ed25519 signatures at "
                        + "\(fmt(floor.operations.ed25519_sign_us, 1)) µs, \(floor.verifications) verifications at "
                        + "\(fmt(floor.operations.ed25519_verify_us, 1)) µs, \(floor.key_agreements) X25519 agreements at "
                        + "\(fmt(floor.operations.x25519_agree_us, 1)) µs, \(floor.key_pairs) key pairs at \(fmt(floor.operations.x25519_keypair_us, 1)) µs)",
                    "  round = \(fmt(r.round_over_keystream_floor, 2))× the keystream floor, "
                        + "\(fmt(r.round_over_crypto_floor, 2))× the crypto floor",
                ].joined(separator: "\n")
            }
            if !stats.correct { throw ExitCode(1) }
            return
        }
        let m = length ?? (quick ? 100_000 : 1_000_000)
        let zero = try BenchRound.run(n: n, k: k, t: t, bits: bits, m: m, dropout: 0, seed: seed, measure: true)
        let ten = try BenchRound.run(n: n, k: k, t: t, bits: bits, m: m, dropout: 0.1, seed: seed &+ 1, measure: true)
        let shamir = try ShamirBench.run(shares: 100, threshold: 51, repetitions: quick ? 50 : 200)
        let report = SuiteReport(
            clients: n, length: m, degree: k, threshold: t, bits: bits,
            client_mask_ratio: zero.clientMaskRatio, client_mask_ms: zero.clientMaskSeconds * 1000,
            server_unmask_ratio: max(zero.serverUnmaskRatio, ten.serverUnmaskRatio),
            server_unmask_ratio_dropout_0: zero.serverUnmaskRatio,
            server_unmask_ratio_dropout_10: ten.serverUnmaskRatio,
            server_unmask_ms_dropout_0: zero.serverUnmaskSeconds * 1000,
            server_unmask_ms_dropout_10: ten.serverUnmaskSeconds * 1000,
            wire_bytes_per_coordinate: zero.wireBytesPerCoordinate,
            shamir_split_ms: shamir.splitSeconds * 1000, shamir_reconstruct_ms: shamir.reconstructSeconds * 1000,
            correct: zero.correct && ten.correct, peak_rss_mb: peakRSSMegabytes())
        try emit(report) {
            let r = report
            let target = "(target ≤ 1.3)"
            return [
                "secagg-bench: n=\(n) k=\(k) t=\(t) b=\(bits) m=\(m)",
                "  client masking      \(fmt(r.client_mask_ms)) ms = \(fmt(r.client_mask_ratio))× raw ChaCha20 "
                    + "for (k+1)·m words \(target)",
                "  server unmask  0 %  \(fmt(r.server_unmask_ms_dropout_0)) ms = "
                    + "\(fmt(r.server_unmask_ratio_dropout_0))× raw ChaCha20 \(target)",
                "  server unmask 10 %  \(fmt(r.server_unmask_ms_dropout_10)) ms = "
                    + "\(fmt(r.server_unmask_ratio_dropout_10))× raw ChaCha20 \(target)",
                "  wire                \(fmt(r.wire_bytes_per_coordinate)) bytes/coordinate "
                    + "(b/8 = \(fmt(Double(bits) / 8)))",
                "  Shamir 100 shares, t = 51: split \(fmt(r.shamir_split_ms, 4)) ms, "
                    + "reconstruct \(fmt(r.shamir_reconstruct_ms, 4)) ms",
                "  sums correct: \(r.correct), peak RSS \(fmt(r.peak_rss_mb)) MB",
            ].joined(separator: "\n")
        }
        if !report.correct { throw ExitCode(1) }
    }

    private func emit<R: Encodable>(_ report: R, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(text())
        }
    }
}

struct SuiteReport: Encodable {
    let clients: Int, length: Int, degree: Int, threshold: Int, bits: Int
    let client_mask_ratio: Double, client_mask_ms: Double
    let server_unmask_ratio: Double, server_unmask_ratio_dropout_0: Double, server_unmask_ratio_dropout_10: Double
    let server_unmask_ms_dropout_0: Double, server_unmask_ms_dropout_10: Double
    let wire_bytes_per_coordinate: Double
    let shamir_split_ms: Double, shamir_reconstruct_ms: Double
    let correct: Bool
    let peak_rss_mb: Double
}

struct KeystreamReport: Encodable {
    let keystream_words: Int
    let keystream_s: Double
    let gb_per_s: Double
}

struct SingleReport: Encodable {
    let clients: Int, length: Int, degree: Int, threshold: Int, bits: Int, dropout: Double
    /// Whole round, all clients and the server, one process.
    let round_cpu_s: Double
    /// Per client (mean), and all clients together.
    let client_cpu_s: Double, clients_total_cpu_s: Double
    let server_cpu_s: Double, peak_rss_mb: Double
    let correct: Bool
    let wire_bytes_per_coordinate: Double
    let survivors: Int
    let client_mask_ratio: Double, server_unmask_ratio: Double
    /// The round's keystream and crypto floors measured in the same process (``CryptoFloor``).
    let floor: CryptoFloor
    let round_over_keystream_floor: Double, round_over_crypto_floor: Double
}

func fmt(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

SecAggBench.main()
