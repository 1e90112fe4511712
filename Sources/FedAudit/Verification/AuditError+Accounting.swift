extension AuditError {
    /// Why an ``AuditAccountant`` could not recompute ε.
    public enum Accounting: Error, Equatable, Sendable, CustomStringConvertible {
        /// Round `round` has other privacy parameters than the first charged round (identical-rounds accountant only).
        case differentParameters(round: Int)
        /// Two rounds' RDP curves are on different orders.
        case differentOrders
        /// The recorded parameters do not describe an accountable round.
        case invalidParameters(String)

        public var description: String {
            switch self {
            case .differentParameters(let r):
                "round \(r) has different privacy parameters; this accountant composes identical rounds only"
            case .differentOrders: "RDP curves of two rounds are on different orders"
            case .invalidParameters(let s): "recorded parameters cannot be accounted: \(s)"
            }
        }
    }
}
