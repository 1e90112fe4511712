import Testing

@Suite struct ExitCodeTests {
    @Test func unknownOptionIsBadUsageExitTwo() throws {
        let r = try CLIRunner.run(["params", "--no-such-flag"])
        #expect(r.exitCode == 2)
        #expect(r.stdout.isEmpty)
    }

    @Test func helpTeachesAndExitsZero() throws {
        let r = try CLIRunner.run(["--help"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("simulate"))
        #expect(r.stdout.contains("Exit codes"))
    }
}
