import Foundation
import SecureAgg

/// Splits a ``MaskedInput`` (bit-packed at b bits) into ``Secagg_V1_MaskedInputChunk``s of at most
/// ``WireProtocol/maskedChunkBytes`` each, and reassembles them with every limit checked on arrival.
enum MaskedInputChunks {
    static func split(_ input: MaskedInput, chunkBytes: Int = WireProtocol.maskedChunkBytes)
        -> [Secagg_V1_MaskedInputChunk]
    {
        let total = input.packed.count
        let count = max(1, (total + chunkBytes - 1) / chunkBytes)
        return (0..<count).map { i in
            var m = Secagg_V1_MaskedInputChunk()
            m.version = UInt32(input.version)
            m.round = input.round
            m.sender = input.sender
            m.chunkIndex = UInt32(i)
            m.chunkCount = UInt32(count)
            m.totalBytes = UInt64(total)
            let lo = i * chunkBytes
            m.data = Data(input.packed[lo..<min(total, lo + chunkBytes)])
            return m
        }
    }

    /// The expected number of chunks for a packed vector of `totalBytes`.
    static func chunkCount(totalBytes: Int, chunkBytes: Int = WireProtocol.maskedChunkBytes) -> Int {
        max(1, (totalBytes + chunkBytes - 1) / chunkBytes)
    }
}

/// Reassembles one client's masked vector. The expected size is fixed by the round (m coordinates at b bits),
/// so the buffer never grows past it: a chunk out of order, of the wrong round or sender, announcing another
/// total, or carrying more bytes than remain is refused before it is copied.
struct MaskedInputAssembly {
    let round: UInt64
    let sender: UInt32
    let expectedBytes: Int
    let expectedChunks: Int
    private(set) var buffer: [UInt8] = []
    private(set) var nextIndex = 0

    init(round: UInt64, sender: UInt32, vectorLength: Int, bits: Int) {
        self.round = round
        self.sender = sender
        expectedBytes = BitPacking.encodedByteCount(count: vectorLength, bits: bits)
        expectedChunks = MaskedInputChunks.chunkCount(totalBytes: expectedBytes)
    }

    var isComplete: Bool { nextIndex == expectedChunks }

    /// Adds one chunk; returns the whole ``MaskedInput`` once the last chunk arrived.
    mutating func add(_ chunk: Secagg_V1_MaskedInputChunk) throws(TransportError) -> MaskedInput? {
        _ = try ProtoFields.version(chunk.version, current: MaskedInput.currentVersion, what: "MaskedInput")
        guard chunk.round == round else { throw .malformed("masked input for round \(chunk.round), expected \(round)") }
        guard chunk.sender == sender else { throw .malformed("masked input names sender \(chunk.sender)") }
        guard chunk.totalBytes == UInt64(expectedBytes) else {
            throw .limitExceeded("masked vector of \(chunk.totalBytes) bytes, the round expects \(expectedBytes)")
        }
        guard chunk.chunkCount == UInt32(expectedChunks), chunk.chunkIndex == UInt32(nextIndex) else {
            throw .malformed("masked input chunk \(chunk.chunkIndex) of \(chunk.chunkCount), expected \(nextIndex)")
        }
        guard chunk.data.count <= WireProtocol.maskedChunkBytes,
            chunk.data.count <= expectedBytes - buffer.count
        else { throw .limitExceeded("masked input chunk of \(chunk.data.count) bytes overruns the vector") }
        if buffer.isEmpty { buffer.reserveCapacity(expectedBytes) }
        buffer.append(contentsOf: chunk.data)
        nextIndex += 1
        guard isComplete else { return nil }
        guard buffer.count == expectedBytes else {
            throw .malformed("masked vector of \(buffer.count) bytes, expected \(expectedBytes)")
        }
        return MaskedInput(round: round, sender: sender, packed: buffer)
    }
}
