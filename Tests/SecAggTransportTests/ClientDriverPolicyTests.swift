import DPNoise
import FedCore
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import SecAggTransport

/// The client state machine facing a hostile server, without processes (issue 12): every RoundStart is checked
/// against the client's security floor and its privacy policy before any key leaves it.
@Suite struct ClientDriverPolicyTests {
    /// An in-memory registry (server + n clients) and a participant, driven up to "between rounds".
    struct Setup {
        let server: Ed25519.SecretKey
        let clients: [Ed25519.SecretKey]
        let registry: Registry
        let layoutHash = String(repeating: "ab", count: 32)
        let dimension = 64
        /// The session every joined driver of this setup has (fixed nonces) and the run it is in.
        let clientNonce = [UInt8](repeating: 1, count: 32)
        let serverNonce = [UInt8](repeating: 2, count: 32)
        let runID = [UInt8](repeating: 4, count: 32)

        init(clients n: Int) throws {
            var rng = ChaChaRandom.seeded(42)
            server = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
            clients = try (0..<n).map { _ in try Ed25519.SecretKey(seed: rng.secureBytes(count: 32)) }
            registry = try Registry(
                serverPublicKey: server.publicKey,
                clients: clients.enumerated().map { Registry.Client(id: UInt32($0.offset + 1), signPublicKey: $0.element.publicKey) })
        }

        func participant(_ id: UInt32, policy: ClientPolicy = ClientPolicy(), ledger: ClientLedger? = nil) -> ClientParticipant {
            ClientParticipant(
                identity: clients[Int(id) - 1], id: id, registry: registry,
                update: .double([Double](repeating: 0.01, count: dimension)), layoutHash: layoutHash,
                policy: policy, ledger: ledger)
        }

        /// The signing context of client `id`'s session with this setup's server (Docs/wire.md § 4.1); other
        /// nonces or another run id describe another session or run.
        func signing(
            client id: UInt32 = 1, serverNonce: [UInt8]? = nil, runID: [UInt8]? = nil
        ) -> ServerMessageAuthentication {
            ServerMessageAuthentication(
                registryHash: registry.registryHashBytes, client: id, clientNonce: clientNonce,
                serverNonce: serverNonce ?? self.serverNonce, runID: runID ?? self.runID)
        }

        /// `body` in an envelope signed by `key` (default: the server) for `signing` (default: client 1's
        /// session in this run).
        func signed(
            _ body: Secagg_V1_ServerMessage.OneOf_Body, signing: ServerMessageAuthentication? = nil,
            key: Ed25519.SecretKey? = nil
        ) throws -> Secagg_V1_ServerMessage {
            var m = Self.envelope(body)
            m.serverSignature = Data(try (signing ?? self.signing()).sign(body, with: key ?? server))
            return m
        }

        /// A driver that has answered the challenge and been welcomed.
        func joinedDriver(_ participant: ClientParticipant) throws -> ClientDriver {
            var driver = try ClientDriver(participant: participant, clientNonce: clientNonce)
            var challenge = Secagg_V1_Challenge()
            challenge.version = 2
            challenge.serverNonce = Data(serverNonce)
            challenge.serverSignature = Data(
                server.sign(
                    SessionAuthentication.serverTranscript(
                        registryHash: registry.registryHashBytes, client: participant.id, clientNonce: clientNonce,
                        serverNonce: serverNonce, channel: .plaintext)))
            _ = try driver.handle(Self.envelope(.challenge(challenge)))
            _ = try driver.handle(try signed(.welcome(welcome()), signing: signing(client: participant.id)))
            return driver
        }

        /// This setup's Welcome (version 2, its run id).
        func welcome() -> Secagg_V1_Welcome {
            var welcome = Secagg_V1_Welcome()
            welcome.version = 2
            welcome.runID = Data(runID)
            return welcome
        }

        static func envelope(_ body: Secagg_V1_ServerMessage.OneOf_Body) -> Secagg_V1_ServerMessage {
            var m = Secagg_V1_ServerMessage()
            m.protocolVersion = WireProtocol.version
            m.body = body
            return m
        }

        /// A RoundStart with the given graph and noise (nil: none), for the whole registry as cohort, signed by
        /// the server for client 1's session in this run.
        func roundStart(
            round: UInt64 = 1, degree: Int, threshold: Int, minSurvivors: Int, noiseMultiplier z: Double?
        ) throws -> Secagg_V1_ServerMessage {
            try signed(
                .roundStart(
                    announcedRound(
                        round: round, degree: degree, threshold: threshold, minSurvivors: minSurvivors,
                        noiseMultiplier: z)))
        }

        /// The unsigned RoundStart of ``roundStart(round:degree:threshold:minSurvivors:noiseMultiplier:)``.
        func announcedRound(
            round: UInt64 = 1, degree: Int, threshold: Int, minSurvivors: Int, noiseMultiplier z: Double?
        ) throws -> Secagg_V1_RoundStart {
            let n = clients.count
            let cohort = (1...n).map { UInt32($0) }
            var keys = [UInt32: Ed25519.PublicKey]()
            for (i, c) in clients.enumerated() { keys[UInt32(i + 1)] = c.publicKey }
            let encoding: EncodingParameters
            if let z {
                let c = try DistributedDPConfiguration(
                    mechanism: .ddgauss, l2Clip: 1, dimension: dimension, minimumSurvivors: minSurvivors,
                    maximumSummands: n, noiseMultiplier: z, bits: 20)
                let v = c.localScaledVariance
                encoding = EncodingParameters(
                    dimension: dimension, blockSize: dimension, l2Clip: 1, scale: c.scale, bits: 20, beta: c.beta,
                    roundSeed: [UInt8](repeating: 3, count: 32),
                    noise: .discreteGaussian(varianceNumerator: v.numerator, varianceDenominator: v.denominator))
            } else {
                encoding = EncodingParameters(
                    dimension: dimension, blockSize: dimension, l2Clip: 1, scale: 1000, bits: 20,
                    roundSeed: [UInt8](repeating: 3, count: 32), noise: .none)
            }
            let announced = AnnouncedRound(
                round: round, totalRounds: 5, cohort: cohort, degree: degree, threshold: threshold, bits: 20,
                vectorLength: encoding.paddedDimension, registryHash: RoundConfiguration.registryHash(of: keys),
                layoutHash: layoutHash, encoding: encoding, minSurvivors: minSurvivors, phaseTimeoutMillis: 1000)
            return announced.proto
        }
    }

    static func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as TransportError {
            if case .refused(let text) = error { return text }
            return "not a refusal: \(error)"
        } catch { return "unexpected \(error)" }
    }

    /// The review's hostile RoundStarts (n = 3, k = 2, t = 1 and n = 5, k = 4, t = 2) and every other
    /// sub-floor threshold are refused before an advertisement exists.
    @Test(arguments: [(3, 2, 1), (5, 4, 2), (5, 4, 1), (6, 5, 2), (8, 4, 2)])
    func thresholdBelowTheFloorIsRefused(n: Int, k: Int, t: Int) throws {
        let setup = try Setup(clients: n)
        var driver = try setup.joinedDriver(setup.participant(1))
        let text = Self.refusal {
            _ = try driver.handle(try setup.roundStart(degree: k, threshold: t, minSurvivors: n, noiseMultiplier: 1))
        }
        #expect(text?.contains("security floor") == true, "\(text ?? "accepted")")
        #expect(text?.contains("t = \(t)") == true)
    }

    /// The same round at the floor is taken: the client answers with its advertisement.
    @Test func roundAtTheFloorIsTaken() throws {
        let setup = try Setup(clients: 5)
        var driver = try setup.joinedDriver(setup.participant(1))
        let out = try driver.handle(try setup.roundStart(degree: 4, threshold: 3, minSurvivors: 4, noiseMultiplier: 1))
        guard case .advertiseKeys? = out.first?.body else { Issue.record("no advertisement"); return }
    }

    @Test func colludersAssumedByTheClientRaiseTheFloor() throws {
        let setup = try Setup(clients: 7)
        var policy = ClientPolicy()
        policy.colluders = 2
        var driver = try setup.joinedDriver(setup.participant(1, policy: policy))
        // k = 6, t = 4 passes with c = 0 but not with c = 2 (needs ⌊8/2⌋ + 1 = 5).
        let text = Self.refusal {
            _ = try driver.handle(try setup.roundStart(degree: 6, threshold: 4, minSurvivors: 6, noiseMultiplier: 1))
        }
        #expect(text?.contains("security floor 5") == true, "\(text ?? "accepted")")
    }

    @Test func roundWithoutNoiseIsRefusedByDefault() throws {
        let setup = try Setup(clients: 5)
        var driver = try setup.joinedDriver(setup.participant(1))
        let text = Self.refusal {
            _ = try driver.handle(try setup.roundStart(degree: 4, threshold: 3, minSurvivors: 4, noiseMultiplier: nil))
        }
        #expect(text?.contains("adds no noise") == true && text?.contains("--allow-no-dp") == true, "\(text ?? "accepted")")
        var policy = ClientPolicy()
        policy.allowNoDP = true
        var allowing = try setup.joinedDriver(setup.participant(1, policy: policy))
        _ = try allowing.handle(try setup.roundStart(degree: 4, threshold: 3, minSurvivors: 4, noiseMultiplier: nil))
    }

    @Test func tooFewMinSurvivorsIsRefused() throws {
        let setup = try Setup(clients: 8)
        var policy = ClientPolicy()
        policy.minSurvivors = 7
        var driver = try setup.joinedDriver(setup.participant(1, policy: policy))
        let text = Self.refusal {
            _ = try driver.handle(try setup.roundStart(degree: 7, threshold: 4, minSurvivors: 5, noiseMultiplier: 1))
        }
        #expect(text?.contains("min_survivors 5") == true && text?.contains("at least 7") == true, "\(text ?? "accepted")")
    }

    /// ε above --max-epsilon is refused; a client ledger carries the spend into the next run, whose round that
    /// would cross the limit is refused (and nothing new is recorded).
    @Test func epsilonLimitHoldsAcrossRunsThroughTheLedger() throws {
        let setup = try Setup(clients: 5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = ClientLedger(path: dir.appendingPathComponent("client.ledger").path)
        let start = try setup.roundStart(degree: 4, threshold: 3, minSurvivors: 4, noiseMultiplier: 2)
        guard case .roundStart(let proto)? = start.body else { return }
        let announced = try AnnouncedRound(proto: proto, maxClients: 5)
        let one = try AnnouncedRoundPrivacy(encoding: announced.encoding, minimumSurvivors: 4, colluders: 0)
        let twoRounds = try AnnouncedRoundPrivacy.epsilon(composing: [one, one], delta: 1e-5).epsilon
        let threeRounds = try AnnouncedRoundPrivacy.epsilon(composing: [one, one, one], delta: 1e-5).epsilon
        var policy = ClientPolicy()
        policy.maxEpsilon = (twoRounds + threeRounds) / 2  // two rounds fit, a third does not
        // Run 1 takes one round; run 2 takes one more, then refuses the third.
        var run1 = try setup.joinedDriver(setup.participant(1, policy: policy, ledger: ledger))
        _ = try run1.handle(start)
        var run2 = try setup.joinedDriver(setup.participant(1, policy: policy, ledger: ledger))
        _ = try run2.handle(try setup.roundStart(round: 1, degree: 4, threshold: 3, minSurvivors: 4, noiseMultiplier: 2))
        var run3 = try setup.joinedDriver(setup.participant(1, policy: policy, ledger: ledger))
        let text = Self.refusal { _ = try run3.handle(start) }
        #expect(text?.contains("--max-epsilon") == true, "\(text ?? "accepted")")
        #expect(try ledger.records().count == 2)
        // Without the ledger the same third run would have been taken: the ledger is what refused it.
        var fresh = try setup.joinedDriver(setup.participant(1, policy: policy))
        _ = try fresh.handle(start)
        // A limit below one round refuses at once.
        var strict = ClientPolicy()
        strict.maxEpsilon = try AnnouncedRoundPrivacy.epsilon(composing: [one], delta: 1e-5).epsilon / 2
        var refusing = try setup.joinedDriver(setup.participant(1, policy: strict))
        #expect(Self.refusal { _ = try refusing.handle(start) }?.contains("would raise this client's ε") == true)
    }
}
