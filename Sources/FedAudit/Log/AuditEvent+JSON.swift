import FedCore
import Foundation

extension AuditEvent {
    /// Canonical JSON of the payload: sorted keys, snake_case, no escaped slashes. Throws on non-finite numbers.
    public func canonicalPayload() throws(AuditError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data: Data
        do {
            switch self {
            case .runStarted(let p): data = try encoder.encode(p)
            case .roundPlanned(let p): data = try encoder.encode(p)
            case .keysAdvertised(let p): data = try encoder.encode(p)
            case .survivors(let p): data = try encoder.encode(p)
            case .consistencyCheck(let p): data = try encoder.encode(p)
            case .roundCharged(let p): data = try encoder.encode(p)
            case .roundCompleted(let p): data = try encoder.encode(p)
            case .roundFailed(let p): data = try encoder.encode(p)
            case .roundClosed(let p): data = try encoder.encode(p)
            case .runClosed(let p): data = try encoder.encode(p)
            }
        } catch {
            throw .invalidEvent(detail: "\(kind.rawValue) cannot be encoded as JSON (non-finite number?)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes a stored payload of `kind`; nil when the kind is unknown or the JSON does not fit it.
    public static func decode(kind: String, payload: String) -> AuditEvent? {
        guard let kind = Kind(rawValue: kind) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let data = Data(payload.utf8)
        func d<T: Decodable>(_ type: T.Type) -> T? { try? decoder.decode(type, from: data) }
        switch kind {
        case .runStarted: return d(RunStarted.self).map { .runStarted($0) }
        case .roundPlanned: return d(RoundPlanned.self).map { .roundPlanned($0) }
        case .keysAdvertised: return d(KeysAdvertised.self).map { .keysAdvertised($0) }
        case .survivors: return d(Survivors.self).map { .survivors($0) }
        case .consistencyCheck: return d(ConsistencyCheck.self).map { .consistencyCheck($0) }
        case .roundCharged: return d(AuditRoundCharged.self).map { .roundCharged($0) }
        case .roundCompleted: return d(AuditRoundCompleted.self).map { .roundCompleted($0) }
        case .roundFailed: return d(AuditRoundFailed.self).map { .roundFailed($0) }
        case .roundClosed: return d(RoundClosed.self).map { .roundClosed($0) }
        case .runClosed: return d(RunClosed.self).map { .runClosed($0) }
        }
    }
}
