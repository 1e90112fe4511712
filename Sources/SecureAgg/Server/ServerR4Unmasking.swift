import Sodium

/// Server state R4: collecting revealed shares, then unmasking the accumulator.
///
/// A response must come from a client that signed the survivor list, once, and hold exactly one share for
/// each of its neighbours in U2: a b-share for a survivor, an s_sk-share for a dropped client, at x = sender.
/// Unmasking subtracts PRG(b_u) for every survivor u and removes ±PRG(s_ud) for every dropped d and surviving
/// neighbour u. A reconstruction is checked against the advertised commitment (b_u) or public key (s_sk_d).
/// With fewer than t shares for any needed secret the round fails with a typed error, never a wrong sum.
/// Next: ``ServerCompleted`` or aborted.
struct ServerR4Unmasking: Sendable {
    let context: ServerContext
    let advertisements: [UInt32: AdvertiseKeys]
    let sessionID: [UInt8]
    let sharedKeys: Set<UInt32>
    var accumulator: [UInt32]
    let survivors: [UInt32]
    let dropped: [UInt32]
    /// `survivors` as a set (built once, not per response).
    private let survivorSet: Set<UInt32>
    /// U4: clients that may answer.
    let responders: Set<UInt32>
    var answered = Set<UInt32>()
    var selfSeedShares: [UInt32: [ShamirShare]] = [:]
    var maskingKeyShares: [UInt32: [ShamirShare]] = [:]

    init(
        context: ServerContext, advertisements: [UInt32: AdvertiseKeys], sessionID: [UInt8], sharedKeys: Set<UInt32>,
        accumulator: [UInt32], survivors: [UInt32], dropped: [UInt32], responders: Set<UInt32>
    ) {
        self.context = context
        self.advertisements = advertisements
        self.sessionID = sessionID
        self.sharedKeys = sharedKeys
        self.accumulator = accumulator
        self.survivors = survivors
        survivorSet = Set(survivors)
        self.dropped = dropped
        self.responders = responders
    }

    mutating func receive(_ message: UnmaskingResponse) throws(SecureAggError) {
        try context.checkHeader(
            version: message.version, current: UnmaskingResponse.currentVersion, round: message.round)
        let sender = message.sender
        guard responders.contains(sender) else { throw .unknownClient(sender) }
        guard !answered.contains(sender) else { throw .duplicateClient(sender) }
        let expected = Set(context.graph.neighbours(of: sender).filter { sharedKeys.contains($0) })
        let chunks = Shamir.chunkCount(secretByteCount: 32)
        var seen = Set<UInt32>()
        for revealed in message.shares {
            guard expected.contains(revealed.owner) else { throw .notNeighbour(revealed.owner) }
            guard seen.insert(revealed.owner).inserted else { throw .duplicateClient(revealed.owner) }
            let wanted: ShareKind = survivorSet.contains(revealed.owner) ? .selfSeed : .maskingKey
            guard revealed.kind == wanted else { throw .malformedMessage("wrong share kind for \(revealed.owner)") }
            guard revealed.share.x == sender, revealed.share.chunkCount == chunks else {
                throw .malformedMessage("share point or size")
            }
        }
        guard seen.count == expected.count else { throw .malformedMessage("a neighbour's share is missing") }
        for revealed in message.shares {
            switch revealed.kind {
            case .selfSeed: selfSeedShares[revealed.owner, default: []].append(revealed.share)
            case .maskingKey: maskingKeyShares[revealed.owner, default: []].append(revealed.share)
            }
        }
        answered.insert(sender)
    }

    /// Interpolates the first t shares; if the result fails `isValid` (a tampered share), retries leaving out
    /// one share at a time, so one bad share among ≥ t + 1 is outvoted. Returns nil when nothing verifies.
    static func reconstructVerified(
        _ shares: [ShamirShare], threshold t: Int, isValid: (SecureBytes) -> Bool
    ) -> SecureBytes? {
        if let bytes = try? Shamir.reconstruct(shares, threshold: t, secretByteCount: 32), isValid(bytes) {
            return bytes
        }
        guard shares.count > t else { return nil }
        for skip in shares.indices {
            var subset = shares
            subset.remove(at: skip)
            if let bytes = try? Shamir.reconstruct(subset, threshold: t, secretByteCount: 32), isValid(bytes) {
                return bytes
            }
        }
        return nil
    }

    /// Reconstructs the needed secrets and unmasks; consumes the accumulator.
    ///
    /// Both steps run on up to `lanes` threads: each secret (a survivor's b_u, a dropped client's s_sk with the
    /// pairwise seeds of its surviving neighbours) is reconstructed and checked on its own, the results are
    /// taken in the order survivors, then dropped clients (so the error thrown is the one a single thread
    /// would meet first), and the masks are removed by ``MaskExpansion/apply(_:to:vectorIndex:lanes:)``. The
    /// sum does not depend on `lanes`.
    mutating func finish(lanes: Int) throws(SecureAggError) -> AggregationResult {
        let owners = survivors + dropped
        var outcomes = [Result<[MaskTerm], SecureAggError>?](repeating: nil, count: owners.count)
        let pieces = ParallelLanes.ranges(owners.count, lanes: lanes)
        // The reconstruction's inputs only (not `self`, which holds the accumulator: a copy of it here would make
        // the in-place unmasking below copy the m-word vector).
        let state = Reconstruction(
            context: context, advertisements: advertisements, sessionID: sessionID, survivorSet: survivorSet,
            selfSeedShares: selfSeedShares, maskingKeyShares: maskingKeyShares)
        let survivorCount = survivors.count
        outcomes.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only the slots of its own range.
            nonisolated(unsafe) let slots = buffer
            ParallelLanes.forEach(pieces.count, lanes: lanes) { p in
                for i in pieces[p] {
                    do throws(SecureAggError) {
                        let owner = owners[i]
                        slots[i] = .success(
                            i < survivorCount ? [try state.selfMaskTerm(owner)] : try state.pairwiseTerms(owner))
                    } catch { slots[i] = .failure(error) }
                }
            }
        }
        var terms = [MaskTerm]()
        for outcome in outcomes {
            switch outcome {
            case .success(let owned): terms.append(contentsOf: owned)
            case .failure(let error): throw error
            case nil: throw .malformedMessage("internal: a secret was not reconstructed")
            }
        }
        var sum = accumulator
        accumulator = []
        let bits = context.configuration.bits
        sum.withUnsafeMutableBufferPointer { v in
            MaskExpansion.apply(terms, to: v, lanes: lanes)
            MaskExpansion.reduce(v, bits: bits)
        }
        return AggregationResult(sum: sum, survivors: survivors, dropped: dropped)
    }
}

/// What unmasking reads to rebuild the masks: the round's public data and the revealed shares.
private struct Reconstruction: Sendable {
    let context: ServerContext
    let advertisements: [UInt32: AdvertiseKeys]
    let sessionID: [UInt8]
    let survivorSet: Set<UInt32>
    let selfSeedShares: [UInt32: [ShamirShare]]
    let maskingKeyShares: [UInt32: [ShamirShare]]

    /// The self mask of survivor `u` to subtract: its b_u reconstructed from t shares and checked against its
    /// commitment.
    func selfMaskTerm(_ u: UInt32) throws(SecureAggError) -> MaskTerm {
        let t = context.threshold
        let shares = selfSeedShares[u] ?? []
        guard shares.count >= t else { throw .tooFewShares(client: u, available: shares.count, required: t) }
        guard let ad = advertisements[u] else { throw .unknownClient(u) }
        let verified = ServerR4Unmasking.reconstructVerified(shares, threshold: t) { bytes in
            guard let seed = try? MaskSeed(reconstructed: bytes) else { return false }
            return seed.commitment == ad.selfSeedCommitment
        }
        guard let bytes = verified else { throw .reconstructionMismatch(client: u) }
        let seed = try MaskSeed(reconstructed: bytes)
        return MaskTerm(seed: seed.selfMaskSeed(sessionID: sessionID), purpose: .selfMask, negate: true)
    }

    /// The pairwise masks that dropped client `d`'s surviving neighbours added for it, to remove: its s_sk
    /// reconstructed from t shares and checked against its advertised s_pk (nothing when no neighbour survived).
    func pairwiseTerms(_ d: UInt32) throws(SecureAggError) -> [MaskTerm] {
        let t = context.threshold
        let affected = context.graph.neighbours(of: d).filter { survivorSet.contains($0) }
        guard !affected.isEmpty else { return [] }
        let shares = maskingKeyShares[d] ?? []
        guard shares.count >= t else { throw .tooFewShares(client: d, available: shares.count, required: t) }
        guard let adD = advertisements[d] else { throw .unknownClient(d) }
        let verified = ServerR4Unmasking.reconstructVerified(shares, threshold: t) { bytes in
            guard let key = try? X25519.SecretKey(secretBytes: bytes) else { return false }
            return key.publicKey == adD.maskingKey
        }
        guard let bytes = verified, let secretKey = try? X25519.SecretKey(secretBytes: bytes) else {
            throw .reconstructionMismatch(client: d)
        }
        var terms = [MaskTerm]()
        terms.reserveCapacity(affected.count)
        for u in affected {
            guard let adU = advertisements[u] else { throw .unknownClient(u) }
            let seed = try KeyDerivation.pairwiseSeed(
                sessionID: sessionID, me: d, secretKey: secretKey, peer: u, peerKey: adU.maskingKey)
            // u added PRG(s_ud) when u < d and subtracted it otherwise; undo that.
            terms.append(MaskTerm(seed: seed, purpose: .pairwiseMask, negate: u < d))
        }
        return terms
    }
}

/// Terminal server state: the sum was produced.
struct ServerCompleted: Sendable {
    let result: AggregationResult
}

/// Terminal server state: the round failed for `reason` (too few clients, shares or signatures).
struct ServerAborted: Sendable {
    let reason: SecureAggError
}
