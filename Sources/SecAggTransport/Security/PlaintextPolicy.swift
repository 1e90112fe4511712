/// When `client` may talk to the server without TLS.
///
/// Without TLS the masked vectors and the round metadata (who dropped) are visible to anyone on the path, and
/// an attacker can drop or delay messages; the server signatures (``ServerMessageAuthentication``) keep it from
/// posing as the server, but not from watching. So plaintext is allowed only to a literal loopback address
/// (127.0.0.0/8, ::1; `localhost` is read as 127.0.0.1 by the CLI), or when the operator says `--insecure`.
/// Host names are not resolved for this check: a name that resolves to loopback still needs TLS or
/// `--insecure`.
public enum PlaintextPolicy {
    /// True for 127.0.0.0/8 written as four decimal octets, and for `::1` (with or without brackets).
    public static func isLoopback(_ host: String) -> Bool {
        var h = host
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }) else {
            return false
        }
        return parts[0] == "127"
    }

    /// - Throws: ``TransportError/configuration(_:)`` for plaintext to a non-loopback `host` without `insecure`.
    public static func check(host: String, port: Int, tls: Bool, insecure: Bool) throws(TransportError) {
        guard !tls, !insecure, !isLoopback(host) else { return }
        throw .configuration(
            "refusing to connect to \(host):\(port) without TLS: the masked update and the round's metadata would "
                + "cross the network in the clear. Give --tls-ca (the CA of the server's certificate), or "
                + "--insecure to accept plaintext anyway (server messages stay signed, but are readable by anyone "
                + "on the path)")
    }
}
