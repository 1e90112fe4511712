import Foundation
import Sodium

/// Deterministic synthetic client updates for a layout: client `i`'s delta is
/// `scaleᵢ · direction + variationᵢ`, where `direction` is shared (Gaussian, L2 norm ≈ ``directionNorm``),
/// `scaleᵢ ∈ [0.5, 1.5]`, and `variationᵢ` is per-client Gaussian with L2 norm ≈ ``variationNorm``.
/// Each client also has an example count in `exampleCountRange` (for weighted FedAvg).
///
/// Everything derives from `seed` and the client id through BLAKE2b-keyed ChaCha20 streams, so any
/// client can be generated alone, in any order. **Seeded — tests and simulations only.**
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

    private let direction: [Double]

    /// - Precondition: norms are finite and ≥ 0; the range's lower bound is ≥ 1.
    public init(
        layout: ModelLayout, seed: UInt64, directionNorm: Double = 1.0, variationNorm: Double = 0.25,
        exampleCountRange: ClosedRange<Int> = 16...512
    ) {
        precondition(directionNorm.isFinite && directionNorm >= 0 && variationNorm.isFinite && variationNorm >= 0)
        precondition(exampleCountRange.lowerBound >= 1)
        self.layout = layout
        self.seed = seed
        self.directionNorm = directionNorm
        self.variationNorm = variationNorm
        self.exampleCountRange = exampleCountRange
        var g = SeededGaussian(Self.stream(seed: seed, purpose: "direction", client: 0))
        let perCoordinate = directionNorm / Double(max(layout.parameterCount, 1)).squareRoot()
        direction = (0..<layout.parameterCount).map { _ in perCoordinate * g.next() }
    }

    /// The shared direction every client's delta is (a multiple of) plus noise.
    public var sharedDirection: [Double] { direction }

    /// Client `client`'s delta (any `client` id, conventionally 1-based as keygen numbers them).
    public func delta(client: Int) -> [Double] {
        var g = SeededGaussian(Self.stream(seed: seed, purpose: "delta", client: client))
        let scale = 0.5 + g.uniform()
        let perCoordinate = variationNorm / Double(max(layout.parameterCount, 1)).squareRoot()
        return direction.map { scale * $0 + perCoordinate * g.next() }
    }

    /// Client `client`'s example count, in ``exampleCountRange``.
    public func exampleCount(client: Int) -> Int {
        var random = Self.stream(seed: seed, purpose: "examples", client: client)
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
    public func write(clients count: Int, to directory: URL) throws(SafetensorsError) -> [URL] {
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

    private static func stream(seed: UInt64, purpose: String, client: Int) -> ChaChaRandom {
        var material = Array("secagg.synthetic-updates.v1/\(purpose)".utf8)
        withUnsafeBytes(of: seed.littleEndian) { material.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(client).littleEndian) { material.append(contentsOf: $0) }
        return ChaChaRandom.seeded(key: SecureBytes(copying: Blake2b.hash(material, outputByteCount: 32)))
    }
}
