/// Terminal client state: a peer or the server misbehaved (or the round could not continue); `reason` says
/// why. All key material has been released.
struct ClientAborted: Sendable {
    let reason: SecureAggError
}
