import ArgumentParser

/// The `secagg-tool` command line. Each subcommand lives in its own file; this file only lists them.
@main
struct SecAggTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secagg-tool",
        abstract: "Secure aggregation with distributed differential privacy for federated learning.",
        discussion: """
            Clients clip their model updates, add their share of discrete Gaussian noise and mask them with \
            pairwise keys; the server learns only the noisy sum. Every command that prints a result accepts \
            --json and then prints exactly one JSON object on stdout (logs and progress go to stderr).

            Exit codes: 0 success, 1 the round or check failed, 2 bad usage or bad input.
            """,
        subcommands: [Params.self, Privacy.self]
    )
}
