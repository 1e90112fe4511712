import Sodium

/// Public parameters of one aggregation round, fixed before any key is advertised.
///
/// Invariants (checked by ``init(round:cohort:degree:threshold:bits:vectorLength:registry:runID:)``):
/// - `cohort` is strictly increasing, non-empty, every id ≥ 1 and present in `registry`;
/// - 1 ≤ `degree` ≤ n − 1 (n = cohort size; `degree` = n − 1 is classic SecAgg with the complete graph);
/// - 1 ≤ `threshold` ≤ `degree`;
/// - 1 ≤ `bits` ≤ 32 (sums are computed mod 2^bits); 1 ≤ `vectorLength` ≤ 2^31; `runID` has 32 bytes.
public struct RoundConfiguration: Sendable, Equatable {
    /// Round number (bound into every signature, key derivation and message).
    public let round: UInt64
    /// Sorted client ids taking part.
    public let cohort: [UInt32]
    /// Harary-graph degree k (number of neighbours of each client; see ``HararyGraph``).
    public let degree: Int
    /// Shamir threshold t.
    public let threshold: Int
    /// Bits per coordinate b; arithmetic is modulo 2^b.
    public let bits: Int
    /// Number of coordinates m of every input vector.
    public let vectorLength: Int
    /// Identity (Ed25519) public keys by client id.
    public let registry: [UInt32: Ed25519.PublicKey]
    /// BLAKE2b-256 of the registry (see ``registryHash(of:)``).
    public let registryHash: [UInt8]
    /// 32 bytes the server draws fresh for each run (`serve` process), bound into the round context so that
    /// signed contexts (advertisements, consistency signatures) never repeat across runs even though round
    /// numbers restart. ``noRunID`` (all zeros) for in-process simulations and tests.
    public let runID: [UInt8]

    /// The run id of in-process simulations and tests: 32 zero bytes.
    public static let noRunID = [UInt8](repeating: 0, count: 32)

    public static let maxVectorLength = 1 << 31
    /// Version byte of ``contextBytes`` (2: the run id was added).
    public static let contextVersion: UInt8 = 2

    public init(
        round: UInt64, cohort: [UInt32], degree: Int, threshold: Int, bits: Int, vectorLength: Int,
        registry: [UInt32: Ed25519.PublicKey], runID: [UInt8] = RoundConfiguration.noRunID
    ) throws(SecureAggError) {
        guard runID.count == 32 else { throw .invalidParameter("run id must be 32 bytes") }
        guard !cohort.isEmpty else { throw .invalidParameter("cohort is empty") }
        for i in cohort.indices {
            guard cohort[i] >= 1 else { throw .invalidParameter("client id 0") }
            if i > 0 {
                guard cohort[i] != cohort[i - 1] else { throw .duplicateClient(cohort[i]) }
                guard cohort[i] > cohort[i - 1] else { throw .invalidParameter("cohort not sorted") }
            }
            guard registry[cohort[i]] != nil else { throw .unknownClient(cohort[i]) }
        }
        guard cohort.count >= 2 else { throw .invalidParameter("cohort needs at least 2 clients") }
        guard degree >= 1, degree <= cohort.count - 1 else { throw .invalidParameter("degree must be 1…n−1") }
        guard threshold >= 1, threshold <= degree else { throw .invalidParameter("threshold must be 1…degree") }
        guard (1...32).contains(bits) else { throw .invalidParameter("bits must be 1…32") }
        guard vectorLength >= 1, vectorLength <= Self.maxVectorLength else {
            throw .invalidParameter("vector length must be 1…2^31")
        }
        self.round = round
        self.cohort = cohort
        self.degree = degree
        self.threshold = threshold
        self.bits = bits
        self.vectorLength = vectorLength
        self.registry = registry
        self.runID = runID
        self.registryHash = Self.registryHash(of: registry)
        self.contextBytes = []
        self.contextDigest = []
        self.contextBytes = makeContextBytes()
        self.contextDigest = Self.contextDigest(of: contextBytes)
    }

    /// BLAKE2b-256("secagg.v1.registry" ‖ 0 ‖ for each id ascending: id (UInt32 LE) ‖ Ed25519 key).
    public static func registryHash(of registry: [UInt32: Ed25519.PublicKey]) -> [UInt8] {
        var bytes = Array("secagg.v1.registry".utf8) + [0]
        for id in registry.keys.sorted() {
            bytes.appendLE(id)
            bytes.append(contentsOf: registry[id]?.bytes ?? [])
        }
        return Blake2b.hash(bytes, outputByteCount: 32)
    }

    /// Mask for b-bit values: 2^b − 1.
    public var valueMask: UInt32 { bits == 32 ? UInt32.max : (UInt32(1) << UInt32(bits)) &- 1 }

    /// Canonical bytes of the public round context: "secagg.v1.round-context" ‖ 0 ‖ version 2 ‖
    /// run id (32) ‖ registry hash ‖ round ‖ n ‖ ids ‖ k ‖ t ‖ b ‖ m (integers little-endian; n, ids, k, t, b
    /// as UInt32; round, m as UInt64).
    /// Computed once at initialisation (it is hashed into the session id and ``contextDigest``).
    public private(set) var contextBytes: [UInt8]

    /// What an advertisement signs in place of the O(n)-byte context (wire version 4):
    /// BLAKE2b-256("secagg.v4.round-context-digest" ‖ 0 ‖ ``contextBytes``). Computed once at initialisation.
    public private(set) var contextDigest: [UInt8]

    /// Label of ``contextDigest``.
    public static let contextDigestLabel = "secagg.v4.round-context-digest"

    /// BLAKE2b-256(``contextDigestLabel`` ‖ 0 ‖ `context`).
    public static func contextDigest(of context: [UInt8]) -> [UInt8] {
        let h = Blake2b.Hasher(outputByteCount: 32)
        h.update(Array(contextDigestLabel.utf8) + [0])
        h.update(context)
        return h.finalize()
    }

    private func makeContextBytes() -> [UInt8] {
        var bytes = Array("secagg.v1.round-context".utf8) + [0, Self.contextVersion]
        bytes.append(contentsOf: runID)
        bytes.append(contentsOf: registryHash)
        bytes.appendLE(round)
        bytes.appendLE(UInt32(cohort.count))
        for id in cohort { bytes.appendLE(id) }
        bytes.appendLE(UInt32(degree))
        bytes.appendLE(UInt32(threshold))
        bytes.appendLE(UInt32(bits))
        bytes.appendLE(UInt64(vectorLength))
        return bytes
    }

    /// True when `id` is in the cohort (binary search).
    public func contains(_ id: UInt32) -> Bool { cohort.ascendingIndex(of: id) { $0 } != nil }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
