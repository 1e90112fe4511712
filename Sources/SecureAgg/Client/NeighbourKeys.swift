import Sodium

/// A client's per-neighbour secrets from phase 1 to phase 2: for each neighbour v that advertised, the
/// share-encryption key and the pairwise mask seed s_uv (32 bytes each), agreed once in ``ClientR1ShareKeys``.
///
/// Invariants: `ids` is strictly ascending; `material` holds 64 bytes per id, in the same order (share key, then
/// seed), in one wiped buffer: an in-process simulation keeps these for n clients at once, and one buffer per
/// client costs 64 bytes per neighbour where a buffer per secret cost about 200. A lookup copies the secret out
/// into its own wiped buffer for as long as the caller needs it.
struct NeighbourKeys: Sendable {
    /// The neighbours that advertised, ascending.
    let ids: [UInt32]
    private let material: SecureBytes
    private static let stride = 64

    /// `entries` in ascending id order, each with a 32-byte share key and a 32-byte seed.
    init(_ entries: [(id: UInt32, shareKey: SecureBytes, seed: MaskSeed)]) {
        precondition(zip(entries, entries.dropFirst()).allSatisfy { $0.id < $1.id }, "ids not ascending")
        ids = entries.map(\.id)
        material = SecureBytes(count: entries.count * Self.stride) { out in
            for (i, entry) in entries.enumerated() {
                let base = i * Self.stride
                entry.shareKey.withUnsafeBytes { key in
                    precondition(key.count == 32)
                    UnsafeMutableRawBufferPointer(rebasing: out[base..<(base + 32)]).copyMemory(from: key)
                }
                entry.seed.key.withUnsafeBytes { seed in
                    UnsafeMutableRawBufferPointer(rebasing: out[(base + 32)..<(base + 64)]).copyMemory(from: seed)
                }
            }
        }
    }

    /// The share-encryption key agreed with `id`, or nil when `id` is not a neighbour that advertised.
    func shareKey(for id: UInt32) -> SecureBytes? { secret(for: id, offset: 0) }

    /// The pairwise mask seed s_uv agreed with `id`, or nil when `id` is not a neighbour that advertised.
    func pairwiseSeed(for id: UInt32) -> MaskSeed? { secret(for: id, offset: 32).map { MaskSeed(key: $0) } }

    private func secret(for id: UInt32, offset: Int) -> SecureBytes? {
        guard let position = ids.ascendingIndex(of: id, id: { $0 }) else { return nil }
        let start = position * Self.stride + offset
        return material.withUnsafeBytes { all in
            SecureBytes(count: 32) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[start..<(start + 32)])) }
        }
    }
}
