import FedCore
import Foundation
import GRPCCore
import Testing

@testable import SecAggTransport

/// Drop rules of ``SessionCoordinator/handleRoundMessage(_:_:)``: a round message is accepted only in its
/// phase, from a client that still owes it, naming itself as sender, for the round in progress. An offender is
/// closed with a status saying why, and the round goes on without it, or fails without unmasking anything.
@Suite(.timeLimit(.minutes(1)))
struct CoordinatorDropRuleTests {
    /// One way for client 3 to break the rules, and the status it must be closed with.
    enum Offence: CaseIterable, CustomTestStringConvertible {
        /// Sends its AdvertiseKeys twice: the second arrives when it owes nothing.
        case advertisementTwice
        /// Sends a ConsistencyCheck where its ShareKeys belongs.
        case messageOfAnotherPhase
        /// Its AdvertiseKeys names client 4 as sender.
        case advertisementNamingAnotherSender
        /// Its masked-input chunks name client 4 as sender.
        case chunkNamingAnotherSender
        /// Its masked-input chunks are for round 2 during round 1.
        case chunkForAnotherRound

        var testDescription: String { "\(self)" }

        var expectedCode: RPCError.Code {
            switch self {
            case .advertisementTwice, .messageOfAnotherPhase: .failedPrecondition
            case .advertisementNamingAnotherSender, .chunkNamingAnotherSender: .permissionDenied
            case .chunkForAnotherRound: .invalidArgument
            }
        }

        /// Rewrites each message the client's driver produces.
        func tamper(_ message: Secagg_V1_ClientMessage) -> [Secagg_V1_ClientMessage] {
            var message = message
            switch (self, message.body) {
            case (.advertisementTwice, .advertiseKeys?): return [message, message]
            case (.messageOfAnotherPhase, .shareKeys?):
                var check = Secagg_V1_ConsistencyCheckMessage()
                check.version = 1
                check.round = 1
                check.sender = 3
                message.body = .consistencyCheck(check)
            case (.advertisementNamingAnotherSender, .advertiseKeys(var m)?):
                m.sender = 4
                message.body = .advertiseKeys(m)
            case (.chunkNamingAnotherSender, .maskedInput(var chunk)?):
                chunk.sender = 4
                message.body = .maskedInput(chunk)
            case (.chunkForAnotherRound, .maskedInput(var chunk)?):
                chunk.round += 1
                message.body = .maskedInput(chunk)
            default: break
            }
            return [message]
        }
    }

    /// Five clients, client 3 offends: it is closed with the offence's status, and the round completes over the
    /// other four (`dropped_ids` = [3]), whose clipped average it recovers.
    @Test(arguments: Offence.allCases)
    func anOffenderIsClosedWithItsStatusAndTheRoundGoesOn(offence: Offence) async throws {
        let cohort = try InMemoryCohort(clients: 5)
        let settings = InMemoryCohort.settings(dropout: 0.2)
        let clients = cohort.ids.map { id in
            var client = InMemoryClient(cohort.participant(id))
            if id == 3 { client.tamper = offence.tamper }
            return client
        }
        let run = await ServedRun.run(
            cohort, settings: settings, configuration: InMemoryCohort.configuration(expected: 5), clients: clients)
        let offender = try #require(run.records[3])
        #expect(
            offender.closeStatus?.code == offence.expectedCode,
            "client 3 ended with \(String(describing: offender.end)); log: \(run.log)")
        #expect(offender.outcomes.isEmpty)

        let outcome = try run.served()
        let round = try #require(outcome.rounds.first)
        let survivors: [UInt32] = [1, 2, 4, 5]
        #expect(round.survivorIDs == survivors)
        #expect(round.droppedIDs == [3])
        let average = try #require(outcome.lastAverage).doubles
        let worst = InMemoryCohort.worstError(average, cohort.clippedAverage(of: survivors, clip: settings.clip), bound: round.errorBound)
        #expect(worst <= 1, "recovered average off by \(worst)× the allowed error")
        for id in survivors {
            let record = try #require(run.records[id])
            #expect(record.closedNormally, "client \(id) ended with \(String(describing: record.end))")
            #expect(record.outcomes.map(\.outputHash) == [round.outputHash])
        }
    }

    /// Four clients and min_survivors 4: dropping the offender at the masked input leaves too few. The round
    /// fails before any unmasking request exists, and every other client is told with RoundAborted.
    @Test func anOffenceThatLeavesTooFewSurvivorsAbortsTheRoundBeforeUnmasking() async throws {
        let cohort = try InMemoryCohort(clients: 4)
        let settings = InMemoryCohort.settings(dropout: 0, minSurvivors: 4)
        let clients = cohort.ids.map { id in
            var client = InMemoryClient(cohort.participant(id))
            if id == 3 { client.tamper = Offence.chunkForAnotherRound.tamper }
            return client
        }
        let run = await ServedRun.run(
            cohort, settings: settings, configuration: InMemoryCohort.configuration(expected: 4), clients: clients)
        guard case .failure(let error) = run.outcome else {
            Issue.record("the round should have failed")
            return
        }
        #expect(error is FedCoreError, "\(error)")
        #expect(run.records[3]?.closeStatus?.code == .invalidArgument)
        for id in cohort.ids {
            let record = try #require(run.records[id])
            #expect(!record.received.contains { if case .unmaskingRequest = $0.body { true } else { false } })
            #expect(!record.received.contains { if case .roundResult = $0.body { true } else { false } })
            #expect(record.outcomes.isEmpty)
            if id != 3 {
                #expect(record.sawRoundAborted, "client \(id) was not told the round failed")
                guard case .remote? = record.driverError else {
                    Issue.record("client \(id) should stop on RoundAborted: \(String(describing: record.driverError))")
                    continue
                }
            }
        }
    }

    /// A joined client's round message while no round collects anything is outside its phase.
    @Test func aRoundMessageBetweenRoundsIsRefusedWithFailedPrecondition() async throws {
        let cohort = try InMemoryCohort(clients: 3)
        let coordinator = cohort.coordinator(InMemoryCohort.configuration(expected: 3))
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        #expect(try await session.handshake(cohort.participant(1), on: coordinator)?.isWelcome == true)
        var advertisement = Secagg_V1_AdvertiseKeysMessage()
        advertisement.version = 1
        advertisement.round = 1
        advertisement.sender = 1
        await coordinator.receive(session.token, ClientDriver.envelope(.advertiseKeys(advertisement)))
        let status = await session.end().status
        #expect(status?.code == .failedPrecondition)
        #expect(status?.message.contains("outside its phase") == true, "\(String(describing: status))")
        #expect(await coordinator.members.isEmpty)
    }

    /// The transport reports a joined client's message over the size limit: the client is closed with
    /// RESOURCE_EXHAUSTED and leaves the run.
    @Test func anOversizedMessageClosesTheClientWithResourceExhausted() async throws {
        let cohort = try InMemoryCohort(clients: 3)
        let coordinator = cohort.coordinator(InMemoryCohort.configuration(expected: 3))
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        #expect(try await session.handshake(cohort.participant(1), on: coordinator)?.isWelcome == true)
        await coordinator.oversizedMessage(session.token)
        #expect(await session.end().status?.code == .resourceExhausted)
        #expect(await coordinator.members.isEmpty)
    }
}
