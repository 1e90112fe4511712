import Foundation
import GRPCNIOTransportHTTP2

/// PEM files for TLS. The server presents `certificateChain` + `privateKey`; the client trusts `caCertificate`
/// (a dev CA from `secagg-tool dev-certs`, or the operator's) and verifies the server's name against it.
public enum TLSFiles {
    static func requireReadable(_ path: String, what: String) throws(TransportError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .configuration("\(path): cannot read the \(what)")
        }
    }

    static func serverSecurity(certificate: String, key: String) throws(TransportError)
        -> HTTP2ServerTransport.Posix.TransportSecurity
    {
        try requireReadable(certificate, what: "TLS certificate")
        try requireReadable(key, what: "TLS private key")
        return .tls(
            certificateChain: [.file(path: certificate, format: .pem)], privateKey: .file(path: key, format: .pem))
    }

    static func clientSecurity(ca: String) throws(TransportError) -> HTTP2ClientTransport.Posix.TransportSecurity {
        try requireReadable(ca, what: "TLS CA certificate")
        return .tls { config in
            config.trustRoots = .certificates([.file(path: ca, format: .pem)])
            config.serverCertificateVerification = .fullVerification
        }
    }
}
