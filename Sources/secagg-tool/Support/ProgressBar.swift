import FedCore
import Foundation
import SecureAgg

/// Progress on stderr: a bar redrawn in place on a terminal; otherwise one line per round and, within a round,
/// a line at most every ``quietInterval`` (clients done, rate, estimated time left), so a long round at any
/// cohort size shows it is alive, the server's unmasking included.
final class ProgressBar {
    private let enabled: Bool
    private let interactive = isatty(STDERR_FILENO) == 1
    private var drawn = false
    private var phaseStart = ContinuousClock.now
    private var lastLine = ContinuousClock.now
    private var phase: Phase?
    /// Seconds between lines when stderr is not a terminal.
    static let quietInterval: Duration = .seconds(5)

    init(enabled: Bool) { self.enabled = enabled }

    func handle(_ event: SimulationEvent) {
        guard enabled else { return }
        switch event {
        case let .roundStarted(round, total, cohort):
            write("round \(round)/\(total): \(cohort) clients", newline: !interactive)
            lastLine = .now
        case let .phaseProgress(round, phase, done, total):
            let now = ContinuousClock.now
            if phase != self.phase {
                self.phase = phase
                phaseStart = now
            }
            if interactive {
                let width = 30
                let filled = total > 0 ? width * done / total : width
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                write("round \(round) \(Self.name(phase)) [\(bar)] \(done)/\(total) clients", newline: false)
            } else if now - lastLine >= Self.quietInterval || (done == total && now - phaseStart >= Self.quietInterval) {
                lastLine = now
                let elapsed = Self.seconds(now - phaseStart)
                let rate = elapsed > 0 ? Double(done) / elapsed : 0
                let left = rate > 0 ? Double(total - done) / rate : 0
                write(
                    "round \(round) \(Self.name(phase)): \(done)/\(total) clients, "
                        + String(format: "%.1f clients/s, about %.0f s left", rate, left), newline: true)
            }
        case let .roundSkipped(round, reason):
            phase = nil
            write("round \(round) skipped: \(reason)", newline: true)
        case let .serverUnmasking(round):
            write("round \(round): the server is removing the masks", newline: !interactive)
            lastLine = .now
        case let .roundFinished(r):
            phase = nil
            write(
                "round \(r.round): \(r.survivors)/\(r.clients) survivors, epsilon \(String(format: "%.4f", r.epsilon)), "
                    + "max error \(String(format: "%.3e", r.maxAbsError))", newline: true)
        }
    }

    func finish() {
        if drawn && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    private static func name(_ phase: Phase) -> String {
        switch phase {
        case .advertiseKeys: return "advertising keys"
        case .shareKeys: return "sharing keys"
        case .maskedInput: return "encoding and masking"
        case .consistencyCheck: return "consistency check"
        case .unmasking: return "unmasking"
        }
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func write(_ text: String, newline: Bool) {
        let prefix = interactive ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((prefix + text + (newline ? "\n" : "")).utf8))
        drawn = !newline
    }
}
