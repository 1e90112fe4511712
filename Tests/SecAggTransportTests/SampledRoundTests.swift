import FedCore
import Foundation
import Sodium
import Testing

/// `serve --sampling-rate`: each round's cohort is a Poisson sample of the joined clients; the others sit the
/// round out. `--seed` makes the draws reproducible, so the test predicts every cohort with the same sampler.
extension LoopbackRoundTests {
    /// The cohorts `serve --seed seed --sampling-rate rate` draws from `members` over `rounds` rounds.
    static func predictedCohorts(seed: UInt64, members: [UInt32], rate: Double, rounds: Int) -> [[UInt32]] {
        var rng = ChaChaRandom.seeded(seed)
        return (0..<rounds).map { _ in CohortSampling.poisson(members, rate: rate, using: &rng) }
    }

    /// The first seed whose cohorts satisfy `wanted`.
    static func seed(
        members: [UInt32], rate: Double, rounds: Int, where wanted: ([[UInt32]]) -> Bool
    ) -> (seed: UInt64, cohorts: [[UInt32]])? {
        for seed in UInt64(1)...10_000 {
            let cohorts = predictedCohorts(seed: seed, members: members, rate: rate, rounds: rounds)
            if wanted(cohorts) { return (seed, cohorts) }
        }
        return nil
    }

    @Test func sampledRoundsAverageEachPoissonCohortAndLeftOutClientsWaitForTheNextRound() throws {
        let members = [UInt32](1...6)
        // Every round large enough to run, and someone left out of the first and of the last round (so a client
        // waits before its first round, and one exits after a result it only watched).
        let (seed, cohorts) = try #require(
            Self.seed(members: members, rate: 0.5, rounds: 3) { cohorts in
                cohorts.allSatisfy { $0.count >= 2 } && cohorts[0].count < 6 && cohorts[2].count < 6
            })
        let fixture = try LoopbackFixture(clients: 6)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            [
                "--rounds", "3", "--no-dp", "--clip", "10", "--dropout", "0", "--sampling-rate", "0.5", "--seed", "\(seed)",
                "--out", "average.safetensors", "--model-out", "model-next.safetensors",
            ], clients: 6, group: group)
        let clients = try members.map { try fixture.startClient(Int($0), port: port, extra: ["--json"], group: group) }
        #expect(server.wait(seconds: 180) == 0, "serve failed: \(server.stderr)")
        for c in clients { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }

        let rounds = try #require(try server.json()["rounds"] as? [[String: Any]])
        try #require(rounds.count == 3)
        var bounds: [Double] = []
        for (index, round) in rounds.enumerated() {
            let cohort = cohorts[index].map(Int.init)
            let survivors = try #require(round["survivor_ids"] as? [Int])
            let dropped = try #require(round["dropped_ids"] as? [Int])
            #expect(round["clients"] as? Int == cohort.count)
            #expect((survivors + dropped).sorted() == cohort, "round \(index + 1) is not the sampled cohort")
            #expect(survivors == cohort)  // nobody vanishes in this test
            bounds.append(try #require(round["error_bound"] as? Double))
        }
        // The last round's average, against the plain average of that round's survivors.
        let lastSurvivors = try #require(rounds.last?["survivor_ids"] as? [Int])
        // A sampled run divides by the fixed q·N = 3 (an unbiased estimate of the population mean), never by
        // the realised sample (Docs/privacy.md, "Sampled cohorts").
        try expectAverage(
            fixture, file: "average.safetensors", survivors: lastSurvivors, errorBound: bounds[2], divisor: 3)
        // Every round's average: the model moved by their sum (server learning rate 1).
        let before = try fixture.readAverage("model.safetensors")
        let after = try fixture.readAverage("model-next.safetensors")
        var expected = before
        for round in rounds {
            let survivors = try #require(round["survivor_ids"] as? [Int])
            let average = fixture.plainAverage(of: survivors)
            for i in expected.indices { expected[i] += average[i] * Double(survivors.count) / 3 }
        }
        let worst = LoopbackFixture.worstError(after, expected, bound: bounds.reduce(0, +))
        #expect(worst <= 1, "the model moved by \(worst)× the allowed error away from the rounds' plain averages")

        // Every client saw all three results, and took part exactly in the rounds it was sampled into.
        for (c, id) in zip(clients, members) {
            let seen = try #require(try c.json()["rounds"] as? [[String: Any]], "\(c.name): \(c.stdout)")
            #expect(seen.map { $0["round"] as? Int } == [1, 2, 3])
            #expect(seen.map { $0["sampled"] as? Bool } == cohorts.map { $0.contains(id) }, "\(c.name)")
        }
    }

    /// A round whose sample is too small is skipped (charged, nothing released); every client is told and the
    /// run goes on with the next round.
    @Test func aSampleTooSmallIsSkippedAndTheRunGoesOn() throws {
        let members = [UInt32](1...3)
        let (seed, cohorts) = try #require(
            Self.seed(members: members, rate: 0.3, rounds: 2) { $0[0].count < 2 && $0[1].count >= 2 })
        let fixture = try LoopbackFixture(clients: 3)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "2", "--no-dp", "--clip", "10", "--dropout", "0", "--sampling-rate", "0.3", "--seed", "\(seed)"],
            clients: 3, group: group)
        let clients = try members.map { try fixture.startClient(Int($0), port: port, group: group) }
        #expect(server.wait(seconds: 120) == 0, "serve should skip round 1 and run round 2: \(server.stderr)")
        #expect(server.stderr.contains("round 1 skipped"), "\(server.stderr)")
        let rounds = try #require(try server.json()["rounds"] as? [[String: Any]])
        #expect(rounds.map { $0["round"] as? Int } == [2])
        #expect(rounds.first?["survivor_ids"] as? [Int] == cohorts[1].map(Int.init))
        for c in clients { #expect(c.wait(seconds: 30) == 0, "\(c.name) should finish: \(c.stderr)") }
    }
}
