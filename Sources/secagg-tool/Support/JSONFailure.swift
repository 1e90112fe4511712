import Foundation

/// The one JSON object a command run with `--json` prints on stdout when it fails (the sentence also goes to
/// stderr as usual): `{"error": "<the sentence>", "exit_code": N}`. Printed only when the command printed no
/// JSON object of its own before failing (e.g. `audit verify --json` on a broken log prints its report, then
/// exits 1), so stdout always carries exactly one object.
struct JSONFailure: Encodable {
    let error: String
    let exitCode: Int32

    enum CodingKeys: String, CodingKey {
        case error
        case exitCode = "exit_code"
    }

    /// True when the command line asks for JSON output (`--json` anywhere after the command name).
    static func requested(_ arguments: [String] = CommandLine.arguments) -> Bool {
        arguments.dropFirst().contains("--json")
    }

    /// Prints the failure object when `--json` was given and nothing was printed yet.
    static func printIfRequested(_ message: String, exitCode: Int32) {
        guard requested(), !JSONOutput.hasPrinted else { return }
        try? JSONOutput.print(JSONFailure(error: message, exitCode: exitCode))
    }
}

/// The one JSON object of a run (`simulate`, `serve`) that failed after some rounds completed: the failure and
/// what those rounds did (the same `rounds[]` entries as a successful run), so a script still learns what was
/// released and charged before the failure.
struct PartialRunFailure<Round: Encodable>: Encodable {
    let error: String
    let exitCode: Int32
    /// The rounds that completed before the failure.
    let rounds: [Round]
    /// Cumulative ε after the last completed round.
    let epsilon: Double
    let delta: Double

    enum CodingKeys: String, CodingKey {
        case error, rounds, epsilon, delta
        case exitCode = "exit_code"
    }

    /// Prints the object (with `--json`, when some rounds completed) and returns the failure to throw; the
    /// generic ``JSONFailure`` object is then not printed.
    static func report(
        _ failure: ToolFailure, json: Bool, rounds: [Round], epsilon: Double, delta: Double
    ) -> ToolFailure {
        if json, !rounds.isEmpty {
            try? JSONOutput.print(
                PartialRunFailure(
                    error: failure.message, exitCode: failure.exitCode, rounds: rounds, epsilon: epsilon, delta: delta))
        }
        return failure
    }
}
