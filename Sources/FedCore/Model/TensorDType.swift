/// Element types of the safetensors format that secagg recognises.
///
/// Only the floating-point types (``isAggregated``) take part in aggregation; every other type
/// (e.g. the `I64` `position_ids` buffer of BERT models) is carried through byte for byte.
public enum TensorDType: String, Sendable, CaseIterable, Codable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u64 = "U64"
    case u32 = "U32"
    case u16 = "U16"
    case u8 = "U8"
    case bool = "BOOL"

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// True for the floating-point types that are flattened into the aggregated vector.
    public var isAggregated: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }
}
