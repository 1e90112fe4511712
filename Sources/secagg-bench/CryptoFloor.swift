import SecureAgg
import Sodium

/// What one round's required cryptography costs on this machine, measured in the same process as the round:
/// the "crypto floor" that no implementation of this protocol under this threat model can beat.
///
/// Per-operation CPU costs (thread CPU seconds, best of 3 batches) are multiplied by the operation counts the
/// round must perform:
/// - every client signs 2 messages (advertisement, consistency check) and makes 2 X25519 key pairs;
/// - every client verifies the advertisement of each of its k neighbours and, before it reveals any share,
///   Q = ⌊(n + c)/2⌋ + 1 consistency signatures on its survivor list (``SecurityFloor/consistencyQuorum(cohort:colluders:)``;
///   the list's signers are any survivors, so Q grows with n, not with k);
/// - every client agrees 2 keys with each neighbour (share encryption and mask seed);
/// - every survivor expands k + 1 masks of m words; the server expands each survivor's self mask and each
///   (dropped, surviving neighbour) pairwise mask once more, after one X25519 per such pair.
/// Shamir sharing, the authenticated encryption of the shares and all bookkeeping are left out: the floor is a
/// lower bound.
struct CryptoFloor: Encodable {
    /// The per-operation costs measured for this floor.
    let operations: OperationCostsReport
    /// Operation counts of the whole round.
    let signatures: Int, verifications: Int, key_agreements: Int, key_pairs: Int, keystream_words: Int
    /// CPU seconds of the keystream alone, and of the keystream plus the signatures and key agreements.
    let keystream_floor_s: Double, crypto_floor_s: Double

    /// The round's operation counts; `droppedPairs` counts (dropped client, surviving neighbour) pairs.
    static func measure(
        n: Int, k: Int, survivors: Int, droppedPairs: Int, m: Int, colluders: Int = 0
    ) throws -> CryptoFloor {
        let quorum = SecurityFloor.consistencyQuorum(cohort: n, colluders: colluders)
        let signatures = 2 * n
        let verifications = n * k + survivors * quorum
        let keyPairs = 2 * n
        let agreements = 2 * n * k + droppedPairs
        let words = survivors * (k + 1) * m + (survivors + droppedPairs) * m
        let costs = try OperationCosts.measure()
        let keystream = Double(words) * 4 / costs.keystreamBytesPerSecond
        let crypto =
            Double(signatures) * costs.sign + Double(verifications) * costs.verify
            + Double(agreements) * costs.agree + Double(keyPairs) * costs.keyPair
        return CryptoFloor(
            operations: costs.report, signatures: signatures,
            verifications: verifications, key_agreements: agreements, key_pairs: keyPairs, keystream_words: words,
            keystream_floor_s: keystream, crypto_floor_s: keystream + crypto)
    }
}

/// Thread CPU seconds per libsodium operation, and the keystream rate, on this machine now.
struct OperationCosts {
    let sign: Double, verify: Double, agree: Double, keyPair: Double, keystreamBytesPerSecond: Double

    static func measure(batch: Int = 2000, repetitions: Int = 3) throws -> OperationCosts {
        var rng = ChaChaRandom.seeded(99)
        let identity = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
        let message = (0..<64).map { UInt8($0) }
        let signature = identity.sign(message)
        let mine = X25519.SecretKey.generate(using: &rng)
        let peer = X25519.SecretKey.generate(using: &rng).publicKey
        var valid = true
        let sign = bestPerOperation(batch, repetitions) { _ = identity.sign(message) }
        let verify = bestPerOperation(batch, repetitions) {
            valid = valid && identity.publicKey.isValidSignature(signature, for: message)
        }
        var agreementFailed = false
        let agree = bestPerOperation(batch, repetitions) {
            do { _ = try X25519.sharedSecret(secretKey: mine, peer: peer) } catch { agreementFailed = true }
        }
        let keyPair = bestPerOperation(batch, repetitions) { _ = X25519.SecretKey.generate(using: &rng) }
        guard valid, !agreementFailed else { throw BenchFailure.protocolFailure("operation cost self-check failed") }
        let words = 1 << 24
        var keystream = Double.infinity
        for _ in 0..<repetitions { keystream = min(keystream, rawKeystreamCPUSeconds(words: words)) }
        return OperationCosts(
            sign: sign, verify: verify, agree: agree, keyPair: keyPair,
            keystreamBytesPerSecond: Double(words) * 4 / keystream)
    }

    /// The costs in microseconds per operation, as the JSON reports print them.
    var report: OperationCostsReport {
        OperationCostsReport(
            ed25519_sign_us: sign * 1e6, ed25519_verify_us: verify * 1e6, x25519_agree_us: agree * 1e6,
            x25519_keypair_us: keyPair * 1e6, chacha20_bytes_per_s: keystreamBytesPerSecond)
    }

    private static func bestPerOperation(_ batch: Int, _ repetitions: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = threadCPUSeconds()
            for _ in 0..<batch { body() }
            best = min(best, (threadCPUSeconds() - start) / Double(batch))
        }
        return best
    }
}

/// Microseconds per Ed25519 signature, per verification, per X25519 key agreement and per key pair, and the raw
/// ChaCha20 keystream rate in bytes per CPU second.
struct OperationCostsReport: Encodable {
    let ed25519_sign_us: Double, ed25519_verify_us: Double, x25519_agree_us: Double, x25519_keypair_us: Double
    let chacha20_bytes_per_s: Double
}
