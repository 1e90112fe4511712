/// Sentences for operators: which check of a packed vector failed.
extension SecureAggError.Packing: CustomStringConvertible {
    public var description: String {
        switch self {
        case .truncatedHeader: return "the packed vector is shorter than its 6-byte header"
        case .unsupportedVersion(let v): return "packed-vector format version \(v) is not supported (this build reads 1)"
        case .invalidBits(let b): return "the packed vector declares \(b) bits per value (1…32 allowed)"
        case .wrongLength(let expected, let actual):
            return "the packed payload has \(actual) bytes, its header requires \(expected)"
        case .nonZeroPadding: return "the unused bits of the packed vector's last byte are not zero"
        }
    }
}
