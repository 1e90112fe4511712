import FedCore
import Foundation
import GRPCCore
import Testing

@testable import SecAggTransport

/// The handshake of ``SessionCoordinator`` (Hello → Challenge → Authenticate → Welcome) on bare in-memory
/// sessions: every refusal closes the session with the documented status and leaves no member behind.
@Suite(.timeLimit(.minutes(1)))
struct CoordinatorHandshakeTests {
    let cohort: InMemoryCohort

    init() throws { cohort = try InMemoryCohort(clients: 4, revoked: [4]) }

    func coordinator(expected: Int = 3, handshakeTimeout: Duration = .seconds(10)) -> SessionCoordinator {
        var configuration = InMemoryCohort.configuration(expected: expected)
        configuration.handshakeTimeout = handshakeTimeout
        return cohort.coordinator(configuration)
    }

    /// Runs the handshake of `participant` on a new session and returns what ended it.
    func refusal(
        _ participant: ClientParticipant, on coordinator: SessionCoordinator, hello: ((inout Secagg_V1_Hello) -> Void)? = nil
    ) async throws -> RPCError? {
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        let answer = try await session.handshake(participant, on: coordinator, hello: hello)
        #expect(answer?.isWelcome != true, "the handshake should have been refused")
        return answer?.closeStatus
    }

    @Test func anHonestClientIsWelcomedAndBecomesAMember() async throws {
        let coordinator = coordinator()
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        let answer = try await session.handshake(cohort.participant(1), on: coordinator)
        #expect(answer?.isWelcome == true, "\(String(describing: answer))")
        #expect(await coordinator.members == [1: session.token])
    }

    @Test func aHelloOfAnotherVersionIsRefusedWithFailedPrecondition() async throws {
        let coordinator = coordinator()
        let status = try await refusal(cohort.participant(1), on: coordinator) { $0.version = 2 }
        #expect(status?.code == .failedPrecondition)
        #expect(status?.message.contains("Hello version 2") == true, "\(String(describing: status))")
        #expect(await coordinator.members.isEmpty)
    }

    @Test func anEnvelopeOfAnotherProtocolVersionIsRefusedWithFailedPrecondition() async throws {
        let coordinator = coordinator()
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        var hello = ClientDriver.hello(participant: cohort.participant(1), clientNonce: [UInt8](repeating: 7, count: 32))
        hello.protocolVersion = WireProtocol.version + 1
        await coordinator.receive(session.token, hello)
        #expect(await session.end().status?.code == .failedPrecondition)
    }

    @Test func aShortClientNonceIsRefusedWithInvalidArgument() async throws {
        let coordinator = coordinator()
        let status = try await refusal(cohort.participant(1), on: coordinator) { $0.clientNonce = Data(count: 16) }
        #expect(status?.code == .invalidArgument)
    }

    @Test func anAuthenticateBeforeHelloIsRefusedWithFailedPrecondition() async throws {
        let coordinator = coordinator()
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        var auth = Secagg_V1_Authenticate()
        auth.version = 1
        auth.signature = Data(count: 64)
        await coordinator.receive(session.token, ClientDriver.envelope(.authenticate(auth)))
        #expect(await session.end().status?.code == .failedPrecondition)
    }

    @Test func anIdOutsideTheRegistryIsRefusedWithPermissionDenied() async throws {
        let coordinator = coordinator()
        let status = try await refusal(cohort.participant(9), on: coordinator)
        #expect(status?.code == .permissionDenied)
        #expect(status?.message.contains("not in the server's registry") == true, "\(String(describing: status))")
        #expect(await coordinator.members.isEmpty)
    }

    @Test func aRevokedClientIsRefusedWithPermissionDenied() async throws {
        let coordinator = coordinator()
        let status = try await refusal(cohort.participant(4), on: coordinator)
        #expect(status?.code == .permissionDenied)
        #expect(status?.message.contains("revoked") == true, "\(String(describing: status))")
        #expect(await coordinator.members.isEmpty)
    }

    /// An impostor holding another key answers the Challenge; its signature does not verify.
    @Test func aBadAuthenticationSignatureIsRefusedWithPermissionDenied() async throws {
        let coordinator = coordinator()
        let status = try await refusal(cohort.participant(2, identity: cohort.stranger), on: coordinator)
        #expect(status?.code == .permissionDenied)
        #expect(status?.message.contains("does not verify") == true, "\(String(describing: status))")
        #expect(await coordinator.members.isEmpty)
    }

    /// A second session for a joined id is refused with ALREADY_EXISTS; the first stays the member.
    @Test func aSecondConnectionForAJoinedIdIsRefusedWithAlreadyExists() async throws {
        let coordinator = coordinator()
        var first = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        #expect(try await first.handshake(cohort.participant(1), on: coordinator)?.isWelcome == true)
        let status = try await refusal(cohort.participant(1), on: coordinator)
        #expect(status?.code == .alreadyExists)
        #expect(await coordinator.members == [1: first.token])
    }

    /// With `expectedClients` joined, the next client is refused with RESOURCE_EXHAUSTED.
    @Test func aClientBeyondACompleteCohortIsRefusedWithResourceExhausted() async throws {
        let coordinator = coordinator(expected: 2)
        for id: UInt32 in [1, 2] {
            var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:\(id)")
            #expect(try await session.handshake(cohort.participant(id), on: coordinator)?.isWelcome == true)
        }
        let status = try await refusal(cohort.participant(3), on: coordinator)
        #expect(status?.code == .resourceExhausted)
        #expect(await coordinator.members.keys.sorted() == [1, 2])
    }

    /// The join window closed (its deadline passed with one of three joined): later clients are refused.
    @Test func aClientAfterTheJoinDeadlineIsRefusedWithResourceExhausted() async throws {
        let coordinator = coordinator(expected: 3)
        var first = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        #expect(try await first.handshake(cohort.participant(1), on: coordinator)?.isWelcome == true)
        #expect(await coordinator.awaitJoins(timeout: .milliseconds(50)) == [1])
        let status = try await refusal(cohort.participant(2), on: coordinator)
        #expect(status?.code == .resourceExhausted)
        #expect(await coordinator.members.keys.sorted() == [1])
    }

    /// An idle session, and one that stopped after Hello, are closed with DEADLINE_EXCEEDED at the handshake
    /// deadline; a session that authenticated in time is not.
    @Test func theHandshakeDeadlineClosesUnauthenticatedSessionsOnly() async throws {
        let timeout = Duration.milliseconds(200)
        let coordinator = coordinator(handshakeTimeout: timeout)
        var joined = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        #expect(try await joined.handshake(cohort.participant(1), on: coordinator)?.isWelcome == true)
        var idle = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.2:1")
        var afterHello = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.3:1")
        await coordinator.receive(
            afterHello.token, ClientDriver.hello(participant: cohort.participant(2), clientNonce: [UInt8](repeating: 7, count: 32)))
        #expect(await afterHello.next()?.isChallenge == true)

        #expect(await idle.end().status?.code == .deadlineExceeded)
        #expect(await afterHello.end().status?.code == .deadlineExceeded)
        // The joined session's own deadline (armed earlier) has passed by now as well.
        try await Task.sleep(for: timeout)
        #expect(await coordinator.members == [1: joined.token])
    }
}
