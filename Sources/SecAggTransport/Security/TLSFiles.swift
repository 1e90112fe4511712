import Foundation
import GRPCNIOTransportHTTP2
import NIOSSL

/// PEM files for TLS. The server presents `certificateChain` + `privateKey`; the client trusts `caCertificate`
/// (a dev CA from `Scripts/dev-certs.sh`, or the operator's) and verifies the server's name against it.
public enum TLSFiles {
    static func requireReadable(_ path: String, what: String) throws(TransportError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .configuration("\(path): cannot read the \(what)")
        }
    }

    /// The server's transport security and the channel it serves. The certificate file is read once: the chain
    /// the transport presents and the leaf whose hash the handshake signs come from the same bytes.
    static func serverSecurity(certificate: String, key: String) throws(TransportError)
        -> (HTTP2ServerTransport.Posix.TransportSecurity, ChannelBinding)
    {
        try requireReadable(certificate, what: "TLS certificate")
        try requireReadable(key, what: "TLS private key")
        let pem = try read(certificate, what: "TLS certificate")
        let channel = try servedChannel(certificatePEM: pem, path: certificate)
        return (
            .tls(certificateChain: [.bytes(pem, format: .pem)], privateKey: .file(path: key, format: .pem)), channel
        )
    }

    /// The binding of the first certificate (the leaf) of a PEM chain: what a server with this `--tls-cert`
    /// presents.
    /// - Throws: ``TransportError/configuration(_:)`` when the file holds no certificate.
    public static func servedChannel(certificatePEM pem: [UInt8], path: String) throws(TransportError) -> ChannelBinding {
        do {
            guard let leaf = try NIOSSLCertificate.fromPEMBytes(pem).first else {
                throw TransportError.configuration(
                    "\(path): no certificate in the TLS certificate file; give the certificate chain in PEM, leaf first")
            }
            return ChannelBinding(certificateDER: try leaf.toDERBytes())
        } catch let error as TransportError {
            throw error
        } catch {
            throw .configuration(
                "\(path): the TLS certificate cannot be read as PEM (\(error)); give the certificate chain in PEM, leaf first")
        }
    }

    /// The trust roots of `--tls-ca` (DER), read once per client run.
    static func clientRoots(ca: String) throws(TransportError) -> (path: String, der: [[UInt8]]) {
        try requireReadable(ca, what: "TLS CA certificate")
        let pem = try read(ca, what: "TLS CA certificate")
        do { return (ca, try NIOSSLCertificate.fromPEMBytes(pem).map { try $0.toDERBytes() }) } catch {
            throw .configuration(
                "\(ca): the TLS CA certificate cannot be read as PEM (\(error)); give the CA certificate(s) in PEM")
        }
    }

    /// The client's transport security: `check` validates the server's chain against the roots of `ca` and
    /// records the certificate it accepted (``ServerCertificateCheck``); NIOSSL checks the server's name.
    static func clientSecurity(ca: String, check: ServerCertificateCheck) -> HTTP2ClientTransport.Posix.TransportSecurity {
        .tls { config in
            config.trustRoots = .certificates([.file(path: ca, format: .pem)])
            config.serverCertificateVerification = .fullVerification
            config.customVerificationCallback = { certificates, promise in check.verify(certificates, promise) }
        }
    }

    private static func read(_ path: String, what: String) throws(TransportError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("\(path): cannot read the \(what)")
        }
        return [UInt8](data)
    }
}
