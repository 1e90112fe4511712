import FedCore
import Foundation
import Testing

/// Issue 16.4: a run that fails after some rounds still prints one JSON object saying what happened: the
/// failure and the rounds that completed (what was released and charged) before it.
@Suite(.serialized)
struct PartialRunTests {
    @Test func serveFailingInRoundTwoPrintsRoundOneAndTheFailure() throws {
        let fixture = try LoopbackFixture(clients: 3)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "2", "--no-dp", "--clip", "10", "--dropout", "0"], clients: 3, group: group)
        // Two clients vanish once they have answered round 1's unmasking request: round 1 completes, round 2
        // has a single client left and cannot run.
        let clients = try (1...3).map {
            try fixture.startClient($0, port: port, hooks: $0 == 1 ? [] : ["--exit-after", "unmasking"], group: group)
        }
        #expect(server.wait(seconds: 120) == 1, "serve should fail round 2: \(server.stderr)")
        for c in clients { _ = c.wait(seconds: 30) }
        let json = try server.json()
        #expect(json["exit_code"] as? Int == 1)
        #expect((json["error"] as? String)?.isEmpty == false)
        let rounds = try #require(json["rounds"] as? [[String: Any]], "\(server.stdout)")
        #expect(rounds.map { $0["round"] as? Int } == [1])
        #expect(rounds.first?["survivor_ids"] as? [Int] == [1, 2, 3])
    }
}
