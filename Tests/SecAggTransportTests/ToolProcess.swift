import Foundation
import Testing

/// A `secagg-tool` (or test-only `secagg-test-client`) child process with stdout/stderr captured to files (no pipe can fill up), bounded waits,
/// and a kill on every path so no test leaves a process behind.
final class ToolProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    let stdoutURL: URL
    let stderrURL: URL

    /// The shipped command line.
    static let tool = "secagg-tool"
    /// The test-only client with misbehaviour hooks (Tests/secagg-test-client).
    static let testClient = "secagg-test-client"

    /// The built executable `name`, next to the test bundle.
    static func executableURL(_ name: String) -> URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
        }
        return Bundle.main.bundleURL.appendingPathComponent(name)
    }

    static var toolURL: URL { executableURL(tool) }

    init(_ arguments: [String], name: String, in directory: URL, executable: String = ToolProcess.tool) throws {
        self.name = name
        stdoutURL = directory.appendingPathComponent("\(name).stdout")
        stderrURL = directory.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = Self.executableURL(executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    /// Waits up to `seconds` for the exit; kills the process and records an issue when it does not come.
    @discardableResult
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill()
            Issue.record("\(name) did not exit within \(seconds) s; stderr:\n\(stderr)")
            return nil
        }
        return process.terminationStatus
    }

    func kill() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try #require(object as? [String: Any], "\(name) stdout is not one JSON object: \(stdout)")
    }
}

/// Kills every process it was given when the test ends (also when an expectation throws).
final class ProcessGroup: @unchecked Sendable {
    private var processes: [ToolProcess] = []
    func add(_ p: ToolProcess) -> ToolProcess {
        processes.append(p)
        return p
    }
    deinit { for p in processes { p.kill() } }
    func killAll() { for p in processes { p.kill() } }
}
