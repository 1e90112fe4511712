import FedCore
import Foundation
import GRPCCore
import Testing

@testable import SecAggTransport

/// The budget of unauthenticated sessions in ``SessionCoordinator/open(_:peer:)``: at most
/// `maxPendingConnections` in all and `maxPendingPerPeer` per peer address; at a full budget the oldest pending
/// session under that limit is evicted if it is at least `pendingEvictionAge` old, else the newcomer is refused
/// with RESOURCE_EXHAUSTED. Authenticated clients never count.
@Suite(.timeLimit(.minutes(1)))
struct CoordinatorPendingLimitTests {
    let cohort: InMemoryCohort

    init() throws { cohort = try InMemoryCohort(clients: 3) }

    func coordinator(
        maxPending: Int = 64, perPeer: Int = 16, evictionAge: Duration = .seconds(60)
    ) -> SessionCoordinator {
        var configuration = InMemoryCohort.configuration(expected: 3)
        configuration.maxPendingConnections = maxPending
        configuration.maxPendingPerPeer = perPeer
        configuration.pendingEvictionAge = evictionAge
        return cohort.coordinator(configuration)
    }

    /// The status `open` refused a session with (nil if it opened one).
    func refusal(_ coordinator: SessionCoordinator, peer: String) async -> RPCError? {
        do {
            _ = try await RawSession.open(coordinator, peer: peer)
            return nil
        } catch { return error }
    }

    /// Opens a session, then waits a little so that every later session is strictly younger.
    func openInOrder(_ coordinator: SessionCoordinator, peer: String) async throws -> RawSession {
        let session = try await RawSession.open(coordinator, peer: peer)
        try await Task.sleep(for: .milliseconds(2))
        return session
    }

    /// True when `session` is still open and unauthenticated: it answers a Hello with a Challenge.
    func answersHello(_ session: inout RawSession, _ coordinator: SessionCoordinator, as id: UInt32 = 1) async -> Bool {
        let hello = ClientDriver.hello(participant: cohort.participant(id), clientNonce: [UInt8](repeating: 7, count: 32))
        await coordinator.receive(session.token, hello)
        return await session.next()?.isChallenge == true
    }

    @Test func aNewcomerBeyondMaxPendingConnectionsIsRefusedWhileTheOthersAreYoung() async throws {
        let coordinator = coordinator(maxPending: 3)
        var open: [RawSession] = []
        for host in 1...3 { open.append(try await RawSession.open(coordinator, peer: "ipv4:10.0.0.\(host):1")) }
        let status = await refusal(coordinator, peer: "ipv4:10.0.0.9:1")
        #expect(status?.code == .resourceExhausted)
        #expect(status?.message.contains("--max-pending-connections 3") == true, "\(String(describing: status))")
        for i in open.indices { #expect(await answersHello(&open[i], coordinator), "pending session \(i) was closed") }
    }

    /// Per peer means per host (IPv4 port ignored, IPv6 by /64): other hosts still get in.
    @Test func aNewcomerBeyondMaxPendingPerPeerIsRefusedOnlyForThatPeer() async throws {
        let coordinator = coordinator(perPeer: 2)
        _ = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1000")
        _ = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1001")
        let status = await refusal(coordinator, peer: "ipv4:10.0.0.1:1002")
        #expect(status?.code == .resourceExhausted)
        #expect(status?.message.contains("from 10.0.0.1 (--max-pending-per-peer 2)") == true, "\(String(describing: status))")
        #expect(await refusal(coordinator, peer: "ipv4:10.0.0.2:1000") == nil)

        _ = try await RawSession.open(coordinator, peer: "ipv6:[2001:db8::1]:1")
        _ = try await RawSession.open(coordinator, peer: "ipv6:[2001:db8::2]:1")
        #expect(await refusal(coordinator, peer: "ipv6:[2001:db8::3]:1")?.code == .resourceExhausted)
        #expect(await refusal(coordinator, peer: "ipv6:[2001:db8:0:1::1]:1") == nil)
    }

    /// With every pending session old enough, each newcomer evicts the oldest (closed with RESOURCE_EXHAUSTED,
    /// saying so); the younger ones stay open.
    @Test func aFullBudgetEvictsTheOldestPendingSession() async throws {
        let coordinator = coordinator(maxPending: 2, evictionAge: .zero)
        var a = try await openInOrder(coordinator, peer: "ipv4:10.0.0.1:1")
        var b = try await openInOrder(coordinator, peer: "ipv4:10.0.0.2:1")
        var c = try await openInOrder(coordinator, peer: "ipv4:10.0.0.3:1")
        let evicted = await a.end().status
        #expect(evicted?.code == .resourceExhausted)
        #expect(evicted?.message.contains("evicted") == true, "\(String(describing: evicted))")
        var d = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.4:1")
        #expect(await b.end().status?.code == .resourceExhausted)
        #expect(await answersHello(&c, coordinator))
        #expect(await answersHello(&d, coordinator))
    }

    /// At the per-peer limit the oldest session of that peer is evicted, not an older one of another peer.
    @Test func aFullPeerBudgetEvictsThatPeersOldestSession() async throws {
        let coordinator = coordinator(perPeer: 1, evictionAge: .zero)
        var other = try await openInOrder(coordinator, peer: "ipv4:10.0.0.2:1")
        var a = try await openInOrder(coordinator, peer: "ipv4:10.0.0.1:1")
        var b = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:2")
        #expect(await a.end().status?.code == .resourceExhausted)
        #expect(await answersHello(&other, coordinator))
        #expect(await answersHello(&b, coordinator))
    }

    /// A pending session older than `pendingEvictionAge` makes room; one younger would not (previous tests).
    @Test func aPendingSessionPastTheEvictionAgeMakesRoom() async throws {
        let age = Duration.milliseconds(100)
        let coordinator = coordinator(maxPending: 1, evictionAge: age)
        var old = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        try await Task.sleep(for: age * 2)
        var new = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.2:1")
        #expect(await old.end().status?.code == .resourceExhausted)
        #expect(await answersHello(&new, coordinator))
    }

    /// Authenticated clients hold no pending slot: with a budget of one, a joined client leaves room for one
    /// unauthenticated session (and no more), and is never evicted.
    @Test func joinedClientsDoNotCountAgainstThePendingBudget() async throws {
        let coordinator = coordinator(maxPending: 1, perPeer: 1)
        var joined = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        #expect(try await joined.handshake(cohort.participant(1), on: coordinator)?.isWelcome == true)
        var pending = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:2")
        #expect(await refusal(coordinator, peer: "ipv4:10.0.0.2:1")?.code == .resourceExhausted)
        #expect(await answersHello(&pending, coordinator, as: 2))
        #expect(await coordinator.members == [1: joined.token])
    }
}
