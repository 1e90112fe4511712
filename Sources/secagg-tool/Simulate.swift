import ArgumentParser

/// Placeholder for `secagg-tool simulate`; replaced by its implementation.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")
    func run() async throws { throw ToolFailure.badInput("not implemented yet") }
}
