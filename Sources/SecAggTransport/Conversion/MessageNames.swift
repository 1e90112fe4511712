/// Short names of envelope bodies for errors and logs (never the content: it may be large).
extension Secagg_V1_ServerMessage.OneOf_Body {
    var name: String {
        switch self {
        case .challenge: return "Challenge"
        case .welcome: return "Welcome"
        case .roundStart: return "RoundStart"
        case .keyBroadcast: return "KeyBroadcast"
        case .shareBroadcast: return "ShareBroadcast"
        case .consistencyRequest: return "ConsistencyRequest"
        case .unmaskingRequest: return "UnmaskingRequest"
        case .roundResult: return "RoundResult"
        case .roundAborted: return "RoundAborted"
        }
    }
}
