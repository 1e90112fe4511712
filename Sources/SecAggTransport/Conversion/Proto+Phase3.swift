import Foundation
import SecureAgg
import Sodium

// Phases 3 and 4 (ConsistencyCheck, Unmasking) ↔ proto.

extension ConsistencyRequest {
    init(proto m: Secagg_V1_ConsistencyRequestMessage, maxClients: Int) throws(TransportError) {
        self.init(
            version: try ProtoFields.version(
                m.version, current: ConsistencyRequest.currentVersion, what: "ConsistencyRequest"),
            round: m.round, receiver: m.receiver,
            survivors: try ProtoFields.sortedIDs(m.survivors, atMost: maxClients, what: "survivors"))
    }

    var proto: Secagg_V1_ConsistencyRequestMessage {
        var m = Secagg_V1_ConsistencyRequestMessage()
        m.version = UInt32(version)
        m.round = round
        m.receiver = receiver
        m.survivors = survivors
        return m
    }
}

extension ConsistencyCheck {
    init(proto m: Secagg_V1_ConsistencyCheckMessage) throws(TransportError) {
        self.init(
            version: try ProtoFields.version(
                m.version, current: ConsistencyCheck.currentVersion, what: "ConsistencyCheck"),
            round: m.round, sender: m.sender,
            signature: try ProtoFields.bytes(Array(m.signature), count: Ed25519.signatureByteCount, what: "signature"))
    }

    var proto: Secagg_V1_ConsistencyCheckMessage {
        var m = Secagg_V1_ConsistencyCheckMessage()
        m.version = UInt32(version)
        m.round = round
        m.sender = sender
        m.signature = Data(signature)
        return m
    }
}

extension UnmaskingRequest {
    init(proto m: Secagg_V1_UnmaskingRequestMessage, maxClients: Int) throws(TransportError) {
        try ProtoFields.count(m.signatures.count, atMost: maxClients, what: "signatures")
        var signatures: [SurvivorSignature] = []
        for s in m.signatures {
            signatures.append(
                SurvivorSignature(
                    signer: s.signer,
                    signature: try ProtoFields.bytes(
                        Array(s.signature), count: Ed25519.signatureByteCount, what: "survivor signature")))
        }
        self.init(
            version: try ProtoFields.version(
                m.version, current: UnmaskingRequest.currentVersion, what: "UnmaskingRequest"),
            round: m.round, receiver: m.receiver,
            survivors: try ProtoFields.sortedIDs(m.survivors, atMost: maxClients, what: "survivors"),
            dropped: try ProtoFields.sortedIDs(m.dropped, atMost: maxClients, what: "dropped"),
            signatures: signatures)
    }

    var proto: Secagg_V1_UnmaskingRequestMessage {
        var m = Secagg_V1_UnmaskingRequestMessage()
        m.version = UInt32(version)
        m.round = round
        m.receiver = receiver
        m.survivors = survivors
        m.dropped = dropped
        m.signatures = signatures.map { s in
            var p = Secagg_V1_SurvivorSignature()
            p.signer = s.signer
            p.signature = Data(s.signature)
            return p
        }
        return m
    }
}

extension UnmaskingResponse {
    /// Largest serialized Shamir share accepted (a 32-byte secret needs 5 chunks of 8 bytes plus a header).
    static let maxShareBytes = 256

    init(proto m: Secagg_V1_UnmaskingResponseMessage, maxClients: Int) throws(TransportError) {
        try ProtoFields.count(m.shares.count, atMost: maxClients, what: "revealed shares")
        var shares: [RevealedShare] = []
        for s in m.shares {
            guard s.kind <= UInt32(UInt8.max), let kind = ShareKind(rawValue: UInt8(s.kind)) else {
                throw .malformed("share kind \(s.kind)")
            }
            guard s.share.count <= Self.maxShareBytes else { throw .limitExceeded("share of \(s.share.count) bytes") }
            let secret = SecureBytes(copying: s.share)
            let share: ShamirShare
            do { share = try ShamirShare(serialized: secret) } catch { throw .malformed("Shamir share: \(error)") }
            shares.append(RevealedShare(owner: s.owner, kind: kind, share: share))
        }
        self.init(
            version: try ProtoFields.version(
                m.version, current: UnmaskingResponse.currentVersion, what: "UnmaskingResponse"),
            round: m.round, sender: m.sender, shares: shares)
    }

    var proto: Secagg_V1_UnmaskingResponseMessage {
        var m = Secagg_V1_UnmaskingResponseMessage()
        m.version = UInt32(version)
        m.round = round
        m.sender = sender
        m.shares = shares.map { s in
            var p = Secagg_V1_RevealedShare()
            p.owner = s.owner
            p.kind = UInt32(s.kind.rawValue)
            p.share = s.share.serialized().withUnsafeBytes { Data($0) }
            return p
        }
        return m
    }
}
