import FedCore
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Sodium
import Testing

@testable import SecAggTransport

/// The client over real TLS (loopback, in-process server, certificates from Scripts/dev-certs.sh and openssl):
/// the certificate the connection presented is the one the handshake binds (Docs/wire.md § 4.2), and the chain
/// and name checks that the client's own verification callback takes over from BoringSSL still refuse what they
/// refused before.
@Suite(.timeLimit(.minutes(2)))
struct TLSChannelBindingTests {
    /// A server holding the registry's server key that presents one certificate and signs `signs` in its
    /// Challenge: with `signs` = the presented certificate it is an honest server (Welcome, then a last round the
    /// client sat out); with another certificate it is what a client sees through a relay holding a certificate
    /// its CA accepts.
    struct BindingService: Secagg_V1_Aggregation.SimpleServiceProtocol {
        let server: Ed25519.SecretKey
        let registry: Registry
        let signs: ChannelBinding

        func session(
            request: RPCAsyncSequence<Secagg_V1_ClientMessage, any Error>,
            response: RPCWriter<Secagg_V1_ServerMessage>, context: ServerContext
        ) async throws {
            var incoming = request.makeAsyncIterator()
            guard case .hello(let hello)? = try await incoming.next()?.body else {
                throw RPCError(code: .failedPrecondition, message: "expected Hello")
            }
            var random = SystemRandom()
            let serverNonce = random.bytes(count: 32)
            let clientNonce = Array(hello.clientNonce)
            var challenge = Secagg_V1_Challenge()
            challenge.version = 2
            challenge.serverNonce = Data(serverNonce)
            challenge.tlsCertificateHash = Data(signs.wireField)
            challenge.serverSignature = Data(
                server.sign(
                    SessionAuthentication.serverTranscript(
                        registryHash: registry.registryHashBytes, client: hello.clientID, clientNonce: clientNonce,
                        serverNonce: serverNonce, channel: signs)))
            try await response.write(Self.envelope(.challenge(challenge), signing: nil, key: server))
            guard case .authenticate(let auth)? = try await incoming.next()?.body else { return }
            let clientKey = try #require(registry.publicKey(for: hello.clientID))
            let transcript = SessionAuthentication.clientTranscript(
                registryHash: registry.registryHashBytes, client: hello.clientID, clientNonce: clientNonce,
                serverNonce: serverNonce, channel: signs)
            guard clientKey.isValidSignature(Array(auth.signature), for: transcript) else {
                throw RPCError(code: .permissionDenied, message: "the client signed another channel")
            }
            let runID = random.bytes(count: 32)
            let signing = ServerMessageAuthentication(
                registryHash: registry.registryHashBytes, client: hello.clientID, clientNonce: clientNonce,
                serverNonce: serverNonce, runID: runID)
            var welcome = Secagg_V1_Welcome()
            welcome.version = 2
            welcome.runID = Data(runID)
            try await response.write(Self.envelope(.welcome(welcome), signing: signing, key: server))
            var result = Secagg_V1_RoundResult()
            result.version = 1
            result.round = 1
            result.survivors = [2, 3]
            result.lastRound = true
            try await response.write(Self.envelope(.roundResult(result), signing: signing, key: server))
            while try await incoming.next() != nil {}
        }

        static func envelope(
            _ body: Secagg_V1_ServerMessage.OneOf_Body, signing: ServerMessageAuthentication?, key: Ed25519.SecretKey
        ) throws -> Secagg_V1_ServerMessage {
            var m = Secagg_V1_ServerMessage()
            m.protocolVersion = WireProtocol.version
            m.body = body
            if let signing { m.serverSignature = Data(try signing.sign(body, with: key)) }
            return m
        }
    }

    /// A scratch directory with a dev CA and its server certificate (`ca.pem`, `server.pem`, `server.key`), a
    /// second dev CA's (`other/…`), and leaves of the first CA for another name only (`elsewhere.*`) and for
    /// client authentication only (`client-only.*`).
    struct Certificates {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("secagg-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Scripts/dev-certs.sh").path
            try Self.run("/bin/bash", [script, directory.path])
            try Self.run("/bin/bash", [script, directory.appendingPathComponent("other").path])
            try leaf("elsewhere", extensions: "subjectAltName=DNS:elsewhere.example\nextendedKeyUsage=serverAuth\n")
            try leaf("client-only", extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=clientAuth\n")
        }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        /// A P-256 leaf `name.pem` / `name.key` signed by `ca.pem` with these X.509 v3 extensions.
        func leaf(_ name: String, extensions: String) throws {
            let ext = path("\(name).ext")
            try extensions.write(toFile: ext, atomically: true, encoding: .utf8)
            try Self.run(
                "/usr/bin/env",
                [
                    "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                    "/CN=\(name)", "-keyout", path("\(name).key"), "-out", path("\(name).csr"),
                ])
            try Self.run(
                "/usr/bin/env",
                [
                    "openssl", "x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                    "-CAcreateserial", "-days", "30", "-out", path("\(name).pem"), "-extfile", ext,
                ])
        }

        /// The channel binding of a certificate file, as `serve` computes it.
        func channel(_ name: String) throws -> ChannelBinding {
            try TLSFiles.servedChannel(certificatePEM: Array(try Data(contentsOf: directory.appendingPathComponent(name))), path: name)
        }

        static func run(_ executable: String, _ arguments: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = arguments
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            try #require(p.terminationStatus == 0, "\(arguments.prefix(3)) failed (is openssl installed?)")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// Runs client 1 over TLS (trusting `ca`) against a server presenting `presented` and signing `signs`. The
    /// handshake gets `joinTimeout` (the client's handshake deadline is the smaller of its join and idle timeouts):
    /// generous by default, since the tests run in parallel on a loaded machine; short only where a refusal is
    /// retried until it runs out.
    func run(
        _ certs: Certificates, presents presented: String, key: String, signs: ChannelBinding, ca: String = "ca.pem",
        host: String = "127.0.0.1", joinTimeout: Duration = .seconds(30)
    ) async throws -> Result<AggregationClient.Outcome, TransportError> {
        let setup = try ClientDriverPolicyTests.Setup(clients: 3)
        let (security, _) = try TLSFiles.serverSecurity(certificate: certs.path(presented), key: certs.path(key))
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: security, config: .defaults)
        let server = GRPCServer(
            transport: transport, services: [BindingService(server: setup.server, registry: setup.registry, signs: signs)])
        let serving = Task { try await server.serve() }
        defer {
            server.beginGracefulShutdown()
            serving.cancel()
        }
        let port = try #require(try await transport.listeningAddress.ipv4?.port)
        do {
            return .success(
                try await AggregationClient.run(
                    host: host, port: port, caCertificate: certs.path(ca), participant: setup.participant(1),
                    sessionTimeout: .seconds(60), joinTimeout: joinTimeout, idleTimeout: .seconds(60), log: { _ in }))
        } catch { return .failure(error) }
    }

    @Test func theCertificateTheServerPresentsAndSignsIsAccepted() async throws {
        let certs = try Certificates()
        defer { certs.remove() }
        let result = try await run(certs, presents: "server.pem", key: "server.key", signs: try certs.channel("server.pem"))
        let outcome = try result.get()
        #expect(outcome.rounds.map(\.round) == [1], "the client was welcomed and saw the last round's result")
    }

    /// The server signs another certificate than the one this connection presented (what a relay holding a
    /// certificate of the same CA produces): refused with the typed error, not retried.
    @Test func aCertificateOtherThanTheSignedOneIsRefused() async throws {
        let certs = try Certificates()
        defer { certs.remove() }
        let signed = try certs.channel("other/server.pem")
        let presented = try certs.channel("server.pem")
        #expect(signed != presented)
        let result = try await run(certs, presents: "server.pem", key: "server.key", signs: signed)
        guard case .failure(let error) = result else {
            Issue.record("the client accepted a session bound to another certificate")
            return
        }
        #expect(error == .channelMismatch(signed: signed, observed: presented), "\(error)")
    }

    @Test func aServerSigningNoTLSOverTLSIsRefused() async throws {
        let certs = try Certificates()
        defer { certs.remove() }
        let result = try await run(certs, presents: "server.pem", key: "server.key", signs: .plaintext)
        guard case .failure(let error) = result else {
            Issue.record("accepted")
            return
        }
        #expect(error == .channelMismatch(signed: .plaintext, observed: try certs.channel("server.pem")), "\(error)")
    }

    /// The client's verification callback replaces BoringSSL's chain check: a chain of another CA, a leaf for
    /// another name, and a leaf only for client authentication are still refused at the TLS level.
    @Test func theChainAndNameChecksStillRefuse() async throws {
        let certs = try Certificates()
        defer { certs.remove() }
        for (presented, key) in [
            ("other/server.pem", "other/server.key"), ("elsewhere.pem", "elsewhere.key"),
            ("client-only.pem", "client-only.key"),
        ] {
            // Refused at the TLS level and retried until --join-timeout: 2 s keeps the test short.
            let result = try await run(
                certs, presents: presented, key: key, signs: try certs.channel(presented), joinTimeout: .seconds(2))
            guard case .failure(let error) = result else {
                Issue.record("\(presented) was accepted")
                continue
            }
            // Retried until --join-timeout, then reported as a TLS failure (never as a channel mismatch).
            guard case .remote(let text) = error else {
                Issue.record("\(presented): \(error)")
                continue
            }
            #expect(text.contains("gave up after"), "\(presented): \(text)")
            #expect(
                text.contains("does not verify against --tls-ca") || text.contains("Hostname")
                    || text.contains("hostname"), "\(presented): \(text)")
        }
    }
}
