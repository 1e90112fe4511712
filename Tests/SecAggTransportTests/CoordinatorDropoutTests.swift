import FedCore
import Foundation
import GRPCCore
import Testing

@testable import SecAggTransport

/// Phase barriers of ``SessionCoordinator``: a client that stops after ShareKeys (silent, or gone) is a
/// dropout; the round completes with the others and reports it.
@Suite(.timeLimit(.minutes(1)))
struct CoordinatorDropoutTests {
    /// Client 2 of 5 leaves after ShareKeys in round 1. Silent, it is dropped with DEADLINE_EXCEEDED at the
    /// masked-input deadline; disconnected, it simply stops counting. Either way round 1 completes over the other
    /// four and reports client 2 in `dropped_ids`, and round 2 runs over whoever is still connected: those four.
    @Test(arguments: [InMemoryClient.Leave.staySilent, .disconnect])
    func aClientThatLeavesAfterShareKeysIsDroppedAndTheRoundCompletes(leave: InMemoryClient.Leave) async throws {
        let cohort = try InMemoryCohort(clients: 5)
        let settings = InMemoryCohort.settings(rounds: 2, dropout: 0.2)
        let clients = cohort.ids.map { id in
            id == 2
                ? InMemoryClient(cohort.participant(id, exitAfter: .shareKeys), leave: leave)
                : InMemoryClient(cohort.participant(id))
        }
        let run = await ServedRun.run(
            cohort, settings: settings, configuration: InMemoryCohort.configuration(expected: 5, phaseTimeout: .seconds(2)),
            clients: clients)
        let outcome = try run.served()

        let survivors: [UInt32] = [1, 3, 4, 5]
        #expect(outcome.rounds.map(\.clients) == [5, 4])
        #expect(outcome.rounds.map(\.survivorIDs) == [survivors, survivors])
        #expect(outcome.rounds.map(\.droppedIDs) == [[2], []])
        let round = try #require(outcome.rounds.last)
        let average = try #require(outcome.lastAverage).doubles
        let worst = InMemoryCohort.worstError(average, cohort.clippedAverage(of: survivors, clip: settings.clip), bound: round.errorBound)
        #expect(worst <= 1, "recovered average off by \(worst)× the allowed error")

        let dropped = try #require(run.records[2])
        #expect(dropped.outcomes.isEmpty)
        #expect(!dropped.received.contains { if case .roundResult = $0.body { true } else { false } })
        switch leave {
        case .staySilent:
            #expect(dropped.closeStatus?.code == .deadlineExceeded, "client 2 ended with \(String(describing: dropped.end))")
            #expect(run.log.contains { $0.hasPrefix("client 2 dropped") }, "\(run.log)")
        case .disconnect:
            guard case .left? = dropped.end else {
                Issue.record("client 2 should have left on its own, it ended with \(String(describing: dropped.end))")
                return
            }
        }
        for id in survivors {
            let record = try #require(run.records[id])
            #expect(record.closedNormally, "client \(id) ended with \(String(describing: record.end))")
            #expect(record.outcomes.map(\.survivors) == [survivors, survivors])
            #expect(record.outcomes.map(\.outputHash) == outcome.rounds.map(\.outputHash))
        }
    }
}
