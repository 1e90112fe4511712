extension DPNoiseError {
    /// Errors of the privacy accountant, the distributed-DP parameter derivation and the calibration.
    ///
    /// Every case names the offending quantity (an ``AccountingParameter``, never a string) so the text stands alone
    /// and a command line can point at its flag.
    public enum Accounting: Error, Equatable, Sendable, CustomStringConvertible {
        /// A parameter is outside its domain (`reason` says what is expected and what was given).
        case invalidParameter(AccountingParameter, reason: String)
        /// The configured bit width cannot hold the k-standard-deviation bound of the modular sum.
        /// `bits` is the configured width, `requiredBits` the smallest width that would fit (0 when none ≤ 32 does).
        case insufficientBits(bits: Int, requiredBits: Int)
        /// No noise multiplier (or client count) in the searched range meets the target.
        case calibrationFailed(reason: String)

        /// The parameter the error is about (for `invalidParameter` and `insufficientBits`), or nil.
        public var parameter: AccountingParameter? {
            switch self {
            case .invalidParameter(let parameter, _): parameter
            case .insufficientBits: .bits
            case .calibrationFailed: nil
            }
        }

        public var description: String {
            switch self {
            case .invalidParameter(let parameter, let reason):
                "invalid \(parameter): \(reason)"
            case .insufficientBits(let bits, let requiredBits):
                requiredBits > 0
                    ? "bits: \(bits) bits cannot hold the modular sum; at least \(requiredBits) needed"
                    : "bits: \(bits) bits cannot hold the modular sum and no width up to 32 can"
            case .calibrationFailed(let reason):
                "calibration failed: \(reason)"
            }
        }
    }
}

/// Boundary checks shared by the accountant's entry points; each throws `invalidParameter` naming the value.
enum Check {
    static func positive(_ value: Double, _ name: AccountingParameter) throws(DPNoiseError.Accounting) {
        guard value.isFinite, value > 0 else {
            throw .invalidParameter(name, reason: "must be a finite number > 0, got \(value)")
        }
    }

    static func nonNegative(_ value: Double, _ name: AccountingParameter) throws(DPNoiseError.Accounting) {
        guard value.isFinite, value >= 0 else {
            throw .invalidParameter(name, reason: "must be a finite number ≥ 0, got \(value)")
        }
    }

    static func samplingRate(_ q: Double, _ name: AccountingParameter = .samplingRate) throws(DPNoiseError.Accounting) {
        guard q.isFinite, q > 0, q <= 1 else {
            throw .invalidParameter(name, reason: "must be in (0, 1], got \(q)")
        }
    }

    static func delta(_ delta: Double, _ name: AccountingParameter = .delta) throws(DPNoiseError.Accounting) {
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw .invalidParameter(name, reason: "must be in (0, 1), got \(delta)")
        }
    }

    static func steps(_ steps: Int, _ name: AccountingParameter = .steps) throws(DPNoiseError.Accounting) {
        guard steps >= 1 else { throw .invalidParameter(name, reason: "must be ≥ 1, got \(steps)") }
    }

    static func atLeast(_ value: Int, _ minimum: Int, _ name: AccountingParameter) throws(DPNoiseError.Accounting) {
        guard value >= minimum else {
            throw .invalidParameter(name, reason: "must be ≥ \(minimum), got \(value)")
        }
    }

    static func orders(_ orders: [Double], _ name: AccountingParameter = .orders) throws(DPNoiseError.Accounting) {
        guard !orders.isEmpty, orders.allSatisfy({ $0.isFinite && $0 > 1 }) else {
            throw .invalidParameter(name, reason: "must be a non-empty list of finite orders > 1")
        }
    }
}
