import FedCore
import Foundation
import Testing

@testable import SecAggTransport

/// Whole served rounds through ``SessionCoordinator`` over in-memory sessions, each driven by a real
/// ``ClientDriver`` (issue 13): no process, no socket.
@Suite(.timeLimit(.minutes(1)))
struct CoordinatorRoundTests {
    /// Five clients, two rounds, some updates over the clip: the served average is the plain average of the
    /// clipped updates within the reported bound, the model moved by both rounds' averages, and every client
    /// saw each round's result with the server's survivors and output hash, then a normal end of stream.
    @Test func fiveClientsRecoverTheAverageOfTheClippedUpdatesAndSeeTheSameResults() async throws {
        let cohort = try InMemoryCohort(clients: 5)
        let settings = InMemoryCohort.settings(rounds: 2)
        #expect(cohort.ids.contains { cohort.norm($0) > settings.clip }, "no update is clipped")
        #expect(cohort.ids.contains { cohort.norm($0) < settings.clip }, "every update is clipped")

        let run = await ServedRun.run(
            cohort, settings: settings, configuration: InMemoryCohort.configuration(expected: 5),
            clients: cohort.ids.map { InMemoryClient(cohort.participant($0)) })
        let outcome = try run.served()

        #expect(outcome.rounds.map(\.round) == [1, 2])
        for round in outcome.rounds {
            #expect(round.clients == 5)
            #expect(round.survivorIDs == cohort.ids)
            #expect(round.droppedIDs.isEmpty)
            #expect(round.errorBound > 0 && round.errorBound < 1e-3)
        }
        let last = try #require(outcome.rounds.last)
        let expected = cohort.clippedAverage(of: cohort.ids, clip: settings.clip)
        let average = try #require(outcome.lastAverage).doubles
        let worst = InMemoryCohort.worstError(average, expected, bound: last.errorBound)
        #expect(worst <= 1, "recovered average off by \(worst)× the allowed error")
        // global += 1 · average, twice, from zero.
        let bound = outcome.rounds.map(\.errorBound).reduce(0, +)
        let modelWorst = InMemoryCohort.worstError(outcome.model.doubles, expected.map { 2 * $0 }, bound: bound)
        #expect(modelWorst <= 1, "model off by \(modelWorst)× the allowed error")

        for id in cohort.ids {
            let record = try #require(run.records[id])
            #expect(record.driverError == nil, "client \(id): \(String(describing: record.driverError))")
            #expect(record.closedNormally, "client \(id) ended with \(String(describing: record.end))")
            #expect(record.outcomes.map(\.round) == [1, 2])
            #expect(record.outcomes.map(\.outputHash) == outcome.rounds.map(\.outputHash))
            #expect(record.outcomes.map(\.survivors) == outcome.rounds.map(\.survivorIDs))
            #expect(record.outcomes.allSatisfy { $0.sampled })
        }
    }
}
