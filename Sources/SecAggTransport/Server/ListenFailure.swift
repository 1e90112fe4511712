import Foundation

/// Why `serve` could not listen, as one sentence saying what to do (never the transport's own dump).
enum ListenFailure {
    /// The sentence for the error the server's bind failed with. Recognises the operating system's errno text
    /// (as the NIO transport prints it) for "address in use", "permission denied" and "address not
    /// available"; anything else is reported with its own text after a plain lead.
    static func describe(_ error: any Error, host: String, port: Int) -> TransportError {
        let text = "\(error)"
        func mentions(_ code: Int32) -> Bool {
            text.contains("(errno: \(code))") || text.contains(String(cString: strerror(code)))
        }
        if mentions(EADDRINUSE) {
            return .configuration(
                "address already in use: another process listens on \(host):\(port); stop it or choose another "
                    + "port with --listen (port 0 picks a free one, see --port-file)")
        }
        if mentions(EACCES) {
            return .configuration(
                "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges); choose a "
                    + "port of 1024 or more with --listen")
        }
        if mentions(EADDRNOTAVAIL) {
            return .configuration(
                "cannot listen on \(host):\(port): no network interface of this machine has that address; use "
                    + "one of its addresses, 127.0.0.1 or 0.0.0.0 in --listen")
        }
        return .configuration("cannot listen on \(host):\(port) (\(text)); check the address in --listen")
    }
}
