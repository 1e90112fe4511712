extension SecureAggError {
    /// Errors of Shamir secret sharing. No case carries secret material.
    public enum Sharing: Error, Equatable, Sendable, CustomStringConvertible {
        /// Fewer shares than the threshold were supplied.
        case tooFewShares(available: Int, required: Int)
        /// Two shares carry the same evaluation point x.
        case duplicateX(UInt32)
        /// A share has x = 0 (that point is the secret itself); refused.
        case zeroX
        /// Shares disagree on how many field elements (chunks) they hold.
        case inconsistentChunkCounts
        /// Threshold or share count outside 1 ≤ t ≤ n, or a secret of unsupported length.
        case invalidParameters(String)
        /// A serialized share could not be parsed (`reason` says which check failed).
        case malformedEncoding(String)
        /// A serialized share carries a format version this build does not read.
        case unsupportedVersion(UInt8)
        /// The interpolated value does not fit the expected secret length: the shares are inconsistent
        /// (tampered, from different secrets, or a wrong threshold).
        case reconstructionOutOfRange

        public var description: String {
            switch self {
            case .tooFewShares(let available, let required): return "too few shares: \(available) < threshold \(required)"
            case .duplicateX(let x): return "duplicate share point x = \(x)"
            case .zeroX: return "share point x = 0 is not allowed"
            case .inconsistentChunkCounts: return "shares hold different numbers of chunks"
            case .invalidParameters(let what): return "invalid Shamir parameters: \(what)"
            case .malformedEncoding(let what): return "malformed share encoding: \(what)"
            case .unsupportedVersion(let v): return "unsupported share format version \(v)"
            case .reconstructionOutOfRange: return "reconstructed value out of range (inconsistent shares)"
            }
        }
    }
}
