import ArgumentParser

/// `secagg-tool params`: SecAgg+ neighbourhood size and threshold (placeholder).
struct Params: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "SecAgg+ neighbourhood size and threshold.")
    func run() async throws { throw ExitCode(2) }
}
