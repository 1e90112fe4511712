import ArgumentParser
import FedCore
import Foundation

/// The `secagg-tool` command line. Each subcommand lives in its own file; this file only lists them and maps
/// failures to the exit codes of the command-surface contract (0 success, 1 round/check failed, 2 bad input);
/// with --json a failure also prints `{"error": …, "exit_code": N}` on stdout (``JSONFailure``).
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
        version: ToolVersion.text,
        subcommands: [Simulate.self, Params.self, Privacy.self, Keygen.self, Audit.self, Serve.self, Client.self, MakeUpdates.self]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as ToolFailure {
            fail(failure)
        } catch let error as FedCoreError {
            fail(ToolFailure(error))
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            // Parse and validation errors are bad usage: exit 2 as cli.md says (ArgumentParser uses 64).
            let status = code == .validationFailure ? 2 : code.rawValue
            JSONFailure.printIfRequested(message(for: error), exitCode: status)
            Foundation.exit(status)
        }
    }

    /// Reports `failure` on stderr (and as JSON with --json) and exits with its code.
    private static func fail(_ failure: ToolFailure) -> Never {
        failure.report()
        JSONFailure.printIfRequested(failure.message, exitCode: failure.exitCode)
        Foundation.exit(failure.exitCode)
    }
}
