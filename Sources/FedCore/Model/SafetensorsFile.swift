import Foundation

/// One tensor entry of a safetensors header.
public struct TensorInfo: Sendable, Equatable {
    /// Tensor name (header key).
    public let name: String
    /// Element type.
    public let dtype: TensorDType
    /// Dimensions, each ≥ 0 (an empty shape is a scalar with one element).
    public let shape: [Int]
    /// Product of ``shape``.
    public let elementCount: Int
    /// Byte range of the tensor's data, relative to the start of the data section;
    /// its length is `elementCount × dtype.byteSize`.
    public let dataRange: Range<Int>
}

/// A validated, read-only safetensors file.
///
/// Format: 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`, then the
/// little-endian data section; offsets are relative to the data section. See Docs/formats.md.
///
/// Construction validates everything structural (header bounds and JSON, dtypes, shapes, byte ranges
/// tiling the data section exactly). Values are checked (finite) when read. Files are memory-mapped, so
/// a large model costs address space, not RAM, until its values are read.
public struct SafetensorsFile: Sendable {
    /// Largest accepted header (bytes): guards against absurd allocations from a hostile length field.
    public static let maxHeaderByteCount = 100 * 1024 * 1024

    /// The path (or given name) used in error messages.
    public let name: String
    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    /// All tensors, in file order (ascending data offset; ties — empty tensors — by name).
    public let tensors: [TensorInfo]

    private let bytes: Data
    private let dataStart: Int

    /// Maps and validates the file at `url`.
    public init(contentsOf url: URL) throws(FedCoreError.Safetensors) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .io(file: url.path, detail: "cannot read: \(FileErrorText.readFailure(url.path, error))")
        }
        try self.init(bytes: data, name: url.path)
    }

    /// Validates an in-memory safetensors image; `name` is used in error messages.
    public init(bytes input: Data, name: String) throws(FedCoreError.Safetensors) {
        let bytes = input.startIndex == 0 ? input : Data(input)
        self.name = name
        self.bytes = bytes
        guard bytes.count >= 8 else {
            throw .truncated(file: name, detail: "\(bytes.count) bytes, need 8 for the header length")
        }
        let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.maxHeaderByteCount) else {
            throw .headerTooLarge(file: name, byteCount: headerLength)
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerEnd <= bytes.count else {
            throw .truncated(file: name, detail: "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        dataStart = headerEnd
        let header = try Self.parseHeader(bytes.subdata(in: 8..<headerEnd), file: name)
        metadata = header.metadata
        tensors = try Self.checkTiling(header.tensors, dataByteCount: bytes.count - headerEnd, file: name)
    }

    /// The tensor called `name`, if present.
    public func tensor(named name: String) -> TensorInfo? { tensors.first { $0.name == name } }

    /// A copy of the tensor's raw little-endian bytes (any dtype).
    public func rawBytes(of tensor: TensorInfo) -> Data {
        bytes.subdata(in: (dataStart + tensor.dataRange.lowerBound)..<(dataStart + tensor.dataRange.upperBound))
    }

    /// The tensor's values converted to `Double` (exact for every float dtype).
    /// - Throws: ``FedCoreError/Safetensors/notAFloatTensor(file:tensor:dtype:)`` for non-float dtypes;
    ///   ``FedCoreError/Safetensors/nonFiniteValue(file:tensor:index:)`` for NaN/±∞ unless `allowNonFinite`.
    public func values(of tensor: TensorInfo, allowNonFinite: Bool = false) throws(FedCoreError.Safetensors) -> [Double] {
        var out = [Double](repeating: 0, count: tensor.elementCount)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(FedCoreError.Safetensors) in
            try readValues(of: tensor, into: buffer, allowNonFinite: allowNonFinite)
        }
        return out
    }

    /// Writes the tensor's values, converted to `Double`, into `buffer` (whose count must be at least
    /// `tensor.elementCount`; the first `elementCount` slots are written). Same errors as ``values(of:allowNonFinite:)``.
    public func readValues(
        of tensor: TensorInfo, into buffer: UnsafeMutableBufferPointer<Double>, allowNonFinite: Bool = false
    ) throws(FedCoreError.Safetensors) {
        precondition(buffer.count >= tensor.elementCount, "destination buffer too small")
        try readValues(of: tensor, elements: 0..<tensor.elementCount, into: buffer, allowNonFinite: allowNonFinite)
    }

    /// Writes elements `elements` of the tensor (flat, row-major), converted to `Double`, into the first
    /// `elements.count` slots of `buffer`. Touches only those elements' bytes of the mapped file.
    /// - Precondition: `elements` lies within `0..<tensor.elementCount`; `buffer.count ≥ elements.count`.
    /// - Throws: as ``values(of:allowNonFinite:)``; the non-finite index is relative to the tensor's start.
    public func readValues(
        of tensor: TensorInfo, elements: Range<Int>, into buffer: UnsafeMutableBufferPointer<Double>,
        allowNonFinite: Bool = false
    ) throws(FedCoreError.Safetensors) {
        precondition(elements.lowerBound >= 0 && elements.upperBound <= tensor.elementCount, "elements out of range")
        precondition(buffer.count >= elements.count, "destination buffer too small")
        guard tensor.dtype.isAggregated else {
            throw .notAFloatTensor(file: name, tensor: tensor.name, dtype: tensor.dtype.rawValue)
        }
        let start = dataStart + tensor.dataRange.lowerBound + elements.lowerBound * tensor.dtype.byteSize
        let badIndex: Int? = bytes.withUnsafeBytes { raw -> Int? in
            Self.decodeFloats(
                UnsafeRawBufferPointer(rebasing: raw[start..<(start + elements.count * tensor.dtype.byteSize)]),
                dtype: tensor.dtype, into: buffer, allowNonFinite: allowNonFinite)
        }
        if let badIndex { throw .nonFiniteValue(file: name, tensor: tensor.name, index: elements.lowerBound + badIndex) }
    }

    /// Byte offset of the data section in the file (8 + header length); tensor data ranges are relative to it.
    public var dataSectionOffset: Int { dataStart }

    /// Converts little-endian float values of `dtype` in `raw` to `Double` into `buffer` (count ≥ raw values).
    /// Returns the index of the first non-finite value (then stops) unless `allowNonFinite`; nil when all fine.
    static func decodeFloats(
        _ raw: UnsafeRawBufferPointer, dtype: TensorDType, into buffer: UnsafeMutableBufferPointer<Double>,
        allowNonFinite: Bool
    ) -> Int? {
        let count = raw.count / dtype.byteSize
        for i in 0..<count {
            let value: Double
            switch dtype {
            case .f64:
                value = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            case .f32:
                value = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            case .f16:
                value = Double(HalfPrecision.floatFromF16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            default:  // .bf16 (callers check isAggregated)
                value = Double(HalfPrecision.floatFromBF16(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            }
            if !allowNonFinite && !value.isFinite { return i }
            buffer[i] = value
        }
        return nil
    }
}

// MARK: - Header validation

extension SafetensorsFile {
    private struct ParsedHeader {
        var metadata: [String: String] = [:]
        var tensors: [TensorInfo] = []
    }

    private static func parseHeader(_ headerBytes: Data, file: String) throws(FedCoreError.Safetensors) -> ParsedHeader {
        guard String(data: headerBytes, encoding: .utf8) != nil else {
            throw .invalidHeader(file: file, detail: "not UTF-8")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: headerBytes)
        } catch {
            throw .invalidHeader(file: file, detail: "not valid JSON")
        }
        guard let top = object as? [String: Any] else {
            throw .invalidHeader(file: file, detail: "top level is not a JSON object")
        }
        var parsed = ParsedHeader()
        for key in top.keys.sorted() {
            guard let value = top[key] else { continue }
            if key == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw .invalidHeader(file: file, detail: "__metadata__ is not an object")
                }
                for (k, v) in map {
                    guard let s = v as? String else {
                        throw .invalidHeader(file: file, detail: "__metadata__ value of '\(k)' is not a string")
                    }
                    parsed.metadata[k] = s
                }
                continue
            }
            parsed.tensors.append(try parseEntry(name: key, value: value, file: file))
        }
        return parsed
    }

    private static func parseEntry(name: String, value: Any, file: String) throws(FedCoreError.Safetensors) -> TensorInfo {
        guard let entry = value as? [String: Any] else {
            throw .invalidTensorEntry(file: file, tensor: name, detail: "not a JSON object")
        }
        guard let dtypeName = entry["dtype"] as? String else {
            throw .invalidTensorEntry(file: file, tensor: name, detail: "missing or non-string dtype")
        }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            throw .unknownDType(file: file, tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = entry["shape"] as? [Any] else {
            throw .invalidTensorEntry(file: file, tensor: name, detail: "missing or non-array shape")
        }
        var shape: [Int] = []
        var elementCount = 1
        for dimension in shapeValues {
            guard let d = jsonInteger(dimension) else {
                throw .invalidShape(file: file, tensor: name, detail: "dimension is not an integer in Int range")
            }
            guard d >= 0 else { throw .invalidShape(file: file, tensor: name, detail: "negative dimension \(d)") }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .invalidShape(file: file, tensor: name, detail: "element count overflows") }
            elementCount = product
            shape.append(d)
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw .invalidShape(file: file, tensor: name, detail: "byte count overflows") }
        guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
            let begin = jsonInteger(offsets[0]), let end = jsonInteger(offsets[1])
        else {
            throw .invalidTensorEntry(file: file, tensor: name, detail: "data_offsets must be two integers")
        }
        guard begin >= 0, begin <= end else {
            throw .offsetsOutOfRange(file: file, tensor: name, detail: "[\(begin), \(end)] is not an ordered non-negative range")
        }
        guard end - begin == byteCount else {
            throw .sizeMismatch(file: file, tensor: name, expectedBytes: byteCount, actualBytes: end - begin)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, elementCount: elementCount, dataRange: begin..<end)
    }

    /// Sorts by offset and checks the ranges tile `0..<dataByteCount` with no gap and no overlap.
    private static func checkTiling(
        _ entries: [TensorInfo], dataByteCount: Int, file: String
    ) throws(FedCoreError.Safetensors) -> [TensorInfo] {
        for t in entries where t.dataRange.upperBound > dataByteCount {
            throw .offsetsOutOfRange(
                file: file, tensor: t.name,
                detail: "end \(t.dataRange.upperBound) is past the data section (\(dataByteCount) bytes)")
        }
        let sorted = entries.sorted {
            ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name)
        }
        var position = 0
        var previous: TensorInfo?
        for t in sorted {
            if t.dataRange.lowerBound < position, let previous {
                throw .overlappingTensors(file: file, tensor: t.name, other: previous.name)
            }
            if t.dataRange.lowerBound > position {
                throw .gapInData(file: file, tensor: t.name, detail: "starts at \(t.dataRange.lowerBound), previous data ends at \(position)")
            }
            position = t.dataRange.upperBound
            if !t.dataRange.isEmpty { previous = t }
        }
        guard position == dataByteCount else {
            let last = sorted.last?.name ?? "(none)"
            throw .gapInData(file: file, tensor: last, detail: "tensors cover \(position) of \(dataByteCount) data bytes")
        }
        return sorted
    }

    /// An integral JSON number that fits `Int` (not a boolean, not fractional).
    private static func jsonInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        if String(cString: number.objCType) == "c" { return nil }  // JSON true/false
        return value as? Int
    }
}
