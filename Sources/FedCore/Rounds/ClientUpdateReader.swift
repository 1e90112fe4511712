import Foundation

/// Block access to one client's update (flat, layout order, model units), so a round can stream an update
/// into the encoder without holding it whole. Reads must be repeatable: the same range gives the same values.
public protocol ClientUpdateReader {
    /// Number of local examples behind the update (≥ 1).
    var exampleCount: Int { get }
    /// Fills `block` with delta[offset ..< offset + block.count].
    /// - Throws: ``FedCoreError/Update/invalidUpdate(path:detail:)`` for unreadable or non-finite data.
    func read(offset: Int, into block: UnsafeMutableBufferPointer<Double>) throws(FedCoreError.Update)
}

/// A reader over an update already in memory (the default for custom ``ClientUpdateSource``s).
public struct InMemoryUpdateReader: ClientUpdateReader {
    public let update: ClientUpdate
    public var exampleCount: Int { update.exampleCount }

    public init(update: ClientUpdate) { self.update = update }

    public func read(offset: Int, into block: UnsafeMutableBufferPointer<Double>) throws(FedCoreError.Update) {
        guard offset >= 0, offset + block.count <= update.delta.count else {
            throw .invalidUpdate(path: "client \(update.clientID)", detail: "read past the end of the update")
        }
        for j in block.indices { block[j] = update.delta[offset + j] }
    }
}

/// Generates a synthetic client's delta block by block (see ``SyntheticUpdates/fill(client:offset:into:)``).
public struct SyntheticUpdateReader: ClientUpdateReader {
    public let updates: SyntheticUpdates
    public let client: Int
    public let exampleCount: Int

    public init(updates: SyntheticUpdates, client: Int) {
        self.updates = updates
        self.client = client
        exampleCount = updates.exampleCount(client: client)
    }

    public func read(offset: Int, into block: UnsafeMutableBufferPointer<Double>) throws(FedCoreError.Update) {
        guard offset >= 0, offset + block.count <= updates.layout.parameterCount else {
            throw .invalidUpdate(path: "synthetic client \(client)", detail: "read past the end of the update")
        }
        updates.fill(client: client, offset: offset, into: block)
    }
}

/// Reads a `client-NNNN.safetensors` update with positioned reads of just the requested elements. The header
/// is validated against the layout when the reader is made; values are checked (finite) as they are read.
struct FileUpdateReader: ClientUpdateReader {
    /// One layout tensor's place in the flat vector and in the file.
    private struct Segment {
        let name: String
        let dtype: TensorDType
        let flatOffset: Int
        let count: Int
        /// Absolute byte offset of the tensor's first element in the file.
        let fileOffset: UInt64
    }

    let path: String
    let exampleCount: Int
    private let handle: FileHandle
    private let segments: [Segment]

    init(url: URL, layout: ModelLayout) throws(FedCoreError.Update) {
        path = url.path
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(contentsOf: url)
            try layout.validate(file)
        } catch {
            throw .invalidUpdate(path: url.path, detail: "\(error)")
        }
        let count = file.metadata[SyntheticUpdates.exampleCountKey].flatMap { Int($0) } ?? 1
        guard count >= 1 else { throw .badExampleCount(path: url.path) }
        exampleCount = count
        var segments: [Segment] = []
        for e in layout.entries {
            guard let t = file.tensor(named: e.name) else { continue }  // validate() guarantees presence
            segments.append(Segment(
                name: e.name, dtype: e.dtype, flatOffset: e.offset, count: e.count,
                fileOffset: UInt64(file.dataSectionOffset + t.dataRange.lowerBound)))
        }
        self.segments = segments
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw .invalidUpdate(path: url.path, detail: "cannot open: \(FileErrorText.readFailure(url.path, error))")
        }
    }

    func read(offset: Int, into block: UnsafeMutableBufferPointer<Double>) throws(FedCoreError.Update) {
        let wanted = offset..<(offset + block.count)
        guard let base = block.baseAddress else { return }
        for s in segments {
            let range = wanted.clamped(to: s.flatOffset..<(s.flatOffset + s.count))
            guard !range.isEmpty else { continue }
            let size = s.dtype.byteSize
            let data: Data
            do {
                try handle.seek(toOffset: s.fileOffset + UInt64((range.lowerBound - s.flatOffset) * size))
                data = try handle.read(upToCount: range.count * size) ?? Data()
            } catch {
                throw .invalidUpdate(path: path, detail: "\(path): read failed (\(FileErrorText.reason(error)))")
            }
            guard data.count == range.count * size else {
                throw .invalidUpdate(path: path, detail: "\(path): tensor '\(s.name)' is truncated")
            }
            let target = UnsafeMutableBufferPointer(start: base + (range.lowerBound - offset), count: range.count)
            let bad = data.withUnsafeBytes { raw in
                SafetensorsFile.decodeFloats(raw, dtype: s.dtype, into: target, allowNonFinite: false)
            }
            if let bad {
                let index = range.lowerBound - s.flatOffset + bad
                throw .invalidUpdate(
                    path: path,
                    detail: FedCoreError.Safetensors.nonFiniteValue(file: path, tensor: s.name, index: index).description)
            }
        }
    }
}
