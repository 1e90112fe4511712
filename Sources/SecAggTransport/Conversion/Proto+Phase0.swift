import Foundation
import SecureAgg
import Sodium

// Phase 0 (AdvertiseKeys / KeyBroadcast) ↔ proto. Lengths and versions are checked here; round, sender and
// signatures are checked by the SecureAgg state machines and the session drivers.

extension AdvertiseKeys {
    init(proto m: Secagg_V1_AdvertiseKeysMessage) throws(TransportError) {
        self.init(
            version: try ProtoFields.version(m.version, current: AdvertiseKeys.currentVersion, what: "AdvertiseKeys"),
            round: m.round, sender: m.sender,
            encryptionKey: try ProtoFields.x25519(Array(m.encryptionKey), what: "encryption_key"),
            maskingKey: try ProtoFields.x25519(Array(m.maskingKey), what: "masking_key"),
            selfSeedCommitment: try ProtoFields.bytes(Array(m.selfSeedCommitment), count: 32, what: "commitment"),
            signature: try ProtoFields.bytes(
                Array(m.signature), count: Ed25519.signatureByteCount, what: "signature"))
    }

    var proto: Secagg_V1_AdvertiseKeysMessage {
        var m = Secagg_V1_AdvertiseKeysMessage()
        m.version = UInt32(version)
        m.round = round
        m.sender = sender
        m.encryptionKey = Data(encryptionKey.bytes)
        m.maskingKey = Data(maskingKey.bytes)
        m.selfSeedCommitment = Data(selfSeedCommitment)
        m.signature = Data(signature)
        return m
    }
}

extension KeyBroadcast {
    /// - Parameter maxClients: the cohort size (no broadcast may list more advertisements).
    init(proto m: Secagg_V1_KeyBroadcastMessage, maxClients: Int) throws(TransportError) {
        try ProtoFields.count(m.advertisements.count, atMost: maxClients, what: "advertisements")
        var ads: [AdvertiseKeys] = []
        ads.reserveCapacity(m.advertisements.count)
        for ad in m.advertisements { ads.append(try AdvertiseKeys(proto: ad)) }
        self.init(
            version: try ProtoFields.version(m.version, current: KeyBroadcast.currentVersion, what: "KeyBroadcast"),
            round: m.round, receiver: m.receiver, advertisements: ads,
            sessionID: try ProtoFields.bytes(Array(m.sessionID), count: 32, what: "session_id"))
    }

    var proto: Secagg_V1_KeyBroadcastMessage {
        var m = Secagg_V1_KeyBroadcastMessage()
        m.version = UInt32(version)
        m.round = round
        m.receiver = receiver
        m.advertisements = advertisements.map(\.proto)
        m.sessionID = Data(sessionID)
        return m
    }
}
