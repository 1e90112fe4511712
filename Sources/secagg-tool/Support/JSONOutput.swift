import Foundation
import Synchronization

/// Prints exactly one JSON object on stdout (sorted keys, so output is stable for scripts and golden tests).
enum JSONOutput {
    /// Whether this process already printed its JSON object (a failure after it prints no second one).
    private static let printed = Mutex(false)

    static var hasPrinted: Bool { printed.withLock { $0 } }

    static func print<T: Encodable>(_ value: T) throws {
        printed.withLock { $0 = true }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// Writes a line to stderr (logs and progress never go to stdout).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
