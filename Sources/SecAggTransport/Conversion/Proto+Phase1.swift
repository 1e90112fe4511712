import Foundation
import SecureAgg

// Phase 1 (ShareKeys / ShareBroadcast) ↔ proto.

extension EncryptedShare {
    /// Largest sealed share pair accepted (the real size is ~ 2 · 5 chunks · 8 bytes + headers + 40 bytes).
    static let maxCiphertextBytes = 1024

    init(proto m: Secagg_V1_EncryptedShare) throws(TransportError) {
        guard m.ciphertext.count <= Self.maxCiphertextBytes else {
            throw .limitExceeded("share ciphertext of \(m.ciphertext.count) bytes")
        }
        self.init(sender: m.sender, receiver: m.receiver, ciphertext: Array(m.ciphertext))
    }

    var proto: Secagg_V1_EncryptedShare {
        var m = Secagg_V1_EncryptedShare()
        m.sender = sender
        m.receiver = receiver
        m.ciphertext = Data(ciphertext)
        return m
    }
}

extension ShareKeys {
    init(proto m: Secagg_V1_ShareKeysMessage, maxClients: Int) throws(TransportError) {
        try ProtoFields.count(m.shares.count, atMost: maxClients, what: "shares")
        var shares: [EncryptedShare] = []
        for s in m.shares { shares.append(try EncryptedShare(proto: s)) }
        self.init(
            version: try ProtoFields.version(m.version, current: ShareKeys.currentVersion, what: "ShareKeys"),
            round: m.round, sender: m.sender, shares: shares)
    }

    var proto: Secagg_V1_ShareKeysMessage {
        var m = Secagg_V1_ShareKeysMessage()
        m.version = UInt32(version)
        m.round = round
        m.sender = sender
        m.shares = shares.map(\.proto)
        return m
    }
}

extension ShareBroadcast {
    init(proto m: Secagg_V1_ShareBroadcastMessage, maxClients: Int) throws(TransportError) {
        try ProtoFields.count(m.shares.count, atMost: maxClients, what: "shares")
        var shares: [EncryptedShare] = []
        for s in m.shares { shares.append(try EncryptedShare(proto: s)) }
        self.init(
            version: try ProtoFields.version(m.version, current: ShareBroadcast.currentVersion, what: "ShareBroadcast"),
            round: m.round, receiver: m.receiver, shares: shares)
    }

    var proto: Secagg_V1_ShareBroadcastMessage {
        var m = Secagg_V1_ShareBroadcastMessage()
        m.version = UInt32(version)
        m.round = round
        m.receiver = receiver
        m.shares = shares.map(\.proto)
        return m
    }
}
