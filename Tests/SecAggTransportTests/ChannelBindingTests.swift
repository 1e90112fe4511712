import FedCore
import Foundation
import GRPCCore
import Sodium
import Testing

@testable import SecAggTransport

/// Issue 15, finding 2 (the last part): the handshake binds the channel (Docs/wire.md § 4.2). The server signs the
/// hash of the TLS certificate it serves (or "no TLS") in the Challenge; the client refuses a signed channel that
/// is not the one its connection runs over, and signs the channel it saw, which the server checks against its
/// own. Driven without network: the client's side with hand-built Challenges, the server's on in-memory sessions.
@Suite struct ChannelBindingTests {
    typealias Setup = ClientDriverPolicyTests.Setup

    /// Two certificates a party in the middle could both hold (only their DER bytes matter here).
    static let served = ChannelBinding(certificateDER: Array("the server's own certificate".utf8))
    static let other = ChannelBinding(certificateDER: Array("another certificate the CA accepts".utf8))

    /// A Challenge for client 1 of `setup`, signed over `signed` and stating `stated` (default: `signed`).
    static func challenge(
        _ setup: Setup, signed: ChannelBinding, stated: ChannelBinding? = nil
    ) -> Secagg_V1_ServerMessage {
        var challenge = Secagg_V1_Challenge()
        challenge.version = 2
        challenge.serverNonce = Data(setup.serverNonce)
        challenge.tlsCertificateHash = Data((stated ?? signed).wireField)
        challenge.serverSignature = Data(
            setup.server.sign(
                SessionAuthentication.serverTranscript(
                    registryHash: setup.registry.registryHashBytes, client: 1, clientNonce: setup.clientNonce,
                    serverNonce: setup.serverNonce, channel: signed)))
        return Setup.envelope(.challenge(challenge))
    }

    /// The driver of client 1 whose connection runs over `observed`.
    static func driver(_ setup: Setup, observed: ChannelBinding) throws -> ClientDriver {
        try ClientDriver(participant: setup.participant(1), clientNonce: setup.clientNonce, channel: { observed })
    }

    static func failure(_ body: () throws -> Void) -> TransportError? { ServerMessageAuthenticationTests.failure(body) }

    @Test func theCertificateTheServerSignedIsAcceptedAndTheClientSignsIt() throws {
        let setup = try Setup(clients: 3)
        for channel in [Self.served, .plaintext] {
            var driver = try Self.driver(setup, observed: channel)
            let out = try driver.handle(Self.challenge(setup, signed: channel))
            guard case .authenticate(let auth)? = out.first?.body else {
                Issue.record("no Authenticate over \(channel)")
                continue
            }
            // The client's signature covers the channel it saw, and no other.
            func transcript(_ c: ChannelBinding) -> [UInt8] {
                SessionAuthentication.clientTranscript(
                    registryHash: setup.registry.registryHashBytes, client: 1, clientNonce: setup.clientNonce,
                    serverNonce: setup.serverNonce, channel: c)
            }
            let key = setup.clients[0].publicKey
            #expect(key.isValidSignature(Array(auth.signature), for: transcript(channel)))
            let others = [Self.served, Self.other, .plaintext].filter { $0 != channel }
            for other in others { #expect(!key.isValidSignature(Array(auth.signature), for: transcript(other))) }
        }
    }

    /// A party in the middle terminates TLS with another certificate the client's CA accepts and relays the
    /// session to the real server, which signs its own certificate: the client refuses before Authenticate.
    @Test func anotherCertificateThanTheSignedOneIsRefused() throws {
        let setup = try Setup(clients: 3)
        var driver = try Self.driver(setup, observed: Self.other)
        let error = Self.failure { _ = try driver.handle(Self.challenge(setup, signed: Self.served)) }
        #expect(error == .channelMismatch(signed: Self.served, observed: Self.other))
        let text = error?.description ?? ""
        #expect(text.contains("presented another one") && text.contains("--tls-ca accepts"), "\(text)")
        #expect(driver.step.name == "awaiting Challenge", "nothing was answered")
    }

    /// TLS on one side of the relay only: the server signed "no TLS" while the client used TLS, or the reverse.
    @Test func tlsOnOneSideOnlyIsRefused() throws {
        let setup = try Setup(clients: 3)
        var overTLS = try Self.driver(setup, observed: Self.served)
        let downgraded = Self.failure { _ = try overTLS.handle(Self.challenge(setup, signed: .plaintext)) }
        #expect(downgraded == .channelMismatch(signed: .plaintext, observed: Self.served))
        #expect(downgraded?.description.contains("signed a session without TLS") == true)
        var plaintext = try Self.driver(setup, observed: .plaintext)
        let stripped = Self.failure { _ = try plaintext.handle(Self.challenge(setup, signed: Self.served)) }
        #expect(stripped == .channelMismatch(signed: Self.served, observed: .plaintext))
        #expect(stripped?.description.contains("connected without TLS") == true)
    }

    /// The party in the middle rewrites the stated hash to the certificate the client sees: the server's
    /// signature no longer verifies.
    @Test func aRewrittenCertificateHashFailsTheSignature() throws {
        let setup = try Setup(clients: 3)
        var driver = try Self.driver(setup, observed: Self.other)
        let error = Self.failure { _ = try driver.handle(Self.challenge(setup, signed: Self.served, stated: Self.other)) }
        #expect(
            ServerMessageAuthenticationTests.isPermissionDenied(error, containing: "does not verify"),
            "\(String(describing: error))")
    }

    /// Wire version 2 (no channel binding) is refused: the envelope version, and a Challenge of version 1.
    @Test func theUnboundVersionIsRefused() throws {
        let setup = try Setup(clients: 3)
        // Wire version 3 (advertisements and consistency signatures over the whole lists) is refused alike.
        for old: UInt32 in [2, 3] {
            var oldEnvelope = Self.challenge(setup, signed: .plaintext)
            oldEnvelope.protocolVersion = old
            var a = try Self.driver(setup, observed: .plaintext)
            #expect(Self.failure { _ = try a.handle(oldEnvelope) } == .unsupportedProtocolVersion(old))
        }
        var oldChallenge = Self.challenge(setup, signed: .plaintext)
        if case .challenge(var c)? = oldChallenge.body {
            c.version = 1
            oldChallenge.body = .challenge(c)
        }
        var b = try Self.driver(setup, observed: .plaintext)
        #expect(Self.failure { _ = try b.handle(oldChallenge) } == .unsupportedMessageVersion(what: "Challenge", version: 1))
        var short = Self.challenge(setup, signed: .plaintext)
        if case .challenge(var c)? = short.body {
            c.tlsCertificateHash = Data(count: 31)
            short.body = .challenge(c)
        }
        var d = try Self.driver(setup, observed: .plaintext)
        #expect(Self.failure { _ = try d.handle(short) } == .malformed("tls_certificate_hash has 31 bytes, expected 0 or 32"))
    }

    /// The bytes both transcripts end with (Docs/wire.md § 4.2), written out by hand.
    @Test func transcriptLayout() {
        let hash = [UInt8](repeating: 0xC3, count: 32)
        let head: (String) -> [UInt8] = { label in
            Array(label.utf8) + [0] + [UInt8](repeating: 0xAA, count: 32) + [4, 3, 2, 1]
                + [UInt8](repeating: 1, count: 32) + [UInt8](repeating: 2, count: 32)
        }
        for (label, transcript) in [
            ("secagg.v1.grpc.server-auth", SessionAuthentication.serverTranscript),
            ("secagg.v1.grpc.client-auth", SessionAuthentication.clientTranscript),
        ] {
            let tls = transcript(
                [UInt8](repeating: 0xAA, count: 32), 0x0102_0304, [UInt8](repeating: 1, count: 32),
                [UInt8](repeating: 2, count: 32), .tlsCertificate(hash: hash))
            let plain = transcript(
                [UInt8](repeating: 0xAA, count: 32), 0x0102_0304, [UInt8](repeating: 1, count: 32),
                [UInt8](repeating: 2, count: 32), .plaintext)
            #expect(tls == head(label) + [1] + hash)
            #expect(plain == head(label) + [UInt8](repeating: 0, count: 33))
        }
        #expect(ChannelBinding(certificateDER: [1, 2, 3]) == .tlsCertificate(hash: Blake2b.hash([1, 2, 3], outputByteCount: 32)))
    }
}

/// The server's half: it checks the client's signature over the channel it serves, so a client that reached it
/// through a relay (another certificate, or no TLS) is refused even if that client did not check the Challenge.
@Suite(.timeLimit(.minutes(1)))
struct CoordinatorChannelBindingTests {
    let cohort: InMemoryCohort

    init() throws { cohort = try InMemoryCohort(clients: 3) }

    /// Answers the coordinator's Challenge with an Authenticate signed over `signed` (whatever the Challenge says,
    /// as a client that does not check it would); returns what follows.
    func authenticate(signed: ChannelBinding, on coordinator: SessionCoordinator) async throws
        -> SessionCoordinator.Outgoing?
    {
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        let participant = cohort.participant(1)
        let nonce = [UInt8](repeating: 5, count: 32)
        await coordinator.receive(session.token, ClientDriver.hello(participant: participant, clientNonce: nonce))
        guard case .message(let message)? = await session.next(), case .challenge(let c)? = message.body else {
            Issue.record("no Challenge")
            return nil
        }
        #expect(c.version == 2)
        var auth = Secagg_V1_Authenticate()
        auth.version = 1
        auth.signature = Data(
            participant.identity.sign(
                SessionAuthentication.clientTranscript(
                    registryHash: participant.registry.registryHashBytes, client: 1, clientNonce: nonce,
                    serverNonce: Array(c.serverNonce), channel: signed)))
        await coordinator.receive(session.token, ClientDriver.envelope(.authenticate(auth)))
        return await session.next()
    }

    @Test func theServerStatesItsCertificateAndWelcomesAClientThatSawIt() async throws {
        let coordinator = cohort.coordinator(InMemoryCohort.configuration(expected: 3), channel: ChannelBindingTests.served)
        var session = try await RawSession.open(coordinator, peer: "ipv4:10.0.0.1:1")
        let answer = try await session.handshake(cohort.participant(1), on: coordinator, channel: ChannelBindingTests.served)
        #expect(answer?.isWelcome == true, "\(String(describing: answer))")
    }

    @Test func aClientThatSawAnotherChannelIsRefused() async throws {
        for (serves, saw) in [
            (ChannelBindingTests.served, ChannelBindingTests.other), (ChannelBindingTests.served, .plaintext),
            (ChannelBinding.plaintext, ChannelBindingTests.served),
        ] {
            let coordinator = cohort.coordinator(InMemoryCohort.configuration(expected: 3), channel: serves)
            let answer = try await authenticate(signed: saw, on: coordinator)
            #expect(answer?.closeStatus?.code == .permissionDenied, "serves \(serves), saw \(saw)")
            #expect(answer?.closeStatus?.message.contains("another TLS certificate") == true)
            #expect(await coordinator.members.isEmpty)
            // The same client signing the channel the server serves is welcomed.
            let honest = cohort.coordinator(InMemoryCohort.configuration(expected: 3), channel: serves)
            #expect(try await authenticate(signed: serves, on: honest)?.isWelcome == true)
        }
    }
}
