import Foundation
import Testing

@testable import SecAggTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Availability of `serve` and `client` (issue 12, item 5): a flood of unauthenticated connections, clients
/// that start before the server, a server that goes silent, and messages over the gRPC limit. Every wait is
/// bounded; every child process and socket is closed when a test ends.
@Suite(.serialized)
struct AvailabilityTests {
    @Test func twoHundredIdleUnauthenticatedConnectionsDoNotLockOutTheCohort() throws {
        let fixture = try LoopbackFixture(clients: 4)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let started = Date()
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--out", "average.safetensors"], clients: 4,
            joinTimeout: 30, group: group)
        // 200 TCP connections from 127.0.0.1 (the clients' own address), each opening a Session stream that
        // never sends Hello; they stay open while the honest clients join.
        let flood = try IdleSessionFlood(port: port, connections: 200)
        defer { flood.close() }
        usleep(200_000)
        // The server holds idle connections for --handshake-timeout (10 s), far longer than the clients need.
        #expect(flood.openConnections() == 200, "the flood's connections should be open when the clients start")
        let clients = try (1...4).map { try fixture.startClient($0, port: port, group: group) }
        #expect(server.wait(seconds: 50) == 0, "serve failed: \(server.stderr)")
        for c in clients { #expect(c.wait(seconds: 10) == 0, "\(c.name) failed: \(c.stderr)") }
        let round = try #require((try server.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["survivor_ids"] as? [Int] == [1, 2, 3, 4])
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func clientsStartedBeforeTheServerListensRetryUntilItDoes() throws {
        let fixture = try LoopbackFixture(clients: 4)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let port = try FreePort.pick()
        let clients = try (1...4).map {
            try fixture.startClient($0, port: port, extra: ["--join-timeout", "30"], group: group)
        }
        sleep(2)
        for c in clients { #expect(c.process.isRunning, "\(c.name) gave up before the server listened: \(c.stderr)") }
        let (server, _) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10"], clients: 4, port: port, group: group)
        #expect(server.wait(seconds: 60) == 0, "serve failed: \(server.stderr)")
        for c in clients {
            #expect(c.wait(seconds: 10) == 0, "\(c.name) failed: \(c.stderr)")
            #expect(c.stderr.contains("retrying in"), "\(c.name) should have retried: \(c.stderr)")
        }
    }

    @Test func aClientStillUnableToConnectAtItsJoinDeadlineSaysSo() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let client = try fixture.startClient(
            1, port: try FreePort.pick(), extra: ["--join-timeout", "2"], group: group)
        #expect(client.wait(seconds: 20) == 1)
        #expect(client.stderr.contains("attempts in --join-timeout 2 s"), "\(client.stderr)")
        // Said plainly, with what to do, instead of the transport's connection dump.
        #expect(client.stderr.contains("nothing listens there (connection refused"), "\(client.stderr)")
        #expect(client.stderr.contains("start serve first, or check --server"), "\(client.stderr)")
        #expect(!client.stderr.contains("Could not establish a connection"), "\(client.stderr)")
    }

    @Test func aClientGivesUpWithinItsIdleLimitWhenTheServerGoesSilentAfterWelcome() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        // The cohort never completes (one of two clients), so after Welcome the server sends nothing more.
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp"], clients: 2, joinTimeout: 120, group: group)
        let start = Date()
        let client = try fixture.startClient(1, port: port, extra: ["--idle-timeout", "2"], group: group)
        #expect(client.wait(seconds: 30) == 1)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 2 && elapsed < 20, "gave up after \(elapsed) s")
        #expect(
            client.stderr.contains("the server sent nothing for 2 s (--idle-timeout) while this client waited"),
            "\(client.stderr)")
        server.kill()
    }

    @Test func aMessageOverTheLimitIsReportedWithItsSizeAndTheLimitWhileTheRoundCompletes() throws {
        let fixture = try LoopbackFixture(clients: 5)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--dropout", "0.2"], clients: 5, group: group)
        let honest = try (1...4).map { try fixture.startClient($0, port: port, group: group) }
        let oversized = try fixture.startClient(
            5, port: port, hooks: ["--misbehave", "oversized-message"], name: "oversized", group: group)
        #expect(server.wait(seconds: 120) == 0, "serve failed: \(server.stderr)")
        for c in honest { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }
        #expect(oversized.wait(seconds: 30) == 1)
        let limit = WireProtocol.maxMessageBytes
        #expect(
            oversized.stderr.contains("limit exceeded: message of ")
                && oversized.stderr.contains(" bytes exceeds the limit of \(limit) bytes"),
            "\(oversized.stderr)")
        #expect(!oversized.stderr.contains("Failed to decode message"), "\(oversized.stderr)")
        #expect(server.stderr.contains("client 5 dropped: it sent a message over the limit of \(limit) bytes"))
        let round = try #require((try server.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["survivor_ids"] as? [Int] == [1, 2, 3, 4])
    }

    @Test func peerAddressesAreCountedByHostOrIPv6Prefix() {
        #expect(PeerAddress.key("ipv4:127.0.0.1:54321") == "127.0.0.1")
        #expect(PeerAddress.key("ipv6:[2001:db8:1:2:3:4:5:6]:443") == "2001:db8:1:2::/64")
        #expect(PeerAddress.key("ipv6:[2001:db8:1:2::9]:1") == PeerAddress.key("ipv6:[2001:db8:1:2:ffff::1]:2"))
        #expect(PeerAddress.key("ipv6:[::ffff:10.1.2.3]:80") == "10.1.2.3")
        #expect(PeerAddress.key("unix:/tmp/s") == "unix:/tmp/s")
    }

    @Test func joinBackoffDoublesToTwoSecondsWithJitter() {
        var backoff = JoinBackoff()
        let delays = (0..<8).map { _ in backoff.next() / .seconds(1) }
        #expect(delays[0] >= 0.05 && delays[0] < 0.15)
        #expect(delays[1] >= 0.1 && delays[1] < 0.3)
        for d in delays.suffix(3) { #expect(d >= 1 && d < 3) }
    }
}

/// Plain TCP connections to `serve` that speak just enough HTTP/2 to open a `Session` stream (client preface,
/// empty SETTINGS, one HEADERS frame) and then never send anything: unauthenticated sessions held open.
final class IdleSessionFlood {
    private var sockets: [Int32] = []

    init(port: Int, connections: Int) throws {
        let request = Self.openStream(port: port)
        for _ in 0..<connections {
            let fd = socket(AF_INET, streamSocket, 0)
            guard fd >= 0 else { throw FloodError.socket(errno) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                closeSocket(fd)
                throw FloodError.connect(errno)
            }
            sockets.append(fd)
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, noSignal) }
            guard sent == request.count else { throw FloodError.send(errno) }
        }
    }

    /// Connections the server has not closed (a read that would block, rather than end of stream or error).
    func openConnections() -> Int {
        var open = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        let size = buffer.count
        for fd in sockets {
            var alive = true
            while true {
                let n = recv(fd, &buffer, size, Int32(MSG_DONTWAIT))
                if n > 0 { continue }
                alive = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                break
            }
            if alive { open += 1 }
        }
        return open
    }

    func close() {
        for fd in sockets { closeSocket(fd) }
        sockets = []
    }

    /// Client preface, an empty SETTINGS frame, and HEADERS (END_HEADERS, stream 1) for the `Session` RPC,
    /// each header a literal without indexing (HPACK, no Huffman coding).
    private static func openStream(port: Int) -> [UInt8] {
        var bytes = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        bytes += [0, 0, 0, 0x04, 0, 0, 0, 0, 0]
        var block: [UInt8] = []
        for (name, value) in [
            (":method", "POST"), (":scheme", "http"), (":path", "/secagg.v1.Aggregation/Session"),
            (":authority", "127.0.0.1:\(port)"), ("content-type", "application/grpc"), ("te", "trailers"),
        ] {
            block += [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        bytes += [0, UInt8(block.count >> 8), UInt8(block.count & 0xff), 0x01, 0x04, 0, 0, 0, 1]
        bytes += block
        return bytes
    }

    enum FloodError: Error {
        case socket(Int32)
        case connect(Int32)
        case send(Int32)
    }
}

/// A port nobody listens on right now (bound to port 0 and released; loopback only).
enum FreePort {
    static func pick() throws -> Int {
        let fd = socket(AF_INET, streamSocket, 0)
        defer { closeSocket(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw IdleSessionFlood.FloodError.socket(errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

#if canImport(Glibc)
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let noSignal = Int32(MSG_NOSIGNAL)
private func closeSocket(_ fd: Int32) { Glibc.close(fd) }
#else
private let streamSocket = SOCK_STREAM
private let noSignal: Int32 = 0
private func closeSocket(_ fd: Int32) { Darwin.close(fd) }
#endif
