import Sodium

/// What a keystream serves; part of the ChaCha20 nonce so that no (key, nonce) pair serves two purposes.
public enum MaskPurpose: UInt8, Sendable {
    /// The self mask PRG(b_u).
    case selfMask = 1
    /// A pairwise mask PRG(s_uv).
    case pairwiseMask = 2
}

/// One signed mask stream to add to (or subtract from) a vector.
struct MaskTerm {
    let seed: MaskSeed
    let purpose: MaskPurpose
    /// true: subtract the stream; false: add it.
    let negate: Bool
}

/// Expands mask seeds with ChaCha20 (IETF) and adds them to a vector mod 2^32.
///
/// Stream layout: key = the 32-byte seed; nonce (12 bytes) = purpose (1 byte) ‖ 3 zero bytes ‖ vector index
/// (UInt32 LE) ‖ 4 zero bytes; word i of the mask is keystream bytes 4i…4i+3 read little-endian, i.e. block
/// counter ⌊i/16⌋ from 0. Seeds are fresh per round (b_u random, s_uv bound to the session id), so no
/// stream is reused across rounds; purpose and vector index separate the rest.
///
/// Speed (here and in ``MaskedInputWriter``, the client's mask-and-pack): the vector is walked in 4096-word (16 KiB) chunks; for each chunk every term's keystream is made
/// into one reusable buffer (kept in L1) and added with wrapping arithmetic, so the vector crosses memory once.
public enum MaskExpansion {
    static let chunkWords = 4096

    static func nonce(purpose: MaskPurpose, vectorIndex: UInt32) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: ChaCha20.nonceByteCount)
        nonce[0] = purpose.rawValue
        withUnsafeBytes(of: vectorIndex.littleEndian) { nonce.replaceSubrange(4..<8, with: $0) }
        return nonce
    }

    /// vector[i] = vector[i] ± mask_term[i] (mod 2^32) for every term. Reduce mod 2^b afterwards by masking.
    static func apply(_ terms: [MaskTerm], to vector: UnsafeMutableBufferPointer<UInt32>, vectorIndex: UInt32 = 0) {
        guard let base = vector.baseAddress, !terms.isEmpty, vector.count > 0 else { return }
        let nonces = terms.map { nonce(purpose: $0.purpose, vectorIndex: vectorIndex) }
        let chunk = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: chunkWords)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(chunk))
            chunk.deallocate()
        }
        var start = 0
        while start < vector.count {
            let n = min(chunkWords, vector.count - start)
            applyChunk(terms, nonces: nonces, to: base + start, count: n, firstWord: start, keystream: chunk)
            start += n
        }
    }

    /// ``apply(_:to:vectorIndex:)`` cut into work for `lanes` lanes (``ParallelLanes/forEach(_:lanes:_:)``); the
    /// result is bit for bit the same (addition mod 2^32 does not depend on the order of the terms). A vector of
    /// at least 4 chunks per lane is cut into its chunks, each worked on by one thread with every term (no extra
    /// memory); a shorter one (where the terms, not the words, are the work: many clients, a small model) has
    /// its terms cut into one group per lane, each group summed into its own zeroed m-word vector, the vectors
    /// then added to `vector` in lane order.
    static func apply(
        _ terms: [MaskTerm], to vector: UnsafeMutableBufferPointer<UInt32>, vectorIndex: UInt32 = 0, lanes: Int
    ) {
        guard let base = vector.baseAddress, !terms.isEmpty, vector.count > 0 else { return }
        let count = vector.count
        let chunks = (count + chunkWords - 1) / chunkWords
        let lanes = min(lanes, terms.count)
        guard lanes > 1 else { return apply(terms, to: vector, vectorIndex: vectorIndex) }
        if chunks >= 4 * lanes {
            let nonces = terms.map { nonce(purpose: $0.purpose, vectorIndex: vectorIndex) }
            // Each iteration writes only the words of its own chunk.
            nonisolated(unsafe) let words = base
            ParallelLanes.forEach(chunks, lanes: lanes) { c in
                let start = c * chunkWords
                let n = min(chunkWords, count - start)
                let keystream = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: chunkWords)
                defer {
                    secureZero(UnsafeMutableRawBufferPointer(keystream))
                    keystream.deallocate()
                }
                applyChunk(terms, nonces: nonces, to: words + start, count: n, firstWord: start, keystream: keystream)
            }
            return
        }
        let groups = ParallelLanes.ranges(terms.count, lanes: lanes, perLane: 1)
        // Group 0 works on `vector` itself, group g > 0 on partial vector g − 1.
        let partials = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: (groups.count - 1) * vector.count)
        partials.initialize(repeating: 0)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(partials))
            partials.deallocate()
        }
        nonisolated(unsafe) let target = vector
        nonisolated(unsafe) let spare = partials
        ParallelLanes.forEach(groups.count, lanes: lanes) { g in
            let own = g == 0 ? target : UnsafeMutableBufferPointer(rebasing: spare[(g - 1) * count..<g * count])
            apply(Array(terms[groups[g]]), to: own, vectorIndex: vectorIndex)
        }
        for g in 1..<groups.count {
            let offset = (g - 1) * vector.count
            for i in 0..<vector.count { base[i] &+= partials[offset + i] }
        }
    }

    /// values[i] ± mask_term[firstWord + i] for i < `count` ≤ ``chunkWords`` and every term (mod 2^32): each
    /// term's keystream for the chunk is made into `keystream` (reused, kept in L1) and added or subtracted.
    /// - Precondition: `firstWord` is a multiple of 16 (a whole ChaCha20 block); `keystream.count ≥ count`.
    @inline(__always)
    static func applyChunk(
        _ terms: [MaskTerm], nonces: [[UInt8]], to values: UnsafeMutablePointer<UInt32>, count n: Int, firstWord: Int,
        keystream: UnsafeMutableBufferPointer<UInt32>
    ) {
        guard let cp = keystream.baseAddress else { return }
        let raw = UnsafeMutableRawBufferPointer(start: cp, count: n * 4)
        let counter = UInt32(truncatingIfNeeded: firstWord / 16)
        for (t, term) in terms.enumerated() {
            ChaCha20.keystream(key: term.seed.key, nonce: nonces[t], initialCounter: counter, into: raw)
            if term.negate {
                for i in 0..<n { values[i] &-= UInt32(littleEndian: cp[i]) }
            } else {
                for i in 0..<n { values[i] &+= UInt32(littleEndian: cp[i]) }
            }
        }
    }

    /// Keeps the low `bits` bits of every coordinate (no-op for 32).
    static func reduce(_ vector: UnsafeMutableBufferPointer<UInt32>, bits: Int) {
        guard bits < 32, let base = vector.baseAddress else { return }
        let mask = (UInt32(1) << UInt32(bits)) &- 1
        for i in 0..<vector.count { base[i] &= mask }
    }

    /// Raw keystream generation of `words` words into the same reusable buffer: the benchmark's baseline.
    public static func rawKeystreamBaseline(words: Int, seed: MaskSeed) {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkWords * 4, alignment: 64)
        defer { chunk.deallocate() }
        let nonce = nonce(purpose: .selfMask, vectorIndex: 0)
        var done = 0
        var counter: UInt32 = 0
        while done < words {
            let n = min(chunkWords, words - done)
            ChaCha20.keystream(
                key: seed.key, nonce: nonce, initialCounter: counter,
                into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(n * 4)]))
            done += n
            counter &+= UInt32(chunkWords / 16)
        }
    }
}
