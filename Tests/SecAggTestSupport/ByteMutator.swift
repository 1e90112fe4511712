import Sodium

/// Deterministic generator of hostile inputs for the decoder property tests: random byte strings and
/// mutations of valid encodings (bit flips, truncations, insertions, deletions, overwrites with boundary
/// bytes, duplicated slices), driven by a seeded ``ChaChaRandom``.
public struct ByteMutator {
    private var rng: ChaChaRandom

    public init(seed: UInt64) { rng = .seeded(seed) }

    /// Bytes that matter to the decoders' syntax (JSON punctuation, digits, NUL, high bytes, newline).
    private static let interesting: [UInt8] = Array(#"{}[]":,-.0123456789eEtfn\ "#.utf8) + [0, 0x0A, 0x7F, 0x80, 0xC3, 0xFF]

    public mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    /// 0…`maxCount` uniformly random bytes.
    public mutating func randomBytes(maxCount: Int) -> [UInt8] {
        (0..<int(in: 0...maxCount)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// `bytes` after one to four random mutations.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for _ in 0..<int(in: 1...4) { out = mutateOnce(out) }
        return out
    }

    /// `bytes` cut at a random length shorter than its own.
    public mutating func truncate(_ bytes: [UInt8]) -> [UInt8] {
        bytes.isEmpty ? bytes : Array(bytes.prefix(int(in: 0...(bytes.count - 1))))
    }

    private mutating func mutateOnce(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        let position = out.isEmpty ? 0 : int(in: 0...(out.count - 1))
        switch int(in: 0...5) {
        case 0 where !out.isEmpty:  // flip one bit
            out[position] ^= 1 << UInt8(int(in: 0...7))
        case 1:  // truncate
            out = truncate(out)
        case 2:  // insert random bytes
            out.insert(contentsOf: randomBytes(maxCount: 8), at: int(in: 0...out.count))
        case 3 where !out.isEmpty:  // delete a short range
            out.removeSubrange(position..<min(out.count, position + int(in: 1...8)))
        case 4 where !out.isEmpty:  // overwrite with a syntax-relevant byte
            out[position] = Self.interesting[int(in: 0...(Self.interesting.count - 1))]
        default:  // duplicate a slice in place
            guard !out.isEmpty else { return [UInt8.random(in: 0...255, using: &rng)] }
            let slice = out[position..<min(out.count, position + int(in: 1...16))]
            out.insert(contentsOf: slice, at: position)
        }
        return out
    }
}
