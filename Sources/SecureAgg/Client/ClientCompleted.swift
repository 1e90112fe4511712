/// Terminal client state: the unmasking response was sent; every secret share has been released from memory.
struct ClientCompleted: Sendable {
    let survivors: [UInt32]
}
