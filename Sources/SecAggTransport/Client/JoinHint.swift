import Foundation

/// The sentence a client prints when it gave up joining. The transport's own text says what failed (a refused
/// connection, a closed stream, a TLS alert, with a BoringSSL dump) but not why; the usual why is a mismatch
/// the operator can fix, so the known causes are named in plain words with the flag that fixes them.
enum JoinHint {
    /// The error to report after the last join attempt: for a recognised cause, what happened and what to do
    /// (the transport's text left out); otherwise `failure` as it was, with `gaveUp`.
    ///
    /// - Parameters:
    ///   - gaveUp: "gave up after N attempts in --join-timeout S s".
    ///   - tls: whether the client used TLS (`--tls-ca`).
    static func finalFailure(
        _ failure: TransportError, gaveUp: String, host: String, port: Int, tls: Bool
    ) -> TransportError {
        guard case .remote(let text) = failure, text.hasPrefix("unavailable"),
            let cause = cause(text, host: host, port: port, tls: tls)
        else { return .remote("\(failure) (\(gaveUp))") }
        return .remote("could not join \(host):\(port): \(cause.what) (\(gaveUp)); \(cause.fix)")
    }

    /// A failed join attempt as a log line: the recognised cause in plain words, else the failure as it was.
    static func attemptFailure(_ failure: TransportError, host: String, port: Int, tls: Bool) -> String {
        guard case .remote(let text) = failure, let cause = cause(text, host: host, port: port, tls: tls) else {
            return "\(failure)"
        }
        return "cannot join \(host):\(port) yet: \(cause.what)"
    }

    /// What happened and what to do, for the causes recognised in the transport's `text`.
    static func cause(_ text: String, host: String, port: Int, tls: Bool) -> (what: String, fix: String)? {
        if text.contains(String(cString: strerror(ECONNREFUSED))) || text.contains("(errno: \(ECONNREFUSED))") {
            return ("nothing listens there (connection refused)", "start serve first, or check --server")
        }
        if tls && text.contains("WRONG_VERSION_NUMBER") {
            return (
                "the server answered without TLS (it runs without --tls-cert)",
                "drop --tls-ca to connect in plaintext (loopback or trusted networks only), or start serve with "
                    + "--tls-cert and --tls-key"
            )
        }
        if tls && text.contains("CERTIFICATE_VERIFY_FAILED") {
            return (
                "the server's TLS certificate does not verify against --tls-ca",
                "pass the CA certificate that signed the server's certificate (Scripts/dev-certs.sh writes it as "
                    + "ca.pem), and check that the certificate names \(host)"
            )
        }
        if !tls && text.contains("closed the connection before completing the HTTP/2 connection preface") {
            return (
                "the server closed the connection before HTTP/2 started, as a TLS server does with a plaintext client",
                "if the server uses TLS (serve --tls-cert), pass --tls-ca with the CA certificate that signed its "
                    + "certificate"
            )
        }
        return nil
    }
}
