import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the OS recorded about a child that exited (`wait4`): its own resource usage, not the parent's.
struct ChildUsage {
    /// Exit status when the child exited normally; nil when a signal ended it.
    let exitCode: Int32?
    /// The signal that ended it, if any.
    let signal: Int32?
    /// User + system CPU seconds of the child (all its threads).
    let cpuSeconds: Double
    /// Peak resident set size of the child in MiB (`ru_maxrss`: KiB on Linux, bytes on macOS).
    let peakRSSMegabytes: Double
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
}

/// A child process started with `posix_spawn` (inheriting stdin/stdout/stderr and the environment), reaped with
/// `wait4` so its own peak RSS and CPU time come from the kernel.
final class ChildProcess {
    let pid: pid_t
    private var reaped: ChildUsage?

    init(executable: String, arguments: [String]) throws {
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, nil, nil, argv, envp)
        guard rc == 0 else {
            throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
    }

    /// The child's usage once it exited (`block`: wait for it; otherwise nil while it runs).
    func reap(block: Bool) throws -> ChildUsage? {
        if let reaped { return reaped }
        var status: Int32 = 0
        var usage = rusage()
        var result: pid_t
        repeat {
            result = wait4(pid, &status, block ? 0 : WNOHANG, &usage)
        } while result == -1 && errno == EINTR
        guard result != -1 else {
            throw ChildProcessError(description: "wait4(\(pid)): \(String(cString: strerror(errno)))")
        }
        guard result == pid else { return nil }
        // POSIX wait status: low 7 bits = terminating signal (0 = exited), bits 8–15 = exit code.
        let signal = status & 0x7f
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        #if canImport(Darwin)
            let rss = Double(usage.ru_maxrss) / 1_048_576
        #else
            let rss = Double(usage.ru_maxrss) / 1024
        #endif
        let outcome = ChildUsage(
            exitCode: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
            cpuSeconds: s(usage.ru_utime) + s(usage.ru_stime), peakRSSMegabytes: rss)
        reaped = outcome
        return outcome
    }

    /// Ends the child (SIGKILL) unless it was already reaped, and reaps it.
    func terminate() {
        guard reaped == nil else { return }
        kill(pid, SIGKILL)
        _ = try? reap(block: true)
    }
}
