import Foundation

#if canImport(Glibc)
    import Glibc
    private let processUsage = RUSAGE_SELF.rawValue
#elseif canImport(Darwin)
    import Darwin
    private let processUsage = RUSAGE_SELF
#endif

/// User + system CPU seconds of this process (every thread: the clients and their gRPC event loops).
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
    /// From starting the server process to its exit, seen by the parent (process start, listening, every join
    /// and authentication, the round, writing the result).
    let wallSeconds: Double
    /// From the last join (the round starts) to the server's outcome, measured in the server process.
    let roundSeconds: Double?
    /// The server process alone (`wait4` on the child): CPU (user + system) and peak RSS.
    let serverCPUSeconds: Double
    let serverPeakRSSMegabytes: Double
    /// The client process (this one: 200 connections, their keys and updates), over the run.
    let clientCPUSeconds: Double
    let clientPeakRSSMegabytes: Double
    /// The client process's peak RSS before the server started (the clients' updates and keys already built).
    let rssBeforeRoundMegabytes: Double
    let maxAbsError: Double
    let errorBound: Double
    let correct: Bool

    enum CodingKeys: String, CodingKey {
        case clients, length, survivors, degree, threshold, bits, correct
        case clientFailures = "client_failures"
        case wallSeconds = "wall_seconds"
        case roundSeconds = "round_seconds"
        case serverCPUSeconds = "server_cpu_seconds"
        case serverPeakRSSMegabytes = "server_peak_rss_mb"
        case clientCPUSeconds = "client_cpu_seconds"
        case clientPeakRSSMegabytes = "client_peak_rss_mb"
        case rssBeforeRoundMegabytes = "rss_before_round_mb"
        case maxAbsError = "max_abs_error"
        case errorBound = "error_bound"
    }

    var text: String {
        func f(_ x: Double) -> String { String(format: "%.2f", x) }
        return [
            "grpc-bench: \(clients) clients × m = \(length) over loopback gRPC (no DP), k/t = \(degree)/\(threshold), b = \(bits)",
            "survivors        \(survivors)/\(clients) (client failures: \(clientFailures))",
            "wall             \(f(wallSeconds)) s (server process: start, joins, round); round alone \(roundSeconds.map(f) ?? "?") s",
            "server           peak rss \(f(serverPeakRSSMegabytes)) MiB, cpu \(f(serverCPUSeconds)) s (its own process, wait4)",
            "clients          peak rss \(f(clientPeakRSSMegabytes)) MiB (\(f(rssBeforeRoundMegabytes)) MiB before the round), cpu \(f(clientCPUSeconds)) s (one process, \(clients) connections)",
            "max|err|         \(String(format: "%.3e", maxAbsError)) ≤ bound \(String(format: "%.3e", errorBound)): \(correct ? "correct" : "WRONG")",
        ].joined(separator: "\n")
    }
}
