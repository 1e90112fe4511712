import Foundation

/// A failure reported as one line on stderr with the exit code of the command-surface contract.
struct ToolFailure: Error {
    /// 1: the round or check failed. 2: bad usage or bad input.
    let exitCode: Int32
    let message: String

    /// Bad usage or bad input (exit 2); `message` names the file or parameter.
    static func badInput(_ message: String) -> ToolFailure { ToolFailure(exitCode: 2, message: message) }
    /// The round or check failed (exit 1).
    static func failed(_ message: String) -> ToolFailure { ToolFailure(exitCode: 1, message: message) }

    func report() {
        FileHandle.standardError.write(Data("secagg-tool: error: \(message)\n".utf8))
    }
}
