import FedCore
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import SecAggTransport

/// Issue 15, finding 2 (and 5): every server message after the handshake is signed by the server identity
/// for this session (both nonces) and this run (Welcome's run id); the client refuses anything else before
/// reading it. Driven without processes, with hand-built server messages (``ClientDriverPolicyTests/Setup``).
@Suite struct ServerMessageAuthenticationTests {
    typealias Setup = ClientDriverPolicyTests.Setup

    /// The TransportError `body` throws (nil if none).
    static func failure(_ body: () throws -> Void) -> TransportError? {
        do {
            try body()
            return nil
        } catch { return error as? TransportError ?? .remote("unexpected \(error)") }
    }

    static func isPermissionDenied(_ error: TransportError?, containing text: String) -> Bool {
        guard case .permissionDenied(let message)? = error else { return false }
        return message.contains(text)
    }

    func start(_ setup: Setup) throws -> Secagg_V1_RoundStart {
        try setup.announcedRound(degree: 4, threshold: 3, minSurvivors: 4, noiseMultiplier: 1)
    }

    @Test func signedRoundStartIsTaken() throws {
        let setup = try Setup(clients: 5)
        var driver = try setup.joinedDriver(setup.participant(1))
        let out = try driver.handle(try setup.signed(.roundStart(start(setup))))
        guard case .advertiseKeys? = out.first?.body else {
            Issue.record("no advertisement")
            return
        }
    }

    @Test func roundStartWithoutSignatureIsRefused() throws {
        let setup = try Setup(clients: 5)
        var driver = try setup.joinedDriver(setup.participant(1))
        let error = Self.failure { _ = try driver.handle(Setup.envelope(.roundStart(try start(setup)))) }
        #expect(
            Self.isPermissionDenied(error, containing: "RoundStart carries no server signature"),
            "\(String(describing: error))")
        #expect(driver.step.name == "between rounds", "nothing was advertised")
    }

    @Test func roundStartWithAWrongSignatureIsRefused() throws {
        let setup = try Setup(clients: 5)
        // Signed by another key (a client's), by nobody (64 zero bytes), or altered after signing.
        var byClient = try setup.joinedDriver(setup.participant(1))
        let forged = try setup.signed(.roundStart(start(setup)), key: setup.clients[1])
        #expect(
            Self.isPermissionDenied(Self.failure { _ = try byClient.handle(forged) }, containing: "does not verify"))
        var zeros = try setup.joinedDriver(setup.participant(1))
        var zeroSigned = Setup.envelope(.roundStart(try start(setup)))
        zeroSigned.serverSignature = Data(count: 64)
        #expect(
            Self.isPermissionDenied(Self.failure { _ = try zeros.handle(zeroSigned) }, containing: "does not verify"))
        var altered = try setup.joinedDriver(setup.participant(1))
        var message = try setup.signed(.roundStart(start(setup)))
        var body = try start(setup)
        body.minSurvivors = 5  // a party in the middle changes one field
        message.body = .roundStart(body)
        #expect(
            Self.isPermissionDenied(Self.failure { _ = try altered.handle(message) }, containing: "does not verify"))
    }

    /// A RoundStart the server really signed, but for another session (other nonces, or another client's
    /// session) or another run (another run id: round numbers restart in every run), is refused.
    @Test func roundStartReplayedFromAnotherSessionOrRunIsRefused() throws {
        let setup = try Setup(clients: 5)
        let body = Secagg_V1_ServerMessage.OneOf_Body.roundStart(try start(setup))
        let otherSession = setup.signing(serverNonce: [UInt8](repeating: 9, count: 32))
        let otherClient = setup.signing(client: 2)
        let otherRun = setup.signing(runID: [UInt8](repeating: 8, count: 32))
        for (name, signing) in [("session", otherSession), ("client", otherClient), ("run", otherRun)] {
            var driver = try setup.joinedDriver(setup.participant(1))
            let replayed = try setup.signed(body, signing: signing)
            let error = Self.failure { _ = try driver.handle(replayed) }
            #expect(
                Self.isPermissionDenied(error, containing: "does not verify"),
                "another \(name): \(String(describing: error))")
        }
    }

    /// Every request and broadcast of a round needs the signature too, RoundResult and RoundAborted included.
    @Test func unsignedRequestsAndResultsAreRefused() throws {
        let setup = try Setup(clients: 5)
        var broadcast = Secagg_V1_KeyBroadcastMessage()
        broadcast.version = 1
        broadcast.round = 1
        broadcast.receiver = 1
        var shares = Secagg_V1_ShareBroadcastMessage()
        shares.version = 1
        shares.round = 1
        shares.receiver = 1
        var consistency = Secagg_V1_ConsistencyRequestMessage()
        consistency.version = 1
        consistency.round = 1
        consistency.receiver = 1
        var unmasking = Secagg_V1_UnmaskingRequestMessage()
        unmasking.version = 1
        unmasking.round = 1
        unmasking.receiver = 1
        var result = Secagg_V1_RoundResult()
        result.version = 1
        result.round = 1
        var aborted = Secagg_V1_RoundAborted()
        aborted.version = 1
        aborted.round = 1
        aborted.reason = "forged"
        let bodies: [Secagg_V1_ServerMessage.OneOf_Body] = [
            .keyBroadcast(broadcast), .shareBroadcast(shares), .consistencyRequest(consistency),
            .unmaskingRequest(unmasking), .roundResult(result), .roundAborted(aborted),
        ]
        for body in bodies {
            var driver = try setup.joinedDriver(setup.participant(1))
            _ = try driver.handle(try setup.signed(.roundStart(start(setup))))
            let unsigned = Self.failure { _ = try driver.handle(Setup.envelope(body)) }
            #expect(
                Self.isPermissionDenied(unsigned, containing: "\(body.name) carries no server signature"),
                "\(body.name): \(String(describing: unsigned))")
            var other = try setup.joinedDriver(setup.participant(1))
            _ = try other.handle(try setup.signed(.roundStart(start(setup))))
            let forged = Self.failure { _ = try other.handle(try setup.signed(body, key: setup.clients[0])) }
            #expect(
                Self.isPermissionDenied(forged, containing: "does not verify"),
                "\(body.name): \(String(describing: forged))")
        }
        // A signed final abort is the server's word: the client stops with its reason.
        var final = aborted
        final.lastRound = true
        var driver = try setup.joinedDriver(setup.participant(1))
        let error = Self.failure { _ = try driver.handle(try setup.signed(.roundAborted(final))) }
        #expect(error == .remote("the server aborted round 1: forged"))
        // A signed non-final abort of a new round, between rounds, is a skipped sampled round: the client waits
        // for the next round, and the skipped round's number cannot be started afterwards.
        var waiting = try setup.joinedDriver(setup.participant(1))
        #expect(try waiting.handle(try setup.signed(.roundAborted(aborted))).isEmpty)
        let replay = Self.failure { _ = try waiting.handle(try setup.signed(.roundStart(start(setup)))) }
        #expect(replay != nil, "round 1 started after it was skipped")
    }

    /// Welcome fixes the run id: it must be version 2, carry 32 bytes and be signed for this session.
    @Test func welcomeMustBeSignedAndCarryTheRunID() throws {
        let setup = try Setup(clients: 3)
        func challenged() throws -> ClientDriver {
            var driver = try ClientDriver(participant: setup.participant(1), clientNonce: setup.clientNonce)
            var challenge = Secagg_V1_Challenge()
            challenge.version = 2
            challenge.serverNonce = Data(setup.serverNonce)
            challenge.serverSignature = Data(
                setup.server.sign(
                    SessionAuthentication.serverTranscript(
                        registryHash: setup.registry.registryHashBytes, client: 1, clientNonce: setup.clientNonce,
                        serverNonce: setup.serverNonce, channel: .plaintext)))
            _ = try driver.handle(Setup.envelope(.challenge(challenge)))
            return driver
        }
        var unsigned = try challenged()
        #expect(
            Self.isPermissionDenied(
                Self.failure { _ = try unsigned.handle(Setup.envelope(.welcome(setup.welcome()))) },
                containing: "Welcome carries no server signature"))
        var old = try challenged()
        var v1 = setup.welcome()
        v1.version = 1
        #expect(
            Self.failure { _ = try old.handle(try setup.signed(.welcome(v1))) }
                == .unsupportedMessageVersion(what: "Welcome", version: 1))
        var short = try challenged()
        var noRun = setup.welcome()
        noRun.runID = Data()
        #expect(
            Self.failure { _ = try short.handle(try setup.signed(.welcome(noRun))) }
                == .malformed("run id has 0 bytes, expected 32"))
        var good = try challenged()
        _ = try good.handle(try setup.signed(.welcome(setup.welcome())))
        #expect(good.step.name == "between rounds")
    }

    /// The transcript is the documented byte string (Docs/wire.md § 4.1).
    @Test func transcriptLayout() throws {
        let signing = ServerMessageAuthentication(
            registryHash: [UInt8](repeating: 0xAA, count: 32), client: 0x0102_0304,
            clientNonce: [UInt8](repeating: 1, count: 32), serverNonce: [UInt8](repeating: 2, count: 32),
            runID: [UInt8](repeating: 3, count: 32))
        let t = signing.transcript(round: 0x0A0B, kind: 4, canonicalBytes: [8, 1])
        var expected = Array("secagg.v1.grpc.server-message".utf8) + [0]
        expected += [UInt8](repeating: 0xAA, count: 32) + [4, 3, 2, 1]
        expected += [UInt8](repeating: 1, count: 32) + [UInt8](repeating: 2, count: 32)
        expected += [UInt8](repeating: 3, count: 32)
        expected += [0x0B, 0x0A, 0, 0, 0, 0, 0, 0] + [4, 0, 0, 0]
        expected += Blake2b.hash([8, 1], outputByteCount: 32)
        #expect(t == expected)
        // The canonical bytes of a RoundResult are its proto3 encoding (field order, defaults omitted).
        var result = Secagg_V1_RoundResult()
        result.version = 1
        result.round = 3
        #expect(try ServerMessageAuthentication.canonicalBytes(of: .roundResult(result)) == [0x08, 0x01, 0x10, 0x03])
    }
}

/// Issue 15, finding 2: plaintext only to loopback unless --insecure, checked before any connection.
@Suite struct PlaintextPolicyTests {
    @Test func loopbackAddresses() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "[::1]"] { #expect(PlaintextPolicy.isLoopback(host), "\(host)") }
        for host in ["10.255.255.1", "128.0.0.1", "example.org", "localhost.evil", "127.0.0", "::2", "1270.0.0.1"] {
            #expect(!PlaintextPolicy.isLoopback(host), "\(host)")
        }
    }

    @Test func plaintextToANonLoopbackAddressIsRefusedBeforeConnecting() async throws {
        let setup = try ClientDriverPolicyTests.Setup(clients: 3)
        let started = ContinuousClock.now
        do {
            _ = try await AggregationClient.run(
                host: "10.255.255.1", port: 1, caCertificate: nil, participant: setup.participant(1),
                sessionTimeout: .seconds(30), log: { _ in })
            Issue.record("connected")
        } catch {
            guard case .configuration(let text) = error else {
                Issue.record("not a configuration error: \(error)")
                return
            }
            #expect(text.contains("without TLS") && text.contains("--insecure"), "\(text)")
        }
        #expect(ContinuousClock.now - started < .seconds(2), "refused before any connection attempt")
        #expect(throws: Never.self) {
            try PlaintextPolicy.check(host: "10.255.255.1", port: 1, tls: false, insecure: true)
            try PlaintextPolicy.check(host: "10.255.255.1", port: 1, tls: true, insecure: false)
            try PlaintextPolicy.check(host: "127.0.0.1", port: 1, tls: false, insecure: false)
        }
    }
}
