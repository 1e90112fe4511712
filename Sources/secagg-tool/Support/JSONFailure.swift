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
