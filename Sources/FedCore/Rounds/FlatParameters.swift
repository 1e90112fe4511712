/// A flat parameter vector (layout order, model units) in the precision a round keeps it in.
///
/// Models whose aggregated tensors are all 32-bit or narrower (F32/F16/BF16) are held as `Float` — every
/// value they can store is exact in `Float`, and halving the bytes is what keeps a round's memory near the
/// model's own size; an F64 tensor anywhere keeps the vector in `Double`.
public enum FlatParameters: Sendable, Equatable {
    case double([Double])
    case float([Float])

    /// `values` in the precision ``precisionIsFloat(for:)`` chooses for `layout`.
    public init(_ values: [Double], for layout: ModelLayout) {
        self = Self.precisionIsFloat(for: layout) ? .float(values.map { Float($0) }) : .double(values)
    }

    /// true when every aggregated tensor of `layout` is F32, F16 or BF16.
    public static func precisionIsFloat(for layout: ModelLayout) -> Bool {
        layout.entries.allSatisfy { $0.dtype != .f64 }
    }

    /// A zero vector of `count` values in the same precision as `self`.
    func zeros(count: Int) -> FlatParameters {
        switch self {
        case .double: .double([Double](repeating: 0, count: count))
        case .float: .float([Float](repeating: 0, count: count))
        }
    }

    public var count: Int {
        switch self {
        case .double(let v): v.count
        case .float(let v): v.count
        }
    }

    /// The values as `Double` (a full-length copy for `Float` storage).
    public var doubles: [Double] {
        switch self {
        case .double(let v): v
        case .float(let v): v.map { Double($0) }
        }
    }

    /// Runs `body` with in-place write access to the storage (no copy when uniquely referenced).
    mutating func withWriter<T, E: Error>(_ body: (FlatWriter) throws(E) -> T) throws(E) -> T {
        switch self {
        case .double(var v):
            self = .double([])
            defer { self = .double(v) }
            return try v.withUnsafeMutableBufferPointer { (b) throws(E) -> T in try body(.double(b)) }
        case .float(var v):
            self = .float([])
            defer { self = .float(v) }
            return try v.withUnsafeMutableBufferPointer { (b) throws(E) -> T in try body(.float(b)) }
        }
    }
}

/// Write access to a ``FlatParameters`` storage, block by block.
enum FlatWriter {
    case double(UnsafeMutableBufferPointer<Double>)
    case float(UnsafeMutableBufferPointer<Float>)

    /// storage[offset + j] = block[j].
    func store(_ block: UnsafeBufferPointer<Double>, at offset: Int) {
        switch self {
        case .double(let s): for j in block.indices { s[offset + j] = block[j] }
        case .float(let s): for j in block.indices { s[offset + j] = Float(block[j]) }
        }
    }

    /// storage[offset + j] += factor · block[j] (computed in Double, stored in the storage's precision).
    func add(_ factor: Double, _ block: UnsafeBufferPointer<Double>, at offset: Int) {
        switch self {
        case .double(let s): for j in block.indices { s[offset + j] += factor * block[j] }
        case .float(let s): for j in block.indices { s[offset + j] = Float(Double(s[offset + j]) + factor * block[j]) }
        }
    }
}
