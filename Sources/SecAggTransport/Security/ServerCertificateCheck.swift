import Foundation
import NIOCore
import NIOSSL
import Sodium
import SwiftASN1
import Synchronization
import X509

/// The client's check of the server's TLS certificate chain, which also records the certificate it accepted so
/// the handshake can bind it (``ChannelBinding``, Docs/wire.md § 4.2).
///
/// gRPC's client transport lets the application see the server's certificate only through a custom verification
/// callback, and NIOSSL's custom callback replaces BoringSSL's chain validation. So this callback validates the
/// chain itself, with swift-certificates' `Verifier`: the RFC 5280 policy (signatures up to a root of `--tls-ca`,
/// validity periods now, basic and name constraints, critical extensions) and, as BoringSSL does for a TLS client,
/// an extended key usage that allows server authentication when the leaf has one. The server's name is still
/// checked by NIOSSL after the handshake against the address the client dialled (`fullVerification`: a DNS name
/// against the certificate's DNS names, the connected address against its IP addresses), as without the callback.
///
/// One check belongs to one connection attempt (one transport). It records the hash of every leaf certificate it
/// accepted; ``binding()`` is the one certificate the attempt saw. Should the transport have opened more than one
/// connection with different certificates, the client cannot tell which one carries its session, and refuses.
final class ServerCertificateCheck: Sendable {
    private let roots: [Certificate]
    private let accepted = Mutex<Set<[UInt8]>>([])

    /// - Parameter caCertificates: the DER certificates of `--tls-ca` (the trust roots).
    init(caCertificates: [[UInt8]]) throws(TransportError) {
        var roots: [Certificate] = []
        for der in caCertificates {
            do { roots.append(try Certificate(derEncoded: der)) } catch {
                throw .configuration("--tls-ca holds a certificate that cannot be parsed: \(error)")
            }
        }
        guard !roots.isEmpty else { throw .configuration("--tls-ca holds no certificate") }
        self.roots = roots
    }

    /// The channel binding of the certificates accepted so far.
    /// - Throws: ``TransportError/remote(_:)`` when none was accepted yet, or when connections of this attempt
    ///   presented different certificates.
    func binding() throws(TransportError) -> ChannelBinding {
        let hashes = accepted.withLock { $0 }
        guard let hash = hashes.first else {
            throw .remote("the session began before any TLS certificate of the server was verified")
        }
        guard hashes.count == 1 else {
            throw .remote(
                "the server presented \(hashes.count) different TLS certificates on the connections of one attempt; "
                    + "this client cannot tell which one carries its session and does not continue")
        }
        return .tlsCertificate(hash: hash)
    }

    /// The NIOSSL callback: validates `presented` (leaf first) and records the leaf on success. It runs on the
    /// connection's event loop and completes `promise` from a task.
    func verify(_ presented: [NIOSSLCertificate], _ promise: EventLoopPromise<NIOSSLVerificationResultWithMetadata>) {
        let roots = self.roots
        Task {
            guard let leafDER = await Self.validatedLeaf(presented, roots: roots) else {
                promise.succeed(.failed)
                return
            }
            self.accepted.withLock { _ = $0.insert(ChannelBinding.hash(certificateDER: leafDER)) }
            promise.succeed(.certificateVerified(VerificationMetadata(nil)))
        }
    }

    /// The leaf's DER when the chain validates; nil when it does not, or the certificates cannot be read.
    private static func validatedLeaf(_ presented: [NIOSSLCertificate], roots: [Certificate]) async -> [UInt8]? {
        do {
            let ders = try presented.map { try $0.toDERBytes() }
            guard let leafDER = ders.first else { return nil }
            let leaf = try Certificate(derEncoded: leafDER)
            let intermediates = try ders.dropFirst().map { try Certificate(derEncoded: $0) }
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
                RFC5280Policy()
                ServerAuthenticationUsagePolicy()
            }
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates))
            guard case .validCertificate = result else { return nil }
            return leafDER
        } catch { return nil }
    }
}

/// A leaf with an extended key usage extension must allow server authentication (or any usage), as BoringSSL
/// requires of a TLS server's certificate. Subject alternative names are left to NIOSSL's name check after the
/// handshake (a critical one is accepted here so that check can run).
struct ServerAuthenticationUsagePolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.extendedKeyUsage, .X509ExtensionID.subjectAlternativeName,
    ]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        let usage: ExtendedKeyUsage?
        do { usage = try chain.leaf.extensions.extendedKeyUsage } catch {
            return .failsToMeetPolicy(reason: "the leaf's extended key usage cannot be parsed: \(error)")
        }
        guard let usage else { return .meetsPolicy }
        if usage.contains(.serverAuth) || usage.contains(.any) { return .meetsPolicy }
        return .failsToMeetPolicy(reason: "the leaf's extended key usage does not allow server authentication")
    }
}
