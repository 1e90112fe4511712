/// Sentences for users and operators: what happened, and where useful what to do. No case carries secrets.
extension SecureAggError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidParameter(let what): return "invalid parameter: \(what)"
        case .wrongState(let expected, let actual):
            return "a message arrived in protocol state \(actual), which expects \(expected)"
        case .unsupportedVersion(let v): return "message format version \(v) is not supported by this build"
        case .wrongRound(let expected, let actual): return "a message for round \(actual) arrived during round \(expected)"
        case .unknownClient(let id): return "client \(id) is not in the cohort, or not expected at this point"
        case .duplicateClient(let id): return "client \(id) appears twice (or sent its message twice)"
        case .wrongReceiver(let id): return "a message addressed to client \(id) reached another client"
        case .notNeighbour(let id): return "client \(id) is not a neighbour in the round's graph"
        case .invalidSignature(let id): return "client \(id)'s signature does not verify against its registry key"
        case .sessionIDMismatch:
            return "the server's session id differs from the one recomputed from the signed advertisements"
        case .ownAdvertisementMissing: return "the key broadcast omits or alters this client's own advertisement"
        case .tooFewClients(let phase, let available, let required):
            return "only \(available) clients remain at \(phase), the round needs \(required)"
        case .tooFewSignatures(let valid, let required):
            return "only \(valid) valid signatures on the survivor list, the quorum is \(required): "
                + "no share is revealed"
        case .weakPeerKey(let id): return "client \(id) advertised a low-order key (all-zero key agreement)"
        case .shareDecryptionFailed(let sender):
            return "the encrypted share from client \(sender) failed authentication (tampered or misaddressed)"
        case .malformedMessage(let what): return "malformed message: \(what)"
        case .clientInBothSets(let id): return "the unmasking request names client \(id) both as survivor and as dropped"
        case .requestNamesSelf: return "the request names this client as dropped, or omits it from the survivors"
        case .neighbourUnaccounted(let id):
            return "the unmasking request leaves neighbour \(id) in neither the survivor nor the dropped list"
        case .survivorListChanged: return "the survivor list differs from the one this client signed"
        case .wrongVectorLength(let expected, let actual):
            return "a vector has \(actual) coordinates, the round has \(expected)"
        case .inputOutOfRange(let index): return "input coordinate \(index) is not below 2^bits"
        case .tooFewShares(let client, let available, let required):
            return "only \(available) shares arrived to unmask client \(client), \(required) are needed"
        case .reconstructionMismatch(let client):
            return "the shares of client \(client) rebuilt a value that does not match its commitment"
        case .shamir(let e): return "secret sharing failed: \(e)"
        case .bitPacking(let e): return "a packed vector is invalid: \(e)"
        case .belowSecurityFloor(let t, let required, let k, let c):
            return "the announced threshold t = \(t) is below this client's security floor \(required) for degree "
                + "k = \(k) and \(c) assumed colluder(s) (t must exceed (k + c)/2 and c): a dishonest server could "
                + "rebuild one client's secrets; nothing was sent"
        case .aborted(let reason): return "the round was aborted earlier: \(reason)"
        }
    }
}
