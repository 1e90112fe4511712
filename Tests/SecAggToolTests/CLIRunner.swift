import Foundation
import Testing

/// Runs the built `secagg-tool` binary (a dependency of this test target, so `swift build --build-tests`
/// builds it next to the test bundle) and captures its output.
struct CLIResult {
    let exitCode: Int32
    let stdout: String
    let stderr: String

    /// stdout parsed as one JSON object.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not one JSON object: \(stdout)")
    }
}

enum CLIRunner {
    /// The directory holding the build products (the test bundle sits in it).
    static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    static var toolURL: URL { productsDirectory.appendingPathComponent("secagg-tool") }

    /// Runs `secagg-tool args…` with an optional environment overlay and working directory.
    static func run(_ args: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = toolURL
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes fully before waiting so a large output cannot deadlock.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return CLIResult(
            exitCode: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller when done.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("secagg-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Holds the stderr bytes read on another thread; written once before `group.wait()` returns.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
