import ArgumentParser

/// `secagg-tool privacy`: privacy accounting (placeholder).
struct Privacy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Privacy accounting: epsilon, calibration, ledger.")
    func run() async throws { throw ExitCode(2) }
}
