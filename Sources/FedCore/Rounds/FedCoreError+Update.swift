extension FedCoreError {
    /// Errors from loading client updates.
    public enum Update: Error, Equatable, Sendable, CustomStringConvertible {
        /// The updates directory does not exist or cannot be listed.
        case unreadableDirectory(path: String, detail: String)
        /// The directory holds no `client-NNNN.safetensors` files.
        case noUpdates(path: String)
        /// A file name does not follow `client-NNNN.safetensors` with NNNN ≥ 1.
        case badFileName(path: String)
        /// An update file could not be read or does not match the layout (the message names file and tensor).
        case invalidUpdate(path: String, detail: String)
        /// `num_examples` in the file's metadata is missing or not a positive integer (weighted rounds only).
        case badExampleCount(path: String)
        /// No update exists for this client id.
        case unknownClient(UInt32)

        public var description: String {
            switch self {
            case let .unreadableDirectory(path, detail): return "\(path): cannot read updates directory (\(detail))"
            case let .noUpdates(path): return "\(path): no client-NNNN.safetensors files found"
            case let .badFileName(path): return "\(path): expected a name like client-0001.safetensors"
            case let .invalidUpdate(_, detail): return detail
            case let .badExampleCount(path): return "\(path): __metadata__ num_examples must be a positive integer"
            case let .unknownClient(id): return "no update for client \(id)"
            }
        }
    }
}
