import FedCore
import Foundation
import SecAggTestSupport
import Testing

/// `serve --weighted`: every client's example count travels as masked limbs after its update, so the server
/// divides by the survivors' total count without ever seeing one client's count.
@Suite(.serialized)
struct WeightedLoopbackTests {
    @Test func weightedServedRoundEqualsTheWeightedMeanOfSurvivors() throws {
        let fixture = try LoopbackFixture(clients: 4)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--weighted", "--dropout", "0.25", "--out", "average.safetensors"],
            clients: 4, group: group)
        var clients: [ToolProcess] = []
        for id in 1...4 {
            let hooks = id == 3 ? ["--exit-after", "share-keys"] : []
            clients.append(try fixture.startClient(id, port: port, hooks: hooks, group: group))
        }
        #expect(server.wait(seconds: 120) == 0, "serve failed: \(server.stderr)")
        for c in clients { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }
        let round = try #require((try server.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["survivor_ids"] as? [Int] == [1, 2, 4])
        let bound = try #require(round["error_bound"] as? Double)

        let survivors = [1, 2, 4]
        let counts = survivors.map { Double(fixture.updates.exampleCount(client: $0)) }
        #expect(Set(counts).count > 1, "the fixture's counts must differ, or weighting is not tested")
        // The summary reports the only thing the server learns of the counts: their clamped total.
        #expect(round["examples_total"] as? Int == Int(counts.map { min(max($0, 1), 1000) }.reduce(0, +)))
        let expected = PlainFedAvg.weightedMean(
            survivors.map { fixture.updates.delta(client: $0) }, rawWeights: counts, maxWeight: 1000)
        let unweighted = fixture.plainAverage(of: survivors)
        let recovered = try fixture.readAverage("average.safetensors")
        #expect(recovered.count == expected.count)
        let worst = LoopbackFixture.worstError(recovered, expected, bound: bound)
        let separation = LoopbackFixture.worstError(unweighted, expected, bound: bound)
        #expect(worst <= 1, "recovered weighted average off by \(worst)× the allowed error")
        #expect(separation > 10, "weighted and plain averages too close to tell apart")
    }

    @Test func weightedRoundRefusesAClientWhoseUpdateHasNoExampleCount() throws {
        // 4 clients (3 would leave no safe threshold once one refuses): client 4 has no count.
        let fixture = try LoopbackFixture(clients: 4)
        defer { fixture.remove() }
        // Client 4's update without __metadata__ num_examples.
        let url = fixture.directory.appendingPathComponent("updates/" + SyntheticUpdates.fileName(client: 4))
        try SafetensorsWriter.write(
            try fixture.layout.unflatten(fixture.updates.delta(client: 4)), metadata: [:], to: url)
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--weighted", "--dropout", "0.25", "--min-survivors", "3"],
            clients: 4, group: group)
        let clients = try (1...4).map { try fixture.startClient($0, port: port, group: group) }
        #expect(server.wait(seconds: 120) == 0, "serve failed: \(server.stderr)")
        for c in clients.prefix(3) { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }
        #expect(clients[3].wait(seconds: 30) == 2)
        #expect(clients[3].stderr.contains("num_examples"))
        let round = try #require((try server.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["survivor_ids"] as? [Int] == [1, 2, 3])
    }
}
