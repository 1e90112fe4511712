import FedCore
import Foundation

/// A progress bar on stderr (redrawn in place on a terminal, one line per round otherwise).
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let interactive = isatty(STDERR_FILENO) == 1
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func handle(_ event: SimulationEvent) {
        guard enabled else { return }
        switch event {
        case let .roundStarted(round, total, cohort):
            write("round \(round)/\(total): \(cohort) clients", newline: !interactive)
        case let .clientEncoded(round, done, total):
            guard interactive else { return }
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            write("round \(round) [\(bar)] \(done)/\(total) clients masked", newline: false)
        case let .roundFinished(r):
            write(
                "round \(r.round): \(r.survivors)/\(r.clients) survivors, epsilon \(String(format: "%.4f", r.epsilon)), "
                    + "max error \(String(format: "%.3e", r.maxAbsError))", newline: true)
        }
    }

    func finish() {
        if drawn && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    private func write(_ text: String, newline: Bool) {
        let prefix = interactive ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((prefix + text + (newline ? "\n" : "")).utf8))
        drawn = !newline
    }
}
