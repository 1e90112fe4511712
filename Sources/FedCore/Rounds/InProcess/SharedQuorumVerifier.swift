import SecureAgg
import Sodium
import Synchronization

/// One ``QuorumVerifier`` for all the simulated clients of an in-process run: every client checks the same
/// ≈ n/2 signatures on the same survivor list, so each (list, signer, signature) is verified once and the
/// result remembered, which turns the round's O(n²) signature verifications into O(n). Sound only because the
/// simulated clients share this process (a networked client always verifies itself). Safe from several
/// worker threads.
///
/// The whole answer is remembered too, for the next client asking about the same `message` and `entries` (the
/// same storage, see ``sameStorage(_:_:)``) with equal `eligible`, `registry` and `needed`: the simulated
/// clients pass the same set and registry (equal storage, compared in O(1)), so each asks an O(1) question
/// instead of walking ≈ n/2 signatures.
final class SharedQuorumVerifier: QuorumVerifier {
    private struct Answer {
        let message: [UInt8]
        let entries: [SurvivorSignature]
        let eligible: Set<UInt32>
        let registry: [UInt32: Ed25519.PublicKey]
        let needed: Int
        let signers: Set<UInt32>
    }

    /// BLAKE2b-256 of the signed list → signer → (signature, valid); the latest list only.
    private let verified = Mutex<[[UInt8]: [UInt32: (signature: [UInt8], valid: Bool)]]>([:])
    private let lastAnswer = Mutex<Answer?>(nil)

    func validSigners(
        _ entries: [SurvivorSignature], eligible: Set<UInt32>, registry: [UInt32: Ed25519.PublicKey],
        message: [UInt8], needed: Int
    ) -> Set<UInt32> {
        // Answered under the lock: the other workers ask the same question and would wait for the answer anyway.
        lastAnswer.withLock { answer in
            if let cached = answer, cached.needed == needed, sameStorage(cached.message, message),
                sameStorage(cached.entries, entries), cached.eligible == eligible, cached.registry == registry
            {
                return cached.signers
            }
            let signers = verify(entries, eligible: eligible, registry: registry, message: message, needed: needed)
            answer = Answer(
                message: message, entries: entries, eligible: eligible, registry: registry, needed: needed, signers: signers)
            return signers
        }
    }

    private func verify(
        _ entries: [SurvivorSignature], eligible: Set<UInt32>, registry: [UInt32: Ed25519.PublicKey],
        message: [UInt8], needed: Int
    ) -> Set<UInt32> {
        let list = Blake2b.hash(message, outputByteCount: 32)
        let known = verified.withLock { $0[list] ?? [:] }
        var signers = Set<UInt32>()
        var learned: [UInt32: (signature: [UInt8], valid: Bool)] = [:]
        for entry in entries {
            guard eligible.contains(entry.signer), let key = registry[entry.signer] else { continue }
            let valid: Bool
            if let seen = known[entry.signer], seen.signature == entry.signature {
                valid = seen.valid
            } else {
                valid = key.isValidSignature(entry.signature, for: message)
                learned[entry.signer] = (entry.signature, valid)
            }
            if valid { signers.insert(entry.signer) }
            if signers.count >= needed { break }
        }
        if !learned.isEmpty {
            verified.withLock { cache in
                // Clients only ask about the current round's list again: an earlier list's results are let go, so
                // the cache holds one round's signatures, not every round's of the run.
                if cache[list] == nil { cache.removeAll() }
                cache[list, default: [:]].merge(learned) { _, new in new }
            }
        }
        return signers
    }
}
