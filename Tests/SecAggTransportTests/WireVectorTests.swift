import Foundation
import SecAggTestSupport
import Sodium
import Testing

@testable import SecAggTransport

/// Docs/wire.md § 4: the authentication transcripts and signatures, from the vector written by
/// Scripts/generate-wire-vectors.py (an independent Python implementation of the document). The file lives with
/// the other wire vectors in Tests/SecureAggTests/Resources/Vectors and is read from the source tree.
@Suite("Wire vectors (session authentication)")
struct WireVectorTests {
    @Test("Server and client transcripts over H_file, and their Ed25519 signatures")
    func transcripts() throws {
        let v = try WireVectors.load("registry_hashes", as: RegistryHashVectors.self)
        let a = v.auth
        let hash = try WireVectors.bytes(v.registry_file_hash)
        let clientNonce = try WireVectors.bytes(a.client_nonce)
        let serverNonce = try WireVectors.bytes(a.server_nonce)
        let server = SessionAuthentication.serverTranscript(
            registryHash: hash, client: a.client, clientNonce: clientNonce, serverNonce: serverNonce, channel: .plaintext)
        let client = SessionAuthentication.clientTranscript(
            registryHash: hash, client: a.client, clientNonce: clientNonce, serverNonce: serverNonce, channel: .plaintext)
        #expect(Hex.encode(server) == a.server_transcript)
        #expect(Hex.encode(client) == a.client_transcript)
        let serverKey = try Ed25519.SecretKey(seed: SecureBytes(copying: WireVectors.bytes(v.server_seed)))
        let clientKey = try Ed25519.SecretKey(seed: SecureBytes(copying: WireVectors.bytes(a.client_seed)))
        #expect(Hex.encode(serverKey.sign(server)) == a.server_signature)
        #expect(Hex.encode(clientKey.sign(client)) == a.client_signature)
    }

    @Test("Over TLS (§ 4.2): the certificate hash of a PEM file, the transcripts ending with it, their signatures")
    func transcriptsOverTLS() throws {
        let v = try WireVectors.load("registry_hashes", as: RegistryHashVectors.self)
        let a = v.auth
        let t = v.auth_tls
        // The server reads the binding from its --tls-cert as the transport reads the chain.
        let channel = try TLSFiles.servedChannel(certificatePEM: Array(t.certificate_pem.utf8), path: "vector")
        #expect(channel == .tlsCertificate(hash: try WireVectors.bytes(t.tls_certificate_hash)))
        #expect(ChannelBinding(certificateDER: try WireVectors.bytes(t.certificate_der)) == channel)
        #expect(Hex.encode(channel.wireField) == t.tls_certificate_hash)
        let hash = try WireVectors.bytes(v.registry_file_hash)
        let clientNonce = try WireVectors.bytes(a.client_nonce)
        let serverNonce = try WireVectors.bytes(a.server_nonce)
        let server = SessionAuthentication.serverTranscript(
            registryHash: hash, client: a.client, clientNonce: clientNonce, serverNonce: serverNonce, channel: channel)
        let client = SessionAuthentication.clientTranscript(
            registryHash: hash, client: a.client, clientNonce: clientNonce, serverNonce: serverNonce, channel: channel)
        #expect(Hex.encode(server) == t.server_transcript)
        #expect(Hex.encode(client) == t.client_transcript)
        let serverKey = try Ed25519.SecretKey(seed: SecureBytes(copying: WireVectors.bytes(v.server_seed)))
        let clientKey = try Ed25519.SecretKey(seed: SecureBytes(copying: WireVectors.bytes(a.client_seed)))
        #expect(Hex.encode(serverKey.sign(server)) == t.server_signature)
        #expect(Hex.encode(clientKey.sign(client)) == t.client_signature)
    }

    @Test("Server message signatures (§ 4.1): canonical encodings, transcripts, signatures")
    func serverMessages() throws {
        let v = try WireVectors.load("registry_hashes", as: RegistryHashVectors.self)
        let a = v.auth
        let runID = try WireVectors.bytes(v.server_messages.run_id)
        let signing = ServerMessageAuthentication(
            registryHash: try WireVectors.bytes(v.registry_file_hash), client: a.client,
            clientNonce: try WireVectors.bytes(a.client_nonce), serverNonce: try WireVectors.bytes(a.server_nonce), runID: runID)
        var welcome = Secagg_V1_Welcome()
        welcome.version = 2
        welcome.rounds = 3
        welcome.expectedClients = 5
        welcome.maxMessageBytes = 4 << 20
        welcome.runID = Data(runID)
        var result = Secagg_V1_RoundResult()
        result.version = 1
        result.round = 300
        result.survivors = [1, 2, 4]
        result.lastRound = true
        result.outputHash = v.server_messages.output_hash
        let bodies: [String: Secagg_V1_ServerMessage.OneOf_Body] = [
            "welcome": .welcome(welcome), "round_result": .roundResult(result),
        ]
        let serverKey = try Ed25519.SecretKey(seed: SecureBytes(copying: WireVectors.bytes(v.server_seed)))
        #expect(v.server_messages.messages.count == 2)
        for m in v.server_messages.messages {
            let body = try #require(bodies[m.message])
            #expect(body.fieldNumber == m.kind && body.round == m.round, "\(m.message)")
            #expect(Hex.encode(try ServerMessageAuthentication.canonicalBytes(of: body)) == m.canonical_bytes)
            #expect(Hex.encode(try signing.transcript(body: body)) == m.transcript, "\(m.message)")
            #expect(Hex.encode(try signing.sign(body, with: serverKey)) == m.signature, "\(m.message)")
            var envelope = Secagg_V1_ServerMessage()
            envelope.protocolVersion = WireProtocol.version
            envelope.body = body
            envelope.serverSignature = Data(try WireVectors.bytes(m.signature))
            try signing.verify(envelope, serverKey: serverKey.publicKey)
        }
    }
}
