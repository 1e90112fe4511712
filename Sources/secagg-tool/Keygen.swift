import ArgumentParser

/// Placeholder for `secagg-tool keygen`; replaced by its implementation.
struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")
    func run() async throws { throw ToolFailure.badInput("not implemented yet") }
}
