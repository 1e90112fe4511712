import Foundation
import Sodium

/// Deterministic synthetic client updates for a layout: client `i`'s delta is
/// `scaleᵢ · direction + variationᵢ`, where `direction` is shared (L2 norm ≈ ``directionNorm``),
/// `scaleᵢ ∈ [0.5, 1.5]`, and `variationᵢ` is per-client with L2 norm ≈ ``variationNorm``; both draw every
/// coordinate from ``ApproximateNormal`` (bell-shaped, unit variance; not an exact Gaussian).
/// Each client also has an example count in `exampleCountRange` (for weighted FedAvg).
///
/// Everything derives from `seed`, the client id and the chunk index through BLAKE2b-keyed ChaCha20 streams
/// (one stream per ``chunkSize`` coordinates), so any client — and any range of its coordinates — can be
/// generated alone, in any order, without holding a full-length vector. **Seeded — tests and simulations only.**
public struct SyntheticUpdates: Sendable {
    /// `__metadata__` key holding the example count (decimal string) in update files.
    public static let exampleCountKey = "num_examples"

    public let layout: ModelLayout
    public let seed: UInt64
    /// Expected L2 norm of the shared direction (model units).
    public let directionNorm: Double
    /// Expected L2 norm of each client's individual variation (model units).
    public let variationNorm: Double
    /// Inclusive range of example counts.
    public let exampleCountRange: ClosedRange<Int>

    /// Coordinates per independently keyed stream (ranges are generated chunk by chunk).
    public static let chunkSize = 4096
    /// Layouts up to this many parameters keep the shared direction in memory (8 bytes each) instead of
    /// regenerating it for every client; the values are the same either way.
    public static let directionCacheLimit = 1 << 22

    /// The shared direction, for layouts within ``directionCacheLimit``.
    private var directionCache: [Double]? = nil

    /// - Parameter cacheDirection: keep the shared direction in memory when the layout is within
    ///   ``directionCacheLimit`` (the default); false regenerates it per client (same values).
    /// - Precondition: norms are finite and ≥ 0; the range's lower bound is ≥ 1.
    public init(
        layout: ModelLayout, seed: UInt64, directionNorm: Double = 1.0, variationNorm: Double = 0.25,
        exampleCountRange: ClosedRange<Int> = 16...512, cacheDirection: Bool = true
    ) {
        precondition(directionNorm.isFinite && directionNorm >= 0 && variationNorm.isFinite && variationNorm >= 0)
        precondition(exampleCountRange.lowerBound >= 1)
        self.layout = layout
        self.seed = seed
        self.directionNorm = directionNorm
        self.variationNorm = variationNorm
        self.exampleCountRange = exampleCountRange
        if cacheDirection, layout.parameterCount <= Self.directionCacheLimit { directionCache = sharedDirection }
    }

    /// The shared direction every client's delta is (a multiple of) plus noise (materialised on each call).
    public var sharedDirection: [Double] {
        var out = [Double](repeating: 0, count: layout.parameterCount)
        out.withUnsafeMutableBufferPointer { buffer in
            forEachChunk(offset: 0, into: buffer) { chunk, target, skip in
                var g = ApproximateNormal(Self.stream(seed: seed, purpose: "direction", client: 0, chunk: chunk))
                fillNormal(&g, skip: skip, into: target, scale: perCoordinate(directionNorm))
            }
        }
        return out
    }

    /// Client `client`'s delta (any `client` id, conventionally 1-based as keygen numbers them).
    public func delta(client: Int) -> [Double] {
        var out = [Double](repeating: 0, count: layout.parameterCount)
        out.withUnsafeMutableBufferPointer { fill(client: client, offset: 0, into: $0) }
        return out
    }

    /// Writes delta[offset ..< offset + block.count] of client `client` into `block` (the values of
    /// ``delta(client:)``), generating only the chunks that overlap the range.
    /// - Precondition: the range lies within the layout.
    public func fill(client: Int, offset: Int, into block: UnsafeMutableBufferPointer<Double>) {
        precondition(offset >= 0 && offset + block.count <= layout.parameterCount, "range outside the layout")
        var g = SeededGaussian(Self.stream(seed: seed, purpose: "delta-scale", client: client, chunk: 0))
        let scale = 0.5 + g.uniform()
        let directionScale = perCoordinate(directionNorm)
        let variationScale = perCoordinate(variationNorm)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: Self.chunkSize)
        defer { scratch.deallocate() }
        let cache = directionCache
        forEachChunk(offset: offset, into: block) { chunk, target, skip in
            if let cache {
                let first = chunk * Self.chunkSize + skip
                for j in target.indices { target[j] = cache[first + j] }
            } else {
                var d = ApproximateNormal(Self.stream(seed: seed, purpose: "direction", client: 0, chunk: chunk))
                fillNormal(&d, skip: skip, into: target, scale: directionScale)
            }
            let variation = UnsafeMutableBufferPointer(rebasing: scratch[0..<target.count])
            var v = ApproximateNormal(Self.stream(seed: seed, purpose: "delta", client: client, chunk: chunk))
            fillNormal(&v, skip: skip, into: variation, scale: variationScale)
            for j in target.indices { target[j] = scale * target[j] + variation[j] }
        }
    }

    private func perCoordinate(_ norm: Double) -> Double { norm / Double(max(layout.parameterCount, 1)).squareRoot() }

    /// Calls `body(chunk index, target slice of block, coordinates of the chunk to skip)` for every chunk
    /// overlapping offset ..< offset + block.count.
    private func forEachChunk(
        offset: Int, into block: UnsafeMutableBufferPointer<Double>,
        _ body: (Int, UnsafeMutableBufferPointer<Double>, Int) -> Void
    ) {
        var position = offset
        let end = offset + block.count
        while position < end {
            let chunk = position / Self.chunkSize
            let chunkEnd = min(end, (chunk + 1) * Self.chunkSize)
            let target = UnsafeMutableBufferPointer(rebasing: block[(position - offset)..<(chunkEnd - offset)])
            body(chunk, target, position - chunk * Self.chunkSize)
            position = chunkEnd
        }
    }

    /// Skips `skip` draws, then writes `scale · N(0, 1)` draws into `target`.
    private func fillNormal(_ g: inout ApproximateNormal, skip: Int, into target: UnsafeMutableBufferPointer<Double>, scale: Double) {
        g.fill(skipping: skip, into: target, scale: scale)
    }

    /// Client `client`'s example count, in ``exampleCountRange``.
    public func exampleCount(client: Int) -> Int {
        let random = Self.stream(seed: seed, purpose: "examples", client: client)
        let width = UInt64(exampleCountRange.upperBound - exampleCountRange.lowerBound) + 1
        return exampleCountRange.lowerBound + Int(random.next() % width)
    }

    /// File name of client `client`'s update: `client-0001.safetensors` (at least four digits).
    public static func fileName(client: Int) -> String {
        let digits = String(client)
        return "client-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".safetensors"
    }

    /// Writes clients `1…count` as safetensors files (float tensors of the layout, `__metadata__` with
    /// `num_examples`, `client` and `layout_hash`) into `directory`, which must exist. Returns the URLs.
    public func write(clients count: Int, to directory: URL) throws(FedCoreError.Safetensors) -> [URL] {
        var urls: [URL] = []
        for client in stride(from: 1, through: count, by: 1) {
            let url = directory.appendingPathComponent(Self.fileName(client: client))
            let tensors: [WritableTensor]
            do {
                tensors = try layout.unflatten(delta(client: client))
            } catch {
                throw .io(file: url.path, detail: "\(error)")
            }
            let metadata = [
                Self.exampleCountKey: String(exampleCount(client: client)), "client": String(client),
                "layout_hash": layout.layoutHash,
            ]
            try SafetensorsWriter.write(tensors, metadata: metadata, to: url)
            urls.append(url)
        }
        return urls
    }

    private static func stream(seed: UInt64, purpose: String, client: Int, chunk: Int = 0) -> ChaChaRandom {
        var material = Array("secagg.synthetic-updates.v3/\(purpose)".utf8)
        withUnsafeBytes(of: seed.littleEndian) { material.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(client).littleEndian) { material.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(chunk).littleEndian) { material.append(contentsOf: $0) }
        return ChaChaRandom.seeded(key: SecureBytes(copying: Blake2b.hash(material, outputByteCount: 32)))
    }
}
