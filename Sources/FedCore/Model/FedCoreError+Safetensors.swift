extension FedCoreError {
    /// Why a safetensors file was refused or could not be written. Every case names the file (its path, or
    /// the name given to an in-memory buffer) and, where one is involved, the tensor.
    public enum Safetensors: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be opened, read, written or renamed.
        case io(file: String, detail: String)
        /// The file ends before the 8-byte header length, the header, or the data section does.
        case truncated(file: String, detail: String)
        /// The declared header length exceeds ``SafetensorsFile/maxHeaderByteCount``.
        case headerTooLarge(file: String, byteCount: UInt64)
        /// The header is not UTF-8 JSON of the expected shape (object of tensor entries and `__metadata__`).
        case invalidHeader(file: String, detail: String)
        /// A tensor entry is malformed (missing or mistyped `dtype`, `shape` or `data_offsets`).
        case invalidTensorEntry(file: String, tensor: String, detail: String)
        /// A tensor's `dtype` is not one of ``TensorDType``.
        case unknownDType(file: String, tensor: String, dtype: String)
        /// A dimension is negative, or the element/byte count overflows.
        case invalidShape(file: String, tensor: String, detail: String)
        /// `data_offsets` are reversed or point past the end of the data section.
        case offsetsOutOfRange(file: String, tensor: String, detail: String)
        /// Two tensors' byte ranges overlap.
        case overlappingTensors(file: String, tensor: String, other: String)
        /// The tensors' byte ranges do not tile the data section contiguously from 0 to its end.
        case gapInData(file: String, tensor: String, detail: String)
        /// shape × dtype size differs from the byte range length.
        case sizeMismatch(file: String, tensor: String, expectedBytes: Int, actualBytes: Int)
        /// A float value is NaN or infinite (`index` is the element index within the tensor).
        case nonFiniteValue(file: String, tensor: String, index: Int)
        /// A value-level operation was asked of a tensor whose dtype is not a float type.
        case notAFloatTensor(file: String, tensor: String, dtype: String)
        /// A tensor to write is inconsistent (duplicate or reserved name, payload size, wrong payload kind).
        case invalidTensorToWrite(file: String, tensor: String, detail: String)

        public var description: String {
            switch self {
            case .io(let file, let detail): "\(file): \(detail)"
            case .truncated(let file, let detail):
                "\(file): not a safetensors file, or a truncated one (\(detail)); give a complete .safetensors file"
            case .headerTooLarge(let file, let n):
                "\(file): not a safetensors file (its first 8 bytes would declare a \(n)-byte JSON header, over the "
                    + "\(SafetensorsFile.maxHeaderByteCount)-byte limit); give a .safetensors file"
            case .invalidHeader(let file, let detail):
                "\(file): not a safetensors file, or a damaged one: invalid header (\(detail))"
            case .invalidTensorEntry(let file, let t, let detail): "\(file): tensor '\(t)': invalid entry (\(detail))"
            case .unknownDType(let file, let t, let d): "\(file): tensor '\(t)': unknown dtype '\(d)'"
            case .invalidShape(let file, let t, let detail): "\(file): tensor '\(t)': invalid shape (\(detail))"
            case .offsetsOutOfRange(let file, let t, let detail): "\(file): tensor '\(t)': data_offsets out of range (\(detail))"
            case .overlappingTensors(let file, let t, let o): "\(file): tensor '\(t)' overlaps tensor '\(o)'"
            case .gapInData(let file, let t, let detail): "\(file): tensor '\(t)': data not contiguous (\(detail))"
            case .sizeMismatch(let file, let t, let e, let a):
                "\(file): tensor '\(t)': shape and dtype need \(e) bytes but data_offsets span \(a)"
            case .nonFiniteValue(let file, let t, let i): "\(file): tensor '\(t)': non-finite value at element \(i)"
            case .notAFloatTensor(let file, let t, let d): "\(file): tensor '\(t)': dtype \(d) is not a float type"
            case .invalidTensorToWrite(let file, let t, let detail): "\(file): tensor '\(t)': \(detail)"
            }
        }
    }
}
