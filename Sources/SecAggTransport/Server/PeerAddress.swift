#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key under which `serve` counts a peer's unauthenticated sessions: the host part of gRPC's
/// `ServerContext.remotePeer` (`ipv4:1.2.3.4:5678` → `1.2.3.4`; `ipv6:[2001:db8::1]:5678` → its /64,
/// `2001:db8:0:0::/64`, since one host usually holds a whole /64). Anything else is taken as it is.
enum PeerAddress {
    static func key(_ remotePeer: String) -> String {
        if remotePeer.hasPrefix("ipv4:") {
            let rest = remotePeer.dropFirst(5)
            guard let colon = rest.lastIndex(of: ":") else { return String(rest) }
            return String(rest[..<colon])
        }
        if remotePeer.hasPrefix("ipv6:") {
            var rest = Substring(remotePeer.dropFirst(5))
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                rest = rest[rest.index(after: rest.startIndex)..<close]
            }
            return ipv6Prefix(String(rest)) ?? String(rest)
        }
        return remotePeer
    }

    /// The /64 of an IPv6 address (an IPv4-mapped address gives its IPv4 form); nil if it does not parse.
    private static func ipv6Prefix(_ host: String) -> String? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &address) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12..<16].map { String($0) }.joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }

    /// A duration as seconds for messages (`10`, `0.5`).
    static func seconds(_ d: Duration) -> String {
        let value = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
