import Sodium

/// Masks and bit-packs a client's input vector as it arrives in consecutive slices, so the client never holds
/// the whole unmasked vector: only the packed output (b/8 bytes per coordinate) and two 16 KiB scratch chunks.
///
/// Invariants:
/// - Slices are written in order: each `write(_:at:)` starts where the previous one ended, or at offset 0,
///   which restarts the vector (every earlier value is discarded and will be overwritten; an encoder whose
///   conditional rounding is rejected rewrites the vector this way).
/// - Every value must be < 2^b (``SecureAggError/inputOutOfRange(index:)`` otherwise, naming the absolute index).
/// - The masked vector is complete only once exactly `count` values have been written since the last restart.
///
/// Masking is the one of ``MaskExpansion``: values are staged into a 4096-word chunk, each term's keystream
/// for that chunk is added (or subtracted) and the chunk is packed into its place in the output, so output
/// bytes are identical to masking the whole vector at once. Scratch memory is wiped on release.
public final class MaskedInputWriter {
    /// Length of the vector, in coordinates.
    public let count: Int
    /// Bits per coordinate (1…32).
    public let bits: Int
    /// Coordinates written since the last restart.
    public private(set) var written = 0
    private let terms: [MaskTerm]
    private let nonces: [[UInt8]]
    private let mask: UInt32
    private var packed: [UInt8]
    /// Staged values of the current chunk (first `chunkWords` words), then one chunk of keystream.
    private let scratch: UnsafeMutableBufferPointer<UInt32>
    /// Values staged in the current chunk.
    private var staged = 0

    init(count: Int, bits: Int, terms: [MaskTerm], vectorIndex: UInt32 = 0) {
        self.count = count
        self.bits = bits
        self.terms = terms
        self.nonces = terms.map { MaskExpansion.nonce(purpose: $0.purpose, vectorIndex: vectorIndex) }
        self.mask = bits >= 32 ? .max : (UInt32(1) << UInt32(bits)) &- 1
        self.packed = BitPacking.emptyPacked(count: count, bits: bits)
        self.scratch = .allocate(capacity: 2 * MaskExpansion.chunkWords)
        scratch.initialize(repeating: 0)
    }

    deinit {
        secureZero(UnsafeMutableRawBufferPointer(scratch))
        scratch.deallocate()
    }

    /// Writes `values` as coordinates `offset ..< offset + values.count`.
    ///
    /// - Throws: ``SecureAggError/invalidParameter(_:)`` if `offset` is neither the next coordinate nor 0, or
    ///   the slice runs past `count`; ``SecureAggError/inputOutOfRange(index:)`` for a value ≥ 2^b. Nothing of
    ///   the slice is kept when it throws.
    public func write(_ values: UnsafeBufferPointer<UInt32>, at offset: Int) throws(SecureAggError) {
        if offset == 0 {
            written = 0
            staged = 0
        }
        guard offset == written else {
            throw .invalidParameter("masked input written out of order: offset \(offset), expected \(written)")
        }
        guard values.count <= count - written else { throw .wrongVectorLength(expected: count, actual: written + values.count) }
        if mask != .max, let bad = values.firstIndex(where: { $0 & ~mask != 0 }) {
            throw .inputOutOfRange(index: offset + bad)
        }
        guard let source = values.baseAddress else { return }
        let chunk = MaskExpansion.chunkWords
        var taken = 0
        while taken < values.count {
            let n = min(chunk - staged, values.count - taken)
            (scratch.baseAddress! + staged).update(from: source + taken, count: n)
            staged += n
            taken += n
            written += n
            if staged == chunk { flush() }
        }
    }

    /// Masks and packs the staged chunk into its place (it starts at coordinate `written - staged`).
    private func flush() {
        guard staged > 0 else { return }
        let start = written - staged
        let values = scratch.baseAddress!
        let keystream = UnsafeMutableBufferPointer(rebasing: scratch[MaskExpansion.chunkWords...])
        MaskExpansion.applyChunk(terms, nonces: nonces, to: values, count: staged, firstWord: start, keystream: keystream)
        let n = staged
        let bits = self.bits
        packed.withUnsafeMutableBytes { out in
            BitPacking.packPayload(
                UnsafeBufferPointer(start: values, count: n), bits: bits,
                into: out.baseAddress! + BitPacking.headerByteCount + start * bits / 8)
        }
        staged = 0
    }

    /// The packed masked vector once all `count` values are written.
    ///
    /// - Throws: ``SecureAggError/wrongVectorLength(expected:actual:)`` if fewer than `count` were written.
    func finish() throws(SecureAggError) -> [UInt8] {
        guard written == count else { throw .wrongVectorLength(expected: count, actual: written) }
        flush()
        return packed
    }
}
