/// The five protocol phases (Bonawitz et al. 2017 rounds 0–4). A client "dropped at phase p" sends nothing
/// from phase p on.
public enum Phase: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case advertiseKeys = 0
    case shareKeys = 1
    case maskedInput = 2
    case consistencyCheck = 3
    case unmasking = 4

    public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .advertiseKeys: return "AdvertiseKeys"
        case .shareKeys: return "ShareKeys"
        case .maskedInput: return "MaskedInput"
        case .consistencyCheck: return "ConsistencyCheck"
        case .unmasking: return "Unmasking"
        }
    }
}
