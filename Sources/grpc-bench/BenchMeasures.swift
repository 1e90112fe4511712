import Foundation

#if canImport(Glibc)
    import Glibc
    private let processUsage = RUSAGE_SELF.rawValue
#elseif canImport(Darwin)
    import Darwin
    private let processUsage = RUSAGE_SELF
#endif

/// User + system CPU seconds of the whole process (every thread: server, clients, gRPC event loops).
func processCPUSeconds() -> Double {
    var usage = rusage()
    guard getrusage(processUsage, &usage) == 0 else { return 0 }
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Peak resident set size of the process so far, in MiB (getrusage `ru_maxrss`: KiB on Linux, bytes on macOS).
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    guard getrusage(processUsage, &usage) == 0 else { return 0 }
    #if canImport(Darwin)
        return Double(usage.ru_maxrss) / 1_048_576
    #else
        return Double(usage.ru_maxrss) / 1024
    #endif
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The first instant `mark()` was called (set from the server's log callback, read after the run).
final class Timestamp: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?

    func mark() {
        lock.lock()
        defer { lock.unlock() }
        if instant == nil { instant = ContinuousClock.now }
    }

    var value: ContinuousClock.Instant? {
        lock.lock()
        defer { lock.unlock() }
        return instant
    }
}

/// What one load run measured (`--json` field names).
struct GRPCBenchResult: Encodable {
    let clients: Int
    let length: Int
    let survivors: Int
    let clientFailures: Int
    let degree: Int
    let threshold: Int
    let bits: Int
    /// From starting the server to its outcome: listening, every join and authentication, and the round.
    let wallSeconds: Double
    /// From the last join (the round starts) to the server's outcome.
    let roundSeconds: Double?
    /// Process CPU (user + system) over the run: server and clients together.
    let cpuSeconds: Double
    /// Process peak RSS (server and clients together, including the clients' update vectors).
    let peakRSSMegabytes: Double
    /// Peak RSS before the server started (the clients' updates and keys already built).
    let rssBeforeRoundMegabytes: Double
    let maxAbsError: Double
    let errorBound: Double
    let correct: Bool

    enum CodingKeys: String, CodingKey {
        case clients, length, survivors, degree, threshold, bits, correct
        case clientFailures = "client_failures"
        case wallSeconds = "wall_seconds"
        case roundSeconds = "round_seconds"
        case cpuSeconds = "cpu_seconds"
        case peakRSSMegabytes = "peak_rss_mb"
        case rssBeforeRoundMegabytes = "rss_before_round_mb"
        case maxAbsError = "max_abs_error"
        case errorBound = "error_bound"
    }

    var text: String {
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        return [
            "grpc-bench: \(clients) clients × m = \(length) over loopback gRPC (no DP), k/t = \(degree)/\(threshold), b = \(bits)",
            "survivors        \(survivors)/\(clients) (client failures: \(clientFailures))",
            "wall             \(f(wallSeconds)) s (joins + round); round alone \(roundSeconds.map(f) ?? "?") s",
            "cpu              \(f(cpuSeconds)) s (process: server + clients)",
            "peak rss         \(f(peakRSSMegabytes)) MiB (process: server + clients; \(f(rssBeforeRoundMegabytes)) MiB before the server started)",
            "max|err|         \(String(format: "%.3e", maxAbsError)) ≤ bound \(String(format: "%.3e", errorBound)): \(correct ? "correct" : "WRONG")",
        ].joined(separator: "\n")
    }
}
