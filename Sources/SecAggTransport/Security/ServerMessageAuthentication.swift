import Foundation
import Sodium
import SwiftProtobuf

/// End-to-end authentication of the server's messages (Docs/wire.md § 4.1).
///
/// After the handshake of ``SessionAuthentication``, every server message (Welcome, RoundStart, the broadcasts,
/// the requests, RoundResult, RoundAborted) carries `server_signature`: the server identity key's Ed25519
/// signature over ``transcript(body:)``, which binds
/// - the session: the registry file hash, the client id and both handshake nonces, so nothing signed for one
///   session verifies in another (another client's, or an earlier session of the same client);
/// - the run: the 32-byte run id the server draws fresh for each `serve` process and announces in Welcome,
///   so nothing signed in one run verifies in another even though round numbers restart;
/// - the round number and the kind of message (its field number in the `ServerMessage.body` oneof);
/// - the message: BLAKE2b-256 of the inner message's canonical protobuf encoding (``canonicalBytes(of:)``).
///
/// The client verifies with the server key of its own registry copy and refuses a message whose signature is
/// missing or does not verify (``TransportError/permissionDenied(_:)``): a party in the middle of a plaintext
/// connection cannot act as the server, and a message replayed from another session or run is refused.
public struct ServerMessageAuthentication: Sendable, Equatable {
    public static let runIDByteCount = 32
    public static let signatureByteCount = 64
    static let domain = "secagg.v1.grpc.server-message"

    /// H_file of the registry (``SessionAuthentication``).
    public let registryHash: [UInt8]
    public let client: UInt32
    public let clientNonce: [UInt8]
    public let serverNonce: [UInt8]
    public let runID: [UInt8]

    public init(registryHash: [UInt8], client: UInt32, clientNonce: [UInt8], serverNonce: [UInt8], runID: [UInt8]) {
        self.registryHash = registryHash
        self.client = client
        self.clientNonce = clientNonce
        self.serverNonce = serverNonce
        self.runID = runID
    }

    /// `"secagg.v1.grpc.server-message" ‖ 0 ‖ H_file (32) ‖ client id (u32 LE) ‖ client nonce (32) ‖
    /// server nonce (32) ‖ run id (32) ‖ round (u64 LE) ‖ kind (u32 LE) ‖ BLAKE2b-256(canonical bytes)`.
    public func transcript(round: UInt64, kind: UInt32, canonicalBytes: [UInt8]) -> [UInt8] {
        var bytes = Array(Self.domain.utf8) + [0]
        bytes.append(contentsOf: registryHash)
        withUnsafeBytes(of: client.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: clientNonce)
        bytes.append(contentsOf: serverNonce)
        bytes.append(contentsOf: runID)
        withUnsafeBytes(of: round.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: kind.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Blake2b.hash(canonicalBytes, outputByteCount: 32))
        return bytes
    }

    /// The transcript of `body` (its round, kind and canonical bytes).
    func transcript(body: Secagg_V1_ServerMessage.OneOf_Body) throws(TransportError) -> [UInt8] {
        transcript(round: body.round, kind: body.fieldNumber, canonicalBytes: try Self.canonicalBytes(of: body))
    }

    /// Signs `body` with the server identity.
    func sign(_ body: Secagg_V1_ServerMessage.OneOf_Body, with identity: Ed25519.SecretKey) throws(TransportError)
        -> [UInt8]
    {
        identity.sign(try transcript(body: body))
    }

    /// Checks `message`'s signature against `serverKey`.
    /// - Throws: ``TransportError/permissionDenied(_:)`` when it is missing or does not verify.
    func verify(_ message: Secagg_V1_ServerMessage, serverKey: Ed25519.PublicKey) throws(TransportError) {
        guard let body = message.body else { throw .malformed("empty server message") }
        guard !message.serverSignature.isEmpty else {
            throw .permissionDenied("the server's \(body.name) carries no server signature")
        }
        guard message.serverSignature.count == Self.signatureByteCount,
            serverKey.isValidSignature(Array(message.serverSignature), for: try transcript(body: body))
        else {
            throw .permissionDenied(
                "the server signature on \(body.name) (round \(body.round)) does not verify against the registry's "
                    + "server key for this session and run")
        }
    }

    /// The inner message's canonical protobuf encoding: fields in ascending field number, default values
    /// (0, empty, false) omitted, repeated scalars packed, varints minimal, unknown fields (if any) last — what
    /// swift-protobuf's binary encoder produces. The verifier re-encodes the message it parsed.
    static func canonicalBytes(of body: Secagg_V1_ServerMessage.OneOf_Body) throws(TransportError) -> [UInt8] {
        do {
            switch body {
            case .challenge(let m): return try m.serializedBytes()
            case .welcome(let m): return try m.serializedBytes()
            case .roundStart(let m): return try m.serializedBytes()
            case .keyBroadcast(let m): return try m.serializedBytes()
            case .shareBroadcast(let m): return try m.serializedBytes()
            case .consistencyRequest(let m): return try m.serializedBytes()
            case .unmaskingRequest(let m): return try m.serializedBytes()
            case .roundResult(let m): return try m.serializedBytes()
            case .roundAborted(let m): return try m.serializedBytes()
            }
        } catch { throw .malformed("\(body.name) cannot be encoded: \(error)") }
    }
}

extension Secagg_V1_ServerMessage.OneOf_Body {
    /// The field number of this case in `ServerMessage.body` (the signed message kind).
    var fieldNumber: UInt32 {
        switch self {
        case .challenge: return 2
        case .welcome: return 3
        case .roundStart: return 4
        case .keyBroadcast: return 5
        case .shareBroadcast: return 6
        case .consistencyRequest: return 7
        case .unmaskingRequest: return 8
        case .roundResult: return 9
        case .roundAborted: return 10
        }
    }

    /// The round the message belongs to (0 for the session messages Challenge and Welcome).
    var round: UInt64 {
        switch self {
        case .challenge, .welcome: return 0
        case .roundStart(let m): return m.round
        case .keyBroadcast(let m): return m.round
        case .shareBroadcast(let m): return m.round
        case .consistencyRequest(let m): return m.round
        case .unmaskingRequest(let m): return m.round
        case .roundResult(let m): return m.round
        case .roundAborted(let m): return m.round
        }
    }
}
