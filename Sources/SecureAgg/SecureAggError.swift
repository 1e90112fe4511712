/// SecureAgg's one error type: errors of the protocol layer. The reasons of its parts are nested enums
/// (``SecureAggError/Sharing`` for Shamir sharing, ``SecureAggError/Packing`` for bit packing,
/// ``SecureAggError/ParameterSearch`` for the SecAgg+ parameter finder); a function that can fail for one of them
/// only throws that nested enum. ``MaskedInputFailure`` wraps a caller's own input error. No case carries secret
/// material.
///
/// Peer misbehaviour aborts a client (and makes the server drop the offending client); a call made in the
/// wrong protocol state throws ``wrongState(expected:actual:)`` without changing the state.
public enum SecureAggError: Error, Equatable, Sendable {
    /// A parameter outside its documented range (`what` names it).
    case invalidParameter(String)
    /// An operation was invoked in a state that does not accept it.
    case wrongState(expected: String, actual: String)
    /// A message carries a format version this build does not read.
    case unsupportedVersion(UInt8)
    /// A message belongs to another round.
    case wrongRound(expected: UInt64, actual: UInt64)
    /// A message names a client id outside the cohort or outside the set expected at this point.
    case unknownClient(UInt32)
    /// A client id appears twice where ids must be distinct (or a client sent a message twice).
    case duplicateClient(UInt32)
    /// A message was addressed to another client, or names a sender that is not a neighbour.
    case wrongReceiver(UInt32)
    /// A client that is not a neighbour where one was required.
    case notNeighbour(UInt32)
    /// An Ed25519 signature did not verify against the registry key of `client`.
    case invalidSignature(client: UInt32)
    /// The session id the server announced differs from the one recomputed from the advertisements.
    case sessionIDMismatch
    /// The key broadcast omits or alters this client's own advertisement.
    case ownAdvertisementMissing
    /// Fewer participants than the threshold remain at `phase` (globally or in a neighbourhood).
    case tooFewClients(phase: Phase, available: Int, required: Int)
    /// Fewer valid consistency-check signatures on the survivor list than the threshold.
    case tooFewSignatures(valid: Int, required: Int)
    /// X25519 with a peer's key gave the all-zero secret (low-order key); refused.
    case weakPeerKey(UInt32)
    /// An encrypted share from `sender` failed authentication (tampered, replayed or misaddressed).
    case shareDecryptionFailed(sender: UInt32)
    /// A message could not be parsed or has inconsistent content (`what` says which check failed).
    case malformedMessage(String)
    /// An unmasking request names `client` both as survivor and as dropped.
    case clientInBothSets(UInt32)
    /// An unmasking request names the requested client itself as dropped, or omits it from the survivors.
    case requestNamesSelf
    /// An unmasking request leaves a neighbour `client` (holding this client's share) in neither set.
    case neighbourUnaccounted(UInt32)
    /// The survivor list differs from the one this client signed in the consistency check.
    case survivorListChanged
    /// An input vector (or a masked vector) has the wrong number of coordinates.
    case wrongVectorLength(expected: Int, actual: Int)
    /// An input coordinate is ≥ 2^b.
    case inputOutOfRange(index: Int)
    /// Fewer than t shares arrived to unmask `client`; the server refuses rather than output a wrong sum.
    case tooFewShares(client: UInt32, available: Int, required: Int)
    /// Shares of `client` reconstructed to a value that does not match its advertised commitment or key.
    case reconstructionMismatch(client: UInt32)
    /// A Shamir operation failed.
    case shamir(Sharing)
    /// A packed vector failed validation.
    case bitPacking(Packing)
    /// The round's threshold is below the client's security floor (``SecurityFloor``): with degree k and
    /// `colluders` assumed colluding clients a dishonest server could rebuild one client's secrets unless
    /// t ≥ `required`. Raised before any key is generated.
    case belowSecurityFloor(threshold: Int, required: Int, degree: Int, colluders: Int)
    /// The state machine was aborted earlier for `reason`; no further operation is possible.
    case aborted(reason: String)
}
