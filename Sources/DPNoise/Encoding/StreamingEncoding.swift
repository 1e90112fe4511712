import Foundation
import Sodium

/// What one encoding did, for the caller's own bookkeeping (e.g. measuring the recovered average against the
/// clipped inputs). Carries no randomness and nothing secret beyond the input's norm.
public struct EncodingSummary: Sendable, Equatable {
    /// ‖x‖₂ of the input as read (model units), computed block by block with scaling (no overflow).
    public let inputNorm: Double
    /// min(1, c/‖x‖₂): every input value was multiplied by `clipFactor · weight` before the rotation.
    public let clipFactor: Double
    /// Conditional-rounding attempts used (≥ 1).
    public let roundingAttempts: Int
}

/// Errors of the block-streaming encoder: the encoder's own, the caller's reader's, or a reader that did not
/// return the same values on every pass.
public enum StreamingEncodingError<ReaderError: Error>: Error {
    /// The encoder refused (parameters, lengths, non-finite input, rounding attempts exhausted).
    case encoding(DPNoiseError.Encoding)
    /// The caller's block reader (or block emitter) threw.
    case reader(ReaderError)
    /// A later pass read values whose L2 norm differs from the first pass's: the input is not stable, so the
    /// clipping computed in pass 1 would not bound the encoded vector.
    case inputChangedBetweenPasses
}

/// One rotation block of the encoding: its index, where its real values start in the input, where it
/// starts in the padded encoding, its padded size and its real length.
struct EncodedBlock: Sendable {
    let index: Int
    let offset: Int
    let paddedOffset: Int
    let size: Int
    let length: Int
}

/// The encoder's per-lane scratch: lane i owns `work` and `encoded` [i·blockSize, (i+1)·blockSize) and
/// `norms[i]`. `@unchecked Sendable` because parallel lanes write through these pointers; that is sound only
/// because no two lanes touch the same region and the buffers outlive the parallel section.
struct LaneBuffers: @unchecked Sendable {
    let work: UnsafeMutableBufferPointer<Double>
    let encoded: UnsafeMutableBufferPointer<UInt32>
    let norms: UnsafeMutableBufferPointer<UInt128>
}

/// Running L2 norm over blocks with per-block scaling (max-abs of the block, then Σ (v/max)²), merged with
/// the LAPACK `dlassq` rule; never overflows or underflows for finite input. Deterministic for a given
/// sequence of blocks (the array and streaming encoders feed it the same blocks).
struct BlockNorm {
    private(set) var scale = 0.0
    private(set) var sumOfSquares = 0.0

    /// Adds one block's values.
    mutating func add(_ block: UnsafeMutableBufferPointer<Double>) {
        var largest = 0.0
        for v in block { largest = Swift.max(largest, abs(v)) }
        guard largest > 0 else { return }
        var sum = 0.0
        for v in block {
            let r = v / largest
            sum += r * r
        }
        if largest > scale {
            let ratio = scale / largest
            sumOfSquares = sumOfSquares * ratio * ratio + sum
            scale = largest
        } else {
            let ratio = largest / scale
            sumOfSquares += sum * ratio * ratio
        }
    }

    /// ‖·‖₂ of everything added.
    var norm: Double { scale * sumOfSquares.squareRoot() }
}

extension DPEncoder {
    /// Encodes an input read block by block into the caller's `output` (count = ``paddedDimension``), never
    /// holding more than one rotation block (≤ ``EncodingParameters/blockSize`` Doubles) of it. The same
    /// encoding as ``encode(weight:using:reading:emitting:)``, collected into `output`.
    ///
    /// - Throws: as ``encode(weight:using:reading:emitting:)``, plus
    ///   ``DPNoiseError/Encoding/dimensionMismatch(expected:actual:)`` for the output length.
    @discardableResult
    public func encode<R: SecureRandom, E: Error>(
        weight: Double = 1, into output: UnsafeMutableBufferPointer<UInt32>, using rng: inout R,
        reading read: (_ offset: Int, _ block: UnsafeMutableBufferPointer<Double>) throws(E) -> Void
    ) throws(StreamingEncodingError<E>) -> EncodingSummary {
        guard output.count == paddedDimension else {
            throw .encoding(.dimensionMismatch(expected: paddedDimension, actual: output.count))
        }
        return try encode(weight: weight, using: &rng, reading: read) {
            (offset: Int, block: UnsafeBufferPointer<UInt32>) throws(E) in
            _ = UnsafeMutableBufferPointer(rebasing: output[offset..<offset + block.count]).update(fromContentsOf: block)
        }
    }

    /// Encodes an input read block by block and hands each encoded block to `emit` as soon as it is final
    /// (rounded, noised, reduced mod 2^b), so neither the input nor the encoded vector is ever held in full.
    ///
    /// `read(offset, block)` must fill `block` with x[offset ..< offset + block.count] (model units). Blocks
    /// are requested in increasing order, tiling 0..<``EncodingParameters/dimension`` exactly (one rotation
    /// block each: `blockSize` values, the last possibly fewer), once per pass. Pass 1 computes ‖x‖₂ (for
    /// clipping); pass 2 clips, multiplies by `weight`, rotates, scales, rounds and adds the local noise block
    /// by block, reduces mod 2^b and calls `emit(paddedOffset, values)` with the block's encoded values
    /// (coordinates `paddedOffset ..< paddedOffset + values.count` of the ``paddedDimension``-long encoding;
    /// blocks arrive in order, tiling it exactly). If the rounded vector then fails the norm condition, pass 2
    /// repeats with fresh randomness: the input is read again and every block is emitted again from offset 0,
    /// replacing the earlier emission (a consumer restarts when it sees offset 0). Every later pass must read
    /// exactly the values of pass 1 (checked through their norm).
    ///
    /// Randomness: every pass-2 attempt takes a fresh 32-byte key from `rng`; block k rounds and then adds its
    /// noise from ChaCha20 keyed by BLAKE2b(key, k). Blocks are thus independent and up to ``lanes`` of them
    /// are transformed in parallel; the output does not depend on the number of lanes.
    ///
    /// - Parameters:
    ///   - weight: multiplies the clipped input, in [0, 1] (a FedAvg weight; it never increases the norm).
    ///   - rng: secret rounding and noise randomness (`ChaChaRandom.system()` for real clients).
    /// - Throws: ``StreamingEncodingError/encoding(_:)`` with ``DPNoiseError/Encoding/nonFiniteInput(index:)``,
    ///   ``DPNoiseError/Encoding/invalidParameter(_:)`` (weight) or ``DPNoiseError/Encoding/roundingAttemptsExhausted(attempts:)``;
    ///   ``StreamingEncodingError/reader(_:)`` (from `read` or `emit`);
    ///   ``StreamingEncodingError/inputChangedBetweenPasses``.
    @discardableResult
    public func encode<R: SecureRandom, E: Error>(
        weight: Double = 1, using rng: inout R,
        reading read: (_ offset: Int, _ block: UnsafeMutableBufferPointer<Double>) throws(E) -> Void,
        emitting emit: (_ paddedOffset: Int, _ values: UnsafeBufferPointer<UInt32>) throws(E) -> Void
    ) throws(StreamingEncodingError<E>) -> EncodingSummary {
        guard weight.isFinite, weight >= 0, weight <= 1 else {
            throw .encoding(.invalidParameter("weight must be in [0, 1]"))
        }
        let lanes = Self.lanes
        let stride = parameters.blockSize
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: lanes * stride)
        let encoded = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: lanes * stride)
        let norms = UnsafeMutableBufferPointer<UInt128>.allocate(capacity: lanes)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(work))
            secureZero(UnsafeMutableRawBufferPointer(encoded))
            work.deallocate()
            encoded.deallocate()
            norms.deallocate()
        }
        work.initialize(repeating: 0)
        encoded.initialize(repeating: 0)
        norms.initialize(repeating: 0)

        let blocks = encodedBlocks

        // Pass 1: the input's norm (and its finiteness).
        var first = BlockNorm()
        for b in blocks {
            let block = UnsafeMutableBufferPointer(rebasing: work[0..<b.length])
            do throws(E) { try read(b.offset, block) } catch { throw .reader(error) }
            if let bad = block.firstIndex(where: { !$0.isFinite }) { throw .encoding(.nonFiniteInput(index: b.offset + bad)) }
            first.add(block)
        }
        let inputNorm = first.norm
        let clipFactor = inputNorm > parameters.l2Clip ? parameters.l2Clip / inputNorm : 1
        let factor = clipFactor * weight
        let buffers = LaneBuffers(work: work, encoded: encoded, norms: norms)

        var attempts = 0
        while true {
            attempts += 1
            // Pass 2: read a group of up to `lanes` blocks in order, transform them in parallel (each from its
            // own keyed stream), emit them in order.
            let attemptKey = rng.secureBytes(count: 32)
            var again = BlockNorm()
            var normSquared: UInt128 = 0
            for start in Swift.stride(from: 0, to: blocks.count, by: lanes) {
                let group = Swift.min(lanes, blocks.count - start)
                for lane in 0..<group {
                    let b = blocks[start + lane]
                    let real = UnsafeMutableBufferPointer(rebasing: work[lane * stride..<lane * stride + b.length])
                    do throws(E) { try read(b.offset, real) } catch { throw .reader(error) }
                    again.add(real)
                }
                DispatchQueue.concurrentPerform(iterations: group) { lane in
                    buffers.norms[lane] = transform(
                        blocks[start + lane], lane: lane, buffers, factor: factor, key: attemptKey)
                }
                for lane in 0..<group {
                    let b = blocks[start + lane]
                    normSquared += norms[lane]
                    let out = UnsafeBufferPointer(rebasing: encoded[lane * stride..<lane * stride + b.size])
                    do throws(E) { try emit(b.paddedOffset, out) } catch { throw .reader(error) }
                }
            }
            guard again.norm == inputNorm else { throw .inputChangedBetweenPasses }
            if normCheck.accepts(squaredNorm: normSquared) { break }
            if attempts >= parameters.maxRoundingAttempts {
                throw .encoding(.roundingAttemptsExhausted(attempts: attempts))
            }
        }
        return EncodingSummary(inputNorm: inputNorm, clipFactor: clipFactor, roundingAttempts: attempts)
    }

    /// Blocks encoded in parallel at most (the machine's cores, at most 8; each lane holds one block of
    /// Doubles and one of UInt32).
    static let lanes = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// Clips (× `factor`), pads, rotates, scales, rounds and noises block `b` held in lane `lane` of `work`,
    /// reducing it mod 2^b into the same lane of `encoded`; returns the squared norm of the rounded block.
    /// Its randomness is ChaCha20 keyed by BLAKE2b(`key`, block index), so blocks are independent.
    private func transform(
        _ b: EncodedBlock, lane: Int, _ buffers: LaneBuffers, factor: Double, key: SecureBytes
    ) -> UInt128 {
        let stride = parameters.blockSize
        let block = UnsafeMutableBufferPointer(rebasing: buffers.work[lane * stride..<lane * stride + b.size])
        let out = UnsafeMutableBufferPointer(rebasing: buffers.encoded[lane * stride..<lane * stride + b.size])
        for j in 0..<b.length { block[j] *= factor }
        for j in b.length..<b.size { block[j] = 0 }
        rotation.forwardBlock(block, offset: b.paddedOffset)
        let s = parameters.scale
        for j in 0..<b.size { block[j] *= s }
        var index = UInt64(b.index).littleEndian
        let message = withUnsafeBytes(of: &index) { Array($0) }
        var blockRandom = ChaChaRandom.seeded(key: Blake2b.keyedHash(key: key, message: message, outputByteCount: 32))
        let mask = UInt32(truncatingIfNeeded: UInt64.max >> (64 - parameters.bits))
        return withRandomWords(&blockRandom, capacity: 2048) { (words: inout RandomWords) -> UInt128 in
            let normSquared = Self.randomizedRound(block, into: out, &words)
            noise.addWrapping(to: out, &words)
            for j in 0..<b.size { out[j] &= mask }
            return normSquared
        }
    }

    /// The rotation blocks in order: where each starts in the input and in the padded encoding, its padded
    /// size and its real length (the last block's real length may be below its size).
    private var encodedBlocks: [EncodedBlock] {
        var blocks: [EncodedBlock] = []
        var offset = 0
        var paddedOffset = 0
        for (k, size) in rotation.blockSizes.enumerated() {
            let length = Swift.min(size, parameters.dimension - offset)
            blocks.append(EncodedBlock(index: k, offset: offset, paddedOffset: paddedOffset, size: size, length: length))
            offset += length
            paddedOffset += size
        }
        return blocks
    }

    /// Rounds each v up with probability frac(v), down otherwise, storing the low 32 bits of the signed
    /// result; returns the squared L2 norm of the (unwrapped) result, exactly. The up/down decision compares 53
    /// random bits with frac(v)·2^53 (exact in binary floating point).
    static func randomizedRound(
        _ values: UnsafeMutableBufferPointer<Double>, into out: UnsafeMutableBufferPointer<UInt32>,
        _ words: inout RandomWords
    ) -> UInt128 {
        var normSquared: UInt128 = 0
        for i in values.indices {
            let v = values[i]
            let f = v.rounded(.down)
            let threshold = (v - f) * 0x1p53
            let u = Double(words.next() >> 11)
            let r = Int64(f) + (u < threshold ? 1 : 0)
            out[i] = UInt32(truncatingIfNeeded: r)
            normSquared += RoundedNormCheck.square(r)
        }
        return normSquared
    }
}

extension NoiseSource {
    /// Adds one independent noise draw to every element of `values`, modulo 2^32.
    func addWrapping(to values: UnsafeMutableBufferPointer<UInt32>, _ words: inout RandomWords) {
        switch self {
        case .none: return
        case .discreteGaussian(let sampler):
            sampler.forEachSample(values.count, &words) { values[$0] &+= UInt32(truncatingIfNeeded: $1) }
        case .skellam(let sampler):
            sampler.forEachSample(values.count, &words) { values[$0] &+= UInt32(truncatingIfNeeded: $1) }
        }
    }
}
