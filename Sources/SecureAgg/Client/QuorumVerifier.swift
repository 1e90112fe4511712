import Sodium

/// How a client counts the valid signatures on the survivor list before it reveals any share (phase 4,
/// ``ClientR4Unmasking``). A real client verifies every signature itself (``DirectQuorumVerifier``). An
/// in-process simulation, whose n clients all check the same ≈ n/2 signatures on the same list, may share one
/// verifier that remembers what it verified: sound only because the simulated clients share one trusted
/// process, never across a network.
public protocol QuorumVerifier: Sendable {
    /// The signers of `entries` whose signature on `message` verifies under their key in `registry`, counting
    /// only ids in `eligible`; may stop once `needed` are found.
    func validSigners(
        _ entries: [SurvivorSignature], eligible: Set<UInt32>, registry: [UInt32: Ed25519.PublicKey],
        message: [UInt8], needed: Int
    ) -> Set<UInt32>
}

/// Verifies every signature (Ed25519, libsodium) until `needed` are valid: what every networked client does.
public struct DirectQuorumVerifier: QuorumVerifier {
    public init() {}

    public func validSigners(
        _ entries: [SurvivorSignature], eligible: Set<UInt32>, registry: [UInt32: Ed25519.PublicKey],
        message: [UInt8], needed: Int
    ) -> Set<UInt32> {
        var signers = Set<UInt32>()
        for entry in entries {
            guard eligible.contains(entry.signer), let key = registry[entry.signer] else { continue }
            if key.isValidSignature(entry.signature, for: message) { signers.insert(entry.signer) }
            if signers.count >= needed { break }  // the quorum on this list suffices
        }
        return signers
    }
}
