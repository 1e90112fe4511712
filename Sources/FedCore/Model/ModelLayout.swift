import Foundation
import Sodium

/// The ordered list of aggregated (float) tensors of a model and their place in the flat vector.
///
/// Invariants: entries are the model file's float tensors (F64/F32/F16/BF16) in file order; entry `k`
/// occupies `offset ..< offset + count` of the flat vector, offsets are contiguous from 0, and
/// ``parameterCount`` is the sum of counts. Non-float tensors are not part of the layout (they are carried
/// through unchanged by ``unflatten(_:carryingThrough:)``).
public struct ModelLayout: Sendable, Equatable {
    /// One aggregated tensor.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: TensorDType
        public let shape: [Int]
        /// Index of the tensor's first element in the flat vector.
        public let offset: Int
        /// Number of elements (product of `shape`).
        public let count: Int
    }

    /// Version tag of the canonical encoding hashed into ``layoutHash`` (see Docs/formats.md).
    public static let hashDomain = "secagg.model-layout.v1"

    public let entries: [Entry]
    /// Total number of aggregated parameters (length of the flat vector).
    public let parameterCount: Int
    /// Lower-case hex BLAKE2b-256 of the canonical encoding of (name, dtype, shape) in order.
    public let layoutHash: String

    /// The layout of `file`'s float tensors, in file order.
    /// - Throws: ``FedCoreError/Layout/invalidLayout(detail:)`` when the file has no float tensor.
    public init(file: SafetensorsFile) throws(FedCoreError.Layout) {
        let floats = file.tensors.filter { $0.dtype.isAggregated }
        guard !floats.isEmpty else { throw .invalidLayout(detail: "\(file.name) has no float tensor") }
        try self.init(tensors: floats.map { ($0.name, $0.dtype, $0.shape) })
    }

    /// A layout from explicit (name, dtype, shape) triples, in order.
    /// - Throws: ``FedCoreError/Layout/invalidLayout(detail:)`` for an empty list, a duplicate name, a
    ///   non-float dtype, a negative dimension or an overflowing count.
    public init(tensors: [(name: String, dtype: TensorDType, shape: [Int])]) throws(FedCoreError.Layout) {
        guard !tensors.isEmpty else { throw .invalidLayout(detail: "no tensors") }
        var entries: [Entry] = []
        var names = Set<String>()
        var offset = 0
        for (name, dtype, shape) in tensors {
            guard names.insert(name).inserted else { throw .invalidLayout(detail: "duplicate tensor '\(name)'") }
            guard dtype.isAggregated else { throw .invalidLayout(detail: "tensor '\(name)' has non-float dtype \(dtype.rawValue)") }
            var count = 1
            for d in shape {
                guard d >= 0 else { throw .invalidLayout(detail: "tensor '\(name)' has a negative dimension") }
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o else { throw .invalidLayout(detail: "tensor '\(name)' element count overflows") }
                count = p
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, offset: offset, count: count))
            let (next, o) = offset.addingReportingOverflow(count)
            guard !o else { throw .invalidLayout(detail: "parameter count overflows") }
            offset = next
        }
        self.entries = entries
        self.parameterCount = offset
        self.layoutHash = Hex.encode(Blake2b.hash(Self.canonicalEncoding(entries), outputByteCount: 32))
    }

    /// The canonical, versioned byte encoding hashed into ``layoutHash``:
    /// `domain ‖ u32le(tensor count) ‖ for each: u32le(len) ‖ name UTF-8 ‖ u32le(len) ‖ dtype ASCII ‖
    /// u32le(rank) ‖ u64le(dim)…`, where `domain` is the UTF-8 of ``hashDomain`` prefixed by its u32le length.
    static func canonicalEncoding(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: Int) { withUnsafeBytes(of: UInt64(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) {
            let bytes = Array(s.utf8)
            u32(bytes.count)
            out.append(contentsOf: bytes)
        }
        string(hashDomain)
        u32(entries.count)
        for e in entries {
            string(e.name)
            string(e.dtype.rawValue)
            u32(e.shape.count)
            for d in e.shape { u64(d) }
        }
        return out
    }

    /// The entry called `name`.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// Checks that `file`'s float tensors are exactly this layout's (names, dtypes, shapes; file order may
    /// differ). Non-float tensors in the file are ignored.
    /// - Throws: ``FedCoreError/Layout/layoutMismatch(file:detail:)`` naming the first difference in layout
    ///   order (then the first extra tensor in file order).
    public func validate(_ file: SafetensorsFile) throws(FedCoreError.Layout) {
        let floats = file.tensors.filter { $0.dtype.isAggregated }
        var byName: [String: TensorInfo] = [:]
        for t in floats { byName[t.name] = t }
        for e in entries {
            guard let t = byName[e.name] else {
                if let other = file.tensor(named: e.name) {
                    throw .layoutMismatch(file: file.name, detail: "tensor '\(e.name)' has dtype \(other.dtype.rawValue), expected \(e.dtype.rawValue)")
                }
                throw .layoutMismatch(file: file.name, detail: "missing tensor '\(e.name)'")
            }
            guard t.dtype == e.dtype else {
                throw .layoutMismatch(file: file.name, detail: "tensor '\(e.name)' has dtype \(t.dtype.rawValue), expected \(e.dtype.rawValue)")
            }
            guard t.shape == e.shape else {
                throw .layoutMismatch(file: file.name, detail: "tensor '\(e.name)' has shape \(t.shape), expected \(e.shape)")
            }
        }
        if floats.count != entries.count {
            let known = Set(entries.map(\.name))
            let extra = floats.first { !known.contains($0.name) }?.name ?? "?"
            throw .layoutMismatch(file: file.name, detail: "unexpected tensor '\(extra)'")
        }
    }

    /// The file's float tensors as one vector in layout order, after ``validate(_:)``.
    /// - Throws: ``FedCoreError/Layout/layoutMismatch(file:detail:)``; ``FedCoreError/Layout/file(_:)`` wrapping
    ///   ``FedCoreError/Safetensors/nonFiniteValue(file:tensor:index:)`` for a NaN/±∞ value.
    public func flatten(_ file: SafetensorsFile) throws(FedCoreError.Layout) -> [Double] {
        try validate(file)
        var out = [Double](repeating: 0, count: parameterCount)
        do {
            try out.withUnsafeMutableBufferPointer { (buffer) throws(FedCoreError.Safetensors) in
                for e in entries {
                    guard let t = file.tensor(named: e.name), let base = buffer.baseAddress else { continue }
                    try file.readValues(of: t, into: UnsafeMutableBufferPointer(start: base + e.offset, count: e.count))
                }
            }
        } catch {
            throw .file(error)
        }
        return out
    }

    /// Splits a flat vector back into tensors (layout order, original dtypes). With `source`, the result is
    /// a complete model in `source`'s file order: float tensors from `vector`, every other tensor copied
    /// byte for byte (source must match the layout).
    /// - Throws: ``FedCoreError/Layout/wrongParameterCount(expected:actual:)``; mismatch errors from `source`.
    public func unflatten(
        _ vector: [Double], carryingThrough source: SafetensorsFile? = nil
    ) throws(FedCoreError.Layout) -> [WritableTensor] {
        try unflatten(.double(vector), carryingThrough: source)
    }

    /// As ``unflatten(_:carryingThrough:)`` for a vector in either precision; the tensors reference `flat`
    /// (``WritableTensor/Payload/flat(_:offset:)``) instead of copying it.
    public func unflatten(
        _ flat: FlatParameters, carryingThrough source: SafetensorsFile? = nil
    ) throws(FedCoreError.Layout) -> [WritableTensor] {
        guard flat.count == parameterCount else {
            throw .wrongParameterCount(expected: parameterCount, actual: flat.count)
        }
        func tensor(_ e: Entry) -> WritableTensor {
            WritableTensor(name: e.name, dtype: e.dtype, shape: e.shape, payload: .flat(flat, offset: e.offset))
        }
        guard let source else { return entries.map(tensor) }
        try validate(source)
        return source.tensors.map { t in
            if t.dtype.isAggregated, let e = entry(named: t.name) { return tensor(e) }
            return WritableTensor(name: t.name, dtype: t.dtype, shape: t.shape, payload: .raw(source.rawBytes(of: t)))
        }
    }
}
