import FedCore
import Foundation

/// A failure reported as one line on stderr with the exit code of the command-surface contract.
struct ToolFailure: Error {
    /// 1: the round or check failed. 2: bad usage or bad input.
    let exitCode: Int32
    let message: String

    /// Bad usage or bad input (exit 2); `message` names the file or parameter.
    static func badInput(_ message: String) -> ToolFailure { ToolFailure(exitCode: 2, message: message) }
    /// Bad input about the file at `path` (exit 2): the error's sentence, prefixed with the path unless the
    /// sentence already names the file (library errors usually do, with its absolute path).
    static func badFile(_ path: String, _ error: any Error) -> ToolFailure {
        let text = "\(error)"
        let name = (path as NSString).lastPathComponent
        return badInput(!name.isEmpty && text.contains(name) ? text : "\(path): \(text)")
    }

    /// The round or check failed (exit 1).
    static func failed(_ message: String) -> ToolFailure { ToolFailure(exitCode: 1, message: message) }

    func report() {
        FileHandle.standardError.write(Data("secagg-tool: error: \(message)\n".utf8))
    }
}

extension ToolFailure {
    /// A FedCore error as the user reads it: its own sentence and its exit code (1 a round or check failed,
    /// 2 bad input).
    init(_ error: FedCoreError) {
        self.init(exitCode: error.exitCode, message: error.description)
    }
}
