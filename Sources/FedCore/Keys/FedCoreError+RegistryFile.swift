extension FedCoreError {
    /// Errors loading, validating or writing a `registry.json` (``Registry``). Every case names the problem; none
    /// carries secret material (registries hold public keys only).
    public enum RegistryFile: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be read or written, or is too large (`reason` says which).
        case io(path: String, reason: String)
        /// The destination exists and `force` was not given.
        case fileExists(path: String)
        /// Not valid JSON, or a required field is missing or has the wrong type.
        case malformed(source: String, reason: String)
        /// The `version` field is not one this reader knows.
        case unsupportedVersion(source: String, version: Int)
        /// The server entry's id is not 0.
        case serverIdNotZero(source: String, id: UInt32)
        /// A client id is 0 (reserved for the server).
        case invalidClientId(source: String, id: UInt32)
        /// Two client entries share an id.
        case duplicateClientId(source: String, id: UInt32)
        /// The registry lists no clients.
        case noClients(source: String)
        /// More clients than ``Registry/maxClientCount``.
        case tooManyClients(source: String, count: Int)
        /// A `sign_public_key` is not 64 hex digits of an Ed25519 key (`id` is the entry's id; 0 = server).
        case invalidPublicKey(source: String, id: UInt32, reason: String)
        /// Two identities share one public key.
        case duplicatePublicKey(source: String, firstId: UInt32, secondId: UInt32)
        /// An operation named an id the registry does not list.
        case unknownClient(id: UInt32)

        public var description: String {
            switch self {
            case let .io(path, reason): return reason.hasPrefix(path) ? reason : "\(path): \(reason)"
            case let .fileExists(path): return "\(path) already exists (refusing to overwrite without force)"
            case let .malformed(source, reason): return "\(source) is not a valid registry: \(reason)"
            case let .unsupportedVersion(source, version):
                return "\(source) has registry version \(version); this build reads version \(Registry.currentVersion)"
            case let .serverIdNotZero(source, id): return "\(source): server id is \(id), must be 0"
            case let .invalidClientId(source, id): return "\(source): client id \(id) is invalid (clients are 1 and up)"
            case let .duplicateClientId(source, id): return "\(source): client id \(id) appears more than once"
            case let .noClients(source): return "\(source): no clients listed"
            case let .tooManyClients(source, count):
                return "\(source): \(count) clients, more than the limit of \(Registry.maxClientCount)"
            case let .invalidPublicKey(source, id, reason):
                return "\(source): sign_public_key of id \(id): \(reason)"
            case let .duplicatePublicKey(source, first, second):
                return "\(source): ids \(first) and \(second) share one public key"
            case let .unknownClient(id): return "client id \(id) is not in the registry"
            }
        }
    }
}
