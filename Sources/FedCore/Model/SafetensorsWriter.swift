import Foundation

/// A tensor to be written to a safetensors file.
public struct WritableTensor: Sendable, Equatable {
    /// What the tensor's data is.
    public enum Payload: Sendable, Equatable {
        /// Values converted to the tensor's float dtype on write (`Double` → F64 exact; → F32 rounds to
        /// nearest; → F16/BF16 rounds to F32 first, then to nearest even). Only for float dtypes.
        case values([Double])
        /// `count` values of a flat vector from `offset` on (shape's element count of them), converted like
        /// ``values(_:)``: a model or average is written tensor by tensor without splitting it into copies.
        case flat(FlatParameters, offset: Int)
        /// Raw little-endian bytes written unchanged (any dtype; e.g. carried-through I64 buffers).
        case raw(Data)
    }

    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]
    public let payload: Payload

    public init(name: String, dtype: TensorDType, shape: [Int], payload: Payload) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.payload = payload
    }
}

/// Writes safetensors files: header keys in the order given (`__metadata__` first), data laid out in the
/// same order, header padded with spaces to a multiple of 8 bytes (as the reference implementation does).
public enum SafetensorsWriter {
    /// The complete file image.
    /// - Throws: ``FedCoreError/Safetensors/invalidTensorToWrite(file:tensor:detail:)`` for a duplicate, empty or
    ///   reserved name, a negative dimension, a payload whose size does not match shape × dtype, or a
    ///   `.values` payload on a non-float dtype; ``FedCoreError/Safetensors/nonFiniteValue(file:tensor:index:)``
    ///   when a value is (or becomes, after narrowing) NaN/±∞.
    public static func encode(
        _ tensors: [WritableTensor], metadata: [String: String] = [:], name: String = "<memory>"
    ) throws(FedCoreError.Safetensors) -> Data {
        var out = Data()
        try emit(tensors, metadata: metadata, name: name) { chunk in out.append(contentsOf: chunk) }
        return out
    }

    /// Writes the file atomically: temporary file in the same directory, fsync, rename over `url`.
    /// An existing file at `url` is replaced only if the whole write succeeds.
    public static func write(
        _ tensors: [WritableTensor], metadata: [String: String] = [:], to url: URL
    ) throws(FedCoreError.Safetensors) {
        // Validate and encode the header before touching the filesystem.
        _ = try header(for: tensors, metadata: metadata, name: url.path)
        do {
            try DurableFile.replace(url) { write in
                try emit(tensors, metadata: metadata, name: url.path, sink: write)
            }
        } catch let error as FedCoreError.Safetensors {
            throw error
        } catch let failure as DurableFile.Failure {
            throw .io(file: url.path, detail: failure.detail)
        } catch {
            throw .io(file: url.path, detail: "\(error)")
        }
    }

    // MARK: - Encoding

    private static func emit(
        _ tensors: [WritableTensor], metadata: [String: String], name: String,
        sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FedCoreError.Safetensors) {
        let headerBytes = try header(for: tensors, metadata: metadata, name: name)
        do {
            var length = UInt64(headerBytes.count).littleEndian
            try withUnsafeBytes(of: &length) { try sink($0) }
            try headerBytes.withUnsafeBytes { try sink($0) }
            for tensor in tensors {
                let data = try tensorBytes(tensor, name: name)
                try data.withUnsafeBytes { try sink($0) }
            }
        } catch let failure as DurableFile.Failure {
            throw .io(file: name, detail: failure.detail)
        } catch let error as FedCoreError.Safetensors {
            throw error
        } catch {
            throw .io(file: name, detail: "\(error)")
        }
    }

    /// Validates the tensors and returns the padded UTF-8 JSON header.
    static func header(
        for tensors: [WritableTensor], metadata: [String: String], name: String
    ) throws(FedCoreError.Safetensors) -> [UInt8] {
        var seen = Set<String>()
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += "\"__metadata__\":{"
            json += metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }.joined(separator: ",")
            json += "}"
            first = false
        }
        var offset = 0
        for tensor in tensors {
            guard !tensor.name.isEmpty, tensor.name != "__metadata__" else {
                throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "empty or reserved name")
            }
            guard seen.insert(tensor.name).inserted else {
                throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "duplicate name")
            }
            var elements = 1
            for d in tensor.shape {
                guard d >= 0 else { throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "negative dimension") }
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "element count overflows") }
                elements = p
            }
            switch tensor.payload {
            case .values(let values):
                guard tensor.dtype.isAggregated else {
                    throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "values payload needs a float dtype, not \(tensor.dtype.rawValue)")
                }
                guard values.count == elements else {
                    throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "\(values.count) values for shape \(tensor.shape)")
                }
            case .flat(let flat, let start):
                guard tensor.dtype.isAggregated else {
                    throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "values payload needs a float dtype, not \(tensor.dtype.rawValue)")
                }
                guard start >= 0, start <= flat.count, elements <= flat.count - start else {
                    throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "flat range \(start)+\(elements) outside \(flat.count) values")
                }
            case .raw(let data):
                guard data.count == elements * tensor.dtype.byteSize else {
                    throw .invalidTensorToWrite(file: name, tensor: tensor.name, detail: "\(data.count) raw bytes for shape \(tensor.shape) of \(tensor.dtype.rawValue)")
                }
            }
            let byteCount = elements * tensor.dtype.byteSize
            if !first { json += "," }
            first = false
            json += "\(jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":["
            json += tensor.shape.map(String.init).joined(separator: ",")
            json += "],\"data_offsets\":[\(offset),\(offset + byteCount)]}"
            offset += byteCount
        }
        json += "}"
        var bytes = Array(json.utf8)
        while bytes.count % 8 != 0 { bytes.append(UInt8(ascii: " ")) }
        return bytes
    }

    private static func tensorBytes(_ tensor: WritableTensor, name: String) throws(FedCoreError.Safetensors) -> Data {
        switch tensor.payload {
        case .raw(let data): return data
        case .values(let v): return try convert(tensor, name: name, count: v.count) { v[$0] }
        case .flat(let flat, let start):
            let count = tensor.shape.reduce(1, *)
            return try convert(tensor, name: name, count: count) { flat.value(at: start + $0) }
        }
    }

    /// `count` values (`value(i)`) in the tensor's float dtype, little-endian.
    private static func convert(
        _ tensor: WritableTensor, name: String, count: Int, _ value: (Int) -> Double
    ) throws(FedCoreError.Safetensors) -> Data {
        var out = [UInt8](repeating: 0, count: count * tensor.dtype.byteSize)
        let dtype = tensor.dtype
        let badIndex: Int? = out.withUnsafeMutableBytes { raw -> Int? in
            for i in 0..<count {
                let value = value(i)
                switch dtype {
                case .f64:
                    guard value.isFinite else { return i }
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
                case .f32:
                    let f = Float(value)
                    guard f.isFinite else { return i }
                    raw.storeBytes(of: f.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                case .f16:
                    let h = HalfPrecision.f16FromFloat(Float(value))
                    guard value.isFinite, h & 0x7c00 != 0x7c00 else { return i }
                    raw.storeBytes(of: h.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                default:  // .bf16
                    let b = HalfPrecision.bf16FromFloat(Float(value))
                    guard value.isFinite, b & 0x7f80 != 0x7f80 else { return i }
                    raw.storeBytes(of: b.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            }
            return nil
        }
        if let badIndex { throw .nonFiniteValue(file: name, tensor: tensor.name, index: badIndex) }
        return Data(out)
    }

    /// A JSON string literal with the mandatory escapes.
    private static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
